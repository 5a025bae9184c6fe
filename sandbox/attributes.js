// @ts-check
'use strict';

/**
 * The User attributes this server knows, used to resolve attribute names case-insensitively
 * (RFC 7644 §3.10) in filters, sortBy, attributes/excludedAttributes and PATCH paths.
 */

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

const KNOWN_PATHS = [
	'schemas',
	'id',
	'userName',
	'name',
	'name.givenName',
	'name.familyName',
	'emails',
	'emails.value',
	'emails.primary',
	'userType',
	'active',
	'title',
	'meta',
	'meta.resourceType',
	'meta.created',
	'meta.lastModified',
	'meta.location',
];
const CANONICAL = new Map(KNOWN_PATHS.map((p) => [p.toLowerCase(), p]));

// Returned whatever `attributes`/`excludedAttributes` ask (RFC 7643 "returned": "always").
const ALWAYS_RETURNED = new Set(['schemas', 'id']);

/**
 * The canonical spelling of an attribute path, or undefined when the attribute is unknown.
 * Accepts the fully qualified form `urn:...:core:2.0:User:name.givenName`.
 * @param {string} raw
 */
function canonicalPath(raw) {
	let path = raw.trim();
	const prefix = USER_SCHEMA.toLowerCase() + ':';
	if (path.toLowerCase().startsWith(prefix)) path = path.slice(prefix.length);
	return CANONICAL.get(path.toLowerCase());
}

/**
 * A stored user as the API returns it: a copy (callers may shape it) with meta.location, which
 * depends on the address the server listens on and so is not stored.
 * @param {any} user
 * @param {string} baseUrl
 */
function renderUser(user, baseUrl) {
	return {
		...user,
		schemas: [...user.schemas],
		name: { ...user.name },
		emails: user.emails.map((/** @type {object} */ email) => ({ ...email })),
		meta: { ...user.meta, location: `${baseUrl}/Users/${user.id}` },
	};
}

/**
 * Copies the value at `segments` from src into dst, descending through multi-valued attributes.
 * @param {any} src
 * @param {any} dst
 * @param {string[]} segments
 */
function copyPath(src, dst, segments) {
	const [head, ...rest] = segments;
	const value = src[head];
	if (value === undefined || value === null) return;
	if (rest.length === 0 || typeof value !== 'object') {
		dst[head] = value;
	} else if (Array.isArray(value)) {
		const previous = Array.isArray(dst[head]) ? dst[head] : [];
		dst[head] = value.map((item, i) => {
			const target = previous[i] ?? {};
			copyPath(item, target, rest);
			return target;
		});
	} else {
		dst[head] = dst[head] ?? {};
		copyPath(value, dst[head], rest);
	}
}

/**
 * @param {any} obj
 * @param {string[]} segments
 */
function deletePath(obj, segments) {
	const [head, ...rest] = segments;
	if (obj === null || typeof obj !== 'object' || !(head in obj)) return;
	if (rest.length === 0) delete obj[head];
	else if (Array.isArray(obj[head])) obj[head].forEach((/** @type {any} */ item) => deletePath(item, rest));
	else deletePath(obj[head], rest);
}

/**
 * Shapes a rendered user for `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5).
 * Both lists hold canonical paths; an empty `attributes` list means "the default set".
 * @param {Record<string, any>} user a freshly rendered user (it may be modified)
 * @param {string[]} attributes
 * @param {string[]} excludedAttributes
 */
function projectUser(user, attributes, excludedAttributes) {
	let result = user;
	if (attributes.length > 0) {
		result = {};
		for (const path of [...ALWAYS_RETURNED, ...attributes]) copyPath(user, result, path.split('.'));
	}
	for (const path of excludedAttributes) {
		if (!ALWAYS_RETURNED.has(path)) deletePath(result, path.split('.'));
	}
	return result;
}

/**
 * The value a user is sorted by; for multi-valued attributes the first value (RFC 7644 §3.4.2.3).
 * @param {any} user
 * @param {string} path canonical path
 */
function sortValue(user, path) {
	let value = user;
	for (const segment of path.split('.')) {
		if (Array.isArray(value)) value = value[0];
		value = value?.[segment];
	}
	return typeof value === 'string' ? value.toLowerCase() : value;
}

module.exports = { USER_SCHEMA, canonicalPath, renderUser, projectUser, sortValue };
