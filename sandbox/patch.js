// @ts-check
'use strict';

const { scimPatch, patchBodyValidation, ScimError: PatchLibraryError } = require('scim-patch');
const { ScimError } = require('./errors');
const { canonicalPath } = require('./attributes');

// The paths Qase documents for PATCH, plus `name` as a whole and `title`.
const PATCHABLE = new Set(['active', 'userName', 'name', 'name.givenName', 'name.familyName', 'userType', 'title']);

/** @param {unknown} value */
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** @param {string} raw */
function patchablePath(raw) {
	const path = canonicalPath(raw);
	if (!path || !PATCHABLE.has(path)) throw new ScimError(400, `"${raw}" cannot be changed with PATCH`, 'invalidPath');
	return path;
}

/**
 * Rewrites one operation into operations with canonical, explicit paths: scim-patch matches
 * op names and attribute names case-sensitively, and a path-less `{name: {givenName}}` would
 * make it replace the whole `name` instead of one sub-attribute.
 * @param {{ op: string, path?: string, value?: any }} operation
 * @returns {{ op: string, path: string, value?: any }[]}
 */
function explicitOperations({ op, path, value }) {
	if (path !== undefined) {
		const canonical = patchablePath(path);
		if (canonical === 'name' && isObject(value)) return explicitOperations({ op, value: { name: value } });
		return [{ op, path: canonical, ...(value === undefined ? {} : { value }) }];
	}
	if (!isObject(value)) throw new ScimError(400, `A ${op} without a path needs an object value`, 'invalidValue');
	return Object.entries(value).flatMap(([key, inner]) => {
		const canonical = patchablePath(key);
		if (canonical !== 'name' || !isObject(inner)) return [{ op, path: canonical, value: inner }];
		return Object.entries(inner).map(([subKey, subValue]) => ({ op, path: patchablePath(`name.${subKey}`), value: subValue }));
	});
}

/**
 * Applies a PatchOp message (RFC 7644 §3.5.2) to `user` in place and returns it.
 * @param {any} user a SCIM User resource
 * @param {unknown} body
 */
function applyPatch(user, body) {
	if (!isObject(body)) throw new ScimError(400, 'The request body must be a JSON object', 'invalidSyntax');
	const message = /** @type {any} */ (body); // its shape is what patchBodyValidation checks
	if (Array.isArray(message.Operations) && !message.Operations.every(isObject)) {
		throw new ScimError(400, 'Every entry of Operations must be an object', 'invalidSyntax');
	}
	// Op names are case-insensitive (RFC 7644 §3.5.2); Qase's docs write "Replace".
	const operations = Array.isArray(message.Operations)
		? message.Operations.map((/** @type {any} */ op) => (typeof op.op === 'string' ? { ...op, op: op.op.toLowerCase() } : op))
		: message.Operations;
	try {
		patchBodyValidation({ ...message, Operations: operations });
		return scimPatch(user, operations.flatMap(explicitOperations));
	} catch (error) {
		if (error instanceof PatchLibraryError) throw new ScimError(400, error.message, error.scimCode);
		throw error;
	}
}

module.exports = { applyPatch };
