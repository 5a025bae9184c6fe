// @ts-check
'use strict';

// Shared by the sandbox tests: a sandbox on a free port and an axios client that never throws
// on HTTP statuses, so tests can assert on them.

const axios = require('axios').default;
const { startSandbox } = require('../../sandbox');

const TOKEN = 'test-token';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** @param {import('axios').CreateAxiosDefaults} [defaults] */
function clientFor(baseURL, defaults = {}) {
	return axios.create({ baseURL, headers: { Authorization: `Bearer ${TOKEN}` }, validateStatus: () => true, ...defaults });
}

/** @param {Parameters<typeof startSandbox>[0]} [options] */
async function startWithClient(options = {}) {
	const sandbox = await startSandbox({ token: TOKEN, ...options });
	return { sandbox, client: clientFor(sandbox.baseUrl) };
}

/** A valid POST /Users body. @param {Record<string, unknown>} [overrides] */
function newUser(overrides = {}) {
	return { schemas: [USER_SCHEMA], userName: 'new.user@example.com', name: { givenName: 'New', familyName: 'User' }, ...overrides };
}

/** @param {...object} operations */
const patchBody = (...operations) => ({ schemas: [PATCH_SCHEMA], Operations: operations });

/** `count` users for addUsers, user0@bulk.example.com, user1@... @param {number} count */
const bulkUsers = (count) =>
	Array.from({ length: count }, (_, i) => ({ userName: `user${i}@bulk.example.com`, name: { givenName: `Given${i}`, familyName: `Family${i}` } }));

/** The users a filter finds, by GET /Users. @param {import('axios').AxiosInstance} client @param {string} filter */
async function findUsers(client, filter) {
	const res = await client.get('/Users', { params: { filter } });
	expect(res.status).toBe(200);
	return res.data.Resources;
}

module.exports = { TOKEN, USER_SCHEMA, PATCH_SCHEMA, clientFor, startWithClient, newUser, patchBody, bulkUsers, findUsers };
