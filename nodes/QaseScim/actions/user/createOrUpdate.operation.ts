import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { UsersApi } from '../../transport/users';
import { createUser, newUserDescription, readNewUser, updateToMatch } from './newUser';
import { formatUser, simplifyOption } from './shared';

export const description: INodeProperties[] = [...newUserDescription('createOrUpdate'), simplifyOption(['createOrUpdate'])];

/** Onboarding in one step: look the email up, then create the user or patch what differs. */
export async function execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]> {
	const wanted = readNewUser(this, itemIndex);
	const existing = await users.findByEmail(wanted.userName);
	const { user, action } = existing
		? await updateToMatch(users, existing, wanted)
		: await createUser(users, wanted, 'update');
	return [formatUser(this, itemIndex, user, { action })];
}
