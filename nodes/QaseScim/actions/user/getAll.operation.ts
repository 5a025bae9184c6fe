import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { allOf, compare } from '../../transport/filter';
import type { UsersApi } from '../../transport/users';
import { InputError, readUserType } from './input';
import { forOperations, formatUser, simplifyOption, userTypeOptions } from './shared';

const show = forOperations(['getAll']);

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: show,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { resource: ['user'], operation: ['getAll'], returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Email Contains',
				name: 'emailContains',
				type: 'string',
				default: '',
				placeholder: 'e.g. @example.com',
			},
			{
				displayName: 'Email Starts With',
				name: 'emailStartsWith',
				type: 'string',
				default: '',
				placeholder: 'e.g. alex',
			},
			{
				displayName: 'SCIM Filter',
				name: 'scimFilter',
				type: 'string',
				default: '',
				placeholder: 'e.g. name.familyName sw "Sm"',
				description:
					'A raw SCIM filter expression for experts (RFC 7644), combined with the other filters by "and"',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'active',
				options: [
					{ name: 'Active', value: 'active' },
					{ name: 'Inactive', value: 'inactive' },
				],
			},
			{
				displayName: 'User Type',
				name: 'userType',
				type: 'options',
				default: 'regular',
				options: userTypeOptions,
			},
		],
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'collection',
		placeholder: 'Add sort',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Sort By',
				name: 'sortBy',
				type: 'options',
				default: 'userName',
				options: [
					{ name: 'Email', value: 'userName' },
					{ name: 'First Name', value: 'name.givenName' },
					{ name: 'ID', value: 'id' },
					{ name: 'Last Name', value: 'name.familyName' },
				],
			},
			{
				displayName: 'Sort Order',
				name: 'sortOrder',
				type: 'options',
				default: 'ascending',
				options: [
					{ name: 'Ascending', value: 'ascending' },
					{ name: 'Descending', value: 'descending' },
				],
			},
		],
	},
	simplifyOption(['getAll']),
];

function buildFilter(filters: IDataObject): string | undefined {
	const clauses: string[] = [];
	if (filters.emailContains) clauses.push(compare('userName', 'co', String(filters.emailContains)));
	if (filters.emailStartsWith) clauses.push(compare('userName', 'sw', String(filters.emailStartsWith)));
	if (filters.status) clauses.push(compare('active', 'eq', filters.status === 'active'));
	const userType = readUserType(filters.userType, 'Filters > User Type');
	if (userType === 'read-only') {
		// Users made before mid-2025 may still carry the older spelling.
		clauses.push(`${compare('userType', 'eq', 'read-only')} or ${compare('userType', 'eq', 'readonly')}`);
	} else if (userType) {
		clauses.push(compare('userType', 'eq', userType));
	}
	const raw = typeof filters.scimFilter === 'string' ? filters.scimFilter.trim() : '';
	if (raw !== '') {
		if (/[\r\n]/.test(raw)) {
			throw new InputError('Filters > SCIM Filter', 'Filters > SCIM Filter contains a line break', 'Write the filter on one line.');
		}
		clauses.push(raw);
	}
	return allOf(clauses);
}

export async function execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
	const filter = buildFilter(this.getNodeParameter('filters', itemIndex, {}) as IDataObject);
	const sort = this.getNodeParameter('sort', itemIndex, {}) as { sortBy?: string; sortOrder?: 'ascending' | 'descending' };
	const found = await users.list({ filter, sortBy: sort.sortBy, sortOrder: sort.sortOrder, limit });
	return found.map((user) => formatUser(this, itemIndex, user));
}
