// @ts-check
'use strict';

// Benchmarks the Qase SCIM node in n8n's real engine against the Qase sandbox, every figure
// measured side by side in one run: Sync Users against the naive per-user workflow, batched
// Find by Email, the engine's overhead over plain axios, parallel and rate-limited creates, and
// the peak memory of a 50,000-user sync. Prints a table and writes bench/results.json.
// Run: npm run bench (builds first).
//
// The sandbox runs in this process; the node runs in a child process ("runner"), so the
// server's CPU and memory are not counted against the node, as with a remote Qase. Every SCIM
// request is held LATENCY_MS by the sandbox so round trips count as they do over a network.

const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Added by the sandbox to every SCIM request: 10 ms, still well under a real round trip to Qase from a self-hosted n8n. BENCH_LATENCY_MS overrides it to see how the figures move. */
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 10);
const TOKEN = 'bench-token-7c1e';
const MAX_PAGE_SIZE = 100;
const RUNNER_ARG = '--bench-runner';
const RESULTS_FILE = path.join(__dirname, 'results.json');

const SYNC_USERS = 10000;
const SYNC_DRIFT = 0.01;
const LOOKUP_ITEMS = 1000;
const LOOKUPS_PER_BATCH = 50;
const OVERHEAD_GETS = 1000;
const OVERHEAD_ROUNDS = 3;
const CREATES = 2000;
const RATE_LIMIT_PER_MINUTE = 600;
const RATE_LIMITED_CREATES = 800;
/** The node's token bucket starts with this many (2 s at 600/min); the steady part follows. */
const RATE_LIMIT_BURST = RATE_LIMIT_PER_MINUTE / 30;
const MEMORY_SYNC_USERS = 50000;
const MEMORY_SYNC_DRIFT = 0.002;
const MEMORY_SAMPLE_MS = 5;

/** No client-side rate limit: these runs measure the node, not the limiter. */
const NO_LIMIT = { requestsPerMinute: 0 };
/** One item at a time, as a naive workflow or a plain loop runs. */
const SEQUENTIAL = { ...NO_LIMIT, parallelism: 1 };

/** Where each directory field comes from in an input item. */
const directoryFields = {
	email: '={{ $json.email }}',
	firstName: '={{ $json.first }}',
	lastName: '={{ $json.last }}',
	// Sync treats listed users as active anyway; Create or Update needs it said to reactivate.
	additionalFields: { active: true },
};

const syncParameters = {
	operation: 'sync',
	...directoryFields,
	removeMissing: true,
	missingUserAction: 'deactivate',
	maxRemovals: 0,
	maxRemovalPercent: 0,
	// The node's default parallelism: Sync as users run it.
	requestOptions: NO_LIMIT,
};

/** @param {number} i @param {string} [prefix] */
const person = (i, prefix = 'user') => ({ email: `${prefix}${i}@example.com`, first: `Given${i}`, last: `Family${i}` });

/** A directory person as the sandbox stores them. @param {ReturnType<typeof person>} who @param {object} [overrides] */
const asQaseUser = ({ email, first, last }, overrides = {}) => ({ userName: email, name: { givenName: first, familyName: last }, ...overrides });

/** @param {number} from @param {number} to */
const range = (from, to) => Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);

/**
 * A directory of `size` users against a Qase of `size` users, `drift` of them out of step in
 * four equal parts: renamed in Qase, inactive in Qase but listed, listed but missing in Qase,
 * active in Qase but not listed. Deterministic, so the parent and the runner build the same.
 * @param {number} size @param {number} drift share, e.g. 0.01
 */
function driftScenario(size, drift) {
	const part = Math.round((size * drift) / 4);
	const isRenamed = (/** @type {number} */ i) => i < part;
	const isInactive = (/** @type {number} */ i) => i >= part && i < 2 * part;
	const listed = [...range(0, size - part), ...range(size, size + part)];
	const unlisted = range(size - part, size);
	return {
		part,
		/** The writes a perfect sync needs: one per drifted user. */
		writes: 4 * part,
		qaseSize: size,
		directory: () => listed.map((i) => person(i)),
		qaseUsers: () =>
			range(0, size).map((i) => {
				const user = asQaseUser(person(i), { active: !isInactive(i) });
				if (isRenamed(i)) user.name.familyName = `Old${i}`;
				return user;
			}),
		/** email -> "first last active|inactive" once Qase matches the directory. */
		convergedState: () => {
			/** @type {Record<string, string>} */
			const state = {};
			for (const i of listed) state[person(i).email] = `${person(i).first} ${person(i).last} active`;
			for (const i of unlisted) state[person(i).email] = `${person(i).first} ${person(i).last} inactive`;
			return state;
		},
	};
}

