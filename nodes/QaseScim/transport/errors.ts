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
	| 'endpointNotFound'
	| 'methodNotAllowed'
	| 'conflict'
	| 'tooLarge'
	| 'unsupportedMediaType'
	| 'rateLimited'
	| 'serverError'
	| 'redirect'
	| 'invalidResponse'
	| 'invalidConfiguration'
	| 'unexpectedStatus'
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

	/** The same error with `redact` applied to every text a server could have echoed into it. */
	redacted(redact: (text: string) => string): ScimError {
		return new ScimError({
			kind: this.kind,
			message: redact(this.message),
			description: redact(this.description),
			status: this.status,
			scimType: this.scimType,
			detail: this.detail === undefined ? undefined : redact(this.detail),
			retryable: this.retryable,
			retryAfterSeconds: this.retryAfterSeconds,
		});
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
		const detail = typeof record.detail === 'string' ? redact(record.detail) : undefined;
		const scimType = typeof record.scimType === 'string' ? record.scimType : undefined;
		return { detail, scimType };
	}
	if (typeof body === 'string' && body.trim() !== '') return { detail: redact(body.slice(0, 300)) };
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

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function isScimErrorBody(body: unknown): boolean {
	if (!body || typeof body !== 'object') return false;
	const schemas = (body as Record<string, unknown>).schemas;
	return Array.isArray(schemas) && schemas.includes(ERROR_SCHEMA);
}

/** Retryable statuses (issue: 502/503/504), besides 429. */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/**
 * Maps an HTTP answer that is not a success to a ScimError. `method` lets a 409 say what
 * it means: on DELETE, Qase's way of protecting the workspace owner.
 */
export function errorFromResponse(
	status: number,
	body: unknown,
	headers: Record<string, unknown> = {},
	method?: string,
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
			// Only a SCIM error body means "no such resource"; any other 404 is a wrong URL.
			if (!isScimErrorBody(body)) {
				return new ScimError({
					...base,
					kind: 'endpointNotFound',
					message: 'The SCIM API was not found at the base URL (404)',
					description: 'Check the base URL in the Qase SCIM credential, e.g. https://app.qase.io/scim/v2.',
				});
			}
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
			if (method === 'DELETE' || /owner/i.test(detail ?? '')) {
				return new ScimError({
					...base,
					kind: 'conflict',
					message: 'Qase refused: this user is the workspace owner (409)',
					description: 'The workspace owner cannot be deleted or removed through SCIM; transfer ownership in Qase first.' + serverSays,
				});
			}
			return new ScimError({
				...base,
				kind: 'conflict',
				message: 'Qase refused the change because of a conflict (409)',
				description: serverSays.trim() || 'Another change may be under way; check the user in Qase.',
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
		const retryable = RETRYABLE_STATUSES.has(status);
		return new ScimError({
			...base,
			kind: 'serverError',
			message: `Qase had a server error (${status})`,
			description: (retryable ? 'This is usually temporary; it was retried.' : 'Try again later.') + serverSays,
			retryable,
			retryAfterSeconds: retryable ? parseRetryAfter(headers['retry-after']) : undefined,
		});
	}
	return new ScimError({
		...base,
		kind: 'unexpectedStatus',
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
 * included, and must never reach output or logs. Codes stay out of the message, where n8n
 * would swap the whole message for its generic text.
 */
export function errorFromException(error: unknown): ScimError {
	const record = (error ?? {}) as Record<string, unknown>;
	const cause = (record.cause ?? {}) as Record<string, unknown>;
	const code = String(record.code ?? cause.code ?? '');
	const rawMessage = String(record.message ?? 'unknown error');
	const timedOut = /timeout|ETIMEDOUT|ECONNABORTED/i.test(code + rawMessage);
	const known = NETWORK_CODES.has(code) || timedOut || /socket hang up|network/i.test(rawMessage);
	if (!known) {
		// Not a network failure (e.g. n8n refusing the request): not retried, shown as it is.
		return new ScimError({
			kind: 'invalidConfiguration',
			message: `The request to Qase could not be made: ${redact(rawMessage).slice(0, 200)}`,
			description: 'Check the Qase SCIM credential and the node settings.',
		});
	}
	const unreachable = code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH';
	const codeNote = code ? ` (error code ${code})` : '';
	return new ScimError({
		kind: 'network',
		message: timedOut
			? 'Qase did not answer in time'
			: unreachable || code === 'ECONNREFUSED'
				? 'Qase could not be reached'
				: 'The connection to Qase broke off before an answer',
		description: unreachable
			? `Check the base URL in the credential and the network${codeNote}.`
			: `The request may or may not have reached Qase; it was retried where safe${codeNote}.`,
		retryable: !unreachable,
	});
}

/** Hides bearer tokens, and the given secrets wherever they appear. */
export function redact(text: string, secrets: string[] = []): string {
	let safe = text.replace(/Bearer\s+\S+/gi, 'Bearer ***');
	for (const secret of secrets) if (secret.length >= 4) safe = safe.split(secret).join('***');
	return safe;
}
