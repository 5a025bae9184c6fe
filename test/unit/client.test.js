// @ts-check
const { ScimClient, normaliseBaseUrl, interpretResponse } = require('../../dist/nodes/QaseScim/transport/client');
const { errorFromResponse, errorFromException, ScimError } = require('../../dist/nodes/QaseScim/transport/errors');
const { UsersApi } = require('../../dist/nodes/QaseScim/transport/users');
const { RateLimiter } = require('../../dist/nodes/QaseScim/transport/rateLimiter');
const { busiestWindow } = require('../reliability/support');

const scimError = (/** @type {number} */ status, /** @type {string} */ detail, /** @type {string=} */ scimType) => ({
	schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
	status: String(status),
	scimType,
	detail,
});

/**
 * A client whose `send` answers from a script, recording what was sent and how long it slept.
 * @param {Array<object | Error>} answers HttpResponse objects, or errors to throw
 */
function scriptedClient(answers, retry = {}) {
	const sent = [];
	const slept = [];
	const client = new ScimClient({
		baseUrl: 'https://qase.example/scim/v2/',
		retry: { baseDelayMs: 10, ...retry },
		sleep: async (/** @type {number} */ ms) => void slept.push(ms),
		send: async (/** @type {any} */ request) => {
			sent.push(request);
			const answer = answers.shift();
			if (!answer) throw new Error('script exhausted');
			if (answer instanceof Error) throw answer;
			return answer;
		},
	});
	return { client, sent, slept };
}

const ok = (/** @type {unknown} */ body, status = 200) => ({ statusCode: status, headers: {}, body });
const fail = (/** @type {number} */ status, body = scimError(status, 'x'), headers = {}) => ({ statusCode: status, headers, body });
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('error mapping', () => {
	test.each([
		[400, 'invalidValue', 'userName is not unique', 'alreadyExists'],
		[409, 'uniqueness', 'exists', 'alreadyExists'],
		[400, 'invalidValue', 'name too long', 'badRequest'],
		[401, undefined, 'bad token', 'unauthorized'],
		[403, undefined, 'disabled', 'forbidden'],
		[404, undefined, 'no user', 'notFound'],
		[405, undefined, 'no', 'methodNotAllowed'],
		[409, undefined, 'Cannot delete the workspace owner', 'conflict'],
		[413, undefined, 'big', 'tooLarge'],
		[415, undefined, 'type', 'unsupportedMediaType'],
		[429, undefined, 'slow down', 'rateLimited'],
		[500, undefined, 'boom', 'serverError'],
		[502, undefined, 'gateway', 'serverError'],
		[503, undefined, 'busy', 'serverError'],
		[504, undefined, 'gateway', 'serverError'],
	])('%i %s %j is %s', (status, scimType, detail, kind) => {
		const error = errorFromResponse(status, scimError(status, detail, scimType), {});
		expect(error.kind).toBe(kind);
		expect(error.status).toBe(status);
		expect(error.retryable).toBe(kind === 'rateLimited' || [502, 503, 504].includes(status));
	});

	test('a 404 without a SCIM error body is a wrong base URL, not a missing user', () => {
		expect(errorFromResponse(404, '<html>Not Found</html>').kind).toBe('endpointNotFound');
		expect(errorFromResponse(404, scimError(404, 'no such user')).kind).toBe('notFound');
	});

	test('a 409 on DELETE is the workspace owner; elsewhere a plain conflict', () => {
		expect(errorFromResponse(409, scimError(409, 'Conflict'), {}, 'DELETE').message).toMatch(/workspace owner/);
		expect(errorFromResponse(409, scimError(409, 'Conflict'), {}, 'PATCH').message).not.toMatch(/owner/);
	});

	test('a 503 with Retry-After is retried after it', () => {
		expect(errorFromResponse(503, {}, { 'retry-after': '4' }).retryAfterSeconds).toBe(4);
	});

	test('the owner conflict says so; 401 and 403 are told apart', () => {
		expect(errorFromResponse(409, scimError(409, 'workspace owner cannot be deleted')).message).toMatch(/owner/);
		expect(errorFromResponse(401, {}).message).toMatch(/token was not accepted/);
		expect(errorFromResponse(403, {}).message).toMatch(/SCIM is disabled/);
	});

	test('Retry-After in seconds or as a date', () => {
		expect(errorFromResponse(429, {}, { 'retry-after': '7' }).retryAfterSeconds).toBe(7);
		const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
		const seconds = errorFromResponse(429, {}, { 'retry-after': inTenSeconds }).retryAfterSeconds;
		expect(seconds).toBeGreaterThan(8);
		expect(seconds).toBeLessThanOrEqual(10);
	});

	test('a transport error keeps no request details (headers hold the token)', () => {
		const raw = Object.assign(new Error('weird failure Bearer s3cret-token'), {
			config: { headers: { Authorization: 'Bearer s3cret-token' } },
		});
		const error = errorFromException(raw);
		expect(JSON.stringify({ ...error.toJSON(), description: error.description })).not.toContain('s3cret-token');
		expect(errorFromException(reset()).retryable).toBe(true);
		expect(errorFromException(Object.assign(new Error('x'), { code: 'ENOTFOUND' })).retryable).toBe(false);
	});

	test('network messages carry no error code (n8n would swap them for its generic text)', () => {
		for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']) {
			const error = errorFromException(Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code }));
			expect(error.message).not.toMatch(/E[A-Z_]{4,}/);
			expect(error.description).toContain(code);
		}
	});

	test('an error that is not a network failure is not retried', () => {
		const error = errorFromException(new Error('Domain not allowed'));
		expect(error.retryable).toBe(false);
		expect(error.message).toMatch(/could not be made: Domain not allowed/);
	});

	test('interpretResponse: non-JSON success, an error body inside a 200, an empty 204', () => {
		expect(() => interpretResponse({ statusCode: 200, headers: {}, body: '{"id": "1", "userNa' })).toThrow(/not JSON/);
		expect(() => interpretResponse({ statusCode: 200, headers: {}, body: scimError(400, 'not unique', 'invalidValue') })).toThrow(
			/already exists/,
		);
		expect(interpretResponse({ statusCode: 204, headers: {}, body: '' })).toEqual({ status: 204, body: undefined });
	});
});

