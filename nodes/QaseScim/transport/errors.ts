/**
 * What went wrong talking to a SCIM server, in terms a workflow author can act on.
 * Kept free of n8n types so the client layer can be tested on its own; the node turns a
 * ScimError into a NodeApiError.
 */

export type ScimErrorKind =
	| 'alreadyExists'
	| 'badRequest'
	| 'unauthorized'
	| 'forbidden'
	| 'notFound'
	| 'methodNotAllowed'
	| 'conflict'
	| 'tooLarge'
	| 'unsupportedMediaType'
	| 'rateLimited'
	| 'serverError'
	| 'redirect'
	| 'invalidResponse'
	| 'network';

export interface ScimErrorDetails {
	kind: ScimErrorKind;
	message: string;
	description: string;
	/** HTTP status, when the server answered. */
	status?: number;
	scimType?: string;
	/** The server's own explanation (SCIM `detail`), never request headers. */
	detail?: string;
	/** Whether another attempt may succeed (the request may also have taken effect). */
	retryable?: boolean;
	/** Seconds the server asked us to wait (429 Retry-After). */
	retryAfterSeconds?: number;
}

export class ScimError extends Error {
	readonly kind: ScimErrorKind;
	readonly description: string;
	readonly status?: number;
	readonly scimType?: string;
	readonly detail?: string;
	readonly retryable: boolean;
	readonly retryAfterSeconds?: number;

	constructor(details: ScimErrorDetails) {
		super(details.message);
		this.name = 'ScimError';
		this.kind = details.kind;
		this.description = details.description;
		this.status = details.status;
		this.scimType = details.scimType;
		this.detail = details.detail;
		this.retryable = details.retryable ?? false;
		this.retryAfterSeconds = details.retryAfterSeconds;
	}

	/** A plain, secret-free summary, suitable as the body of an n8n API error. */
	toJSON(): Record<string, string | number | boolean> {
		const summary: Record<string, string | number | boolean> = { kind: this.kind, message: this.message };
		if (this.status !== undefined) summary.status = this.status;
		if (this.scimType) summary.scimType = this.scimType;
		if (this.detail) summary.detail = this.detail;
		return summary;
	}
}

const TOKEN_HELP =
	'Create a SCIM token in Qase under Workspace > SCIM and paste it into the Qase SCIM credential. It is not the Qase REST API token.';

/** Reads `detail` and `scimType` from a SCIM error body, tolerating non-SCIM bodies. */
function readScimErrorBody(body: unknown): { detail?: string; scimType?: string } {
	if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		const detail = typeof record.detail === 'string' ? record.detail : undefined;
		const scimType = typeof record.scimType === 'string' ? record.scimType : undefined;
		return { detail, scimType };
	}
	if (typeof body === 'string' && body.trim() !== '') return { detail: body.slice(0, 300) };
	return {};
}

/**
 * A duplicate userName: Qase documents 400 invalidValue "... not unique"; RFC 7644 says
 * 409 uniqueness. Both mean the same thing to a workflow.
 */
export function isAlreadyExists(status: number, scimType?: string, detail?: string): boolean {
	if (status === 409 && (scimType === 'uniqueness' || /unique|exists/i.test(detail ?? ''))) return true;
	return status === 400 && (scimType === 'uniqueness' || /not unique|already exists/i.test(detail ?? ''));
}

export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, (date - now) / 1000);
}

