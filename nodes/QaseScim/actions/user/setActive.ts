import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { UsersApi } from '../../transport/users';
import { fetchSelectedUser, formatUser, readUserSelection, simplifyOption, userLocator } from './shared';

/** Deactivate and Reactivate: the same PATCH of `active`, skipped when already in that state. */
export function setActiveOperation(operation: string, active: boolean) {
	const description: INodeProperties[] = [userLocator(operation), simplifyOption([operation])];

	async function execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]> {
		const current = await fetchSelectedUser(users, readUserSelection(this, itemIndex));
		if ((current.active !== false) === active) return [formatUser(this, itemIndex, current, { changed: false })];
		// Qase's docs write the op as "Replace".
		const user = await users.patch(current.id, [{ op: 'Replace', path: 'active', value: active }]);
		return [formatUser(this, itemIndex, user, { changed: true })];
	}

	return { description, execute };
}
