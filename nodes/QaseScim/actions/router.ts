import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { settle } from '../transport/settle';
import { UsersApi } from '../transport/users';
import { createScimClient } from '../transport/n8nHttp';
import { forEachConcurrently } from './concurrency';
import { toNodeError } from './errors';
import { readRequestOptions } from './requestOptions';
import { ItemFailure, type ItemOperation, type ItemResult, type Operation, type RunSettings } from './types';
import { userOperations } from './user';

const operationsByResource: Record<string, Record<string, Operation>> = {
	user: userOperations,
};

/**
 * Runs the chosen operation and emits its results in input order, each linked to its input
 * item. With Continue On Fail a failing item becomes an error item and the others go on;
 * without it the first failure stops the run.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operationsByResource[resource]?.[operationName];
	if (!operation) throw toNodeError(this, new Error(`Unknown operation "${resource}: ${operationName}"`), 0);

	const options = readRequestOptions(this);
	const client = await settle(createScimClient(this, options.client));
	const itemCount = this.getInputData().length;
	if (!client.ok) {
		// A credential problem fails every item alike.
		const failed = Array.from({ length: itemCount }, (_, itemIndex): ItemResult => ({ itemIndex, outcome: client }));
		return [toOutput(this, failed)];
	}
	const users = new UsersApi(client.value);
	const settings: RunSettings = { parallelism: options.parallelism };

	const outcome = await settle(
		'executeBatch' in operation
			? operation.executeBatch.call(this, users, settings)
			: runEachItem(this, operation, users, itemCount, settings),
	);
	if (!outcome.ok) {
		const failure = outcome.error;
		if (failure instanceof ItemFailure) throw toNodeError(this, failure.error, failure.itemIndex);
		throw toNodeError(this, failure, 0);
	}
	return [toOutput(this, outcome.value)];
}

/** Runs a per-item operation over every item, `parallelism` at a time. */
async function runEachItem(
	context: IExecuteFunctions,
	operation: ItemOperation,
	users: UsersApi,
	itemCount: number,
	settings: RunSettings,
): Promise<ItemResult[]> {
	const results: ItemResult[] = new Array(itemCount);
	const continueOnFail = context.continueOnFail();
	let failed = false;
	await forEachConcurrently(
		itemCount,
		settings.parallelism,
		async (itemIndex) => {
			const outcome = await settle(operation.execute.call(context, users, itemIndex));
			results[itemIndex] = { itemIndex, outcome };
			if (!outcome.ok && !continueOnFail) failed = true;
		},
		() => failed,
	);
	return results.filter(Boolean);
}

/** Output items for the results; the first failure throws unless Continue On Fail is on. */
function toOutput(context: IExecuteFunctions, results: ItemResult[]): INodeExecutionData[] {
	const continueOnFail = context.continueOnFail();
	const output: INodeExecutionData[] = [];
	for (const { itemIndex, outcome, failureDetails } of results) {
		const pairedItem = { item: itemIndex };
		if (outcome.ok) {
			for (const json of outcome.value) output.push({ json, pairedItem });
			continue;
		}
		const nodeError = toNodeError(context, outcome.error, itemIndex);
		if (!continueOnFail) throw nodeError;
		const json: IDataObject = { ...failureDetails, error: nodeError.message };
		if (nodeError.description) json.description = nodeError.description;
		output.push({ json, error: nodeError, pairedItem });
	}
	return output;
}
