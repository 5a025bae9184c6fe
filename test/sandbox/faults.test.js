// @ts-check
'use strict';

const { startWithClient, clientFor, newUser, findUsers } = require('./sandboxClient');

/** @type {import('../../sandbox').Sandbox} */ let sandbox;
/** @type {import('axios').AxiosInstance} */ let client;

beforeAll(async () => ({ sandbox, client } = await startWithClient()));
beforeEach(() => sandbox.reset({ seed: true }));
afterAll(() => sandbox.stop());

/**
 * The HTTP status of a request, or "no answer" when the connection closed without one.
 * @param {Promise<import('axios').AxiosResponse>} request
 */
async function outcome(request) {
	try {
		return (await request).status;
	} catch (error) {
		if (error.response) throw error;
		return 'no answer';
	}
}

describe('latency', () => {
	test('a fixed latency holds every request at least that long', async () => {
		sandbox.setFaults({ latencyMs: 150 });
		const started = Date.now();
		expect((await client.get('/Users')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(145);
	});

	test('a range holds requests between its bounds, only for the scoped methods', async () => {
		sandbox.setFaults({ latencyMs: [100, 150], onlyMethods: ['post'] });
		let started = Date.now();
		await client.post('/Users', newUser());
		expect(Date.now() - started).toBeGreaterThanOrEqual(95);
		// Unscoped methods are not held at all (asked of the fault switch itself, not of a clock).
		expect(sandbox.faultInjector.latencyFor('GET')).toBe(0);
		expect((await client.get('/Users')).status).toBe(200);
	});
});

describe('error answers', () => {
	test('errorRate 1 answers the configured status as a SCIM error and does no work', async () => {
		sandbox.setFaults({ errorRate: 1, errorStatuses: [503] });
		const before = sandbox.getUsers().length;
		const res = await client.post('/Users', newUser());
		expect(res.status).toBe(503);
		expect(res.data).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
		expect(sandbox.getUsers()).toHaveLength(before);
		expect(sandbox.counters().faults.error).toBe(1);
	});

	test('onlyMethods scopes faults: reads pass while writes fail', async () => {
		sandbox.setFaults({ errorRate: 1, onlyMethods: ['POST', 'PATCH'] });
		expect((await client.get('/Users')).status).toBe(200);
		expect([500, 503]).toContain((await client.post('/Users', newUser())).status);
	});

	test('a seeded fault sequence repeats exactly', async () => {
		const run = async () => {
			sandbox.setFaults({ errorRate: 0.5, seed: 42 });
			const statuses = [];
			for (let i = 0; i < 20; i++) statuses.push((await client.get('/Users', { params: { count: 1 } })).status);
			return statuses;
		};
		const first = await run();
		expect(new Set(first).size).toBeGreaterThan(1);
		expect(await run()).toEqual(first);
	});
});

describe('429 answers', () => {
	test('a burst answers the next N requests 429 with Retry-After, then recovers', async () => {
		sandbox.setFaults({ rateLimitBurst: { count: 2, retryAfterSeconds: 7 } });
		const statuses = [];
		for (let i = 0; i < 3; i++) {
			const res = await client.get('/Users');
			statuses.push(res.status);
			if (res.status === 429) {
				expect(res.headers['retry-after']).toBe('7');
				expect(res.data.status).toBe('429');
			}
		}
		expect(statuses).toEqual([429, 429, 200]);
		expect(sandbox.counters().faults.rateLimited).toBe(2);
	});

	test('the per-minute rate limit answers 429 with Retry-After once spent', async () => {
		const limited = await startWithClient({ rateLimitPerMinute: 3 });
		try {
			const statuses = [];
			for (let i = 0; i < 4; i++) statuses.push((await limited.client.get('/Users')).status);
			expect(statuses).toEqual([200, 200, 200, 429]);
			const refused = await limited.client.get('/Users');
			expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
			expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
			expect(refused.data).toMatchObject({ status: '429', schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
		} finally {
			await limited.sandbox.stop();
		}
	});
});

describe('dropped connections', () => {
	test('dropConnectionRate 1 closes the connection unanswered and does no work', async () => {
		sandbox.setFaults({ dropConnectionRate: 1 });
		const before = sandbox.getUsers().length;
		expect(await outcome(client.post('/Users', newUser()))).toBe('no answer');
		expect(sandbox.getUsers()).toHaveLength(before);
		expect(sandbox.counters()).toMatchObject({ faults: { drop: 1 }, byMethodStatus: { 'POST dropped': 1 } });
	});

	test('commit then drop: the write happens, the client gets no answer', async () => {
		sandbox.setFaults({ commitThenDropRate: 1 });
		expect(await outcome(client.post('/Users', newUser()))).toBe('no answer');
		expect(await outcome(client.get('/Users'))).toBe(200); // reads are never dropped this way
		sandbox.setFaults({});
		expect(await findUsers(client, 'userName eq "new.user@example.com"')).toHaveLength(1);
		expect(sandbox.counters().faults.commitThenDrop).toBe(1);
	});

	test('commit then drop applies to PATCH and DELETE too', async () => {
		const { data: user } = await client.post('/Users', newUser());
		sandbox.setFaults({ commitThenDropRate: 1 });
		const deactivate = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: false }] };
		expect(await outcome(client.patch(`/Users/${user.id}`, deactivate))).toBe('no answer');
		expect(sandbox.getUsers().find((u) => u.id === user.id)?.active).toBe(false);
		expect(await outcome(client.delete(`/Users/${user.id}`))).toBe('no answer');
		expect(sandbox.getUsers().find((u) => u.id === user.id)).toBeUndefined();
	});
});

describe('fault settings', () => {
	test.each([
		[{ errorRate: 2 }],
		[{ latencyMs: [50, 10] }],
		[{ errorStatuses: [200] }],
		[{ rateLimitBurst: { count: -1 } }],
		[{ typo: true }],
	])('setFaults refuses %j', (faults) => {
		expect(() => sandbox.setFaults(/** @type {any} */ (faults))).toThrow();
	});

	test('startSandbox takes initial faults', async () => {
		const faulty = await startWithClient({ faults: { errorRate: 1, errorStatuses: [500] } });
		try {
			expect((await faulty.client.get('/Users')).status).toBe(500);
		} finally {
			await faulty.sandbox.stop();
		}
	});

	test('stop() ends cleanly while a delayed request is pending', async () => {
		const slow = await startWithClient({ faults: { latencyMs: 10000 } });
		const pending = outcome(slow.client.get('/Users'));
		await new Promise((resolve) => setTimeout(resolve, 50));
		await slow.sandbox.stop();
		expect(await pending).toBe('no answer');
	});
});

describe('counters', () => {
	test('count requests by method and status, and log them in order', async () => {
		sandbox.resetCounters();
		await client.get('/Users', { params: { filter: 'userName eq "alex.smith@example.com"' } });
		await client.post('/Users', newUser());
		await client.post('/Users', newUser());
		await client.get('/Users/99999');
		await client.get('/Users', { headers: { Authorization: 'Bearer wrong' } });

		const counters = sandbox.counters();
		expect(counters).toMatchObject({
			total: 5,
			byMethod: { GET: 3, POST: 2 },
			byStatus: { 200: 1, 201: 1, 400: 1, 404: 1, 401: 1 },
			byMethodStatus: { 'GET 200': 1, 'POST 201': 1, 'POST 400': 1, 'GET 404': 1, 'GET 401': 1 },
		});
		expect(counters.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
			'GET /Users 200',
			'POST /Users 201',
			'POST /Users 400',
			'GET /Users/99999 404',
			'GET /Users 401',
		]);
		expect(counters.requests[0].query).toEqual({ filter: 'userName eq "alex.smith@example.com"' });

		sandbox.resetCounters();
		expect(sandbox.counters()).toMatchObject({ total: 0, byMethod: {}, requests: [] });
	});
});

