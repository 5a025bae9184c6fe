import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ScimError } from '../../transport/errors';
import { settle } from '../../transport/settle';
import { patchOperationsFor, type ScimUser, type UserFields, type UsersApi } from '../../transport/users';
import { readBoolean, readEmail, readName, readUserType } from './input';
import { emailParameter, forOperations, userTypeOptions } from './shared';

/** The fields of a user to create (Create, Create or Update). */
export type NewUser = Required<Pick<UserFields, 'userName' | 'givenName' | 'familyName'>> & UserFields;

export function newUserDescription(operation: string): INodeProperties[] {
	const show = forOperations([operation]);
	return [
		emailParameter(operation, "The user's email; Qase uses it as the user name"),
		{
			displayName: 'First Name',
			name: 'firstName',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. Alex',
			description: 'At most 60 characters',
			displayOptions: show,
		},
		{
			displayName: 'Last Name',
			name: 'lastName',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. Smith',
			description: 'At most 60 characters',
			displayOptions: show,
		},
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add field',
			default: {},
			displayOptions: show,
			options: [
				{
					displayName: 'Active',
					name: 'active',
					type: 'boolean',
					default: true,
					description: 'Whether the user can sign in to Qase',
				},
				{
					displayName: 'User Type',
					name: 'userType',
					type: 'options',
					default: 'regular',
					options: userTypeOptions,
					description: 'The kind of seat the user takes. Not set: Qase decides by plan.',
				},
			],
		},
	];
}

export function readNewUser(context: IExecuteFunctions, itemIndex: number): NewUser {
	const additional = context.getNodeParameter('additionalFields', itemIndex, {}) as { active?: unknown; userType?: unknown };
	return {
		userName: readEmail(context.getNodeParameter('email', itemIndex), 'Email'),
		givenName: readName(context.getNodeParameter('firstName', itemIndex), 'First Name'),
		familyName: readName(context.getNodeParameter('lastName', itemIndex), 'Last Name'),
		userType: readUserType(additional.userType, 'User Type'),
		active: readBoolean(additional.active, 'Active'),
	};
}

export type UpsertAction = 'created' | 'updated' | 'unchanged';

/** Patches what differs between the user in Qase and the wanted fields (the email is the key, not changed). */
export async function updateToMatch(users: UsersApi, existing: ScimUser, wanted: NewUser): Promise<{ user: ScimUser; action: UpsertAction }> {
	const operations = patchOperationsFor(existing, { ...wanted, userName: undefined });
	if (operations.length === 0) return { user: existing, action: 'unchanged' };
	return { user: await users.patch(existing.id, operations), action: 'updated' };
}

/** What to do when Create meets an existing user. */
export type IfExists = 'error' | 'returnExisting' | 'update';

/** Creates the user; an "already exists" answer is handled as `ifExists` says. */
export async function createUser(users: UsersApi, wanted: NewUser, ifExists: IfExists): Promise<{ user: ScimUser; action: UpsertAction }> {
	const created = await settle(users.create(wanted));
	if (created.ok) return { user: created.value, action: 'created' };
	const error = created.error;
	if (!(error instanceof ScimError) || error.kind !== 'alreadyExists' || ifExists === 'error') throw error;
	const existing = await users.findByEmail(wanted.userName);
	if (!existing) throw error;
	if (ifExists === 'returnExisting') return { user: existing, action: 'unchanged' };
	return await updateToMatch(users, existing, wanted);
}
