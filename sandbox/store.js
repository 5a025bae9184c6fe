// @ts-check
'use strict';

const { ScimError, invalidValue } = require('./errors');
const { USER_SCHEMA, canonicalPath, sortValue } = require('./attributes');
const { compileFilter } = require('./filter');
const { applyPatch } = require('./patch');

const NAME_MAX_LENGTH = 60;
const USER_TYPES = new Set(['regular', 'read-only', 'billing']);
// Any non-blank local part (quotes and backslashes included, so clients' filter escaping is
// exercised), one @, and a dotted domain.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

const SEED_OWNER = { userName: 'owner@example.com', name: { givenName: 'Workspace', familyName: 'Owner' }, userType: 'regular' };
const SEED_USERS = [
	{ userName: 'alex.smith@example.com', name: { givenName: 'Alex', familyName: 'Smith' }, userType: 'regular' },
	{ userName: 'jordan.lee@example.com', name: { givenName: 'Jordan', familyName: 'Lee' }, userType: 'read-only' },
	{ userName: 'sam.taylor@example.com', name: { givenName: 'Sam', familyName: 'Taylor' }, userType: 'billing' },
	{ userName: 'casey.brown@example.com', name: { givenName: 'Casey', familyName: 'Brown' }, userType: 'regular', active: false },
];

/**
 * @typedef {{ givenName: string, familyName: string }} UserName
 * @typedef {{ userName: string, name: UserName, userType: string, active: boolean, title?: string }} UserFields
 * @typedef {UserFields & { schemas: string[], id: string, emails: { value: string, primary: boolean }[],
 *   meta: { resourceType: 'User', created: string, lastModified: string } }} StoredUser
 */

/** @param {unknown} value */
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Input with attribute names in their canonical spelling (names are case-insensitive in SCIM);
 * attributes this server does not know (externalId, displayName, ...) are dropped.
 * @param {Record<string, any>} input
 * @param {string} [parent]
 * @returns {Record<string, any>}
 */
function canonicalKeys(input, parent) {
	/** @type {Record<string, any>} */
	const result = {};
	for (const [key, value] of Object.entries(input)) {
		const path = canonicalPath(parent ? `${parent}.${key}` : key);
		if (!path) continue;
		const leaf = parent ? path.slice(parent.length + 1) : path;
		result[leaf] = path === 'name' && isObject(value) ? canonicalKeys(value, 'name') : value;
	}
	return result;
}

/**
 * @param {unknown} value
 * @param {string} label
 */
function requiredName(value, label) {
	if (typeof value !== 'string' || value.trim() === '') throw invalidValue(`${label} is required`);
	if (value.length > NAME_MAX_LENGTH) throw invalidValue(`${label} must be at most ${NAME_MAX_LENGTH} characters`);
	return value;
}

/**
 * Checks a whole user as sent to POST or PUT, or as a PATCH leaves it, and returns its fields.
 * @param {unknown} body
 * @param {StoredUser} [previous] the user being replaced; userType is kept when omitted
 * @returns {UserFields}
 */
function validateUser(body, previous) {
	if (!isObject(body)) throw new ScimError(400, 'The request body must be a JSON object', 'invalidSyntax');
	const input = canonicalKeys(/** @type {Record<string, any>} */ (body));
	if (!Array.isArray(input.schemas) || !input.schemas.includes(USER_SCHEMA)) {
		throw new ScimError(400, `schemas must include "${USER_SCHEMA}"`, 'invalidSyntax');
	}
	const { userName, name, userType, active, title } = input;
	if (typeof userName !== 'string' || !EMAIL.test(userName)) throw invalidValue('userName must be an email address');
	if (!isObject(name)) throw invalidValue('name.givenName and name.familyName are required');
	const fields = {
		userName,
		name: { givenName: requiredName(name.givenName, 'name.givenName'), familyName: requiredName(name.familyName, 'name.familyName') },
		userType: normalizeUserType(userType ?? previous?.userType ?? 'regular'),
		active: active ?? true,
	};
	if (typeof fields.active !== 'boolean') throw invalidValue('active must be true or false');
	if (title === undefined || title === null) return fields;
	if (typeof title !== 'string') throw invalidValue('title must be a string');
	return { ...fields, title };
}

/** @param {unknown} value */
function normalizeUserType(value) {
	const type = typeof value === 'string' ? value.toLowerCase() : value;
	// Qase spelled read-only "readonly" before mid-2025; both mean the same license.
	const normalized = type === 'readonly' ? 'read-only' : type;
	if (typeof normalized !== 'string' || !USER_TYPES.has(normalized)) {
		throw invalidValue('userType must be one of regular, read-only, billing');
	}
	return normalized;
}

/** @param {StoredUser} user */
function fieldsOf(user) {
	const { userName, name, userType, active, title } = user;
	return { userName, name, userType, active, title };
}

/** Users in memory, indexed by id and by lowercased userName. */
class UserStore {
	/** @param {{ onChange?: () => void }} [options] called after every write (persistence) */
	constructor(options = {}) {
		this.onChange = options.onChange ?? (() => {});
		/** @type {Map<string, StoredUser>} insertion order = ascending id, the default list order */
		this.byId = new Map();
		/** @type {Map<string, StoredUser>} */
		this.byUserName = new Map();
		/** @type {StoredUser[] | null} all users in id order, rebuilt after a create or delete */
		this.ordered = null;
		this.nextId = 1;
		/** @type {string | null} */
		this.ownerId = null;
	}

	/** All users in id order; callers must not modify the array. */
	all() {
		this.ordered ??= [...this.byId.values()];
		return this.ordered;
	}

