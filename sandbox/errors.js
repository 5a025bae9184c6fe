// @ts-check
'use strict';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** An error that the server answers as a SCIM error body (RFC 7644 §3.12). */
class ScimError extends Error {
	/**
	 * @param {number} status HTTP status
	 * @param {string} detail human-readable explanation
	 * @param {string} [scimType] RFC 7644 scimType, e.g. invalidValue
	 * @param {Record<string, string>} [headers] extra response headers (Retry-After, Allow, ...)
	 */
	constructor(status, detail, scimType, headers) {
		super(detail);
		this.status = status;
		this.detail = detail;
		this.scimType = scimType;
		this.headers = headers;
	}

	toJSON() {
		/** @type {Record<string, unknown>} */
		const body = { schemas: [ERROR_SCHEMA], status: String(this.status) };
		if (this.scimType) body.scimType = this.scimType;
		body.detail = this.detail;
		return body;
	}
}

/** @param {string} detail */
const invalidValue = (detail) => new ScimError(400, detail, 'invalidValue');

module.exports = { ScimError, invalidValue };
