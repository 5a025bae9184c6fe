// @ts-check
'use strict';
/** Self-test of test/helpers/scimmy-server.js over HTTP with axios. */
const { afterAll, beforeAll, beforeEach, expect, test } = require('@jest/globals');
const { default: axios } = require('axios');
const { startScimmy } = require('../helpers/scimmy-server');

const TOKEN = 'scimmy-token';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** @type {Awaited<ReturnType<typeof startScimmy>>} */
let srv;
/** @type {import('axios').AxiosInstance} */
let scim;

beforeAll(async () => {
	srv = await startScimmy({ token: TOKEN });
	scim = axios.create({
		baseURL: srv.baseUrl,
		headers: { Authorization: `Bearer ${TOKEN}` },
		validateStatus: () => true,
	});
});
afterAll(async () => {
	await srv.stop();
});
beforeEach(() => {
	srv.reset();
});

/** @param {string} userName */
const createUser = (userName) =>
	scim.post('/Users', {
		schemas: [USER_SCHEMA],
		userName,
		name: { givenName: 'Given', familyName: 'Family' },
		active: true,
	});

/** @param {boolean} active */
const setActive = (active) => ({
	schemas: [PATCH_SCHEMA],
	Operations: [{ op: 'Replace', path: 'active', value: active }],
});

test('creates users with ids "1", "2", ... and stores them', async () => {
	const created = await createUser('alex.smith@example.com');

	expect(created.status).toBe(201);
	expect(created.data).toMatchObject({ id: '1', userName: 'alex.smith@example.com', active: true });
	expect(srv.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
	expect(srv.users()).toEqual([
		expect.objectContaining({ id: '1', userName: 'alex.smith@example.com' }),
	]);
});

test('a duplicate userName (any case) answers 409 uniqueness', async () => {
	await createUser('dup@example.com');
	const duplicate = await createUser('DUP@example.com');

	expect(duplicate.status).toBe(409);
	expect(duplicate.data).toMatchObject({ status: '409', scimType: 'uniqueness' });
	expect(srv.users()).toHaveLength(1);
});

test('filters with SCIMMY: userName eq matches the exact value', async () => {
	await createUser('alex.smith@example.com');
	await createUser('bo@example.com');

	const found = await scim.get('/Users', { params: { filter: 'userName eq "bo@example.com"' } });
	expect(found.status).toBe(200);
	expect(found.data.totalResults).toBe(1);
	expect(found.data.Resources.map((/** @type {any} */ u) => u.userName)).toEqual([
		'bo@example.com',
	]);

	const otherCase = await scim.get('/Users', {
		params: { filter: 'userName eq "BO@example.com"' },
	});
	expect(otherCase.data.totalResults).toBe(0);
});

test('pages with startIndex/count, and answers the first page past the end', async () => {
	for (let i = 1; i <= 25; i++) await createUser(`user${i}@example.com`);
	const ids = (/** @type {any} */ response) =>
		response.data.Resources.map((/** @type {any} */ u) => u.id);

	const byDefault = await scim.get('/Users');
	expect(byDefault.data).toMatchObject({ totalResults: 25, itemsPerPage: 20, startIndex: 1 });
	expect(byDefault.data.Resources).toHaveLength(20);

	const lastPage = await scim.get('/Users', { params: { startIndex: 21, count: 10 } });
	expect(lastPage.data).toMatchObject({ totalResults: 25, itemsPerPage: 10, startIndex: 21 });
	expect(ids(lastPage)).toEqual(['21', '22', '23', '24', '25']);

	const pastEnd = await scim.get('/Users', { params: { startIndex: 100, count: 3 } });
	expect(pastEnd.data).toMatchObject({ totalResults: 25, startIndex: 100 });
	expect(ids(pastEnd)).toEqual(['1', '2', '3']);
});

test('PATCH active answers 200 with the user, then 204 when nothing changes', async () => {
	await createUser('patch@example.com');

	const changed = await scim.patch('/Users/1', setActive(false));
	expect(changed.status).toBe(200);
	expect(changed.data).toMatchObject({ id: '1', active: false });
	expect(srv.users()[0].active).toBe(false);

	const unchanged = await scim.patch('/Users/1', setActive(false));
	expect(unchanged.status).toBe(204);
	expect(unchanged.data).toBe('');
});

test('DELETE answers 204, then 404 with a SCIM error body', async () => {
	await createUser('gone@example.com');

	expect((await scim.delete('/Users/1')).status).toBe(204);
	expect(srv.users()).toEqual([]);

	const again = await scim.delete('/Users/1');
	expect(again.status).toBe(404);
	expect(again.data).toMatchObject({
		schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
		status: '404',
		detail: expect.any(String),
	});
});

test('refuses a missing or wrong bearer token with 401', async () => {
	const anonymous = await axios.get(`${srv.baseUrl}/Users`, { validateStatus: () => true });
	const wrong = await axios.get(`${srv.baseUrl}/Users`, {
		headers: { Authorization: 'Bearer nope' },
		validateStatus: () => true,
	});

	expect(anonymous.status).toBe(401);
	expect(wrong.status).toBe(401);
	expect(wrong.data).toMatchObject({ status: '401' });
});

test('records the requests it received until reset', async () => {
	await createUser('seen@example.com');
	await scim.get('/Users/1');

	expect(srv.requests()).toEqual([
		{ method: 'POST', path: '/scim/v2/Users' },
		{ method: 'GET', path: '/scim/v2/Users/1' },
	]);
	srv.reset();
	expect(srv.requests()).toEqual([]);
	expect(srv.users()).toEqual([]);
});

test('two servers keep separate users', async () => {
	const other = await startScimmy({ token: 'other-token' });
	try {
		await createUser('only-here@example.com');
		expect(other.users()).toEqual([]);
		const otherList = await axios.get(`${other.baseUrl}/Users`, {
			headers: { Authorization: 'Bearer other-token' },
		});
		expect(otherList.data.totalResults).toBe(0);
	} finally {
		await other.stop();
	}
});
