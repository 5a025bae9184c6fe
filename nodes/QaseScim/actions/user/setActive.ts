import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { patchOperationsFor, type UsersApi } from '../../transport/users';
import { fetchSelectedUser, formatUser, readUserSelection, simplifyOption, userLocator } from './shared';

/** Deactivate and Reactivate: the same PATCH of `active`, skipped when already in that state. */
export function setActiveOperation(operation: string, active: boolean) {
	const description: INodeProperties[] = [userLocator(operation), simplifyOption([operation])];

	async function execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]> {
		const current = await fetchSelectedUser(users, readUserSelection(this, itemIndex));
		const operations = patchOperationsFor(current, { active });
		if (operations.length === 0) return [formatUser(this, itemIndex, current, { changed: false })];
		const user = await users.patch(current.id, operations);
		return [formatUser(this, itemIndex, user, { changed: true })];
	}

	return { description, execute };
}
