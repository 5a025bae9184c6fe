import type { ScimClient } from './client';
import { ScimError } from './errors';
import { emailKey, userNameIn } from './filter';
import { collectPages, readListResponse, type ListPage } from './pagination';
import { settle, type Settled } from './settle';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type UserType = 'regular' | 'read-only' | 'billing';

export interface ScimUser {
	id: string;
	userName: string;
	name?: { givenName?: string; familyName?: string };
	active?: boolean;
	userType?: string;
	emails?: Array<{ value?: string; primary?: boolean }>;
	[attribute: string]: unknown;
}

/** The fields of a user this package writes. */
export interface UserFields {
	userName?: string;
	givenName?: string;
	familyName?: string;
	userType?: UserType;
	active?: boolean;
}

export interface ListUsersOptions {
	filter?: string;
	sortBy?: string;
	sortOrder?: 'ascending' | 'descending';
	limit?: number;
}

/** Items asked for per page; Qase documents no maximum, so the server may send fewer. */
export const PAGE_SIZE = 100;

/** Qase spelled `read-only` as `readonly` before mid-2025; read either. */
export function normaliseUserType(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	return value.toLowerCase() === 'readonly' ? 'read-only' : value;
}

export function sameEmail(a: string | undefined, b: string | undefined): boolean {
	return emailKey(a) === emailKey(b);
}

/** The SCIM PATCH operations that turn `current` into `desired`; empty when nothing differs. */
export function patchOperationsFor(current: ScimUser | undefined, desired: UserFields): object[] {
	const changes: Array<[string, unknown]> = [];
	const differs = (path: string, now: unknown, wanted: unknown) => {
		if (wanted !== undefined && (current === undefined || now !== wanted)) changes.push([path, wanted]);
	};
	differs('userName', current?.userName, desired.userName);
	differs('name.givenName', current?.name?.givenName, desired.givenName);
	differs('name.familyName', current?.name?.familyName, desired.familyName);
	differs('userType', normaliseUserType(current?.userType)?.toLowerCase(), desired.userType);
	// A server that leaves `active` out treats the user as active (RFC 7643 gives no default).
	differs('active', current === undefined ? undefined : current.active !== false, desired.active);
	// Qase's docs write the op as "Replace"; RFC 7644 makes op names case-insensitive.
	return changes.map(([path, value]) => ({ op: 'Replace', path, value }));
}

/** User operations on top of the SCIM client. */
export class UsersApi {
	constructor(private readonly client: ScimClient) {}

	async get(id: string): Promise<ScimUser> {
		const response = await this.client.request('GET', userPath(id), { repeatable: true });
		return asUser(response.body);
	}

	/** Like `get`, but a user Qase does not know (404) is undefined rather than an error. */
	async find(id: string): Promise<ScimUser | undefined> {
		const outcome = await settle(this.get(id));
		if (outcome.ok) return outcome.value;
		if (outcome.error instanceof ScimError && outcome.error.kind === 'notFound') return undefined;
		throw outcome.error;
	}

	/**
	 * Exact, case-insensitive lookup; the filter value is escaped, and stray matches are dropped.
	 * `once` sends a single request, for callers that run their own retries.
	 */
	async findByEmail(email: string, options: { once?: boolean } = {}): Promise<ScimUser | undefined> {
		const page = await this.page({ filter: userNameIn([email]), startIndex: 1, count: 10, once: options.once });
		return page.resources.find((user) => sameEmail(user.userName, email));
	}

	private batchFiltersRefused = false;

	/**
	 * Looks one batch of emails (see `lookupBatches`) up with one `or` filter. A server that
	 * refuses such a filter is asked one email at a time from then on, and then one refused email
	 * fails only itself. Keys of the result are `emailKey`s.
	 */
	async findBatchByEmail(emails: string[]): Promise<Map<string, Settled<ScimUser | undefined>>> {
		const results = new Map<string, Settled<ScimUser | undefined>>();
		if (emails.length > 1 && !this.batchFiltersRefused) {
			const outcome = await settle(
				collectPages(async (startIndex, count) => await this.page({ filter: userNameIn(emails), startIndex, count }), {
					pageSize: emails.length,
				}),
			);
			if (outcome.ok) {
				for (const email of emails) {
					results.set(emailKey(email), { ok: true, value: outcome.value.find((user) => sameEmail(user.userName, email)) });
				}
				return results;
			}
			if (!refusesLongFilters(outcome.error)) throw outcome.error;
			this.batchFiltersRefused = true;
		}
		for (const email of emails) results.set(emailKey(email), await settle(this.findByEmail(email)));
		return results;
	}

	async page(options: {
		filter?: string;
		startIndex: number;
		count: number;
		sortBy?: string;
		sortOrder?: string;
		once?: boolean;
	}): Promise<ListPage<ScimUser>> {
		const qs: Record<string, string | number> = { startIndex: options.startIndex, count: options.count };
		if (options.filter) qs.filter = options.filter;
		if (options.sortBy) qs.sortBy = options.sortBy;
		if (options.sortOrder) qs.sortOrder = options.sortOrder;
		const response = options.once
			? await this.client.sendOnce('GET', '/Users', { qs })
			: await this.client.request('GET', '/Users', { qs, repeatable: true });
		const page = readListResponse<ScimUser>(response.body);
		return { ...page, resources: page.resources.map(asUser) };
	}

