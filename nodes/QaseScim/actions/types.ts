import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { UsersApi } from '../transport/users';

/**
 * One operation: its parameters, and what it does for one input item. It returns the output
 * items' JSON (none, one or many); the router adds pairedItem and error handling.
 */
export interface Operation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]>;
}
