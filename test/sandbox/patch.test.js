// @ts-check
'use strict';

const { startWithClient, newUser, patchBody, findUsers } = require('./sandboxClient');

/** @type {import('../../sandbox').Sandbox} */ let sandbox;
/** @type {import('axios').AxiosInstance} */ let client;
/** @type {string} */ let id;

beforeAll(async () => ({ sandbox, client } = await startWithClient()));
beforeEach(async () => {
	sandbox.reset({ seed: true });
	({ id } = (await client.post('/Users', newUser({ userType: 'regular', title: 'Tester' }))).data);
});
afterAll(() => sandbox.stop());

/** @param {...object} operations */
const patch = (...operations) => client.patch(`/Users/${id}`, patchBody(...operations));
const stored = async () => (await client.get(`/Users/${id}`)).data;

test.each(['Replace', 'replace', 'REPLACE', 'add'])('op "%s" on active answers 200 with the user and deactivates it', async (op) => {
	const res = await patch({ op, path: 'active', value: false });
	expect(res.status).toBe(200);
	expect(res.data).toMatchObject({ id, active: false });
	expect((await stored()).active).toBe(false);
});

test('reactivates with active true', async () => {
	await patch({ op: 'Replace', path: 'active', value: false });
	await patch({ op: 'Replace', path: 'active', value: true });
	expect((await stored()).active).toBe(true);
});

test('changes one name part and keeps the other', async () => {
	await patch({ op: 'Replace', path: 'name.givenName', value: 'Changed' });
	expect((await stored()).name).toEqual({ givenName: 'Changed', familyName: 'User' });
	await patch({ op: 'Replace', path: 'name.familyName', value: 'Other' });
	expect((await stored()).name).toEqual({ givenName: 'Changed', familyName: 'Other' });
});

test('resolves paths case-insensitively and with the schema URN prefix', async () => {
	await patch({ op: 'Replace', path: 'NAME.GIVENNAME', value: 'Upper' });
	await patch({ op: 'Replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:active', value: false });
	expect(await stored()).toMatchObject({ name: { givenName: 'Upper' }, active: false });
});

test('changes userType, reading "readonly" as read-only', async () => {
	await patch({ op: 'Replace', path: 'userType', value: 'readonly' });
	expect((await stored()).userType).toBe('read-only');
});

test('renames userName: emails follow and lookups find the new name only', async () => {
	await patch({ op: 'Replace', path: 'userName', value: 'Renamed@Example.com' });
	expect((await stored()).emails).toEqual([{ value: 'Renamed@Example.com', primary: true }]);
	expect(await findUsers(client, 'userName eq "renamed@example.com"')).toMatchObject([{ id }]);
	expect(await findUsers(client, 'userName eq "new.user@example.com"')).toEqual([]);
});

test('applies the path-less form, merging name parts', async () => {
	const res = await patch({ op: 'Replace', value: { active: false, name: { familyName: 'Merged' }, userType: 'billing' } });
	expect(res.status).toBe(200);
	expect(await stored()).toMatchObject({ active: false, userType: 'billing', name: { givenName: 'New', familyName: 'Merged' } });
});

test('applies several operations in order', async () => {
	await patch({ op: 'Replace', path: 'active', value: false }, { op: 'Replace', path: 'active', value: true }, { op: 'remove', path: 'title' });
	const user = await stored();
	expect(user.active).toBe(true);
	expect(user.title).toBeUndefined();
});

test('refuses a userName another user holds, case-insensitively, and changes nothing', async () => {
	const res = await patch({ op: 'Replace', path: 'userName', value: 'Alex.Smith@example.com' });
	expect(res.status).toBe(400);
	expect(res.data).toMatchObject({ scimType: 'invalidValue' });
	expect(res.data.detail).toContain('not unique');
	expect((await stored()).userName).toBe('new.user@example.com');
});

test.each([
	['a givenName over 60 characters', { op: 'Replace', path: 'name.givenName', value: 'g'.repeat(61) }],
	['removing a required name part', { op: 'Remove', path: 'name.familyName' }],
	['a userName that is not an email', { op: 'Replace', path: 'userName', value: 'nobody' }],
	['an unknown userType', { op: 'Replace', path: 'userType', value: 'owner' }],
	['a non-boolean active', { op: 'Replace', path: 'active', value: 'False' }],
])('refuses %s with 400 invalidValue and keeps the user intact', async (_label, operation) => {
	const before = await stored();
	const res = await patch(operation);
	expect(res.status).toBe(400);
	expect(res.data.scimType).toBe('invalidValue');
	expect(await stored()).toEqual(before);
});

test.each([['emails'], ['id'], ['meta.created'], ['externalId']])('refuses path %s with 400 invalidPath', async (path) => {
	const before = await stored();
	const res = await patch({ op: 'Replace', path, value: 'x' });
	expect(res.status).toBe(400);
	expect(res.data.scimType).toBe('invalidPath');
	expect(await stored()).toEqual(before);
});

test('refuses malformed PatchOp messages with 400', async () => {
	const noSchemas = await client.patch(`/Users/${id}`, { Operations: [{ op: 'Replace', path: 'active', value: false }] });
	const badOp = await patch({ op: 'move', path: 'active', value: false });
	const noOperations = await client.patch(`/Users/${id}`, patchBody());
	const pathlessScalar = await patch({ op: 'Replace', value: false });
	for (const res of [noSchemas, badOp, noOperations, pathlessScalar]) expect(res.status).toBe(400);
	expect((await stored()).active).toBe(true);
});

test('answers 404 for an unknown id', async () => {
	const res = await client.patch('/Users/99999', patchBody({ op: 'Replace', path: 'active', value: false }));
	expect(res.status).toBe(404);
});
