import { NodeApiError, NodeOperationError, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { ScimError } from '../transport/errors';
import { InputError } from './user/input';

/**
 * Turns whatever an operation threw into the n8n error shown for one item. Only our own
 * error fields are copied: a raw HTTP error holds the request, Authorization header included.
 */
export function toNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	const node = context.getNode();
	const where = ` [item ${itemIndex}]`;
	if (error instanceof InputError) {
		return new NodeOperationError(node, `${error.message}${where}`, { description: error.description, itemIndex });
	}
	if (error instanceof ScimError) {
		return new NodeApiError(node, error.toJSON() as JsonObject, {
			message: `${error.message}${where}`,
			description: error.description,
			httpCode: error.status === undefined ? undefined : String(error.status),
			itemIndex,
		});
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, `${message.replace(/Bearer\s+\S+/gi, 'Bearer ***')}${where}`, { itemIndex });
}
