// @ts-check
'use strict';

const { parse, Tester } = require('scim2-parse-filter');
const { ScimError } = require('./errors');
const { canonicalPath } = require('./attributes');

/** @typedef {import('scim2-parse-filter').Filter} Filter */

/** @param {unknown} value */
const fold = (value) => (typeof value === 'string' ? value.toLowerCase() : value);

/**
 * The library compares with `===`; SCIM compares strings of caseExact=false attributes (all of
 * the User attributes served here) case-insensitively, so every comparison folds case first.
 */
class CaseInsensitiveTester extends Tester {}
for (const op of /** @type {const} */ (['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'])) {
	const compare = Tester.prototype[op];
	/** @param {any} r @param {any} v */
	CaseInsensitiveTester.prototype[op] = function (r, v) {
		return compare.call(this, fold(r), fold(v));
	};
}
const tester = new CaseInsensitiveTester();

/**
 * scim2-parse-filter only unescapes `\"` in quoted values and leaves other escapes such as `\\`
 * verbatim; finish the JSON string decoding so `"a\\b"` means the single backslash RFC 7644 intends.
 * @param {string} value
 */
function decodeEscapes(value) {
	if (!value.includes('\\')) return value;
	try {
		return JSON.parse(`"${value.replace(/"/g, '\\"')}"`);
	} catch {
		return value;
	}
}

/**
 * Rewrites attribute paths to their canonical spelling and rejects unknown attributes.
 * @param {any} node
 * @param {string} [parent] the multi-valued attribute a value filter `emails[...]` applies to
 */
function normalize(node, parent) {
	switch (node.op) {
		case 'and':
		case 'or':
			node.filters.forEach((/** @type {any} */ child) => normalize(child, parent));
			return;
		case 'not':
			normalize(node.filter, parent);
			return;
		case '[]':
			node.attrPath = resolve(node.attrPath, parent);
			normalize(node.valFilter, node.attrPath);
			return;
		default:
			node.attrPath = resolve(node.attrPath, parent);
			if (typeof node.compValue === 'string') node.compValue = decodeEscapes(node.compValue);
	}
}

/**
 * @param {string} attrPath
 * @param {string} [parent]
 */
function resolve(attrPath, parent) {
	const path = canonicalPath(parent ? `${parent}.${attrPath}` : attrPath);
	if (!path) throw new ScimError(400, `Unknown attribute "${attrPath}" in filter`, 'invalidFilter');
	// Inside a value filter the path stays relative to its parent attribute.
	return parent ? path.slice(parent.length + 1) : path;
}

/**
 * The userNames a filter asks for when it is `userName eq "x"` or an `or` of such clauses,
 * so the store can answer from its index instead of scanning; otherwise undefined.
 * @param {any} node
 * @returns {string[] | undefined}
 */
function indexedUserNames(node) {
	if (node.op === 'eq' && node.attrPath === 'userName' && typeof node.compValue === 'string') {
		return [node.compValue];
	}
	if (node.op !== 'or') return undefined;
	/** @type {string[]} */
	const names = [];
	for (const child of node.filters) {
		const childNames = indexedUserNames(child);
		if (!childNames) return undefined;
		names.push(...childNames);
	}
	return names;
}

/**
 * @param {string} query a SCIM filter expression
 * @returns {{ matches: (user: object) => boolean, userNames: string[] | undefined }}
 */
function compileFilter(query) {
	/** @type {Filter} */
	let ast;
	try {
		ast = parse(query);
	} catch (error) {
		throw new ScimError(400, `Invalid filter: ${error.message}`, 'invalidFilter');
	}
	normalize(ast);
	return { matches: (user) => tester.test(user, ast), userNames: indexedUserNames(ast) };
}

module.exports = { compileFilter };
