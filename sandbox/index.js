// @ts-check
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const { createApp } = require('./app');
const { UserStore } = require('./store');
const { FaultInjector, RateLimiter } = require('./faults');
const { RequestCounters } = require('./counters');
const { JsonFilePersistence } = require('./persistence');
const { USER_SCHEMA, renderUser } = require('./attributes');

const HOST = '127.0.0.1';

/**
 * @typedef {{
 *   port?: number,
 *   token?: string,
 *   seed?: boolean,
 *   maxPageSize?: number,
 *   rateLimitPerMinute?: number,
 *   persistFile?: string,
 *   faults?: import('./faults').Faults,
 * }} SandboxOptions
 */

/** A running Qase-compatible SCIM server on loopback, with the controls tests need. */
class Sandbox {
	/** @param {Required<Omit<SandboxOptions, 'persistFile' | 'port'>> & { persistFile?: string }} options */
	constructor({ token, seed, maxPageSize, rateLimitPerMinute, persistFile, faults }) {
		if (!(Number.isInteger(maxPageSize) && maxPageSize >= 1)) throw new Error('maxPageSize must be a whole number >= 1');
		this.token = token;
		this.maxPageSize = maxPageSize;
		this.baseUrl = '';
		this.requestCounters = new RequestCounters();
		this.faultInjector = new FaultInjector(faults);
		this.rateLimiter = new RateLimiter(rateLimitPerMinute);
		this.persistence = persistFile ? new JsonFilePersistence(persistFile, () => this.store.snapshot()) : undefined;
		this.store = new UserStore({ onChange: () => this.persistence?.schedule() });
		/** @type {Set<NodeJS.Timeout>} latency timers still pending, cleared on stop */
		this.timers = new Set();
		/** @type {http.Server | undefined} */
		this.server = undefined;

		const saved = this.persistence?.load();
		if (saved) this.store.restore(saved);
		else if (seed) this.store.seed();
	}

	/** Id of the workspace owner, whom DELETE refuses with 409; null when not seeded. */
	get ownerId() {
		return this.store.ownerId;
	}

	/** @param {number} port */
	async listen(port) {
		const server = http.createServer(createApp(this));
		this.server = server;
		await new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, HOST, () => resolve(undefined));
		});
		const address = /** @type {import('node:net').AddressInfo} */ (server.address());
		this.baseUrl = `http://${HOST}:${address.port}/scim/v2`;
	}

	/**
	 * Runs `next` after `ms` milliseconds (at once when 0).
	 * @param {number} ms
	 * @param {() => void} next
	 */
	delay(ms, next) {
		if (ms <= 0) return next();
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			next();
		}, ms);
		this.timers.add(timer);
	}

	/** Clears users, faults, counters and the rate-limit window; re-seeds unless seed is false. */
	reset = ({ seed = true } = {}) => {
		this.store.clear();
		if (seed) this.store.seed();
		this.faultInjector.set({});
		this.requestCounters.reset();
		this.rateLimiter = new RateLimiter(this.rateLimiter.perMinute);
	};

	/**
	 * Inserts users without HTTP, validated like POST /Users (schemas may be left out); stops at
	 * the first invalid or duplicate user, keeping the ones before it.
	 * @param {object[]} users
	 */
	addUsers = (users) => {
		if (!Array.isArray(users)) throw new TypeError('addUsers expects an array of users');
		return users.map((user) => renderUser(this.store.create({ schemas: [USER_SCHEMA], ...user }), this.baseUrl));
	};

	/** Every stored user, as the API returns them. */
	getUsers = () => this.store.all().map((user) => renderUser(user, this.baseUrl));

	/** Replaces the fault configuration; `{}` switches faults off. @param {import('./faults').Faults} faults */
	setFaults = (faults) => this.faultInjector.set(faults);

	counters = () => this.requestCounters.snapshot();

	resetCounters = () => this.requestCounters.reset();

	/** Closes the server and every connection, and writes pending persistence. */
	stop = async () => {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.persistence?.flush();
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
		server.closeAllConnections();
		await closed;
	};
}

/**
 * Starts a sandbox on 127.0.0.1.
 * @param {SandboxOptions} [options]
 */
async function startSandbox(options = {}) {
	const {
		port = 0,
		token = crypto.randomBytes(24).toString('base64url'),
		seed = true,
		maxPageSize = 100,
		rateLimitPerMinute = 0,
		persistFile,
		faults = {},
	} = options;
	const sandbox = new Sandbox({ token, seed, maxPageSize, rateLimitPerMinute, persistFile, faults });
	await sandbox.listen(port);
	return sandbox;
}

module.exports = { startSandbox, Sandbox };
