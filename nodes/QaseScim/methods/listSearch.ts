import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { compare } from '../transport/filter';
import { createScimClient } from '../transport/n8nHttp';
import { UsersApi } from '../transport/users';

const SEARCH_PAGE_SIZE = 50;

/** "From List" in the user picker: users whose email contains the typed text, a page at a time. */
export async function searchUsers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const users = new UsersApi(await createScimClient(this));
	const startIndex = Number(paginationToken) > 0 ? Number(paginationToken) : 1;
	const page = await users.page({
		filter: filter ? compare('userName', 'co', filter) : undefined,
		startIndex,
		count: SEARCH_PAGE_SIZE,
		sortBy: 'userName',
		sortOrder: 'ascending',
	});
	const nextIndex = startIndex + page.resources.length;
	return {
		results: page.resources.map((user) => {
			const fullName = [user.name?.givenName, user.name?.familyName].filter(Boolean).join(' ');
			const inactive = user.active === false ? ', inactive' : '';
			return { name: fullName ? `${user.userName} (${fullName}${inactive})` : user.userName, value: user.id };
		}),
		paginationToken: page.resources.length > 0 && nextIndex <= page.totalResults ? String(nextIndex) : undefined,
	};
}
