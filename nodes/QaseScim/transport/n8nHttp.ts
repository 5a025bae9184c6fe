import type { IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { ScimClient, type RetryPolicy, type SendRequest } from './client';

export const CREDENTIAL_TYPE = 'qaseScimApi';

export interface ClientSettings {
	retry?: Partial<RetryPolicy>;
	requestsPerMinute?: number;
	timeoutMs?: number;
}

/**
 * Builds a SCIM client whose requests go through n8n's authenticated HTTP helper, so the
 * token is added by n8n from the credential and never handled here.
 */
export async function createScimClient(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	settings: ClientSettings = {},
): Promise<ScimClient> {
	const credentials = await context.getCredentials<{ baseUrl: string; token?: string }>(CREDENTIAL_TYPE);
	const send: SendRequest = async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			qs: request.qs,
			headers: { Accept: 'application/scim+json' },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect could carry the token to another host; the client reports it instead.
			disableFollowRedirect: true,
			timeout: request.timeoutMs,
		};
		if (request.body !== undefined) {
			options.body = request.body as IHttpRequestOptions['body'];
			options.headers = { ...options.headers, 'Content-Type': 'application/json' };
		}
		const response = await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, options);
		return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
	};
	// The token is read only to hide it, should a server echo it back in an error.
	const secrets = credentials.token ? [credentials.token] : [];
	return new ScimClient({ baseUrl: credentials.baseUrl, send, sleep, secrets, ...settings });
}