	async list(options: ListUsersOptions = {}): Promise<ScimUser[]> {
		return await collectPages(
			async (startIndex, count) =>
				await this.page({ filter: options.filter, sortBy: options.sortBy, sortOrder: options.sortOrder, startIndex, count }),
			{ pageSize: PAGE_SIZE, limit: options.limit },
		);
	}

	/**
	 * Creates a user. A POST is never repeated blindly: after an unclear failure (timeout,
	 * dropped connection, 5xx) the email is looked up first, and the user found there is the
	 * result, so a retry can never make a duplicate.
	 */
	async create(fields: Required<Pick<UserFields, 'userName' | 'givenName' | 'familyName'>> & UserFields): Promise<ScimUser> {
		const body: Record<string, unknown> = {
			schemas: [USER_SCHEMA],
			userName: fields.userName,
			name: { givenName: fields.givenName, familyName: fields.familyName },
		};
		if (fields.userType !== undefined) body.userType = fields.userType;
		if (fields.active !== undefined) body.active = fields.active;

		let previousAttemptUnclear = false;
		return await this.client.withRetries(
			async () => {
				if (previousAttemptUnclear) {
					// One request, no retries of its own: a failure here is this attempt's failure.
					const existing = await this.findByEmail(fields.userName, { once: true });
					if (existing) return existing;
				}
				const sent = await settle(this.client.sendOnce('POST', '/Users', { body }));
				if (sent.ok) return asUser(sent.value.body);
				previousAttemptUnclear = isUnclearFailure(sent.error);
				throw sent.error;
			},
			true,
		);
	}

	/**
	 * Applies PATCH operations and returns the user. A server that answers 204 without a body
	 * is read back, unless `readBack` is false (then the result is undefined).
	 */
	async patch(id: string, operations: object[]): Promise<ScimUser>;
	async patch(id: string, operations: object[], options: { readBack: false }): Promise<ScimUser | undefined>;
	async patch(id: string, operations: object[], options = { readBack: true }): Promise<ScimUser | undefined> {
		const response = await this.client.request('PATCH', userPath(id), {
			body: { schemas: [PATCH_SCHEMA], Operations: operations },
			repeatable: true,
		});
		if (response.body && typeof response.body === 'object' && 'id' in response.body) return asUser(response.body);
		return options.readBack ? await this.get(id) : undefined;
	}

	/**
	 * Deletes a user; false when Qase has no such user. When an earlier attempt failed
	 * unclearly, a 404 on the retry means that attempt did delete the user.
	 */
	async delete(id: string): Promise<boolean> {
		let previousAttemptUnclear = false;
		return await this.client.withRetries(
			async () => {
				const sent = await settle(this.client.sendOnce('DELETE', userPath(id)));
				if (sent.ok) return true;
				if (sent.error instanceof ScimError && sent.error.kind === 'notFound') return previousAttemptUnclear;
				// Once any attempt may have deleted the user, a later 404 means it did.
				previousAttemptUnclear ||= isUnclearFailure(sent.error);
				throw sent.error;
			},
			true,
		);
	}
}

/** Emails per `or` lookup, and the longest filter text: together they keep URLs near 4 KB. */
export const LOOKUP_BATCH_SIZE = 50;
const MAX_LOOKUP_FILTER_LENGTH = 3500;

/** A server that answers an `or` filter with 400, 414 or 431 is asked one email at a time. */
function refusesLongFilters(error: unknown): boolean {
	return error instanceof ScimError && (error.kind === 'badRequest' || error.status === 414 || error.status === 431);
}

/** Splits emails into lookup batches bounded by count and by filter length. */
export function lookupBatches(emails: string[]): string[][] {
	const batches: string[][] = [];
	let current: string[] = [];
	let length = 0;
	for (const email of emails) {
		// Measured as sent: a non-ASCII email grows several times when URL-encoded.
		const clauseLength = encodeURIComponent(`${userNameIn([email])} or `).length;
		if (current.length > 0 && (current.length >= LOOKUP_BATCH_SIZE || length + clauseLength > MAX_LOOKUP_FILTER_LENGTH)) {
			batches.push(current);
			current = [];
			length = 0;
		}
		current.push(email);
		length += clauseLength;
	}
	if (current.length > 0) batches.push(current);
	return batches;
}

/** A failure after which the request may or may not have taken effect. */
function isUnclearFailure(error: unknown): boolean {
	return error instanceof ScimError && error.retryable && error.kind !== 'rateLimited';
}

/** A user's URL path. Dot segments would be resolved by URL rules, so they are refused. */
function userPath(id: string): string {
	if (id === '' || /^\.+$/.test(id)) {
		throw new ScimError({
			kind: 'invalidResponse',
			message: `Qase gave a user ID that cannot be used in a URL ("${id}")`,
			description: 'The user was not changed. Check that the base URL points at the SCIM API.',
		});
	}
	return `/Users/${encodeURIComponent(id)}`;
}

function asUser(body: unknown): ScimUser {
	if (!body || typeof body !== 'object' || !('id' in body)) {
		throw new ScimError({
			kind: 'invalidResponse',
			message: 'Qase answered without a user where one was expected',
			description: 'The response had no user id. Check that the base URL points at the SCIM API.',
		});
	}
	const user = body as ScimUser;
	return { ...user, id: String(user.id) };
}