describe('base URL', () => {
	test.each([
		['https://app.qase.io/scim/v2/', 'https://app.qase.io/scim/v2'],
		['http://127.0.0.1:8787/scim/v2', 'http://127.0.0.1:8787/scim/v2'],
		['http://localhost:1/scim/v2//', 'http://localhost:1/scim/v2'],
		['http://[::1]:9/scim/v2', 'http://[::1]:9/scim/v2'],
	])('%s is accepted as %s', (raw, expected) => expect(normaliseBaseUrl(raw)).toBe(expected));

	test.each([['http://app.qase.io/scim/v2'], ['ftp://127.0.0.1/x'], ['not a url'], ['http://127.0.0.1.evil.example/scim']])(
		'%s is refused',
		(raw) => expect(() => normaliseBaseUrl(raw)).toThrow(ScimError),
	);
});

describe('retries', () => {
	test('a 503 is retried with backoff, then succeeds', async () => {
		const { client, sent, slept } = scriptedClient([fail(503), fail(502), ok({ id: '1' })]);
		const response = await client.request('GET', '/Users/1', { repeatable: true });
		expect(response.body).toEqual({ id: '1' });
		expect(sent).toHaveLength(3);
		expect(slept).toHaveLength(2);
		expect(slept[1]).toBeGreaterThanOrEqual(10);
	});

	test.each([400, 401, 403, 404, 409])('a %i is never retried', async (status) => {
		const { client, sent } = scriptedClient([fail(status), ok({})]);
		await expect(client.request('GET', '/Users/1', { repeatable: true })).rejects.toBeInstanceOf(ScimError);
		expect(sent).toHaveLength(1);
	});

	test('a 429 waits exactly Retry-After, even for a POST', async () => {
		const { client, sent, slept } = scriptedClient([fail(429, {}, { 'Retry-After': '3' }), ok({ id: '9' }, 201)]);
		await client.request('POST', '/Users', { body: {}, repeatable: false });
		expect(slept).toEqual([3000]);
		expect(sent).toHaveLength(2);
	});

	test('attempts and total wait are bounded', async () => {
		const many = Array.from({ length: 10 }, () => fail(503));
		const limited = scriptedClient([...many], { maxAttempts: 3 });
		await expect(limited.client.request('GET', '/Users', { repeatable: true })).rejects.toMatchObject({ kind: 'serverError' });
		expect(limited.sent).toHaveLength(3);

		const impatient = scriptedClient([fail(429, {}, { 'retry-after': '120' }), ok({})], { maxWaitMs: 60_000 });
		await expect(impatient.client.request('GET', '/Users', { repeatable: true })).rejects.toMatchObject({ kind: 'rateLimited' });
		expect(impatient.sent).toHaveLength(1);
	});

	test('an unclear failure of a non-repeatable request is not retried', async () => {
		const { client, sent } = scriptedClient([reset(), ok({})]);
		await expect(client.request('POST', '/Users', { body: {}, repeatable: false })).rejects.toMatchObject({ kind: 'network' });
		expect(sent).toHaveLength(1);
	});
});

