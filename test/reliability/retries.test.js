// @ts-check
/**
 * Retry semantics and the client-side rate limit, measured from the sandbox's request log: a 429
 * storm slows the node down but fails nothing that succeeds within the bound, Retry-After and
 * backoff are waited out, the bounds hold, non-retryable answers are never repeated, and no
 * minute ever holds more requests than the limit.
 */
const { locate } = require('../node/support');
const { settle } = require('../../dist/nodes/QaseScim/transport/settle');
const { startQaseSandbox, runAgainst, loggedRequests, loggedAt, busiestWindow, errorItems } = require('./support');

/** @type {Awaited<ReturnType<typeof startQaseSandbox>>} */
let target;
/** @type {any} */
let sandbox;

/**
 * The limit is "never more than N requests in any 60 seconds", so measuring it takes batches
 * longer than a minute. They start here, against sandboxes of their own that enforce the same
 * limit on arrival (an excess answers 429), and run in the background while the retry tests run;
 * the last tests of this file check them. Get by ID sends exactly one request per item.
 */
const RATE_LIMITED_RUNS = {
	// A custom setting: 60 a minute.
	custom: { limit: 60, items: 70, requestOptions: { parallelism: 8, requestsPerMinute: 60 } },
	// The default (600 a minute, Qase's REST limit), with a slow start: the first second's
	// requests take 500 ms to arrive (a new TLS connection does that), the rest arrive at once.
	default: { limit: 600, items: 700, requestOptions: { parallelism: 8 }, slowStartMs: 500 },
};
/** @type {Record<string, { target: any, outcome: Promise<any> }>} */
const rateLimited = {};

beforeAll(async () => {
	for (const [name, run] of Object.entries(RATE_LIMITED_RUNS)) {
		const { limit, items, requestOptions } = run;
		const limitedTarget = await startQaseSandbox({ rateLimitPerMinute: limit });
		const added = limitedTarget.sandbox.addUsers(Array.from({ length: items }, (_, i) => ({ userName: `reader${i}@example.com`, name: { givenName: 'R', familyName: String(i) } })));
		if ('slowStartMs' in run) {
			limitedTarget.sandbox.setFaults({ latencyMs: run.slowStartMs });
			setTimeout(() => limitedTarget.sandbox.setFaults({}), 1000);
		}
		const outcome = settle(
			runAgainst(
				limitedTarget,
				{ operation: 'get', user: locate('id', '={{ $json.id }}'), requestOptions },
				{ items: added.map((/** @type {any} */ user) => ({ id: user.id })), continueOnFail: true },
			),
		);
		rateLimited[name] = { target: limitedTarget, outcome };
	}
	target = await startQaseSandbox();
	sandbox = target.sandbox;
});

afterAll(async () => {
	await Promise.all(Object.values(rateLimited).map(({ outcome }) => outcome));
	await Promise.all([target, ...Object.values(rateLimited).map((run) => run.target)].map((t) => t.stop()));
});

beforeEach(() => {
	sandbox.reset({ seed: false });
	sandbox.addUsers([{ userName: 'existing@example.com', name: { givenName: 'Exi', familyName: 'Sting' } }]);
});

const existingId = () => sandbox.getUsers()[0].id;
/** Statuses of the requests logged since the last reset, in order. */
const statuses = () => loggedRequests(sandbox).map((request) => request.status);

/**
 * For each logged request with the given status, the milliseconds until the next request.
 * Only meaningful with parallelism 1, where the next request is the retry.
 * @param {string} status
 */
function gapsAfter(status) {
	const requests = loggedRequests(sandbox);
	return requests.flatMap((request, i) => (request.status === status && i + 1 < requests.length ? [loggedAt(requests[i + 1]) - loggedAt(request)] : []));
}

const createItems = (/** @type {number} */ count) =>
	Array.from({ length: count }, (_, i) => ({ email: `storm${i}@example.com`, first: `Storm${i}`, last: 'Test' }));
const createParameters = (/** @type {object} */ requestOptions) => ({
	operation: 'create',
	email: '={{ $json.email }}',
	firstName: '={{ $json.first }}',
	lastName: '={{ $json.last }}',
	ifUserExists: 'error',
	requestOptions,
});

