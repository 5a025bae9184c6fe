import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { UsersApi } from '../../transport/users';
import { forOperations, notFoundError, readUserSelection, userLocator } from './shared';

export const description: INodeProperties[] = [
	userLocator('delete'),
	{
		displayName: 'If Not Found',
		name: 'ifNotFound',
		type: 'options',
		default: 'error',
		description: 'What to do when Qase has no such user',
		displayOptions: forOperations(['delete']),
		options: [
			{ name: 'Stop With Error', value: 'error', description: 'Fail (or, with Continue On Fail, output an error item)' },
			{ name: 'Succeed', value: 'succeed', description: 'Output { deleted: false } and go on' },
		],
	},
];

/** Deletes the user for good. Deactivate keeps the account and its history instead. */
export async function execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]> {
	const selection = readUserSelection(this, itemIndex);
	const ifNotFound = this.getNodeParameter('ifNotFound', itemIndex) as string;
	const notFound = (): IDataObject[] => {
		if (ifNotFound === 'succeed') {
			return [selection.by === 'id' ? { deleted: false, id: selection.id } : { deleted: false, email: selection.email }];
		}
		throw notFoundError(selection);
	};

	let id: string;
	if (selection.by === 'email') {
		const user = await users.findByEmail(selection.email);
		if (!user) return notFound();
		id = user.id;
	} else {
		id = selection.id;
	}
	if (!(await users.delete(id))) return notFound();
	return [{ deleted: true, id }];
}
