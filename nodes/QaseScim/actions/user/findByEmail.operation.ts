import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { UsersApi } from '../../transport/users';
import { readEmail } from './input';
import { forOperations, formatUser, notFoundError, simplifyOption } from './shared';

const show = forOperations(['findByEmail']);

export const description: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'name@email.com',
		description: 'The email to look for. Matching ignores upper and lower case.',
		displayOptions: show,
	},
	{
		displayName: 'When Not Found',
		name: 'whenNotFound',
		type: 'options',
		default: 'markNotFound',
		displayOptions: show,
		options: [
			{
				name: 'Output Item Marked Not Found',
				value: 'markNotFound',
				description: 'Output { found: false, email }, so an IF node can branch on "found"',
			},
			{ name: 'Output Nothing', value: 'nothing', description: 'Output no item for this email' },
			{ name: 'Stop With Error', value: 'error', description: 'Fail (or, with Continue On Fail, output an error item)' },
		],
	},
	simplifyOption(['findByEmail']),
];

export async function execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]> {
	const email = readEmail(this.getNodeParameter('email', itemIndex), 'Email');
	const user = await users.findByEmail(email);
	if (user) return [formatUser(this, itemIndex, user, { found: true })];

	const whenNotFound = this.getNodeParameter('whenNotFound', itemIndex) as string;
	if (whenNotFound === 'nothing') return [];
	if (whenNotFound === 'error') throw notFoundError({ by: 'email', email });
	return [{ found: false, email }];
}