describe('admin endpoint /_sandbox', () => {
	/** @type {import('axios').AxiosInstance} */ let admin;
	beforeAll(() => {
		admin = clientFor(sandbox.baseUrl.replace('/scim/v2', '/_sandbox'));
	});

	test('is guarded by the token', async () => {
		const res = await admin.get('/faults', { headers: { Authorization: 'Bearer wrong' } });
		expect(res.status).toBe(401);
	});

	test('PUT /faults sets faults that GET reads back and requests feel', async () => {
		const put = await admin.put('/faults', { errorRate: 1, errorStatuses: [500], onlyMethods: ['DELETE'] });
		expect(put.status).toBe(200);
		expect((await admin.get('/faults')).data).toMatchObject({ errorRate: 1, errorStatuses: [500], onlyMethods: ['DELETE'] });
		expect((await client.delete('/Users/2')).status).toBe(500);
		expect((await client.get('/Users/2')).status).toBe(200);
		expect((await admin.put('/faults', {})).status).toBe(200);
		expect((await client.delete('/Users/2')).status).toBe(204);
	});

	test('PUT /faults refuses invalid settings with 400', async () => {
		const res = await admin.put('/faults', { errorRate: 'often' });
		expect(res.status).toBe(400);
		expect(res.data.detail).toMatch(/errorRate/);
	});

	test('counters: GET reads, DELETE resets; admin calls are not counted', async () => {
		sandbox.resetCounters();
		await client.get('/Users');
		const { data } = await admin.get('/counters');
		expect(data).toMatchObject({ total: 1, byMethodStatus: { 'GET 200': 1 } });
		expect((await admin.delete('/counters')).status).toBe(204);
		expect(sandbox.counters().total).toBe(0);
	});

	test('POST /users adds users in bulk; POST /reset empties or re-seeds', async () => {
		const added = await admin.post('/users', { users: [{ userName: 'bulk1@example.com', name: { givenName: 'B', familyName: 'One' } }] });
		expect(added.status).toBe(201);
		expect(await findUsers(client, 'userName eq "bulk1@example.com"')).toHaveLength(1);

		const emptied = await admin.post('/reset', { seed: false });
		expect(emptied.data).toEqual({ ownerId: null, totalResults: 0 });
		expect((await client.get('/Users')).data.totalResults).toBe(0);

		const reseeded = await admin.post('/reset');
		expect(reseeded.data.ownerId).toBe(sandbox.ownerId);
		expect((await client.get('/Users')).data.totalResults).toBe(sandbox.getUsers().length);
	});
});
