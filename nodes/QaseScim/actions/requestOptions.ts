import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ClientSettings } from '../transport/n8nHttp';

export const DEFAULT_REQUESTS_PER_MINUTE = 600;

/**
 * Transport settings shared by every operation. The defaults repeat the client's own
 * (DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS) as literals, which n8n's linter requires.
 */
export const requestOptionsDescription: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 20 },
			default: 5,
			description:
				'How many times one request is tried in all when Qase rate limits (429), is unavailable (502, 503, 504) or the connection fails. A create is only repeated after looking the email up.',
		},
		{
			displayName: 'Max Retry Wait (Seconds)',
			name: 'maxRetryWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 180,
			description:
				"The longest one request may wait in total between attempts, Qase's Retry-After included",
		},
		{
			displayName: 'Parallel Requests',
			name: 'parallelism',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 32 },
			default: 4,
			description:
				'How many items (or Sync Users changes) are processed at the same time, within Requests per Minute. Output order is kept. Set 1 when several items change the same user and their order matters.',
		},
		{
			displayName: 'Requests per Minute',
			name: 'requestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 600,
			description:
				"The most requests this node sends in any minute, to stay under Qase's rate limit. 0 means no limit.",
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'How long to wait for Qase to answer one request before trying again',
		},
	],
};

export interface RequestOptions {
	client: ClientSettings;
	parallelism: number;
}

export function readRequestOptions(context: IExecuteFunctions): RequestOptions {
	const raw = context.getNodeParameter('requestOptions', 0, {}) as {
		maxAttempts?: number;
		maxRetryWaitSeconds?: number;
		parallelism?: number;
		requestsPerMinute?: number;
		timeoutSeconds?: number;
	};
	return {
		client: {
			retry: {
				maxAttempts: raw.maxAttempts,
				maxWaitMs: raw.maxRetryWaitSeconds === undefined ? undefined : raw.maxRetryWaitSeconds * 1000,
			},
			requestsPerMinute: raw.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
			timeoutMs: raw.timeoutSeconds === undefined ? undefined : raw.timeoutSeconds * 1000,
		},
		parallelism: Math.max(1, Math.floor(raw.parallelism ?? 4)),
	};
}
