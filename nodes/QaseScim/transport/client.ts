import { ScimError, errorFromException, errorFromResponse, isScimErrorBody, redact } from './errors';
import { sharedRateLimiter } from './rateLimiter';
import { attempt, settle } from './settle';

/** One HTTP exchange, as the node's HTTP helper performs it (authentication added there). */
export interface HttpRequest {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	url: string;
	qs?: Record<string, string | number>;
	body?: object;
	timeoutMs: number;
}

export interface HttpResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

export type SendRequest = (request: HttpRequest) => Promise<HttpResponse>;

export interface RetryPolicy {
	/** Attempts per request, the first included. */
	maxAttempts: number;
	/** Total time one request may spend waiting between attempts. */
	maxWaitMs: number;
	/** First backoff delay; doubles per attempt. */
	baseDelayMs: number;
}

export interface ScimClientOptions {
	baseUrl: string;
	send: SendRequest;
	sleep: (ms: number) => Promise<void>;
	retry?: Partial<RetryPolicy>;
	requestsPerMinute?: number;
	timeoutMs?: number;
	/** Values (the token) to hide should a server echo them in an error. */
	secrets?: string[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, maxWaitMs: 180_000, baseDelayMs: 500 };
export const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Normalises the credential's base URL: trailing slashes dropped, HTTPS required except on a
 * loopback host (the sandbox, tests). Qase redirects plain HTTP, and clients mishandle that.
 */
export function normaliseBaseUrl(raw: string): string {
	const trimmed = String(raw ?? '').trim().replace(/\/+$/, '');
	const url = URL.canParse(trimmed) ? new URL(trimmed) : undefined;
	if (!url) {
		throw new ScimError({
			kind: 'invalidConfiguration',
			message: 'The base URL in the Qase SCIM credential is not a valid URL',
			description: 'Use the SCIM base URL shown in Qase, e.g. https://app.qase.io/scim/v2.',
		});
	}
	const loopback = LOOPBACK_HOST.test(url.hostname);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
		throw new ScimError({
			kind: 'invalidConfiguration',
			message: 'The base URL in the Qase SCIM credential must use HTTPS',
			description:
				'Qase serves SCIM only over HTTPS (e.g. https://app.qase.io/scim/v2); plain HTTP is accepted only for a server on this machine (127.x.x.x, localhost, [::1]).',
		});
	}
	return trimmed;
}

export interface SendOptions {
	qs?: Record<string, string | number>;
	body?: object;
	/**
	 * Whether the request may be repeated after an unclear failure (timeout, dropped connection,
	 * 5xx). PUT, PATCH with Replace, GET and DELETE are; a POST is not: its caller decides.
	 */
	repeatable: boolean;
}

export interface ScimResponse {
	status: number;
	body: unknown;
}

/**
 * A small SCIM 2.0 client: retries, rate limiting, error mapping. It knows nothing of n8n's UI;
 * the node hands it a `send` function built on n8n's authenticated HTTP helper.
 */
export class ScimClient {
	readonly baseUrl: string;
	readonly retryPolicy: RetryPolicy;
	private readonly limiter: { acquire(): Promise<void> };
	private readonly timeoutMs: number;

	constructor(private readonly options: ScimClientOptions) {
		this.baseUrl = normaliseBaseUrl(options.baseUrl);
		this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(options.retry ?? {}) };
		this.limiter = sharedRateLimiter(this.baseUrl, options.requestsPerMinute ?? 0, options.sleep);
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	}

	/** Sends one request, no retries; throws ScimError for anything but a 2xx with a usable body. */
	async sendOnce(method: HttpRequest['method'], path: string, options: Omit<SendOptions, 'repeatable'> = {}): Promise<ScimResponse> {
		await this.limiter.acquire();
		const sent = await settle(
			this.options.send({
				method,
				url: `${this.baseUrl}${path}`,
				qs: options.qs,
				body: options.body,
				timeoutMs: this.timeoutMs,
			}),
		);
		if (!sent.ok) throw this.redacted(errorFromException(sent.error));
		const interpreted = attempt(() => interpretResponse(sent.value, method));
		if (!interpreted.ok) throw this.redacted(interpreted.error);
		return interpreted.value;
	}

	private redacted(error: unknown): unknown {
		const secrets = this.options.secrets ?? [];
		return error instanceof ScimError ? error.redacted((text) => redact(text, secrets)) : error;
	}

	/** Sends a request, retrying what is safe to retry within the retry policy. */
	async request(method: HttpRequest['method'], path: string, options: SendOptions): Promise<ScimResponse> {
		return await this.withRetries(async () => await this.sendOnce(method, path, options), options.repeatable);
	}

	/**
	 * Runs `attempt` until it succeeds, a non-retryable error occurs, or the policy is spent.
	 * A 429 is always retried (the server refused the request, so nothing happened); other
	 * retryable failures only when `repeatable`.
	 */
	async withRetries<T>(attempt: () => Promise<T>, repeatable: boolean): Promise<T> {
		let waitedMs = 0;
		for (let attemptNumber = 1; ; attemptNumber++) {
			const outcome = await settle(attempt());
			if (outcome.ok) return outcome.value;
			const error = outcome.error;
			if (!(error instanceof ScimError)) throw error;
			const mayRetry = error.retryable && (repeatable || error.kind === 'rateLimited');
			if (!mayRetry || attemptNumber >= this.retryPolicy.maxAttempts) throw error;
			const waitMs = this.delayBefore(attemptNumber, error);
			if (waitedMs + waitMs > this.retryPolicy.maxWaitMs) throw error;
			waitedMs += waitMs;
			await this.options.sleep(waitMs);
		}
	}

	/** Retry-After when the server gave one, else exponential backoff with jitter. */
	delayBefore(attemptNumber: number, error: ScimError): number {
		if (error.retryAfterSeconds !== undefined) return Math.ceil(error.retryAfterSeconds * 1000);
		const ceiling = Math.min(MAX_BACKOFF_MS, this.retryPolicy.baseDelayMs * 2 ** (attemptNumber - 1));
		return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
	}
}

function stripUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Turns a raw HTTP answer into a parsed body, or the ScimError it stands for. */
export function interpretResponse(response: HttpResponse, method?: string): ScimResponse {
	const status = response.statusCode;
	const headers = lowerCaseKeys(response.headers);
	let body = response.body;
	if (typeof body === 'string' || Buffer.isBuffer(body)) {
		const text = body.toString();
		const parsed = text.trim() === '' ? { ok: true as const, value: undefined } : attempt(() => JSON.parse(text) as unknown);
		if (parsed.ok) {
			body = parsed.value;
		} else if (status >= 200 && status < 300) {
			throw new ScimError({
				kind: 'invalidResponse',
				status,
				message: 'Qase answered with something that is not JSON',
				description:
					'The response was not valid JSON (it may have been cut off). Check that the base URL points at the SCIM API, then try again.',
			});
		}
	}
	if (status >= 200 && status < 300) {
		if (isScimErrorBody(body)) {
			const bodyStatus = Number((body as Record<string, unknown>).status) || 500;
			throw errorFromResponse(bodyStatus >= 300 ? bodyStatus : 500, body, headers, method);
		}
		return { status, body };
	}
	throw errorFromResponse(status, body, headers, method);
}

function lowerCaseKeys(headers: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
}
