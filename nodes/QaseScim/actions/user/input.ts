import type { UserType } from '../../transport/users';

/**
 * Validation of user input, done before anything is sent, so a malformed value can never
 * reach Qase. Each error names the parameter; the router adds the item.
 */
export class InputError extends Error {
	constructor(
		readonly parameter: string,
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}

export const MAX_NAME_LENGTH = 60;

/** C0/C1 controls, and the invisible direction marks that make a name display as another. */
function hasControlCharacters(text: string): boolean {
	for (const character of text) {
		const code = character.codePointAt(0) ?? 0;
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
		if (code === 0x200e || code === 0x200f || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return true;
	}
	return false;
}
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const SAFE_ID = /^[A-Za-z0-9_.~-]+$/;

function quoted(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** An email (Qase's userName). Surrounding spaces are dropped; case is kept. */
export function readEmail(value: unknown, parameter: string): string {
	const email = typeof value === 'string' ? value.trim() : '';
	if (email === '') {
		throw new InputError(parameter, `${parameter} is empty`, `Set "${parameter}" to the user's email address, e.g. alex.smith@example.com.`);
	}
	if (!EMAIL.test(email) || hasControlCharacters(email)) {
		throw new InputError(
			parameter,
			`${parameter} ${quoted(value)} is not a valid email address`,
			'Qase identifies users by email: it needs one "@", a domain with a dot, and no spaces.',
		);
	}
	return email;
}

/** A first or last name: required, at most 60 characters, no control characters. */
export function readName(value: unknown, parameter: string): string {
	const name = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (name === '') {
		throw new InputError(parameter, `${parameter} is empty`, `Qase requires a ${parameter.toLowerCase()} for every user.`);
	}
	if (hasControlCharacters(name)) {
		throw new InputError(
			parameter,
			`${parameter} ${quoted(value)} contains control or invisible direction characters`,
			'Remove line breaks, tabs and invisible characters from the name.',
		);
	}
	if ([...name].length > MAX_NAME_LENGTH) {
		throw new InputError(
			parameter,
			`${parameter} is longer than ${MAX_NAME_LENGTH} characters`,
			`Qase accepts at most ${MAX_NAME_LENGTH} characters; this one has ${[...name].length}.`,
		);
	}
	return name;
}

const USER_TYPES: Record<string, UserType> = {
	regular: 'regular',
	'read-only': 'read-only',
	readonly: 'read-only',
	billing: 'billing',
};

/** A Qase user type; empty means "not set". */
export function readUserType(value: unknown, parameter: string): UserType | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const userType = typeof value === 'string' ? USER_TYPES[value.trim().toLowerCase()] : undefined;
	if (!userType) {
		throw new InputError(
			parameter,
			`${parameter} ${quoted(value)} is not a Qase user type`,
			'Use one of: regular, read-only, billing.',
		);
	}
	return userType;
}

/** A boolean that may arrive from an expression as a string. */
export function readBoolean(value: unknown, parameter: string): boolean | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new InputError(parameter, `${parameter} ${quoted(value)} is not true or false`, `Set "${parameter}" to true or false.`);
}

/** A Qase user ID: it becomes part of a URL path, so only plain characters pass. */
export function readUserId(value: unknown, parameter: string): string {
	const id = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (id === '') {
		throw new InputError(parameter, `${parameter} is empty`, 'Give the Qase user ID, e.g. 42, or pick the user from the list.');
	}
	if (!SAFE_ID.test(id) || /^\.+$/.test(id)) {
		throw new InputError(
			parameter,
			`${parameter} ${quoted(value)} is not a valid user ID`,
			'A Qase user ID has only letters, digits, "-", "_", "." or "~" (no "/", "?", "#", "%" or spaces).',
		);
	}
	return id;
}
