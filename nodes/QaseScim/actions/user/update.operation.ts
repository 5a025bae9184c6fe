import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ScimError } from '../../transport/errors';
import { settle } from '../../transport/settle';
import { patchOperationsFor, type UserFields, type UsersApi } from '../../transport/users';
import { InputError, readBoolean, readEmail, readName, readUserType } from './input';
import { fetchSelectedUser, forOperations, formatUser, readUserSelection, simplifyOption, userLocator, userTypeOptions } from './shared';

export const description: INodeProperties[] = [
	userLocator('update'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: forOperations(['update']),
		description: 'Only the fields added here are changed',
		options: [
			{ displayName: 'Active', name: 'active', type: 'boolean', default: true, description: 'Whether the user can sign in to Qase' },
			{ displayName: 'Email', name: 'email', type: 'string', default: '', placeholder: 'name@email.com', description: "The user's new email (user name)" },
			{ displayName: 'First Name', name: 'firstName', type: 'string', default: '', description: 'At most 60 characters' },
			{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '', description: 'At most 60 characters' },
			{ displayName: 'User Type', name: 'userType', type: 'options', default: 'regular', options: userTypeOptions },
		],
	},
	simplifyOption(['update']),
];

function readUpdateFields(context: IExecuteFunctions, itemIndex: number): UserFields {
	const raw = context.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const fields: UserFields = {
		userName: 'email' in raw ? readEmail(raw.email, 'Update Fields > Email') : undefined,
		givenName: 'firstName' in raw ? readName(raw.firstName, 'Update Fields > First Name') : undefined,
		familyName: 'lastName' in raw ? readName(raw.lastName, 'Update Fields > Last Name') : undefined,
		userType: 'userType' in raw ? readUserType(raw.userType, 'Update Fields > User Type') : undefined,
		active: 'active' in raw ? readBoolean(raw.active, 'Update Fields > Active') : undefined,
	};
	if (Object.values(fields).every((value) => value === undefined)) {
		throw new InputError('Update Fields', 'No fields to update', 'Add at least one field under "Update Fields".');
	}
	return fields;
}

/** PATCHes only the fields given. */
export async function execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]> {
	const selection = readUserSelection(this, itemIndex);
	const fields = readUpdateFields(this, itemIndex);
	const id = selection.by === 'id' ? selection.id : (await fetchSelectedUser(users, selection)).id;
	const patched = await settle(users.patch(id, patchOperationsFor(undefined, fields)));
	if (patched.ok) return [formatUser(this, itemIndex, patched.value)];
	const error = patched.error;
	if (error instanceof ScimError && error.kind === 'alreadyExists') {
		throw new ScimError({
			kind: 'alreadyExists',
			status: error.status,
			message: `Another Qase user already has the email "${fields.userName}"`,
			description: 'Emails are unique in Qase; choose another one or change the other user first.',
		});
	}
	throw error;
}