describe('create after an unclear failure', () => {
	const user = { id: '5', userName: 'new@example.com', name: { givenName: 'N', familyName: 'U' } };
	const fields = { userName: 'new@example.com', givenName: 'N', familyName: 'U' };

	test('looks the email up and returns the user the lost request created', async () => {
		const { client, sent } = scriptedClient([reset(), ok({ totalResults: 1, Resources: [user] })]);
		const created = await new UsersApi(client).create(fields);
		expect(created.id).toBe('5');
		expect(sent.map((request) => request.method)).toEqual(['POST', 'GET']);
		expect(sent[1].qs.filter).toBe('userName eq "new@example.com"');
	});

	test('the lookups inside a create share its retry budget', async () => {
		const failures = Array.from({ length: 30 }, () => fail(503));
		const { client, sent } = scriptedClient([reset(), ...failures], { maxAttempts: 5 });
		await expect(new UsersApi(client).create(fields)).rejects.toMatchObject({ kind: 'serverError' });
		expect(sent).toHaveLength(5);
	});

	test('posts again only when the lookup finds nothing', async () => {
		const { client, sent } = scriptedClient([fail(503), ok({ totalResults: 0, Resources: [] }), ok(user, 201)]);
		const created = await new UsersApi(client).create(fields);
		expect(created.id).toBe('5');
		expect(sent.map((request) => request.method)).toEqual(['POST', 'GET', 'POST']);
	});

	test('a PATCH answered 204 is read back', async () => {
		const { client, sent } = scriptedClient([ok('', 204), ok({ ...user, active: false })]);
		const patched = await new UsersApi(client).patch('5', [{ op: 'Replace', path: 'active', value: false }]);
		expect(patched.active).toBe(false);
		expect(sent.map((request) => request.method)).toEqual(['PATCH', 'GET']);
	});

	test('a DELETE whose first answer was lost counts its 404 retry as deleted', async () => {
		const { client } = scriptedClient([reset(), fail(404)]);
		expect(await new UsersApi(client).delete('5')).toBe(true);
		const throughRateLimit = scriptedClient([reset(), fail(429, {}, { 'retry-after': '0' }), fail(404)]);
		expect(await new UsersApi(throughRateLimit.client).delete('5')).toBe(true);
		const plain = scriptedClient([fail(404)]);
		expect(await new UsersApi(plain.client).delete('5')).toBe(false);
	});
});

describe('RateLimiter', () => {
	/** Starts of `count` requests through a limiter of `perMinute`, on a fake clock. */
	async function startsUnder(/** @type {number} */ perMinute, /** @type {number} */ count) {
		let now = 0;
		const limiter = new RateLimiter(
			perMinute,
			async (/** @type {number} */ ms) => void (now += ms),
			() => now,
		);
		const starts = [];
		for (let i = 0; i < count; i++) {
			await limiter.acquire();
			starts.push(now);
		}
		return starts;
	}

	test.each([
		[600, 2000],
		[60, 200],
		[5, 20],
	])('at %i a minute, no 60-second window holds more, and a long batch runs near the limit', async (perMinute, count) => {
		const starts = await startsUnder(perMinute, count);
		expect(busiestWindow(starts, 60_000)).toBeLessThanOrEqual(perMinute);
		const achievedPerMinute = ((count - 1) / (starts.at(-1) ?? 1)) * 60_000;
		expect(achievedPerMinute).toBeGreaterThan(perMinute * 0.75);
	});

	test('a short workflow starts at once', async () => {
		const starts = await startsUnder(600, 10);
		expect(starts.at(-1)).toBe(0);
	});
});