/** @param {any[]} users as the sandbox returns them */
function stateOf(users) {
	/** @type {Record<string, string>} */
	const state = {};
	for (const user of users) {
		state[user.userName.toLowerCase()] = `${user.name.givenName} ${user.name.familyName} ${user.active === false ? 'inactive' : 'active'}`;
	}
	return state;
}

/** Emails whose state differs between two states (either side). @param {Record<string, string>} a @param {Record<string, string>} b */
function stateDifferences(a, b) {
	const emails = new Set([...Object.keys(a), ...Object.keys(b)]);
	return [...emails].filter((email) => a[email] !== b[email]).length;
}

/** @param {number[]} values */
function median(values) {
	const sorted = [...values].sort((x, y) => x - y);
	return sorted[Math.floor(sorted.length / 2)];
}

/** @param {number} value @param {number} digits */
const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------------
// Runner: the child process that runs the node (and the plain-axios baseline).

function runnerMain() {
	const axios = require('axios').default;
	const { runQase } = require('../test/node/support');
	/** runQase only needs where the server is and the token. */
	const server = (/** @type {string} */ baseUrl) => /** @type {import('../test/node/support').Target} */ (/** @type {unknown} */ ({ baseUrl, token: TOKEN }));

	/** @param {{ items?: object[], scenario?: [number, number] }} args */
	const inputItems = (args) => (args.scenario ? driftScenario(...args.scenario).directory() : (args.items ?? [{}]));

	/**
	 * Runs the node once over the items; reports time and a digest of the output.
	 * @param {{ baseUrl: string, parameters: Record<string, unknown>, items?: object[],
	 *   scenario?: [number, number], returnItems?: boolean }} args
	 */
	async function runNode(args) {
		const items = inputItems(args);
		const started = performance.now();
		const result = await runQase(server(args.baseUrl), args.parameters, { items });
		return { ms: performance.now() - started, ...digest(result, args.returnItems) };
	}

	/**
	 * Like runNode, sampling memory: the peak over the baseline taken (after a GC) with the input
	 * items already built. RSS is sampled every few ms and checked against the OS's own peak.
	 * @param {Parameters<typeof runNode>[0]} args
	 */
	async function runNodeMeasuringMemory(args) {
		const items = inputItems(args);
		const gc = /** @type {() => void} */ (global.gc);
		gc();
		const baseline = process.memoryUsage();
		const maxRssBeforeKb = process.resourceUsage().maxRSS;
		let peakRss = baseline.rss;
		let peakHeapUsed = baseline.heapUsed;
		const sample = () => {
			const now = process.memoryUsage();
			peakRss = Math.max(peakRss, now.rss);
			peakHeapUsed = Math.max(peakHeapUsed, now.heapUsed);
		};
		const sampler = setInterval(sample, MEMORY_SAMPLE_MS);
		const started = performance.now();
		const result = await runQase(server(args.baseUrl), args.parameters, { items });
		const ms = performance.now() - started;
		clearInterval(sampler);
		sample();
		// The OS's lifetime peak catches spikes between samples, when it rose during the run.
		const maxRssAfter = process.resourceUsage().maxRSS * 1024;
		if (process.resourceUsage().maxRSS > maxRssBeforeKb) peakRss = Math.max(peakRss, maxRssAfter);
		return {
			ms,
			...digest(result, false),
			memory: { baselineRss: baseline.rss, peakRss, baselineHeapUsed: baseline.heapUsed, peakHeapUsed },
		};
	}

	/**
	 * The same GETs by id the node sends, with plain axios, one after another.
	 * @param {{ baseUrl: string, ids: string[] }} args
	 */
	async function axiosGets({ baseUrl, ids }) {
		const http = axios.create({ baseURL: baseUrl, headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/scim+json' } });
		const started = performance.now();
		for (const id of ids) await http.get(`/Users/${encodeURIComponent(id)}`);
		return { ms: performance.now() - started };
	}

	/**
	 * Loads and JIT-compiles the engine, the node and axios before anything is timed: lookups,
	 * creates, a sync and plain GETs over a few hundred users of the given (empty) server.
	 * @param {{ baseUrl: string }} args
	 */
	async function warmUp({ baseUrl }) {
		const items = range(0, 300).map((i) => person(i, 'warm.up'));
		const upserts = await runNode({ baseUrl, parameters: { operation: 'createOrUpdate', ...directoryFields, requestOptions: SEQUENTIAL }, items, returnItems: true });
		await runNode({ baseUrl, parameters: { ...syncParameters, dryRun: true }, items });
		await axiosGets({ baseUrl, ids: (upserts.items ?? []).map((item) => String(item.json.id)) });
		return {};
	}

	/** @type {Record<string, (args: any) => Promise<unknown>>} */
	const tasks = { warmUp, runNode, runNodeMeasuringMemory, axiosGets };
	process.on('disconnect', () => process.exit(0));
	process.on('message', async (/** @type {{ id: number, task: string, args: unknown }} */ message) => {
		try {
			process.send?.({ id: message.id, result: await tasks[message.task](message.args) });
		} catch (error) {
			process.send?.({ id: message.id, error: String(/** @type {Error} */ (error).stack ?? error) });
		}
	});
}

/**
 * What the parent needs from a run: counts, the summary item, errors, and the items if asked.
 * @param {{ items: any[], error?: any }} result @param {boolean | undefined} returnItems
 */
function digest(result, returnItems) {
	const last = result.items.at(-1)?.json;
	return {
		error: result.error ? String(result.error.message ?? result.error) : undefined,
		outputItems: result.items.length,
		errorItems: result.items.filter((item) => item.error).length,
		summary: last?.summary ? last : undefined,
		items: returnItems ? result.items.map((item) => ({ json: item.json, pairedItem: item.pairedItem })) : undefined,
	};
}

/**
 * Runs `part` with a fresh, warmed-up runner, so no part pays for module loading or inherits
 * another part's heap. The warm-up leaves `sandbox` reset (empty, no latency).
 * @template T
 * @param {any} sandbox @param {(runner: Runner) => Promise<T>} part
 */
async function withRunner(sandbox, part) {
	const runner = startRunner();
	try {
		sandbox.reset({ seed: false });
		await runner.call('warmUp', { baseUrl: sandbox.baseUrl });
		sandbox.reset({ seed: false });
		return await part(runner);
	} finally {
		runner.stop();
	}
}

/** @typedef {ReturnType<typeof startRunner>} Runner */

/** Starts a runner child process; `call` sends it a task and resolves to the task's result. */
function startRunner() {
	const child = fork(__filename, [RUNNER_ARG], { execArgv: ['--expose-gc'], stdio: 'inherit' });
	let nextId = 0;
	/** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void }>} */
	const pending = new Map();
	child.on('message', (/** @type {{ id: number, result?: unknown, error?: string }} */ { id, result, error }) => {
		const waiter = pending.get(id);
		pending.delete(id);
		if (error !== undefined) waiter?.reject(new Error(`runner: ${error}`));
		else waiter?.resolve(result);
	});
	child.on('exit', (code) => {
		for (const waiter of pending.values()) waiter.reject(new Error(`runner exited with ${code}`));
		pending.clear();
	});
	return {
		/** @param {string} task @param {object} args @returns {Promise<any>} */
		call: (task, args) =>
			new Promise((resolve, reject) => {
				const id = nextId++;
				pending.set(id, { resolve, reject });
				child.send({ id, task, args });
			}),
		stop: () => {
			if (child.connected) child.disconnect();
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Parent: the sandbox, the scenarios and the figures.

/** @typedef {{ name: string, measured: number, target: number, better: 'higher' | 'lower' | 'equal', unit: string }} Figure */

/** Failed correctness checks; a bench whose runs produce wrong results proves nothing. */
/** @type {string[]} */
const checkFailures = [];

/** @param {boolean} ok @param {string} message */
function check(ok, message) {
	if (!ok) {
		checkFailures.push(message);
		console.log(`  CHECK FAILED: ${message}`);
	}
}

/** @param {ReturnType<typeof digest>} run @param {string} what */
function checkRanCleanly(run, what) {
	check(run.error === undefined, `${what}: ${run.error}`);
	check(run.errorItems === 0, `${what}: ${run.errorItems} error items`);
}

/**
 * Puts the sandbox back to the given users, with the bench's latency and fresh counters.
 * @param {any} sandbox @param {object[]} users
 */
function prepare(sandbox, users) {
	sandbox.reset({ seed: false });
	const added = sandbox.addUsers(users);
	sandbox.setFaults({ latencyMs: LATENCY_MS });
	return added;
}

/** @param {any} sandbox */
const requestCount = (sandbox) => sandbox.counters().total;

/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** 1. Sync Users against the naive per-user workflow, from the same drift. */
async function benchSync(/** @type {any} */ sandbox, /** @type {Runner} */ runner) {
	const scenario = driftScenario(SYNC_USERS, SYNC_DRIFT);
	const converged = scenario.convergedState();
	const baseUrl = sandbox.baseUrl;

	prepare(sandbox, scenario.qaseUsers());
	const sync = await runner.call('runNode', { baseUrl, parameters: syncParameters, scenario: [SYNC_USERS, SYNC_DRIFT] });
	const syncRequests = requestCount(sandbox);
	const syncState = stateOf(sandbox.getUsers());
	checkRanCleanly(sync, 'sync');
	check(stateDifferences(syncState, converged) === 0, `sync left ${stateDifferences(syncState, converged)} users out of step`);

	// The hand-built workflow: Create or Update per item, then list Qase and deactivate whoever is
	// active but not in the directory (a Code node's job, done here between the two runs).
	prepare(sandbox, scenario.qaseUsers());
	const upsert = await runner.call('runNode', {
		baseUrl,
		parameters: { operation: 'createOrUpdate', ...directoryFields, requestOptions: SEQUENTIAL },
		scenario: [SYNC_USERS, SYNC_DRIFT],
	});
	const listing = await runner.call('runNode', { baseUrl, parameters: { operation: 'getAll', returnAll: true, requestOptions: SEQUENTIAL }, returnItems: true });
	const listedEmails = new Set(scenario.directory().map((item) => item.email.toLowerCase()));
	const leavers = listing.items
		.map((/** @type {any} */ item) => item.json)
		.filter((/** @type {any} */ user) => user.active !== false && !listedEmails.has(user.email.toLowerCase()))
		.map((/** @type {any} */ user) => ({ id: user.id }));
	const deactivation = await runner.call('runNode', {
		baseUrl,
		parameters: { operation: 'deactivate', user: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, requestOptions: SEQUENTIAL },
		items: leavers,
	});
	const naiveMs = upsert.ms + listing.ms + deactivation.ms;
	const naiveRequests = requestCount(sandbox);
	const naiveState = stateOf(sandbox.getUsers());
	for (const [run, what] of [[upsert, 'naive Create or Update'], [listing, 'naive Get Many'], [deactivation, 'naive Deactivate']]) checkRanCleanly(run, what);
	check(stateDifferences(naiveState, syncState) === 0, `sync and the naive workflow differ on ${stateDifferences(naiveState, syncState)} users`);

	const minimum = Math.ceil(scenario.qaseSize / MAX_PAGE_SIZE) + scenario.writes;
	console.log(`1. Sync ${SYNC_USERS} vs ${SYNC_USERS} (${scenario.writes} drifted): ${syncRequests} requests (minimum ${minimum}) in ${seconds(sync.ms)}; summary ${JSON.stringify(sync.summary)}`);
	console.log(`   naive: ${naiveRequests} requests in ${seconds(naiveMs)} (Create or Update ${seconds(upsert.ms)}, Get Many ${seconds(listing.ms)}, Deactivate ${leavers.length}: ${seconds(deactivation.ms)})`);
	return /** @type {Figure[]} */ ([
		{ name: 'sync 10k users, 1% drift: requests sent (target: list pages + needed writes)', measured: syncRequests, target: minimum, better: 'equal', unit: 'requests' },
		{ name: 'sync 10k users, 1% drift: speedup over per-user Create or Update', measured: round(naiveMs / sync.ms, 1), target: 20, better: 'higher', unit: 'x' },
	]);
}

/**
 * Puts `count` directory people into the sandbox (see prepare); resolves to their emails and ids.
 * @param {any} sandbox @param {number} count
 */
function preparePeople(sandbox, count) {
	const people = range(0, count).map((i) => person(i));
	const ids = prepare(sandbox, people.map((who) => asQaseUser(who))).map((/** @type {any} */ user) => String(user.id));
	return { emails: people.map((who) => who.email), ids };
}

/** 2. Find by Email in `or` batches against one lookup per item (Get, user by email). */
async function benchFindByEmail(/** @type {any} */ sandbox, /** @type {Runner} */ runner) {
	const { emails, ids } = preparePeople(sandbox, LOOKUP_ITEMS);
	const items = emails.map((email) => ({ email }));
	const baseUrl = sandbox.baseUrl;

	sandbox.resetCounters();
	const batched = await runner.call('runNode', { baseUrl, parameters: { operation: 'findByEmail', email: '={{ $json.email }}', requestOptions: SEQUENTIAL }, items, returnItems: true });
	const batchedRequests = requestCount(sandbox);
	sandbox.resetCounters();
	const oneByOne = await runner.call('runNode', {
		baseUrl,
		parameters: { operation: 'get', user: { __rl: true, mode: 'email', value: '={{ $json.email }}' }, requestOptions: SEQUENTIAL },
		items,
		returnItems: true,
	});
	const oneByOneRequests = requestCount(sandbox);

	checkRanCleanly(batched, 'findByEmail');
	checkRanCleanly(oneByOne, 'get by email');
	const idsOf = (/** @type {any} */ run) => run.items.map((/** @type {any} */ item) => item.json.id).join();
	check(idsOf(batched) === ids.join(), 'findByEmail did not map every item to its user');
	check(idsOf(oneByOne) === ids.join(), 'get by email did not map every item to its user');

	console.log(`2. Find by Email, ${LOOKUP_ITEMS} items: batched ${batchedRequests} requests in ${seconds(batched.ms)}; one by one ${oneByOneRequests} requests in ${seconds(oneByOne.ms)}`);
	return /** @type {Figure[]} */ ([
		{ name: 'findByEmail 1k items: requests one by one / batched', measured: round(oneByOneRequests / batchedRequests, 1), target: LOOKUPS_PER_BATCH, better: 'higher', unit: 'x' },
		{ name: 'findByEmail 1k items: speedup batched over one by one', measured: round(oneByOne.ms / batched.ms, 1), target: 10, better: 'higher', unit: 'x' },
	]);
}

/** 3. The node's cost per request: Gets by id through n8n's engine against plain axios, both sequential. */
async function benchOverhead(/** @type {any} */ sandbox, /** @type {Runner} */ runner) {
	const baseUrl = sandbox.baseUrl;
	const parameters = { operation: 'get', user: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, requestOptions: SEQUENTIAL };
	const gets = preparePeople(sandbox, OVERHEAD_GETS).ids;

	// Interleaved rounds, so drift in the machine's speed hits both sides alike.
	const engineMs = [];
	const axiosMs = [];
	for (let roundIndex = 0; roundIndex < OVERHEAD_ROUNDS; roundIndex++) {
		const viaEngine = await runner.call('runNode', { baseUrl, parameters, items: gets.map((id) => ({ id })) });
		checkRanCleanly(viaEngine, 'get by id');
		engineMs.push(viaEngine.ms);
		axiosMs.push((await runner.call('axiosGets', { baseUrl, ids: gets })).ms);
	}
	const ratio = median(engineMs) / median(axiosMs);
	console.log(`3. ${gets.length} Gets by id, ${LATENCY_MS} ms latency, median of ${OVERHEAD_ROUNDS}: engine ${seconds(median(engineMs))}, plain axios ${seconds(median(axiosMs))}`);
	return /** @type {Figure[]} */ ([
		{ name: `node overhead: 1k Gets via n8n engine / plain axios (${LATENCY_MS} ms latency)`, measured: round(ratio, 2), target: 1.3, better: 'lower', unit: 'x' },
	]);
}

/**
 * Runs Create over `count` new users on an empty sandbox; checks order and count.
 * @param {any} sandbox @param {Runner} runner @param {number} count @param {object} requestOptions
 */
async function runCreates(sandbox, runner, count, requestOptions) {
	prepare(sandbox, []);
	const items = range(0, count).map((i) => person(i));
	const run = await runner.call('runNode', {
		baseUrl: sandbox.baseUrl,
		parameters: { operation: 'create', ...directoryFields, ifUserExists: 'error', requestOptions },
		items,
		returnItems: true,
	});
	const what = `create x${count} ${JSON.stringify(requestOptions)}`;
	checkRanCleanly(run, what);
	check(sandbox.getUsers().length === count, `${what}: ${sandbox.getUsers().length} users in the sandbox`);
	check(
		run.items.every((/** @type {any} */ item, /** @type {number} */ index) => item.json.email === items[index].email && item.pairedItem.item === index),
		`${what}: output order or pairedItem broken`,
	);
	return run;
}

/** 4. Parallel creates without a limit, then a long batch under a 600-a-minute limit on both sides. */
async function benchParallelism(/** @type {any} */ sandbox, /** @type {any} */ limitedSandbox, /** @type {Runner} */ runner) {
	const sequential = await runCreates(sandbox, runner, CREATES, SEQUENTIAL);
	const parallel = await runCreates(sandbox, runner, CREATES, { ...NO_LIMIT, parallelism: 8 });
	console.log(`4. ${CREATES} creates: parallelism 1 ${seconds(sequential.ms)}, parallelism 8 ${seconds(parallel.ms)}`);

	const limited = await runCreates(limitedSandbox, runner, RATE_LIMITED_CREATES, { requestsPerMinute: RATE_LIMIT_PER_MINUTE, parallelism: 8 });
	const counters = limitedSandbox.counters();
	const starts = counters.requests.map((/** @type {any} */ request) => Date.parse(request.at)).sort((/** @type {number} */ a, /** @type {number} */ b) => a - b);
	// Steady part: from the first request after the initial burst to the last.
	const steady = starts.slice(RATE_LIMIT_BURST);
	const steadyPerMinute = ((steady.length - 1) / (steady[steady.length - 1] - steady[0])) * 60000;
	const tooMany = counters.byStatus['429'] ?? 0;
	const failed = limited.errorItems + (limited.error ? 1 : 0) + Math.max(0, RATE_LIMITED_CREATES - limitedSandbox.getUsers().length);
	console.log(
		`   ${RATE_LIMITED_CREATES} creates at ${RATE_LIMIT_PER_MINUTE}/min (node and sandbox), parallelism 8: ${counters.total} requests in ${seconds(limited.ms)}, ` +
			`steady ${steadyPerMinute.toFixed(1)}/min, most in any 60 s ${mostInAnyMinute(starts)}, ${tooMany} x 429`,
	);
	return /** @type {Figure[]} */ ([
		{ name: 'creates 2k: speedup parallelism 8 over 1 (no rate limit)', measured: round(sequential.ms / parallel.ms, 1), target: 5, better: 'higher', unit: 'x' },
		{ name: `rate-limited creates (${RATE_LIMITED_CREATES}): steady rate as share of 600/min`, measured: round((steadyPerMinute / RATE_LIMIT_PER_MINUTE) * 100, 1), target: 95, better: 'higher', unit: '%' },
		{ name: `rate-limited creates (${RATE_LIMITED_CREATES}): 429 responses`, measured: tooMany, target: 0, better: 'equal', unit: 'responses' },
		{ name: `rate-limited creates (${RATE_LIMITED_CREATES}): failed items`, measured: failed, target: 0, better: 'equal', unit: 'items' },
	]);
}

/** The most request starts in any 60-second window. @param {number[]} sortedStarts ms */
function mostInAnyMinute(sortedStarts) {
	let most = 0;
	let first = 0;
	for (let last = 0; last < sortedStarts.length; last++) {
		while (sortedStarts[last] - sortedStarts[first] >= 60000) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

/** 5. Peak memory of a 50,000-user sync, in the runner process only (the sandbox is here). */
async function benchSyncMemory(/** @type {any} */ sandbox, /** @type {Runner} */ runner) {
	const scenario = driftScenario(MEMORY_SYNC_USERS, MEMORY_SYNC_DRIFT);
	prepare(sandbox, scenario.qaseUsers());
	const run = await runner.call('runNodeMeasuringMemory', { baseUrl: sandbox.baseUrl, parameters: syncParameters, scenario: [MEMORY_SYNC_USERS, MEMORY_SYNC_DRIFT] });
	checkRanCleanly(run, 'sync 50k');
	check(stateDifferences(stateOf(sandbox.getUsers()), scenario.convergedState()) === 0, 'sync 50k did not converge');
	const mb = (/** @type {number} */ bytes) => bytes / 1024 / 1024;
	const { baselineRss, peakRss, baselineHeapUsed, peakHeapUsed } = run.memory;
	console.log(
		`5. Sync ${MEMORY_SYNC_USERS} vs ${MEMORY_SYNC_USERS} (${scenario.writes} drifted): ${requestCount(sandbox)} requests in ${seconds(run.ms)}; ` +
			`RSS ${mb(baselineRss).toFixed(0)} -> peak ${mb(peakRss).toFixed(0)} MB, heap used ${mb(baselineHeapUsed).toFixed(0)} -> peak ${mb(peakHeapUsed).toFixed(0)} MB`,
	);
	return /** @type {Figure[]} */ ([
		{ name: 'sync 50k users: peak RSS over baseline (runner process)', measured: round(mb(peakRss - baselineRss), 1), target: 300, better: 'lower', unit: 'MB' },
	]);
}

/** @param {Figure} figure */
function meetsTarget({ measured, target, better }) {
	if (better === 'higher') return measured >= target;
	if (better === 'lower') return measured <= target;
	return measured === target;
}

/** @param {Figure[]} figures */
function printTable(figures) {
	const sign = { higher: '>=', lower: '<=', equal: '=' };
	const rows = figures.map((figure) => [
		figure.name,
		`${figure.measured} ${figure.unit}`,
		`${sign[figure.better]} ${figure.target} ${figure.unit}`,
		meetsTarget(figure) ? 'met' : 'MISSED',
	]);
	const header = ['figure', 'measured', 'target', 'verdict'];
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
	const line = (/** @type {string[]} */ cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	console.log(['', line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
}

async function main() {
	const { startSandbox } = require('../sandbox');
	console.log(`Qase SCIM node bench: Node ${process.version}, ${os.cpus().length} CPUs, sandbox latency ${LATENCY_MS} ms per request, page size ${MAX_PAGE_SIZE}\n`);
	const started = performance.now();
	const sandbox = await startSandbox({ port: 0, token: TOKEN, seed: false, maxPageSize: MAX_PAGE_SIZE, rateLimitPerMinute: 0 });
	const limitedSandbox = await startSandbox({ port: 0, token: TOKEN, seed: false, maxPageSize: MAX_PAGE_SIZE, rateLimitPerMinute: RATE_LIMIT_PER_MINUTE });
	/** @type {Figure[]} */
	const figures = [];
	try {
		/** @type {Array<(sandbox: any, runner: Runner) => Promise<Figure[]>>} */
		const parts = [benchSync, benchFindByEmail, benchOverhead, (open, runner) => benchParallelism(open, limitedSandbox, runner), benchSyncMemory];
		for (const part of parts) figures.push(...(await withRunner(sandbox, (runner) => part(sandbox, runner))));
	} finally {
		await sandbox.stop();
		await limitedSandbox.stop();
	}
	figures.push({ name: 'correctness checks failed (convergence, item mapping, order)', measured: checkFailures.length, target: 0, better: 'equal', unit: 'checks' });

	printTable(figures);
	fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(figures, null, '\t')}\n`);
	console.log(`\n${figures.filter(meetsTarget).length} of ${figures.length} targets met in ${seconds(performance.now() - started)}; written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

if (process.argv.includes(RUNNER_ARG)) {
	runnerMain();
} else {
	main().catch((error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
