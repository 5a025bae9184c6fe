// @ts-check
const { collectPages, readListResponse } = require('../../dist/nodes/QaseScim/transport/pagination');

/**
 * A fake paging server over `total` users with its own page size, to drive collectPages.
 * @param {{ total: number, pageSize: number, pastEnd?: 'empty' | 'firstPage', claimedTotal?: number }} options
 */
function pagedServer({ total, pageSize, pastEnd = 'empty', claimedTotal }) {
	const users = Array.from({ length: total }, (_, index) => ({ id: String(index + 1) }));
	const calls = [];
	const fetchPage = async (/** @type {number} */ startIndex, /** @type {number} */ count) => {
		calls.push({ startIndex, count });
		let resources = users.slice(startIndex - 1, startIndex - 1 + Math.min(count, pageSize));
		if (resources.length === 0 && pastEnd === 'firstPage') resources = users.slice(0, pageSize);
		return { totalResults: claimedTotal ?? total, resources };
	};
	return { fetchPage, calls };
}

describe('collectPages', () => {
	test('collects everything when the server sends smaller pages than asked', async () => {
		const server = pagedServer({ total: 250, pageSize: 30 });
		const users = await collectPages(server.fetchPage, { pageSize: 100 });
		expect(users.map((user) => user.id)).toEqual(Array.from({ length: 250 }, (_, i) => String(i + 1)));
		expect(server.calls[1]).toEqual({ startIndex: 31, count: 100 });
	});

	test('stops at the limit and asks for no more than needed', async () => {
		const server = pagedServer({ total: 250, pageSize: 100 });
		const users = await collectPages(server.fetchPage, { pageSize: 100, limit: 120 });
		expect(users).toHaveLength(120);
		expect(server.calls).toEqual([
			{ startIndex: 1, count: 100 },
			{ startIndex: 101, count: 20 },
		]);
	});

	test('stops when a server answers past the end with the first page again', async () => {
		const server = pagedServer({ total: 15, pageSize: 10, pastEnd: 'firstPage', claimedTotal: 1000 });
		const users = await collectPages(server.fetchPage, { pageSize: 10 });
		expect(users).toHaveLength(15);
		expect(server.calls.length).toBeLessThanOrEqual(3);
	});

	test('stops on an empty page even when totalResults claims more', async () => {
		const server = pagedServer({ total: 5, pageSize: 10, claimedTotal: 50 });
		const users = await collectPages(server.fetchPage, { pageSize: 10 });
		expect(users).toHaveLength(5);
		expect(server.calls).toHaveLength(2);
	});

	test('does not stop early when totalResults claims too few', async () => {
		const server = pagedServer({ total: 30, pageSize: 10, claimedTotal: 30 });
		const users = await collectPages(server.fetchPage, { pageSize: 10 });
		expect(users).toHaveLength(30);
	});

	test('readListResponse refuses a body that is not a ListResponse', () => {
		expect(() => readListResponse('<html>')).toThrow(/not a SCIM ListResponse/);
		expect(() => readListResponse({ totalResults: 1, Resources: 'x' })).toThrow(/not a SCIM ListResponse/);
		for (const body of [[], {}, null, { Resources: [] }, { totalResults: 2 }]) {
			expect(() => readListResponse(body)).toThrow(/not a SCIM ListResponse/);
		}
		expect(readListResponse({ totalResults: 1, Resources: [{ id: '1' }] })).toEqual({ totalResults: 1, resources: [{ id: '1' }] });
		expect(readListResponse({ totalResults: 0 })).toEqual({ totalResults: 0, resources: [] });
	});
});
