import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { UsersApi } from '../../transport/users';
import { fetchSelectedUser, formatUser, readUserSelection, simplifyOption, userLocator } from './shared';

export const description: INodeProperties[] = [userLocator('get'), simplifyOption(['get'])];

export async function execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]> {
	const user = await fetchSelectedUser(users, readUserSelection(this, itemIndex));
	return [formatUser(this, itemIndex, user)];
}
