// @ts-check
'use strict';

const { startWithClient, newUser, findUsers, USER_SCHEMA } = require('./sandboxClient');

/** @type {import('../../sandbox').Sandbox} */ let sandbox;
/** @type {import('axios').AxiosInstance} */ let client;

beforeAll(async () => ({ sandbox, client } = await startWithClient()));
beforeEach(() => sandbox.reset({ seed: true }));
afterAll(() => sandbox.stop());

describe('POST /Users', () => {
	test('creates a user that GET then returns, with string id, defaults, emails and meta', async () => {
		const created = await client.post('/Users', newUser());
		expect(created.status).toBe(201);
		expect(typeof created.data.id).toBe('string');
		expect(created.headers.location).toBe(`${sandbox.baseUrl}/Users/${created.data.id}`);

		const fetched = await client.get(`/Users/${created.data.id}`);
		expect(fetched.status).toBe(200);
		expect(fetched.data).toEqual(created.data);
		expect(fetched.data).toMatchObject({
			schemas: [USER_SCHEMA],
			userName: 'new.user@example.com',
			name: { givenName: 'New', familyName: 'User' },
			emails: [{ value: 'new.user@example.com', primary: true }],
			userType: 'regular',
			active: true,
			meta: { resourceType: 'User', location: created.headers.location },
		});
		expect(Date.parse(fetched.data.meta.created)).not.toBeNaN();
	});

	test('accepts the older "readonly" spelling and stores read-only', async () => {
		const { data } = await client.post('/Users', newUser({ userType: 'readonly', active: false, title: 'QA' }));
		const { data: stored } = await client.get(`/Users/${data.id}`);
		expect(stored).toMatchObject({ userType: 'read-only', active: false, title: 'QA' });
	});

	test('refuses a duplicate userName, whatever its case, as 400 invalidValue "not unique"', async () => {
		await client.post('/Users', newUser());
		const duplicate = await client.post('/Users', newUser({ userName: 'NEW.User@Example.COM' }));
		expect(duplicate.status).toBe(400);
		expect(duplicate.data).toMatchObject({ status: '400', scimType: 'invalidValue' });
		expect(duplicate.data.detail).toContain('not unique');
		expect(await findUsers(client, 'userName eq "new.user@example.com"')).toHaveLength(1);
	});

	test.each([
		['a userName that is not an email', { userName: 'not-an-email' }],
		['a missing givenName', { name: { familyName: 'User' } }],
		['a blank familyName', { name: { givenName: 'New', familyName: '  ' } }],
		['a givenName over 60 characters', { name: { givenName: 'g'.repeat(61), familyName: 'User' } }],
		['a familyName over 60 characters', { name: { givenName: 'New', familyName: 'f'.repeat(61) } }],
		['an unknown userType', { userType: 'admin' }],
		['a non-boolean active', { active: 'false' }],
		['missing schemas', { schemas: undefined }],
	])('refuses %s with 400 and stores nothing', async (_label, overrides) => {
		const before = sandbox.getUsers().length;
		const res = await client.post('/Users', newUser(overrides));
		expect(res.status).toBe(400);
		expect(res.data.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
		expect(res.data.status).toBe('400');
		expect(sandbox.getUsers()).toHaveLength(before);
	});

	test('accepts names of exactly 60 characters and attribute names in any case', async () => {
		const res = await client.post('/Users', {
			SCHEMAS: [USER_SCHEMA],
			USERNAME: 'caps@example.com',
			Name: { GivenName: 'g'.repeat(60), FAMILYNAME: 'f'.repeat(60) },
		});
		expect(res.status).toBe(201);
		const { data } = await client.get(`/Users/${res.data.id}`);
		expect(data.name).toEqual({ givenName: 'g'.repeat(60), familyName: 'f'.repeat(60) });
	});

	test('gives each user its own increasing id', async () => {
		const first = await client.post('/Users', newUser({ userName: 'one@example.com' }));
		const second = await client.post('/Users', newUser({ userName: 'two@example.com' }));
		expect(Number(second.data.id)).toBeGreaterThan(Number(first.data.id));
	});
});

describe('GET /Users/{id}', () => {
	test('answers 404 as a SCIM error for an unknown id', async () => {
		const res = await client.get('/Users/99999');
		expect(res.status).toBe(404);
		expect(res.data).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
	});
});

describe('PUT /Users/{id}', () => {
	test('replaces the user; omitted active becomes true, omitted userType is kept', async () => {
		const { data: created } = await client.post('/Users', newUser({ userType: 'billing', active: false, title: 'Lead' }));
		const res = await client.put(`/Users/${created.id}`, newUser({ userName: 'renamed@example.com', name: { givenName: 'Re', familyName: 'Named' } }));
		expect(res.status).toBe(200);

		const { data: stored } = await client.get(`/Users/${created.id}`);
		expect(stored).toMatchObject({
			userName: 'renamed@example.com',
			emails: [{ value: 'renamed@example.com', primary: true }],
			name: { givenName: 'Re', familyName: 'Named' },
			userType: 'billing',
			active: true,
		});
		expect(stored.title).toBeUndefined();
		expect(await findUsers(client, 'userName eq "new.user@example.com"')).toHaveLength(0);
	});

	test('leaves lastModified alone when nothing changes (idempotent reconciliation)', async () => {
		const { data: created } = await client.post('/Users', newUser({ userType: 'regular', active: true }));
		await new Promise((resolve) => setTimeout(resolve, 5));
		await client.put(`/Users/${created.id}`, newUser({ userType: 'regular', active: true }));
		const { data: stored } = await client.get(`/Users/${created.id}`);
		expect(stored.meta.lastModified).toBe(created.meta.lastModified);
	});

	test('refuses a userName another user holds, and changes nothing', async () => {
		const { data: created } = await client.post('/Users', newUser());
		const res = await client.put(`/Users/${created.id}`, newUser({ userName: 'ALEX.SMITH@example.com' }));
		expect(res.status).toBe(400);
		expect(res.data.detail).toContain('not unique');
		const { data: stored } = await client.get(`/Users/${created.id}`);
		expect(stored.userName).toBe('new.user@example.com');
	});

	test('validates like POST and answers 404 for an unknown id', async () => {
		const { data: created } = await client.post('/Users', newUser());
		expect((await client.put(`/Users/${created.id}`, newUser({ name: { givenName: 'Only' } }))).status).toBe(400);
		expect((await client.put('/Users/99999', newUser())).status).toBe(404);
	});
});

describe('DELETE /Users/{id}', () => {
	test('removes the user: 204, then GET answers 404', async () => {
		const { data: created } = await client.post('/Users', newUser());
		const res = await client.delete(`/Users/${created.id}`);
		expect(res.status).toBe(204);
		expect(res.data).toBe('');
		expect((await client.get(`/Users/${created.id}`)).status).toBe(404);
		expect(await findUsers(client, 'userName eq "new.user@example.com"')).toHaveLength(0);
	});

	test('refuses to delete the workspace owner with 409, who stays', async () => {
		const res = await client.delete(`/Users/${sandbox.ownerId}`);
		expect(res.status).toBe(409);
		expect(res.data).toMatchObject({ status: '409' });
		expect(res.data.detail).toMatch(/owner/);
		expect((await client.get(`/Users/${sandbox.ownerId}`)).status).toBe(200);
	});

	test('answers 404 for an unknown id', async () => {
		expect((await client.delete('/Users/99999')).status).toBe(404);
	});
});

describe('in-process controls', () => {
	test('reset re-seeds the owner and a few users, or empties the store', async () => {
		await client.post('/Users', newUser());
		sandbox.reset({ seed: false });
		expect(sandbox.getUsers()).toEqual([]);
		expect(sandbox.ownerId).toBeNull();

		sandbox.reset({ seed: true });
		const users = sandbox.getUsers();
		expect(users.length).toBeGreaterThan(1);
		expect(users.map((u) => u.id)).toContain(sandbox.ownerId);
		expect(new Set(users.map((u) => u.userType))).toEqual(new Set(['regular', 'read-only', 'billing']));
	});

	test('addUsers inserts validated users that the API then serves', async () => {
		const [added] = sandbox.addUsers([{ userName: 'bulk@example.com', name: { givenName: 'B', familyName: 'U' }, userType: 'readonly', active: false }]);
		const { data } = await client.get(`/Users/${added.id}`);
		expect(data).toEqual(added);
		expect(data).toMatchObject({ userType: 'read-only', active: false });
		expect(() => sandbox.addUsers([{ userName: 'BULK@example.com', name: { givenName: 'B', familyName: 'U' } }])).toThrow(/not unique/);
	});
});
