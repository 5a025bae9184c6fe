// @ts-check
/**
 * Nothing lost under faults: 2,000 users onboarded with Create or Update, then 500 deactivated,
 * through the node in n8n's engine, while the Qase sandbox answers 503s, 429 bursts with
 * Retry-After, drops connections, commits writes and then drops the answer, and holds some
 * requests past the node's timeout. Afterwards the sandbox must hold exactly the expected users in
 * exactly the expected states, and every input item must have its output item.
 *
 * The figures of the run are printed and written to last-run.json (git-ignored; the README quotes
 * the figures of a run).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { locate } = require('../node/support');
const { startQaseSandbox, runAgainst, pause, errorItems } = require('./support');

const ONBOARDED = 2000;
/** Users 0..399 exist before onboarding: 0..99 inactive, 0..299 with old names, 300..399 already right. */
const PRE_EXISTING = 400;
const PRE_INACTIVE = 100;
const PRE_OUTDATED = 300;
/** Every 4th onboarded user leaves: 500 deactivations. */
const leaves = (/** @type {number} */ i) => i % 4 === 0;

const REQUEST_OPTIONS = {
	// Each attempt fails with about 15% probability (10% 503, 2% drop, 5% commit-then-drop on
	// writes, plus bursts and spikes): ten attempts leave an item failing with ~1e-8.
	maxAttempts: 10,
	maxRetryWaitSeconds: 180,
	parallelism: 16,
	requestsPerMinute: 0,
	// Short, so the 1.5 s latency spikes time out and the test stays quick.
	timeoutSeconds: 1,
};
const SPIKE_LATENCY_MS = 1500;

const email = (/** @type {number} */ i) => `person${String(i).padStart(4, '0')}@example.com`;
const wanted = (/** @type {number} */ i) => ({ givenName: `Given${i}`, familyName: 'Family' });

/**
 * Drives the sandbox's fault switches over time. The steady faults are always on; every 4th
 * tick adds a 429 burst, every 5th a short latency spike (the sandbox's latency applies to every
 * request while set, so a spike is a brief phase). setFaults replaces the whole configuration.
 * @param {any} sandbox
 */
function startFaultSchedule(sandbox, tickMs = 1000, spikeMs = 200) {
	const steady = (/** @type {number} */ seed) => ({
		errorRate: 0.1,
		errorStatuses: [503],
		dropConnectionRate: 0.02,
		commitThenDropRate: 0.05,
		seed,
	});
	const phases = { bursts: 0, spikes: 0 };
	/** @type {NodeJS.Timeout | undefined} */
	let spikeEnd;
	let tick = 0;
	sandbox.setFaults(steady(tick));
	const timer = setInterval(() => {
		tick++;
		if (tick % 4 === 0) {
			phases.bursts++;
			sandbox.setFaults({ ...steady(tick), rateLimitBurst: { count: 12, retryAfterSeconds: 1 } });
		} else if (tick % 5 === 0) {
			phases.spikes++;
			sandbox.setFaults({ ...steady(tick), latencyMs: SPIKE_LATENCY_MS });
			spikeEnd = setTimeout(() => sandbox.setFaults(steady(tick)), spikeMs);
		} else {
			sandbox.setFaults(steady(tick));
		}
	}, tickMs);
	return {
		phases,
		/** Switches every fault off, then waits until requests held by a spike have been handled. */
		async stop() {
			clearInterval(timer);
			clearTimeout(spikeEnd);
			sandbox.setFaults({});
			await pause(SPIKE_LATENCY_MS + 500);
		},
	};
}

/**
 * Runs one phase under the fault schedule and returns its result with the sandbox's figures.
 * @param {any} target @param {string} name @param {Record<string, unknown>} parameters @param {object[]} items
 */
async function runUnderFaults(target, name, parameters, items) {
	const { sandbox } = target;
	sandbox.resetCounters();
	const schedule = startFaultSchedule(sandbox);
	const started = Date.now();
	const result = await runAgainst(target, { ...parameters, requestOptions: REQUEST_OPTIONS }, { items, continueOnFail: true });
	const seconds = (Date.now() - started) / 1000;
	await schedule.stop();
	const counters = sandbox.counters();
	const timedOut = counters.byStatus.aborted ?? 0;
	const { error: status503, drop, commitThenDrop, rateLimited } = counters.faults;
	return {
		result,
		figures: {
			phase: name,
			items: items.length,
			seconds: Math.round(seconds),
			requests: counters.total,
			'503s': status503,
			'429s': rateLimited,
			dropped: drop,
			commitThenDrop,
			timedOut,
			// Every failed attempt of an item that ended well was followed by another attempt.
			retried: status503 + rateLimited + drop + commitThenDrop + timedOut,
			bursts: schedule.phases.bursts,
			spikes: schedule.phases.spikes,
			failedItems: errorItems(result.items).length,
		},
	};
}

/**
 * Every input item has exactly one output item, in order, linked to it; returns the problems.
 * @param {any[]} outputs @param {object[]} inputs @param {(json: any, index: number) => string | undefined} check
 */
function outputProblems(outputs, inputs, check) {
	const problems = [];
	if (outputs.length !== inputs.length) problems.push(`${outputs.length} output items for ${inputs.length} inputs`);
	outputs.forEach((item, index) => {
		if (item.pairedItem?.item !== index) problems.push(`output ${index} is linked to ${JSON.stringify(item.pairedItem)}`);
		const problem = item.json.error ? `error: ${item.json.error}` : check(item.json, index);
		if (problem) problems.push(`item ${index}: ${problem}`);
	});
	return problems;
}

/**
 * Compares what the sandbox holds with what it should hold; returns the mismatches.
 * @param {any[]} users what the sandbox holds
 * @param {any[]} bystanders users that were there before and must be untouched
 */
