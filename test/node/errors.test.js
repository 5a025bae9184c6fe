// @ts-check
/**
 * Every error status of the contract, retries and their bounds, the credential test, and the
 * token kept out of output, errors and logs. Run against the Qase sandbox, whose fault switches
 * make each answer happen on demand and whose counters show exactly what the node sent.
 */
const { testCredential, listSearch } = require('../helpers/engine');
const { sandboxTarget, useTarget, runQase, locate, QaseScim, QaseScimApi } = require('./support');
const { startHostileServer, sendRaw } = require('../reliability/support');

// The seeded workspace: its owner is what 409 and the credential test need.
const context = useTarget(sandboxTarget, ({ target }) => context.target.sandbox.reset({ seed: true }));
const sandbox = {
	get ownerId() {
		return context.target.sandbox.ownerId;
	},
	setFaults: (/** @type {object} */ faults) => context.target.sandbox.setFaults(faults),
	counters: () => context.target.sandbox.counters(),
	resetCounters: () => context.target.sandbox.resetCounters(),
};

const run = (/** @type {Record<string, unknown>} */ parameters, /** @type {any} */ options) => runQase(context.target, parameters, options);
/** Requests the node sent since the last counter reset, as "METHOD status" strings. */
const sent = () => sandbox.counters().requests.map((/** @type {any} */ request) => `${request.method} ${request.status}`);

/** Every string a run exposes: output, error message and description, logs. */
function everythingShown(/** @type {any} */ result) {
	return JSON.stringify({
		items: result.items,
		error: result.error && { message: result.error.message, description: result.error.description, context: result.error.context, cause: String(result.error.cause ?? '') },
		logs: result.logs,
	});
}

describe('error statuses become clear per-item errors', () => {
	test.each([
		[400, /rejected the request as invalid \[item 0\]/],
		[403, /SCIM is disabled for this Qase workspace.*\[item 0\]/],
		[405, /does not support this operation/],
		[413, /too large/],
		[415, /did not accept the request format/],
	])('%i', async (status, message) => {
		sandbox.setFaults({ errorRate: 1, errorStatuses: [status] });
		sandbox.resetCounters();
		const result = await run({ operation: 'get', user: locate('id', sandbox.ownerId) });
		expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toBeTruthy();
		expect(result.error?.httpCode).toBe(String(status));
		expect(sent()).toEqual([`GET ${status}`]);
	});

	test('401: a wrong token says so, is not retried, and is never shown', async () => {
		const wrongToken = 'wrong-token-9d8c7b6a5f';
		const result = await run({ operation: 'findByEmail', email: 'owner@example.com' }, { token: wrongToken });
		expect(result.error?.message).toMatch(/SCIM token was not accepted \(401\) \[item 0\]/);
		expect(result.error?.description).toMatch(/Workspace > SCIM/);
		expect(everythingShown(result)).not.toContain(wrongToken);
	});

	test('409: deleting the workspace owner says so, and the owner stays', async () => {
		const result = await run({ operation: 'delete', user: locate('id', sandbox.ownerId) });
		expect(result.error?.message).toMatch(/workspace owner/);
		expect((await context.server.byEmail('owner@example.com'))).toHaveLength(1);
	});

	test('5xx: retried with backoff until the retries are spent, then a clear error', async () => {
		sandbox.setFaults({ errorRate: 1, errorStatuses: [503] });
		sandbox.resetCounters();
		const result = await run({ operation: 'get', user: locate('id', sandbox.ownerId), requestOptions: { maxAttempts: 3 } });
		expect(result.error?.message).toMatch(/server error \(503\)/);
		expect(sent()).toEqual(['GET 503', 'GET 503', 'GET 503']);
	});

	test('429: waits for Retry-After and then succeeds', async () => {
		sandbox.setFaults({ rateLimitBurst: { count: 2, retryAfterSeconds: 1 } });
		sandbox.resetCounters();
		const started = Date.now();
		const result = await run({ operation: 'findByEmail', email: 'owner@example.com' });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.found).toBe(true);
		expect(sent()).toEqual(['GET 429', 'GET 429', 'GET 200']);
		expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
	});

	test('a dropped answer to a create is looked up, never posted twice', async () => {
		sandbox.setFaults({ commitThenDropRate: 1, onlyMethods: ['POST'] });
		sandbox.resetCounters();
		const resultPromise = run({ operation: 'create', email: 'once@example.com', firstName: 'Only', lastName: 'Once' });
		// The first POST commits and drops; let the lookup and its answer through afterwards.
		const result = await resultPromise;
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ email: 'once@example.com', action: 'created' });
		expect(await context.server.byEmail('once@example.com')).toHaveLength(1);
		expect(sandbox.counters().byMethod.POST).toBe(1);
	});

	// That nothing reaches the host is shown in test/reliability/secrets.test.js.
	test('non-HTTPS base URLs off loopback are refused with a message naming HTTPS', async () => {
		const result = await run({ operation: 'getAll', returnAll: true }, { baseUrl: 'http://qase.example.com/scim/v2', continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/must use HTTPS/);
	});
});

