// @ts-check
'use strict';
/**
 * What the reliability and security tests share: a Qase sandbox started with the options a test
 * needs, a tiny hostile HTTP server on loopback, and readers of the sandbox's request log.
 */
const http = require('node:http');

const { runQase, sandboxTarget } = require('../node/support');

/**
 * @typedef {import('../node/support').Target} Target
 * @typedef {{ method: string, path: string, query: Record<string, any>, status: string, at: string }} LoggedRequest
 */

/**
 * A Qase sandbox as a node-test target, under this suite's own token (the token tests search
 * every output for).
 * @param {{ token?: string, seed?: boolean, rateLimitPerMinute?: number }} [options]
 * @returns {Promise<Target & { sandbox: any }>}
 */
async function startQaseSandbox({ token = 'reliability-token-5e1d0c', seed = false, rateLimitPerMinute = 0 } = {}) {
	return /** @type {Promise<Target & { sandbox: any }>} */ (sandboxTarget({ token, seed, rateLimitPerMinute }));
}

/**
 * @typedef {{ method: string, url: string, headers: http.IncomingHttpHeaders }} ReceivedRequest
 * @typedef {(req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void} HostileHandler
 */

/**
 * A plain node:http server on 127.0.0.1 that answers as `handler` says (anything a real SCIM
 * server would never send), and remembers every request it received, headers included.
 * @param {HostileHandler} handler
 */
async function startHostileServer(handler) {
	/** @type {ReceivedRequest[]} */
	const received = [];
	const server = http.createServer((req, res) => {
		received.push({ method: String(req.method), url: String(req.url), headers: req.headers });
		req.resume(); // drain any body; the answer never depends on it
		req.on('end', () => handler(req, res, new URL(String(req.url), 'http://127.0.0.1')));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		port,
		origin: `http://127.0.0.1:${port}`,
		baseUrl: `http://127.0.0.1:${port}/scim/v2`,
		received,
		async stop() {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(() => resolve(undefined)));
		},
	};
}

/**
 * Sends a raw answer.
 * @param {http.ServerResponse} res @param {number} status @param {string} body @param {Record<string, string>} [headers]
 */
function sendRaw(res, status, body, headers = { 'Content-Type': 'application/scim+json' }) {
	res.writeHead(status, headers);
	res.end(body);
}

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** @param {object[]} resources @param {number} totalResults @param {number} startIndex */
const listResponse = (resources, totalResults, startIndex) => ({
	schemas: [LIST_SCHEMA],
	totalResults,
	itemsPerPage: resources.length,
	startIndex,
	Resources: resources,
});

/** A minimal SCIM user as a hostile server would hand it out. @param {string} id @param {string} email */
const scimUser = (id, email) => ({
	schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
	id,
	userName: email,
	name: { givenName: 'Given', familyName: 'Family' },
	active: true,
});

/**
 * Runs the node against a base URL that is not a sandbox (a hostile server, a refused URL).
 * @param {{ baseUrl: string, token: string }} server
 * @param {Record<string, unknown>} parameters
 * @param {{ items?: object[], continueOnFail?: boolean, token?: string }} [options]
 */
async function runAgainst(server, parameters, options = {}) {
	const target = /** @type {Target} */ ({ baseUrl: server.baseUrl, token: server.token });
	return await runQase(target, parameters, options);
}

/** The sandbox's request log, oldest first. @param {any} sandbox @returns {LoggedRequest[]} */
const loggedRequests = (sandbox) => sandbox.counters().requests;

/** Milliseconds since the epoch of a logged request. @param {LoggedRequest} request */
const loggedAt = (request) => Date.parse(request.at);

/**
 * The most requests any window of `windowMs` holds (a window slides over the timestamps).
 * @param {number[]} times ascending milliseconds
 * @param {number} windowMs
 */
function busiestWindow(times, windowMs) {
	let most = 0;
	for (let first = 0, last = 0; last < times.length; last++) {
		while (times[last] - times[first] >= windowMs) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

/** @param {number} ms */
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Output items that are error items, as `[item index, message]`. @param {any[]} items */
const errorItems = (items) =>
	items.filter((item) => item.json.error !== undefined).map((item) => [item.pairedItem?.item, item.json.error]);

module.exports = {
	startQaseSandbox,
	startHostileServer,
	sendRaw,
	listResponse,
	scimUser,
	runAgainst,
	loggedRequests,
	loggedAt,
	busiestWindow,
	pause,
	errorItems,
};
