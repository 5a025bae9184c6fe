// @ts-check
'use strict';
/**
 * What the node tests share: the servers they run against, running the built node through
 * n8n's engine, and an independent axios view of what a server holds.
 */
const axios = require('axios').default;

const { runNode } = require('../helpers/engine');
const { startSandbox } = require('../../sandbox');
const { startScimmy } = require('../helpers/scimmy-server');
const { QaseScim } = require('../../dist/nodes/QaseScim/QaseScim.node.js');
const { QaseScimApi } = require('../../dist/credentials/QaseScimApi.credentials.js');

const TOKEN = 'test-token-3f9a1c77e2';

/**
 * @typedef {{ name: string, baseUrl: string, token: string, ownerId?: string | null,
 *   reset(): Promise<void> | void, stop(): Promise<void>, sandbox?: any,
 *   caseInsensitiveUserName: boolean, parsesFilterEscapes: boolean }} Target
 */

/**
 * The Qase sandbox; by default empty (tests add their own users) with its rate limit off.
 * @param {{ token?: string, seed?: boolean, rateLimitPerMinute?: number }} [options]
 * @returns {Promise<Target>}
 */
async function sandboxTarget({ token = TOKEN, seed = false, rateLimitPerMinute = 0 } = {}) {
	const sandbox = await startSandbox({ port: 0, token, seed, rateLimitPerMinute });
	return {
		name: 'Qase sandbox',
		baseUrl: sandbox.baseUrl,
		caseInsensitiveUserName: true,
		parsesFilterEscapes: true,
		token,
		sandbox,
		get ownerId() {
			return sandbox.ownerId;
		},
		reset: () => sandbox.reset({ seed }),
		stop: () => sandbox.stop(),
	};
}

/** SCIMMY: an independent SCIM server with its own choices. @returns {Promise<Target>} */
async function scimmyTarget() {
	const server = await startScimmy({ token: TOKEN });
	return {
		name: 'SCIMMY',
		baseUrl: server.baseUrl,
		// SCIMMY compares `eq` case-sensitively although userName is caseExact false (RFC 7643);
		// a lookup then only finds the email in the case it was stored in.
		caseInsensitiveUserName: false,
		// SCIMMY answers 400 invalidFilter to a `\"` inside a filter string (RFC 7644 allows it).
		parsesFilterEscapes: false,
		token: TOKEN,
		reset: () => server.reset(),
		stop: () => server.stop(),
	};
}

/** The server's own view through plain HTTP, independent of the node. @param {Target} target */
function serverView(target) {
	const http = axios.create({
		baseURL: target.baseUrl,
		headers: { Authorization: `Bearer ${target.token}`, 'Content-Type': 'application/scim+json' },
		validateStatus: () => true,
	});
	return {
		http,
		/** Every user, paging by what the server sends. */
		async users() {
			const all = new Map();
			for (let startIndex = 1; ; ) {
				const { data } = await http.get('/Users', { params: { startIndex, count: 50 } });
				const fresh = (data.Resources ?? []).filter((/** @type {any} */ user) => !all.has(user.id));
				for (const user of fresh) all.set(user.id, user);
				if (fresh.length === 0 || all.size >= data.totalResults) break;
				startIndex += data.Resources.length;
			}
			return [...all.values()];
		},
		/** @param {string} email */
		async byEmail(email) {
			const users = await this.users();
			return users.filter((user) => user.userName.toLowerCase() === email.toLowerCase());
		},
		/** @param {{ email: string, first?: string, last?: string, active?: boolean, userType?: string }} user */
		async add({ email, first = 'Test', last = 'User', active, userType }) {
			const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: email, name: { givenName: first, familyName: last } };
			if (active !== undefined) Object.assign(body, { active });
			if (userType !== undefined) Object.assign(body, { userType });
			const response = await http.post('/Users', body);
			if (response.status !== 201 && response.status !== 200) throw new Error(`seed failed: ${response.status} ${JSON.stringify(response.data)}`);
			return response.data;
		},
	};
}

/**
 * Runs the Qase SCIM node in n8n's engine against a target.
 * @param {Target} target
 * @param {Record<string, unknown>} parameters
 * @param {{ items?: object[], continueOnFail?: boolean, token?: string, baseUrl?: string }} [options]
 */
async function runQase(target, parameters, options = {}) {
	return await runNode({
		nodeType: new QaseScim(),
		credentialTypes: [new QaseScimApi()],
		credentials: { qaseScimApi: { baseUrl: options.baseUrl ?? target.baseUrl, token: options.token ?? target.token } },
		parameters: { resource: 'user', ...parameters },
		items: options.items ?? [{}],
		continueOnFail: options.continueOnFail ?? false,
	});
}

/**
 * Starts a target for the enclosing describe block (stopped after it) and resets it before
 * each test, then runs `prepare`. Read `.target`, `.server` inside tests.
 * @param {() => Promise<Target>} makeTarget
 * @param {(context: { target: Target, server: ReturnType<typeof serverView> }) => Promise<void> | void} [prepare]
 */
function useTarget(makeTarget, prepare) {
	const context = /** @type {{ target: Target, server: ReturnType<typeof serverView> }} */ ({});
	beforeAll(async () => {
		context.target = await makeTarget();
		context.server = serverView(context.target);
	});
	afterAll(async () => await context.target.stop());
	beforeEach(async () => {
		await context.target.reset();
		await prepare?.(context);
	});
	return context;
}

/** A resource locator value. @param {'id' | 'email' | 'list'} mode @param {string} value */
const locate = (mode, value) => ({ __rl: true, mode, value });

module.exports = { TOKEN, sandboxTarget, scimmyTarget, serverView, useTarget, runQase, locate, QaseScim, QaseScimApi };
