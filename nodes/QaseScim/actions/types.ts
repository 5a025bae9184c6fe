import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Settled } from '../transport/settle';
import type { UsersApi } from '../transport/users';

/** What one input item produced: output JSON (none, one or many), or the error it met. */
export interface ItemResult {
	itemIndex: number;
	outcome: Settled<IDataObject[]>;
	/** Fields that identify a failure in its error item (e.g. which change of a sync failed). */
	failureDetails?: IDataObject;
}

export interface RunSettings {
	/** How many requests or items may be under way at once. */
	parallelism: number;
}

/** An operation that handles each input item on its own; the router runs the items. */
export interface ItemOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, users: UsersApi, itemIndex: number): Promise<IDataObject[]>;
}

/**
 * An operation that needs all input items at once (to batch lookups, or because the items
 * together are the desired state). It returns results in output order, each linked to an item.
 */
export interface BatchOperation {
	description: INodeProperties[];
	executeBatch(this: IExecuteFunctions, users: UsersApi, settings: RunSettings): Promise<ItemResult[]>;
}

export type Operation = ItemOperation | BatchOperation;

/** An error of one item that must stop the whole run (no Continue On Fail). */
export class ItemFailure extends Error {
	constructor(
		readonly itemIndex: number,
		readonly error: unknown,
	) {
		super(error instanceof Error ? error.message : String(error));
		this.name = 'ItemFailure';
	}
}