function stateMismatches(users, bystanders) {
	const mismatches = [];
	const byEmail = new Map();
	for (const user of users) {
		const key = user.userName.toLowerCase();
		byEmail.set(key, [...(byEmail.get(key) ?? []), user]);
	}
	for (let i = 0; i < ONBOARDED; i++) {
		const found = byEmail.get(email(i)) ?? [];
		byEmail.delete(email(i));
		if (found.length !== 1) {
			mismatches.push(`${email(i)}: ${found.length === 0 ? 'missing' : `${found.length} copies`}`);
			continue;
		}
		const [user] = found;
		const { givenName, familyName } = wanted(i);
		if (user.name.givenName !== givenName || user.name.familyName !== familyName) mismatches.push(`${email(i)}: name ${JSON.stringify(user.name)}`);
		if (user.active !== !leaves(i)) mismatches.push(`${email(i)}: active ${user.active}, should be ${!leaves(i)}`);
	}
	for (const before of bystanders) {
		const now = byEmail.get(before.userName.toLowerCase()) ?? [];
		byEmail.delete(before.userName.toLowerCase());
		if (now.length !== 1 || JSON.stringify(now[0]) !== JSON.stringify(before)) mismatches.push(`bystander ${before.userName} changed`);
	}
	for (const [key] of byEmail) mismatches.push(`unexpected user ${key}`);
	return mismatches;
}

/** Prints the figures as a compact table and writes them to last-run.json. @param {object[]} phases @param {number} mismatches */
function reportFigures(phases, mismatches) {
	const columns = Object.keys(phases[0]);
	const rows = [columns, ...phases.map((phase) => columns.map((column) => String(/** @type {any} */ (phase)[column])))];
	const widths = columns.map((_, c) => Math.max(...rows.map((row) => row[c].length)));
	const table = rows.map((row) => row.map((cell, c) => cell.padStart(widths[c])).join('  ')).join('\n');
	console.log(`Reliability under faults (final mismatches: ${mismatches})\n${table}`);
	const figures = {
		date: new Date().toISOString(),
		machine: { cpus: os.cpus().length, node: process.version },
		requestOptions: REQUEST_OPTIONS,
		faults: {
			steady: '10% 503, 2% dropped connections, 5% commit-then-drop on writes (POST, PATCH)',
			bursts: 'every 4 s: the next 12 requests answer 429 with Retry-After: 1',
			spikes: `every 5 s: requests arriving within 200 ms are held ${SPIKE_LATENCY_MS} ms, past the 1 s timeout`,
		},
		phases,
		finalMismatches: mismatches,
	};
	fs.writeFileSync(path.join(__dirname, 'last-run.json'), `${JSON.stringify(figures, null, '\t')}\n`);
}

test('2,000 onboarded and 500 deactivated under faults: the server ends exactly right', async () => {
	const target = await startQaseSandbox({ seed: true });
	const { sandbox } = target;
	try {
		const bystanders = sandbox.getUsers();
		// Users already in Qase: some inactive, some with old names, stored in another letter case.
		sandbox.addUsers(
			Array.from({ length: PRE_EXISTING }, (_, i) => ({
				userName: email(i).replace(/^p/, 'P'),
				name: i < PRE_OUTDATED ? { givenName: `Old${i}`, familyName: 'Name' } : wanted(i),
				active: i >= PRE_INACTIVE,
			})),
		);

		const onboardingItems = Array.from({ length: ONBOARDED }, (_, i) => ({ email: email(i), ...wanted(i) }));
		const onboarding = await runUnderFaults(
			target,
			'onboard (Create or Update)',
			{
				operation: 'createOrUpdate',
				email: '={{ $json.email }}',
				firstName: '={{ $json.givenName }}',
				lastName: '={{ $json.familyName }}',
				additionalFields: { active: true },
			},
			onboardingItems,
		);

		// Leavers given in mixed case, as directories export them.
		const leaverItems = onboardingItems
			.map((item, i) => ({ i, email: i % 8 === 0 ? item.email.toUpperCase() : item.email }))
			.filter(({ i }) => leaves(i));
		const deactivation = await runUnderFaults(
			target,
			'deactivate',
			{ operation: 'deactivate', user: locate('email', '={{ $json.email }}') },
			leaverItems,
		);

		const mismatches = stateMismatches(sandbox.getUsers(), bystanders);
		reportFigures([onboarding.figures, deactivation.figures], mismatches.length);

		expect(outputProblems(onboarding.result.items, onboardingItems, (json, i) => {
			if (json.email.toLowerCase() !== email(i)) return `email ${json.email}`;
			if (json.active !== true || json.firstName !== wanted(i).givenName) return `output ${JSON.stringify(json)}`;
			return ['created', 'updated', 'unchanged'].includes(json.action) ? undefined : `action ${json.action}`;
		})).toEqual([]);
		expect(outputProblems(deactivation.result.items, leaverItems, (json, i) =>
			json.email.toLowerCase() === email(leaverItems[i].i) && json.active === false ? undefined : `output ${JSON.stringify(json)}`,
		)).toEqual([]);
		expect(mismatches).toEqual([]);
		// The faults really happened, of every kind.
		for (const figures of [onboarding.figures, deactivation.figures]) {
			expect(figures['503s']).toBeGreaterThan(0);
			expect(figures.commitThenDrop).toBeGreaterThan(0);
		}
		const total = (/** @type {'429s' | 'dropped' | 'timedOut'} */ kind) => onboarding.figures[kind] + deactivation.figures[kind];
		expect(total('429s')).toBeGreaterThan(0);
		expect(total('dropped')).toBeGreaterThan(0);
		expect(total('timedOut')).toBeGreaterThan(0);
	} finally {
		await target.stop();
	}
}, 300_000);
