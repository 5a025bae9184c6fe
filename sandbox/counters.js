// @ts-check
'use strict';

const DEFAULT_REQUEST_LOG_SIZE = 100000;

/**
 * @typedef {{ method: string, path: string, query: Record<string, unknown>, status: string, at: string }} RequestRecord
 * @typedef {'error' | 'drop' | 'commitThenDrop' | 'rateLimited'} FaultKind
 */

/** Counts SCIM requests by method and status, and keeps the latest ones in a bounded ring. */
class RequestCounters {
	constructor(logSize = DEFAULT_REQUEST_LOG_SIZE) {
		this.logSize = logSize;
		this.reset();
	}

	reset() {
		this.total = 0;
		/** @type {Record<string, number>} */
		this.byMethod = {};
		/** @type {Record<string, number>} */
		this.byStatus = {};
		/** @type {Record<string, number>} */
		this.byMethodStatus = {};
		/** @type {Record<FaultKind, number>} */
		this.faults = { error: 0, drop: 0, commitThenDrop: 0, rateLimited: 0 };
		/** @type {RequestRecord[]} */
		this.ring = [];
		this.ringStart = 0;
	}

	/**
	 * @param {Omit<RequestRecord, 'at'>} request status is the HTTP status, or "dropped" when
	 *   the server closed the connection on purpose, or "aborted" when the client went away
	 */
	record(request) {
		const { method, status } = request;
		this.total++;
		increment(this.byMethod, method);
		increment(this.byStatus, status);
		increment(this.byMethodStatus, `${method} ${status}`);
		const entry = { ...request, at: new Date().toISOString() };
		if (this.ring.length < this.logSize) {
			this.ring.push(entry);
		} else {
			this.ring[this.ringStart] = entry;
			this.ringStart = (this.ringStart + 1) % this.logSize;
		}
	}

	/** @param {FaultKind} kind */
	recordFault(kind) {
		this.faults[kind]++;
	}

	snapshot() {
		return {
			total: this.total,
			byMethod: { ...this.byMethod },
			byStatus: { ...this.byStatus },
			byMethodStatus: { ...this.byMethodStatus },
			faults: { ...this.faults },
			requests: [...this.ring.slice(this.ringStart), ...this.ring.slice(0, this.ringStart)],
		};
	}
}

/**
 * @param {Record<string, number>} counts
 * @param {string} key
 */
function increment(counts, key) {
	counts[key] = (counts[key] ?? 0) + 1;
}

module.exports = { RequestCounters };
