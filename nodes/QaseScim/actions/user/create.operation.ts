import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { UsersApi } from '../../transport/users';
import { createUser, newUserDescription, readNewUser, type IfExists } from './newUser';
import { forOperations, formatUser, simplifyOption } from './shared';

export const description: INodeProperties[] = [
	...newUserDescription('create'),
	{
		displayName: 'If User Exists',
		name: 'ifUserExists',
		type: 'options',
		default: 'error',
		description: 'What to do when Qase already has a user with this email',
		displayOptions: forOperations(['create']),
		options: [
			{ name: 'Return Existing User', value: 'returnExisting', description: 'Output the existing user unchanged' },
			{ name: 'Stop With Error', value: 'error', description: 'Fail (or, with Continue On Fail, output an error item)' },
			{ name: 'Update Existing User', value: 'update', description: 'Change the existing user to match the given fields' },
		],
	},
	simplifyOption(['create']),
];

export async function execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]> {
	const wanted = readNewUser(this, itemIndex);
	const ifExists = this.getNodeParameter('ifUserExists', itemIndex) as IfExists;
	const { user, action } = await createUser(users, wanted, ifExists);
	return [formatUser(this, itemIndex, user, { action })];
}