describe('retries', () => {
	test('a 429 storm slows creates down but fails none of them, and duplicates none', async () => {
		const burst = 20;
		sandbox.setFaults({ rateLimitBurst: { count: burst, retryAfterSeconds: 1 } });
		const items = createItems(12);
		// One request can meet the whole burst: allowing burst + 1 attempts keeps success within the bound.
		const result = await runAgainst(target, createParameters({ maxAttempts: burst + 1, parallelism: 4, requestsPerMinute: 0 }), { items, continueOnFail: true });

		expect(errorItems(result.items)).toEqual([]);
		expect(result.items.map((item) => item.json.action)).toEqual(items.map(() => 'created'));
		const held = sandbox.getUsers().map((/** @type {any} */ user) => user.userName).sort();
		expect(held).toEqual(['existing@example.com', ...items.map((item) => item.email)].sort());
		const { byMethodStatus } = sandbox.counters();
		expect(byMethodStatus).toEqual({ 'POST 429': burst, 'POST 201': items.length });
	});

	test('Retry-After is waited out: the retry comes at least that long after the 429', async () => {
		sandbox.setFaults({ rateLimitBurst: { count: 3, retryAfterSeconds: 2 } });
		const result = await runAgainst(
			target,
			{ operation: 'findByEmail', email: '={{ $json.email }}', requestOptions: { parallelism: 1, requestsPerMinute: 0 } },
			{ items: [{ email: 'existing@example.com' }] },
		);

		expect(result.items[0].json.found).toBe(true);
		expect(statuses()).toEqual(['429', '429', '429', '200']);
		for (const gap of gapsAfter('429')) expect(gap).toBeGreaterThanOrEqual(2000);
	});

	test('without Retry-After, 503s are retried with a doubling backoff', async () => {
		sandbox.setFaults({ errorRate: 1, errorStatuses: [503] });
		const result = await runAgainst(target, { operation: 'get', user: locate('id', existingId()), requestOptions: { maxAttempts: 4 } }, { continueOnFail: true });

		expect(result.items[0].json.error).toMatch(/server error \(503\) \[item 0\]/);
		expect(statuses()).toEqual(['503', '503', '503', '503']);
		// Each wait lies between half and all of 500 ms * 2^(attempt - 1) (jitter).
		const gaps = gapsAfter('503');
		expect(gaps).toHaveLength(3);
		gaps.forEach((gap, attempt) => expect(gap).toBeGreaterThanOrEqual(250 * 2 ** attempt));
	});

	test('attempts are bounded: past Max Attempts a clear error, and nothing written', async () => {
		sandbox.setFaults({ rateLimitBurst: { count: 5, retryAfterSeconds: 0 } });
		const result = await runAgainst(target, createParameters({ maxAttempts: 3 }), { items: createItems(1), continueOnFail: true });

		expect(result.items[0].json.error).toMatch(/rate limiting requests \(429\) \[item 0\]/);
		expect(result.items[0].error.description).toMatch(/Requests per Minute|Max Retry Wait/);
		expect(statuses()).toEqual(['429', '429', '429']);
		expect(sandbox.getUsers()).toHaveLength(1);
	});

	test('total wait is bounded: a Retry-After beyond Max Retry Wait fails at once instead of waiting', async () => {
		sandbox.setFaults({ rateLimitBurst: { count: 1, retryAfterSeconds: 30 } });
		const result = await runAgainst(target, createParameters({ maxRetryWaitSeconds: 5 }), { items: createItems(1), continueOnFail: true });

		expect(result.items[0].json.error).toMatch(/rate limiting requests \(429\)/);
		// One request only: the node gave up at once rather than waiting out the 30 s.
		expect(statuses()).toEqual(['429']);
		expect(sandbox.getUsers()).toHaveLength(1);
	});

	describe('non-retryable answers are sent once, never repeated', () => {
		/** One operation per HTTP method, each selecting the existing user or creating a new one. */
		const operations = {
			GET: () => ({ operation: 'get', user: locate('id', existingId()) }),
			POST: () => createParameters({}),
			PATCH: () => ({ operation: 'deactivate', user: locate('id', existingId()) }),
			DELETE: () => ({ operation: 'delete', user: locate('id', existingId()) }),
		};
		const cases = [400, 401, 403, 404, 409].flatMap((status) => Object.keys(operations).map((method) => [status, method]));

		test.each(cases)('%i on %s', async (status, method) => {
			sandbox.setFaults({ errorRate: 1, errorStatuses: [status], onlyMethods: [method] });
			const before = sandbox.getUsers();
			const result = await runAgainst(target, operations[/** @type {keyof operations} */ (method)](), { items: createItems(1), continueOnFail: true });

			expect(sandbox.counters().byMethodStatus[`${method} ${status}`]).toBe(1);
			expect(sandbox.counters().byMethod[method]).toBe(1);
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json.error).toMatch(/\[item 0\]$/);
			expect(result.items[0].error.description).toEqual(expect.any(String));
			expect(sandbox.getUsers()).toEqual(before);
		});
	});
});

describe('client-side rate limit (measured from the sandbox log, over more than a minute)', () => {
	/** Checks a background run: every item right, no 429, no 60-second window over the limit. @param {keyof RATE_LIMITED_RUNS} name */
	async function checkRateLimitedRun(name) {
		const { limit, items } = RATE_LIMITED_RUNS[name];
		const { target: limitedTarget, outcome } = rateLimited[name];
		const run = await outcome;
		expect(run.ok).toBe(true);

		const requests = loggedRequests(limitedTarget.sandbox);
		const times = requests.map(loggedAt);
		const busiest = busiestWindow(times, 60_000);
		const refused = requests.filter((request) => request.status === '429').length;
		const span = Math.round((times[times.length - 1] - times[0]) / 1000);
		console.log(`Rate limit (${name}): ${requests.length} requests over ${span} s, busiest 60-second window ${busiest} (limit ${limit}), 429s ${refused}`);

		expect(errorItems(run.value.items)).toEqual([]);
		const users = limitedTarget.sandbox.getUsers();
		expect(run.value.items.map((/** @type {any} */ item) => [item.pairedItem.item, item.json.email])).toEqual(users.map((/** @type {any} */ user, /** @type {number} */ i) => [i, user.userName]));
		// The sandbox enforces the same limit, so an excess shows as a 429.
		expect(requests.map((request) => request.status)).toEqual(Array(items).fill('200'));
		// The batch spans more than a minute, so whole windows are measured.
		expect(times[times.length - 1] - times[0]).toBeGreaterThan(60_000);
		expect(busiest).toBeLessThanOrEqual(limit);
		// ...and the limiter does not starve the batch either.
		expect(busiest).toBeGreaterThanOrEqual(0.8 * limit);
	}

	// Each may have to wait for most of its background run.
	test('60 a minute: the server never sees more', async () => await checkRateLimitedRun('custom'), 120_000);

	// Arrival delays that shrink (a slow first connection, network jitter) must not squeeze more
	// than the limit into the server's minute: Qase would answer 429 with a 60-second penalty.
	// The token bucket keeps a margin for that (it refills over 61 s).
	test('the default, 600 a minute: a slow first connection does not push the server over', async () => await checkRateLimitedRun('default'), 120_000);
});
