import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { UsersApi } from '../transport/users';
import { createScimClient } from '../transport/n8nHttp';
import { toNodeError } from './errors';
import { readRequestOptions } from './requestOptions';
import type { Operation } from './types';
import { userOperations } from './user';

const operationsByResource: Record<string, Record<string, Operation>> = {
	user: userOperations,
};

/**
 * Runs the chosen operation for every input item, up to `parallelism` at a time, and emits
 * the results in input order, each linked to its input item. With Continue On Fail a failing
 * item becomes an error item and the others go on.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operationsByResource[resource]?.[operationName];
	if (!operation) throw toNodeError(this, new Error(`Unknown operation "${resource}: ${operationName}"`), 0);

	const settings = readRequestOptions(this);
	let users: UsersApi | undefined;
	let setupError: unknown;
	try {
		users = new UsersApi(await createScimClient(this, settings.client));
	} catch (error) {
		setupError = error;
	}

	const results: INodeExecutionData[][] = new Array(items.length);
	let stopped = false;
	const runItem = async (itemIndex: number) => {
		try {
			if (!users) throw setupError;
			const outputs = await operation.execute.call(this, users, itemIndex);
			results[itemIndex] = outputs.map((json) => ({ json, pairedItem: { item: itemIndex } }));
		} catch (error) {
			const nodeError = toNodeError(this, error, itemIndex);
			if (!this.continueOnFail()) {
				stopped = true;
				throw nodeError;
			}
			const json: IDataObject = { error: nodeError.message };
			if (nodeError.description) json.description = nodeError.description;
			results[itemIndex] = [{ json, error: nodeError, pairedItem: { item: itemIndex } }];
		}
	};

	let next = 0;
	const worker = async () => {
		while (!stopped && next < items.length) await runItem(next++);
	};
	const workers = Array.from({ length: Math.min(settings.parallelism, items.length) }, worker);
	await Promise.all(workers);
	return [results.flat()];
}