describe('the credential test', () => {
	test('passes with the right token, and tells 401 from 403', async () => {
		expect(await testCredential({ credentialType: QaseScimApi, data: { baseUrl: `${context.target.baseUrl}/`, token: context.target.token } })).toMatchObject({ status: 'OK' });

		const wrong = await testCredential({ credentialType: QaseScimApi, data: { baseUrl: context.target.baseUrl, token: 'nope' } });
		expect(wrong).toMatchObject({ status: 'Error' });
		expect(wrong.message).toMatch(/token was not accepted/);

		sandbox.setFaults({ errorRate: 1, errorStatuses: [403] });
		const forbidden = await testCredential({ credentialType: QaseScimApi, data: { baseUrl: context.target.baseUrl, token: context.target.token } });
		expect(forbidden.message).toMatch(/SCIM is disabled/);
	});

	test('refuses plain HTTP off loopback without sending anything', async () => {
		// 0.0.0.0 is not a loopback name, yet connecting to it reaches this machine's listener.
		const listening = await startHostileServer((_req, res) => sendRaw(res, 200, JSON.stringify({ totalResults: 0, Resources: [] })));
		try {
			const baseUrl = `http://0.0.0.0:${listening.port}/scim/v2`;
			const result = await testCredential({ credentialType: QaseScimApi, data: { baseUrl, token: context.target.token } });
			expect(result.status).toBe('Error');
			expect(listening.received).toEqual([]);
			// The same URL on loopback passes: the refusal is the scheme's, not the server's.
			const loopback = await testCredential({ credentialType: QaseScimApi, data: { baseUrl: `${listening.origin}/scim/v2`, token: 'x' } });
			expect(loopback.status).toBe('OK');
		} finally {
			await listening.stop();
		}
	});
});

describe('From List', () => {
	test('searches users by email, a page at a time', async () => {
		const base = { nodeType: QaseScim, credentialTypes: [QaseScimApi], credentials: { qaseScimApi: { baseUrl: context.target.baseUrl, token: context.target.token } } };
		for (let i = 0; i < 60; i++) await context.server.add({ email: `pick${String(i).padStart(2, '0')}@example.com` });
		const first = await listSearch({ ...base, parameters: { resource: 'user', operation: 'get' }, method: 'searchUsers', filter: 'pick' });
		expect(first.results).toHaveLength(50);
		expect(first.results[0]).toMatchObject({ name: expect.stringContaining('pick00@example.com'), value: expect.any(String) });
		const second = await listSearch({ ...base, parameters: { resource: 'user', operation: 'get' }, method: 'searchUsers', filter: 'pick', paginationToken: first.paginationToken });
		expect(second.results).toHaveLength(10);
		expect(second.paginationToken).toBeUndefined();
	});
});
