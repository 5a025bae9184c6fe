import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../types';
import * as create from './create.operation';
import * as createOrUpdate from './createOrUpdate.operation';
import * as deactivate from './deactivate.operation';
import * as deleteUser from './delete.operation';
import * as findByEmail from './findByEmail.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as reactivate from './reactivate.operation';
import * as sync from './sync.operation';
import * as update from './update.operation';

export const userOperations: Record<string, Operation> = {
	create,
	createOrUpdate,
	deactivate,
	delete: deleteUser,
	findByEmail,
	get,
	getAll,
	reactivate,
	sync,
	update,
};

const operationSelector: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['user'] } },
	default: 'findByEmail',
	options: [
		{
			name: 'Create',
			value: 'create',
			action: 'Create a user',
			description: 'Create a Qase user from an email, first name and last name; returns the new Qase ID',
		},
		{
			name: 'Create or Update',
			value: 'createOrUpdate',
			action: 'Create or update a user',
			description: 'Look the email up, then create the user or change only what differs',
		},
		{
			name: 'Deactivate',
			value: 'deactivate',
			action: 'Deactivate a user',
			description: 'Set a user inactive so they can no longer sign in; the account is kept',
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete a user',
			description: 'Delete a user from Qase for good',
		},
		{
			name: 'Find by Email',
			value: 'findByEmail',
			action: 'Find a user by email',
			description: 'Look a user up by email; outputs found: true or false',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get a user',
			description: 'Get one user by ID or email',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many users',
			description: 'List users, optionally filtered and sorted',
		},
		{
			name: 'Reactivate',
			value: 'reactivate',
			action: 'Reactivate a user',
			description: 'Set a deactivated user active again',
		},
		{
			name: 'Sync Users',
			value: 'sync',
			action: 'Sync users with a directory',
			description:
				'Make Qase match the input items (one per directory user): create, update, reactivate, and optionally deactivate users not in the input',
		},
		{
			name: 'Update',
			value: 'update',
			action: 'Update a user',
			description: "Change a user's email, names, user type or active state",
		},
	],
};

export const userDescription: INodeProperties[] = [
	operationSelector,
	...Object.values(userOperations).flatMap((operation) => operation.description),
];