/** Maps an HTTP answer that is not a success to a ScimError. */
export function errorFromResponse(
	status: number,
	body: unknown,
	headers: Record<string, unknown> = {},
): ScimError {
	const { detail, scimType } = readScimErrorBody(body);
	const serverSays = detail ? ` Qase says: ${detail}` : '';
	const base = { status, scimType, detail };

	if (isAlreadyExists(status, scimType, detail)) {
		return new ScimError({
			...base,
			kind: 'alreadyExists',
			message: 'A user with this email already exists in Qase',
			description:
				'Use "Find by Email" or "Create or Update", or set "If User Exists" to return or update the existing user.' +
				serverSays,
		});
	}
	if (status >= 300 && status < 400) {
		return new ScimError({
			...base,
			kind: 'redirect',
			message: `Qase answered with a redirect (${status}), which is not followed with the token`,
			description:
				'Use the exact HTTPS base URL of the SCIM API in the credential, e.g. https://app.qase.io/scim/v2.',
		});
	}
	switch (status) {
		case 400:
			return new ScimError({
				...base,
				kind: 'badRequest',
				message: `Qase rejected the request as invalid${scimType ? ` (${scimType})` : ''}`,
				description: `Check the values sent.${serverSays}`,
			});
		case 401:
			return new ScimError({
				...base,
				kind: 'unauthorized',
				message: 'The SCIM token was not accepted (401)',
				description: TOKEN_HELP,
			});
		case 403:
			return new ScimError({
				...base,
				kind: 'forbidden',
				message: 'SCIM is disabled for this Qase workspace, or not part of its plan (403)',
				description:
					'Enable SCIM under Workspace > SCIM in Qase; SCIM requires the Enterprise plan.' + serverSays,
			});
		case 404:
			return new ScimError({
				...base,
				kind: 'notFound',
				message: 'The user was not found in Qase (404)',
				description: 'Check the ID or email; the user may have been deleted.' + serverSays,
			});
		case 405:
			return new ScimError({
				...base,
				kind: 'methodNotAllowed',
				message: 'Qase does not support this operation (405)',
				description: 'This SCIM server does not offer the operation; check the base URL.' + serverSays,
			});
		case 409:
			return new ScimError({
				...base,
				kind: 'conflict',
				message: /owner/i.test(detail ?? '')
					? 'The workspace owner cannot be changed this way in Qase (409)'
					: 'Qase refused the change because of a conflict (409)',
				description:
					'The workspace owner cannot be deleted through SCIM; transfer ownership in Qase first.' +
					serverSays,
			});
		case 413:
			return new ScimError({
				...base,
				kind: 'tooLarge',
				message: 'The request was too large for Qase (413)',
				description: 'Qase refuses request bodies over 800000 bytes; send fewer or shorter values.',
			});
		case 415:
			return new ScimError({
				...base,
				kind: 'unsupportedMediaType',
				message: 'Qase did not accept the request format (415)',
				description: 'The server expects JSON; check that the base URL points at a SCIM API.',
			});
		case 429:
			return new ScimError({
				...base,
				kind: 'rateLimited',
				message: 'Qase is rate limiting requests (429)',
				description:
					'Lower "Requests per Minute" in the node\'s Request Options, or raise "Max Retry Wait".',
				retryable: true,
				retryAfterSeconds: parseRetryAfter(headers['retry-after']),
			});
	}
	if (status >= 500) {
		return new ScimError({
			...base,
			kind: 'serverError',
			message: `Qase had a server error (${status})`,
			description: 'This is usually temporary; try again later.' + serverSays,
			retryable: true,
		});
	}
	return new ScimError({
		...base,
		kind: 'badRequest',
		message: `Qase answered with an unexpected status (${status})`,
		description: serverSays.trim() || 'Check the base URL and the values sent.',
	});
}

/** Node.js network error codes that mean the request may or may not have reached the server. */
const NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/**
 * Maps a thrown transport error (no HTTP answer) to a ScimError. Only the error code and
 * message are read: the original error object carries the request configuration, headers
 * included, and must never reach output or logs.
 */
export function errorFromException(error: unknown): ScimError {
	const record = (error ?? {}) as Record<string, unknown>;
	const cause = (record.cause ?? {}) as Record<string, unknown>;
	const code = String(record.code ?? cause.code ?? '');
	const rawMessage = String(record.message ?? 'unknown error');
	const timedOut = /timeout|ETIMEDOUT|ECONNABORTED/i.test(code + rawMessage);
	const known = NETWORK_CODES.has(code) || timedOut || /socket hang up|network/i.test(rawMessage);
	const unreachable = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
	return new ScimError({
		kind: 'network',
		message: timedOut
			? 'Qase did not answer in time'
			: unreachable
				? `Qase could not be reached (${code})`
				: `The connection to Qase failed${code ? ` (${code})` : ''}`,
		description: unreachable
			? 'Check the base URL in the credential and the network.'
			: 'The request may or may not have reached Qase; it was retried where safe.',
		detail: known ? undefined : rawMessage.replace(/Bearer\s+\S+/gi, 'Bearer ***').slice(0, 200),
		retryable: !unreachable || code === 'ECONNREFUSED' || code === 'EAI_AGAIN',
	});
}
