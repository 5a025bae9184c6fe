import { ScimError } from './errors';

export interface ListPage<T> {
	totalResults: number;
	resources: T[];
}

/**
 * Reads a ListResponse body. Anything else (an array, `{}`, `null`, a page that claims results
 * but carries none) is an invalid response, never "no users": that reading would let a create
 * follow a broken lookup.
 */
export function readListResponse<T>(body: unknown): ListPage<T> {
	const record = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
	const total = typeof record.totalResults === 'number' ? record.totalResults : Number(record.totalResults);
	const resources = record.Resources;
	const valid =
		record === body &&
		Number.isFinite(total) &&
		total >= 0 &&
		(Array.isArray(resources) || (resources === undefined && total === 0));
	if (!valid) {
		throw new ScimError({
			kind: 'invalidResponse',
			message: 'Qase answered a list request with something that is not a SCIM ListResponse',
			description: 'Check that the base URL points at the SCIM API (e.g. https://app.qase.io/scim/v2).',
		});
	}
	return { totalResults: total, resources: (resources as T[] | undefined) ?? [] };
}

export interface CollectOptions {
	/** Stop after this many items; undefined = all. */
	limit?: number;
	/** How many items to ask for per page (the server may send fewer). */
	pageSize: number;
}

/**
 * Collects items page by page without assuming the server's page size. Stops when
 * `totalResults` items are in, on an empty page, or on a page whose ids were all seen before
 * (some servers answer past the end with the first page again). `totalResults` may lie in
 * either direction; these guards keep the loop finite.
 */
export async function collectPages<T extends { id?: unknown }>(
	fetchPage: (startIndex: number, count: number) => Promise<ListPage<T>>,
	options: CollectOptions,
): Promise<T[]> {
	const collected: T[] = [];
	const seenIds = new Set<string>();
	let startIndex = 1;
	for (;;) {
		const wanted = options.limit === undefined ? options.pageSize : Math.min(options.pageSize, options.limit - collected.length);
		if (wanted <= 0) break;
		const page = await fetchPage(startIndex, wanted);
		const fresh = page.resources.filter((item) => {
			const id = String(item.id);
			if (seenIds.has(id)) return false;
			seenIds.add(id);
			return true;
		});
		collected.push(...fresh);
		if (fresh.length === 0) break;
		startIndex += page.resources.length;
		if (startIndex > page.totalResults) break;
	}
	return options.limit === undefined ? collected : collected.slice(0, options.limit);
}
