// @ts-check
'use strict';
/**
 * An independent SCIM 2.0 server for the tests: SCIMMY + scimmy-routers on express 4 (express 5
 * silently ignores `count` and `startIndex`), bearer-token auth, users kept in memory.
 *
 * SCIMMY decides the protocol behaviour; we only store users. Observed (scimmy 1.3.5,
 * scimmy-routers 1.3.2), and deliberately NOT made to look like Qase:
 * - PATCH answers 200 with the user when something changed, and 204 with an empty body when the
 *   operations changed nothing (e.g. setting `active` to the value it already has).
 * - Lists: default page size 20; `itemsPerPage` echoes the requested `count` (or 20), not the
 *   number of Resources returned. A `startIndex` past the end answers the FIRST page again
 *   (Resources from index 1, with the requested startIndex echoed). `count=0` returns no Resources.
 * - Filtering uses SCIMMY's own Filter (attribute names and operators case-insensitive; `eq` on
 *   strings is case-sensitive); sorting and paging are done by SCIMMY's ListResponse.
 * - Errors: `{schemas: [...Error], status: "404", scimType?, detail}` (status is a string).
 *   Unknown id: 404. Duplicate userName (case-insensitive): 409 `uniqueness`, RFC 7644's choice
 *   (Qase documents 400 `invalidValue` instead). Missing/wrong token: 401.
 * - `meta.location` is a relative path (no baseUri configured); ids are "1", "2", ...
 * - Only the User resource type is declared: /ResourceTypes lists User, /Groups answers 404.
 */
const http = require('node:http');
const express = require('express');
const { default: SCIMMY } = require('scimmy');
const { default: SCIMMYRouters } = require('scimmy-routers');

/**
 * One server's state, handed to SCIMMY's handlers as the request context: SCIMMY's handler
 * registration is process-global, so several servers can only differ by context.
 * @typedef {{ users: Map<string, any>, nextId: number }} Store
 */

/** @param {Store} store @param {string} id */
function existingUser(store, id) {
	const user = store.users.get(id);
	if (!user) throw new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);
	return user;
}

/** @param {Store} store @param {string} userName @param {string} [exceptId] */
function assertUniqueUserName(store, userName, exceptId) {
	const wanted = String(userName).toLowerCase();
	for (const [id, user] of store.users) {
		if (id !== exceptId && String(user.userName).toLowerCase() === wanted) {
			throw new SCIMMY.Types.Error(409, 'uniqueness', `userName "${userName}" is already in use`);
		}
	}
}

let handlersDeclared = false;
function declareUserHandlers() {
	if (handlersDeclared) return;
	handlersDeclared = true;
	SCIMMY.Resources.declare(SCIMMY.Resources.User, {
		/** Create (POST), replace (PUT), and the write step of PATCH. */
		ingress: (
			/** @type {any} */ resource,
			/** @type {any} */ instance,
			/** @type {Store} */ store,
		) => {
			const now = new Date().toISOString();
			const previous = resource.id ? existingUser(store, resource.id) : undefined;
			assertUniqueUserName(store, instance.userName, resource.id);
			const id = resource.id ?? String(store.nextId++);
			// A plain JSON copy: SCIMMY's schema instances carry getters and hidden state.
			const user = {
				...JSON.parse(JSON.stringify(instance)),
				id,
				meta: { resourceType: 'User', created: previous?.meta.created ?? now, lastModified: now },
			};
			store.users.set(id, user);
			return user;
		},
		/** One user by id, or every user matching the filter; SCIMMY sorts and pages the list. */
		egress: (/** @type {any} */ resource, /** @type {Store} */ store) => {
			if (resource.id) return existingUser(store, resource.id);
			const users = [...store.users.values()];
			return resource.filter ? resource.filter.match(users) : users;
		},
		degress: (/** @type {any} */ resource, /** @type {Store} */ store) => {
			existingUser(store, resource.id);
			store.users.delete(resource.id);
		},
	});
}

/**
 * @typedef {object} ScimmyServer
 * @property {string} baseUrl e.g. http://127.0.0.1:<port>/scim/v2
 * @property {() => any[]} users copies of the stored users, in creation order
 * @property {() => { method: string, path: string }[]} requests requests received since start/reset
 * @property {() => void} reset forget all users and requests; ids start at "1" again
 * @property {() => Promise<void>} stop
 */

/**
 * @param {{ token: string }} options the bearer token the server accepts
 * @returns {Promise<ScimmyServer>}
 */
async function startScimmy({ token }) {
	declareUserHandlers();
	/** @type {Store} */
	const store = { users: new Map(), nextId: 1 };
	/** @type {{ method: string, path: string }[]} */
	let requests = [];

	const app = express();
	app.use((req, res, next) => {
		requests.push({ method: req.method, path: req.originalUrl });
		next();
	});
	app.use(
		'/scim/v2',
		new SCIMMYRouters({
			type: 'bearer',
			handler: (/** @type {import('express').Request} */ req) => {
				if (req.header('Authorization') !== `Bearer ${token}`) {
					throw new Error('Bearer token missing or not accepted');
				}
				return 'test-client';
			},
			context: () => store,
		}),
	);

	const server = http.createServer(app);
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());

	return {
		baseUrl: `http://127.0.0.1:${port}/scim/v2`,
		users: () => structuredClone([...store.users.values()]),
		requests: () => [...requests],
		reset() {
			store.users.clear();
			store.nextId = 1;
			requests = [];
		},
		async stop() {
			const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
			// HTTP clients keep connections alive; without this close() waits for them.
			server.closeAllConnections();
			await closed;
		},
	};
}

module.exports = { startScimmy };