	clear() {
		this.byId.clear();
		this.byUserName.clear();
		this.ordered = null;
		this.nextId = 1;
		this.ownerId = null;
		this.onChange();
	}

	/** Adds the workspace owner and a few users of each type. */
	seed() {
		this.ownerId = this.create({ schemas: [USER_SCHEMA], ...SEED_OWNER }).id;
		for (const user of SEED_USERS) this.create({ schemas: [USER_SCHEMA], ...user });
	}

	/** @param {string} id */
	get(id) {
		const user = this.byId.get(id);
		if (!user) throw new ScimError(404, `User ${id} not found`);
		return user;
	}

	/** @param {string} userName */
	findByUserName(userName) {
		return this.byUserName.get(userName.toLowerCase());
	}

	/**
	 * @param {string} userName
	 * @param {string} [ownId] the user allowed to hold it already
	 */
	assertUnique(userName, ownId) {
		const holder = this.findByUserName(userName);
		if (holder && holder.id !== ownId) throw invalidValue(`userName "${userName}" is not unique`);
	}

	/** @param {unknown} body */
	create(body) {
		const fields = validateUser(body);
		this.assertUnique(fields.userName);
		const now = new Date().toISOString();
		/** @type {StoredUser} */
		const user = {
			schemas: [USER_SCHEMA],
			id: String(this.nextId++),
			...fields,
			emails: [],
			meta: { resourceType: 'User', created: now, lastModified: now },
		};
		this.store(user, fields);
		this.onChange();
		return user;
	}

	/**
	 * @param {string} id
	 * @param {unknown} body
	 */
	replace(id, body) {
		const user = this.get(id);
		return this.update(user, validateUser(body, user));
	}

	/**
	 * @param {string} id
	 * @param {unknown} patchBody a PatchOp message
	 */
	patch(id, patchBody) {
		const user = this.get(id);
		// Patch a copy and validate the outcome like a PUT, so a PATCH cannot break invariants.
		const patched = applyPatch(structuredClone(user), patchBody);
		return this.update(user, validateUser(patched, user));
	}

	/** @param {string} id */
	remove(id) {
		const user = this.get(id);
		if (id === this.ownerId) throw new ScimError(409, `User ${id} is the workspace owner and cannot be deleted`);
		this.byId.delete(id);
		this.byUserName.delete(user.userName.toLowerCase());
		this.ordered = null;
		this.onChange();
	}

	/**
	 * Applies validated fields; lastModified moves only when something changed, so the
	 * idempotent no-op updates identity providers repeat leave users untouched.
	 * @param {StoredUser} user
	 * @param {UserFields} fields
	 */
	update(user, fields) {
		// `fields` has no title when the title is cleared, hence the explicit undefined.
		const unchanged = JSON.stringify(fieldsOf(user)) === JSON.stringify(fieldsOf({ ...user, title: undefined, ...fields }));
		if (unchanged) return user;
		this.assertUnique(fields.userName, user.id);
		this.byUserName.delete(user.userName.toLowerCase());
		delete user.title;
		this.store(user, fields);
		user.meta.lastModified = new Date().toISOString();
		this.onChange();
		return user;
	}

	/**
	 * @param {StoredUser} user
	 * @param {UserFields} fields
	 */
	store(user, fields) {
		Object.assign(user, fields);
		user.emails = [{ value: fields.userName, primary: true }];
		this.index(user);
	}

	/** @param {StoredUser} user */
	index(user) {
		if (!this.byId.has(user.id)) this.ordered = null;
		this.byId.set(user.id, user);
		this.byUserName.set(user.userName.toLowerCase(), user);
	}

	/**
	 * @param {{ filter?: string, sortBy?: string, descending?: boolean, startIndex: number, count: number }} query
	 *   startIndex is 1-based; sortBy a canonical attribute path
	 */
	list({ filter, sortBy, descending = false, startIndex, count }) {
		let users = this.select(filter);
		if (sortBy) users = sortUsers(users, sortBy, descending);
		return { totalResults: users.length, users: users.slice(startIndex - 1, startIndex - 1 + count) };
	}

	/** @param {string | undefined} filter */
	select(filter) {
		if (!filter) return this.all();
		const { matches, userNames } = compileFilter(filter);
		if (!userNames) return this.all().filter(matches);
		const found = new Set(userNames.map((userName) => this.findByUserName(userName)));
		found.delete(undefined);
		return /** @type {StoredUser[]} */ ([...found]).sort((a, b) => Number(a.id) - Number(b.id));
	}

	/** The state persistence writes. */
	snapshot() {
		return { nextId: this.nextId, ownerId: this.ownerId, users: [...this.byId.values()] };
	}

	/** Loads a snapshot into this (new, empty) store. @param {{ nextId: number, ownerId: string | null, users: StoredUser[] }} snapshot */
	restore(snapshot) {
		for (const user of snapshot.users) this.index(user);
		this.nextId = snapshot.nextId;
		this.ownerId = snapshot.ownerId;
	}
}

/**
 * Sorts by one attribute; users without a value come last in ascending order (RFC 7644 §3.4.2.3).
 * @param {StoredUser[]} users
 * @param {string} path
 * @param {boolean} descending
 */
function sortUsers(users, path, descending) {
	const keyed = users.map((user) => ({ user, key: sortValue(user, path) }));
	const direction = descending ? -1 : 1;
	keyed.sort((a, b) => {
		if (a.key === b.key) return 0;
		if (a.key === undefined) return direction;
		if (b.key === undefined) return -direction;
		return (a.key < b.key ? -1 : 1) * direction;
	});
	return keyed.map(({ user }) => user);
}

module.exports = { UserStore };
