// @ts-check
'use strict';

const DEFAULT_REQUEST_LOG_SIZE = 100000;

/**
 * @typedef {{ method: string, path: string, query: Record<string, unknown>, status: string, at: string }} RequestRecord
 * @typedef {'error' | 'drop' | 'commitThenDrop' | 'rateLimited'} FaultKind
 */

function emptyCounts() {
	return {
		total: 0,
		/** @type {Record<string, number>} */
		byMethod: {},
		/** @type {Record<string, number>} */
		byStatus: {},
		/** @type {Record<string, number>} */
		byMethodStatus: {},
		/** @type {Record<FaultKind, number>} */
		faults: { error: 0, drop: 0, commitThenDrop: 0, rateLimited: 0 },
		/** @type {RequestRecord[]} a ring once full: ringStart is the oldest entry */
		ring: [],
		ringStart: 0,
	};
}

/** Counts SCIM requests by method and status, and keeps the latest ones in a bounded ring. */
class RequestCounters {
	constructor(logSize = DEFAULT_REQUEST_LOG_SIZE) {
		this.logSize = logSize;
		this.counts = emptyCounts();
	}

	reset() {
		this.counts = emptyCounts();
	}

	/**
	 * @param {Omit<RequestRecord, 'at'>} request status is the HTTP status, or "dropped" when
	 *   the server closed the connection on purpose, or "aborted" when the client went away
	 */
	record(request) {
		const { method, status } = request;
		const counts = this.counts;
		counts.total++;
		increment(counts.byMethod, method);
		increment(counts.byStatus, status);
		increment(counts.byMethodStatus, `${method} ${status}`);
		const entry = { ...request, at: new Date().toISOString() };
		if (counts.ring.length < this.logSize) {
			counts.ring.push(entry);
		} else {
			counts.ring[counts.ringStart] = entry;
			counts.ringStart = (counts.ringStart + 1) % this.logSize;
		}
	}

	/** @param {FaultKind} kind */
	recordFault(kind) {
		this.counts.faults[kind]++;
	}

	snapshot() {
		const { total, byMethod, byStatus, byMethodStatus, faults, ring, ringStart } = this.counts;
		return {
			total,
			byMethod: { ...byMethod },
			byStatus: { ...byStatus },
			byMethodStatus: { ...byMethodStatus },
			faults: { ...faults },
			requests: [...ring.slice(ringStart), ...ring.slice(0, ringStart)],
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
