// @ts-check
'use strict';

const { invalidValue } = require('./errors');

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FAULT_KEYS = new Set([
	'latencyMs', 'errorRate', 'errorStatuses', 'rateLimitBurst', 'dropConnectionRate', 'commitThenDropRate', 'onlyMethods', 'seed',
]);
const DEFAULT_ERROR_STATUSES = [500, 503];

/**
 * @typedef {{
 *   latencyMs?: number | [number, number],
 *   errorRate?: number,
 *   errorStatuses?: number[],
 *   rateLimitBurst?: { count: number, retryAfterSeconds?: number },
 *   dropConnectionRate?: number,
 *   commitThenDropRate?: number,
 *   onlyMethods?: string[],
 *   seed?: number,
 * }} Faults
 * @typedef {{ kind: 'rateLimited', retryAfterSeconds: number } | { kind: 'error', status: number }
 *   | { kind: 'drop' } | { kind: 'commitThenDrop' }} FaultDecision
 */

/**
 * mulberry32: a tiny seeded PRNG, so a test can replay the same fault sequence.
 * @param {number} seed
 */
function seededRandom(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** @param {unknown} value @param {string} label */
function checkRate(value, label) {
	if (value !== undefined && (typeof value !== 'number' || !(value >= 0 && value <= 1))) {
		throw invalidValue(`${label} must be a number from 0 to 1`);
	}
}

/** @param {unknown} value @param {string} label */
function checkWholeNumber(value, label) {
	if (!Number.isInteger(value) || /** @type {number} */ (value) < 0) throw invalidValue(`${label} must be a whole number >= 0`);
}

/** @param {any} faults */
function validateFaults(faults) {
	if (typeof faults !== 'object' || faults === null || Array.isArray(faults)) throw invalidValue('faults must be an object');
	const unknown = Object.keys(faults).filter((key) => !FAULT_KEYS.has(key));
	if (unknown.length > 0) throw invalidValue(`Unknown fault setting(s): ${unknown.join(', ')}`);
	const { latencyMs, errorStatuses, rateLimitBurst, onlyMethods, seed } = faults;
	if (Array.isArray(latencyMs)) {
		const [min, max] = latencyMs;
		if (latencyMs.length !== 2 || !(min >= 0 && max >= min)) throw invalidValue('latencyMs range must be [min, max] with 0 <= min <= max');
	} else if (latencyMs !== undefined) {
		if (!(typeof latencyMs === 'number' && latencyMs >= 0)) throw invalidValue('latencyMs must be a number >= 0 or [min, max]');
	}
	checkRate(faults.errorRate, 'errorRate');
	checkRate(faults.dropConnectionRate, 'dropConnectionRate');
	checkRate(faults.commitThenDropRate, 'commitThenDropRate');
	if (errorStatuses !== undefined) {
		const valid = Array.isArray(errorStatuses) && errorStatuses.length > 0
			&& errorStatuses.every((status) => Number.isInteger(status) && status >= 400 && status <= 599);
		if (!valid) throw invalidValue('errorStatuses must be a non-empty list of HTTP error statuses');
	}
	if (rateLimitBurst !== undefined) {
		checkWholeNumber(rateLimitBurst?.count, 'rateLimitBurst.count');
		if (rateLimitBurst.retryAfterSeconds !== undefined) checkWholeNumber(rateLimitBurst.retryAfterSeconds, 'rateLimitBurst.retryAfterSeconds');
	}
	if (onlyMethods !== undefined && !(Array.isArray(onlyMethods) && onlyMethods.every((m) => typeof m === 'string'))) {
		throw invalidValue('onlyMethods must be a list of HTTP methods');
	}
	if (seed !== undefined) checkWholeNumber(seed, 'seed');
}

/** Decides, request by request, which configured fault (if any) hits it. */
class FaultInjector {
	/** @param {Faults} [faults] */
	constructor(faults = {}) {
		/** @type {Faults} */
		this.faults = {};
		this.burstRemaining = 0;
		/** @type {() => number} uniform in [0, 1) */
		this.random = Math.random;
		this.set(faults);
	}

	/** Replaces the whole configuration; an empty object switches every fault off. @param {Faults} faults */
	set(faults) {
		validateFaults(faults);
		this.faults = { ...faults, onlyMethods: faults.onlyMethods?.map((m) => m.toUpperCase()) };
		this.burstRemaining = faults.rateLimitBurst?.count ?? 0;
		this.random = faults.seed === undefined ? Math.random : seededRandom(faults.seed);
	}

	/** The configuration as set, with how much of a 429 burst is left. */
	get() {
		const { rateLimitBurst, onlyMethods, ...rest } = this.faults;
		return {
			...rest,
			...(onlyMethods ? { onlyMethods } : {}),
			...(rateLimitBurst ? { rateLimitBurst: { ...rateLimitBurst, remaining: this.burstRemaining } } : {}),
		};
	}

	/** @param {string} method */
	applies(method) {
		return !this.faults.onlyMethods || this.faults.onlyMethods.includes(method);
	}

	/** Milliseconds to hold a request before handling it. @param {string} method */
	latencyFor(method) {
		const { latencyMs } = this.faults;
		if (!latencyMs || !this.applies(method)) return 0;
		if (!Array.isArray(latencyMs)) return latencyMs;
		const [min, max] = latencyMs;
		return min + this.random() * (max - min);
	}

	/**
	 * @param {string} method
	 * @returns {FaultDecision | null}
	 */
	decide(method) {
		if (!this.applies(method)) return null;
		const { errorRate = 0, errorStatuses = DEFAULT_ERROR_STATUSES, dropConnectionRate = 0, commitThenDropRate = 0 } = this.faults;
		if (this.burstRemaining > 0) {
			this.burstRemaining--;
			return { kind: 'rateLimited', retryAfterSeconds: this.faults.rateLimitBurst?.retryAfterSeconds ?? 1 };
		}
		if (errorRate > 0 && this.random() < errorRate) {
			return { kind: 'error', status: errorStatuses[Math.floor(this.random() * errorStatuses.length)] };
		}
		if (dropConnectionRate > 0 && this.random() < dropConnectionRate) return { kind: 'drop' };
		if (WRITE_METHODS.has(method) && commitThenDropRate > 0 && this.random() < commitThenDropRate) return { kind: 'commitThenDrop' };
		return null;
	}
}

/** A sliding-window limit of requests per minute; 0 switches it off. */
class RateLimiter {
	/** @param {number} perMinute */
	constructor(perMinute) {
		if (!(Number.isInteger(perMinute) && perMinute >= 0)) throw invalidValue('rateLimitPerMinute must be a whole number >= 0');
		this.perMinute = perMinute;
		// Times of the last `perMinute` accepted requests, as a ring: the slot about to be
		// overwritten holds the oldest, and a request is allowed once that one is a minute old.
		/** @type {number[]} */
		this.accepted = new Array(perMinute).fill(-Infinity);
		this.next = 0;
	}

	/** Records a request; answers 0 when it may pass, else the seconds to wait. @param {number} now ms */
	take(now) {
		if (this.perMinute === 0) return 0;
		const oldest = this.accepted[this.next];
		if (now - oldest < 60000) return Math.max(1, Math.ceil((oldest + 60000 - now) / 1000));
		this.accepted[this.next] = now;
		this.next = (this.next + 1) % this.perMinute;
		return 0;
	}
}

module.exports = { FaultInjector, RateLimiter };
