// @ts-check
'use strict';

const { startWithClient, clientFor, newUser, TOKEN, USER_SCHEMA } = require('./sandboxClient');

/** @type {import('../../sandbox').Sandbox} */ let sandbox;
/** @type {import('axios').AxiosInstance} */ let client;

beforeAll(async () => ({ sandbox, client } = await startWithClient()));
beforeEach(() => sandbox.reset({ seed: true }));
afterAll(() => sandbox.stop());

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('authentication', () => {
	test.each([
		['no Authorization header', {}],
		['a wrong token', { Authorization: 'Bearer wrong-token' }],
		['the token under another scheme', { Authorization: `Token ${TOKEN}` }],
	])('%s answers 401 as a SCIM error, without echoing the token', async (_label, headers) => {
		const res = await client.get('/Users', { headers: { Authorization: undefined, ...headers } });
		expect(res.status).toBe(401);
		expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
		expect(res.data).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
		expect(JSON.stringify(res.data)).not.toContain(TOKEN);
	});

	test('a refused request changes nothing', async () => {
		const before = sandbox.getUsers().length;
		await client.post('/Users', newUser(), { headers: { Authorization: 'Bearer nope' } });
		expect(sandbox.getUsers()).toHaveLength(before);
	});
});

describe('routing', () => {
	test.each(['/Groups', '/Nope', '/Users/1/extra'])('%s answers 404 as a SCIM error', async (path) => {
		const res = await client.get(path);
		expect(res.status).toBe(404);
		expect(res.data).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
	});

	test('a path outside /scim/v2 answers 404', async () => {
		const res = await clientFor(sandbox.baseUrl.replace('/scim/v2', '')).get('/Users');
		expect(res.status).toBe(404);
	});

	test.each([
		['delete', '/Users', 'GET, POST'],
		['post', '/Users/1', 'GET, PUT, PATCH, DELETE'],
		['post', '/ServiceProviderConfig', 'GET'],
	])('%s %s answers 405 with Allow', async (method, path, allow) => {
		const res = await client.request({ method, url: path, data: method === 'post' ? {} : undefined });
		expect(res.status).toBe(405);
		expect(res.headers.allow).toBe(allow);
		expect(res.data.status).toBe('405');
	});

	test.each(['/Users/', '//Users'])('accepts %s, as a base URL written with a trailing slash gives', async (path) => {
		const res = await client.get(`${sandbox.baseUrl}${path}`);
		expect(res.status).toBe(200);
		expect(res.data.totalResults).toBe(sandbox.getUsers().length);
	});

	test('answers JSON as application/scim+json', async () => {
		const res = await client.get('/Users');
		expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
	});
});

describe('request bodies', () => {
	test('a body over 800000 bytes answers 413 and creates nothing', async () => {
		const before = sandbox.getUsers().length;
		const res = await client.post('/Users', newUser({ padding: 'x'.repeat(800001) }));
		expect(res.status).toBe(413);
		expect(res.data).toMatchObject({ schemas: [ERROR_SCHEMA], status: '413' });
		expect(sandbox.getUsers()).toHaveLength(before);
	});

	test('a body just under the limit is accepted', async () => {
		const body = newUser();
		const padding = 'x'.repeat(800000 - JSON.stringify({ ...body, padding: '' }).length);
		const res = await client.post('/Users', { ...body, padding });
		expect(res.status).toBe(201);
	});

	test('a non-JSON Content-Type answers 415 and creates nothing', async () => {
		const before = sandbox.getUsers().length;
		const res = await client.post('/Users', 'userName=a@example.com', { headers: { 'Content-Type': 'text/plain' } });
		expect(res.status).toBe(415);
		expect(res.data.status).toBe('415');
		expect(sandbox.getUsers()).toHaveLength(before);
	});

	test('application/scim+json is accepted', async () => {
		const res = await client.post('/Users', JSON.stringify(newUser()), { headers: { 'Content-Type': 'application/scim+json; charset=utf-8' } });
		expect(res.status).toBe(201);
		expect((await client.get(`/Users/${res.data.id}`)).data.userName).toBe('new.user@example.com');
	});

	test('malformed JSON answers 400 invalidSyntax', async () => {
		const res = await client.post('/Users', '{"userName": ', { headers: { 'Content-Type': 'application/json' } });
		expect(res.status).toBe(400);
		expect(res.data).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
	});
});

describe('discovery', () => {
	test('ServiceProviderConfig is honest about support', async () => {
		const { status, data } = await client.get('/ServiceProviderConfig');
		expect(status).toBe(200);
		expect(data).toMatchObject({
			schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
			patch: { supported: true },
			bulk: { supported: false },
			filter: { supported: true, maxResults: 100 },
			sort: { supported: true },
			etag: { supported: false },
			changePassword: { supported: false },
			authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
		});
	});

	test('ResourceTypes lists Users only', async () => {
		const { data } = await client.get('/ResourceTypes');
		expect(data.totalResults).toBe(1);
		expect(data.Resources.map((/** @type {any} */ r) => r.endpoint)).toEqual(['/Users']);
		const { data: user } = await client.get('/ResourceTypes/User');
		expect(user).toMatchObject({ id: 'User', endpoint: '/Users', schema: USER_SCHEMA });
		expect((await client.get('/ResourceTypes/Group')).status).toBe(404);
	});

	test('Schemas describes the User attributes served', async () => {
		const { data } = await client.get('/Schemas');
		expect(data.Resources.map((/** @type {any} */ s) => s.id)).toEqual([USER_SCHEMA]);
		const { data: schema } = await client.get(`/Schemas/${USER_SCHEMA}`);
		const names = schema.attributes.map((/** @type {any} */ a) => a.name);
		expect(names).toEqual(expect.arrayContaining(['userName', 'name', 'emails', 'userType', 'active', 'title']));
		const userType = schema.attributes.find((/** @type {any} */ a) => a.name === 'userType');
		expect(userType.canonicalValues).toEqual(['regular', 'read-only', 'billing']);
	});
});
