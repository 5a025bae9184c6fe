import type { IDataObject, IExecuteFunctions, INodeProperties, INodeParameterResourceLocator } from 'n8n-workflow';

import { ScimError } from '../../transport/errors';
import { normaliseUserType, type ScimUser, type UsersApi } from '../../transport/users';
import { readEmail, readUserId } from './input';

/** Shows a property only for the given user operations. */
export function forOperations(operation: string[]): INodeProperties['displayOptions'] {
	return { show: { resource: ['user'], operation } };
}

/** The resource locator every single-user operation selects its user with. */
export function userLocator(operation: string): INodeProperties {
	return {
		displayName: 'User',
		name: 'user',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The Qase user to act on: pick from the list, or give an email or a Qase user ID',
		displayOptions: forOperations([operation]),
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchUsers', searchable: true },
			},
			{
				displayName: 'By Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				validation: [
					{ type: 'regex', properties: { regex: '^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$', errorMessage: 'Not a valid email address' } },
				],
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 42',
				validation: [
					{ type: 'regex', properties: { regex: '^\\s*[A-Za-z0-9_.~-]+\\s*$', errorMessage: 'Not a valid Qase user ID' } },
				],
			},
		],
	};
}

/** The required Email parameter of an operation. */
export function emailParameter(operation: string, description: string): INodeProperties {
	return {
		displayName: 'Email',
		name: 'email',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'name@email.com',
		description,
		displayOptions: forOperations([operation]),
	};
}

export function simplifyOption(operation: string[]): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		displayOptions: forOperations(operation),
		description:
			'Whether to return only ID, email, first name, last name, active and user type instead of the full SCIM user',
	};
}

/** The user chosen in the resource locator: by ID, or by email (looked up). */
export type UserSelection = { by: 'id'; id: string } | { by: 'email'; email: string };

export function readUserSelection(context: IExecuteFunctions, itemIndex: number): UserSelection {
	const locator = context.getNodeParameter('user', itemIndex) as INodeParameterResourceLocator;
	if (locator.mode === 'email') return { by: 'email', email: readEmail(locator.value, 'User (By Email)') };
	return { by: 'id', id: readUserId(locator.value, locator.mode === 'list' ? 'User (From List)' : 'User (By ID)') };
}

export function notFoundError(selection: UserSelection): ScimError {
	const who = selection.by === 'id' ? `ID "${selection.id}"` : `email "${selection.email}"`;
	return new ScimError({
		kind: 'notFound',
		status: 404,
		message: `No Qase user with ${who}`,
		description: 'Check the value; the user may have been deleted or never provisioned.',
	});
}

/** Fetches the selected user; a missing user is a notFound ScimError. */
export async function fetchSelectedUser(users: UsersApi, selection: UserSelection): Promise<ScimUser> {
	if (selection.by === 'email') {
		const user = await users.findByEmail(selection.email);
		if (!user) throw notFoundError(selection);
		return user;
	}
	const user = await users.find(selection.id);
	if (!user) throw notFoundError(selection);
	return user;
}

export function simplifyUser(user: ScimUser): IDataObject {
	return {
		id: user.id,
		email: user.userName,
		firstName: user.name?.givenName ?? null,
		lastName: user.name?.familyName ?? null,
		// A server that leaves `active` out treats the user as active.
		active: user.active !== false,
		userType: normaliseUserType(user.userType) ?? null,
	};
}

/** The output item for a user: simplified or raw as the Simplify switch says, plus extra fields. */
export function formatUser(context: IExecuteFunctions, itemIndex: number, user: ScimUser, extra: IDataObject = {}): IDataObject {
	const simplify = context.getNodeParameter('simplify', itemIndex, true) as boolean;
	const base = simplify ? simplifyUser(user) : (user as IDataObject);
	return { ...base, ...extra };
}

export const userTypeOptions = [
	{ name: 'Billing', value: 'billing', description: 'A billing manager' },
	{ name: 'Read-Only', value: 'read-only', description: 'Can view but not edit; takes a read-only seat' },
	{ name: 'Regular', value: 'regular', description: 'Takes a full license' },
];
