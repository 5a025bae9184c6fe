// @ts-check
'use strict';

const { startWithClient, newUser, bulkUsers, findUsers } = require('./sandboxClient');

/** @type {import('../../sandbox').Sandbox} */ let sandbox;
/** @type {import('axios').AxiosInstance} */ let client;

beforeAll(async () => ({ sandbox, client } = await startWithClient({ maxPageSize: 100 })));
beforeEach(() => sandbox.reset({ seed: true }));
afterAll(() => sandbox.stop());

/** @param {Record<string, unknown>} params */
const list = (params) => client.get('/Users', { params });
/** @param {{ userName: string }[]} users */
const userNames = (users) => users.map((u) => u.userName).sort();

describe('filter', () => {
	test('matches userName eq case-insensitively in attribute, operator and value', async () => {
		const found = await findUsers(client, 'USERNAME EQ "Alex.Smith@EXAMPLE.com"');
		expect(userNames(found)).toEqual(['alex.smith@example.com']);
	});

	test('answers an or of userName eq clauses with exactly the existing users', async () => {
		const found = await findUsers(
			client,
			'userName eq "alex.smith@example.com" or userName eq "missing@example.com" or userName eq "SAM.TAYLOR@example.com" or userName eq "alex.smith@example.com"',
		);
		expect(userNames(found)).toEqual(['alex.smith@example.com', 'sam.taylor@example.com']);
	});

	test.each([
		['co', 'userName co "SMITH"', (/** @type {any} */ u) => u.userName.includes('smith')],
		['sw', 'name.givenName sw "ja"', (/** @type {any} */ u) => u.name.givenName.toLowerCase().startsWith('ja')],
		['ew', 'userName ew "@Example.com"', (/** @type {any} */ u) => u.userName.endsWith('@example.com')],
		['ne', 'userType ne "regular"', (/** @type {any} */ u) => u.userType !== 'regular'],
		['pr', 'title pr', (/** @type {any} */ u) => u.title !== undefined],
		['gt', 'name.familyName gt "m"', (/** @type {any} */ u) => u.name.familyName.toLowerCase() > 'm'],
		['le', 'name.familyName le "Lee"', (/** @type {any} */ u) => u.name.familyName.toLowerCase() <= 'lee'],
		['boolean eq', 'active eq false', (/** @type {any} */ u) => u.active === false],
		['and/not/()', 'active eq true and not (userType eq "regular" or userType eq "billing")', (/** @type {any} */ u) => u.active && u.userType === 'read-only'],
		['value path', 'emails[value co "jordan"]', (/** @type {any} */ u) => u.userName.includes('jordan')],
	])('%s finds the same users as the stored data says', async (_op, filter, predicate) => {
		sandbox.addUsers([
			{ userName: 'jane.miles@example.com', name: { givenName: 'Jane', familyName: 'Miles' }, title: 'QA lead' },
			{ userName: 'james.ng@example.org', name: { givenName: 'James', familyName: 'Ng' }, userType: 'billing' },
		]);
		const expected = userNames(sandbox.getUsers().filter(predicate));
		expect(expected.length).toBeGreaterThan(0);
		expect(userNames(await findUsers(client, filter))).toEqual(expected);
	});

	test('finds userNames holding a quote or a backslash when the filter escapes them', async () => {
		sandbox.addUsers([
			{ userName: 'o"neil@example.com', name: { givenName: 'Quote', familyName: 'User' } },
			{ userName: 'back\\slash@example.com', name: { givenName: 'Back', familyName: 'Slash' } },
		]);
		expect(userNames(await findUsers(client, 'userName eq "o\\"neil@example.com"'))).toEqual(['o"neil@example.com']);
		expect(userNames(await findUsers(client, 'userName eq "back\\\\slash@example.com"'))).toEqual(['back\\slash@example.com']);
		// An unescaped quote cannot widen the query.
		expect((await list({ filter: 'userName eq "x" or "1" eq "1"' })).status).toBe(400);
	});

	test.each([['userName eq'], ['userName equals "a"'], ['(userName eq "a"'], ['userName eq "a" junk'], ['nickName eq "a"']])(
		'refuses %s with 400 invalidFilter',
		async (filter) => {
			const res = await list({ filter });
			expect(res.status).toBe(400);
			expect(res.data).toMatchObject({ status: '400', scimType: 'invalidFilter' });
		},
	);
});

describe('paging', () => {
	beforeEach(() => sandbox.addUsers(bulkUsers(245)));

	test('walking pages returns every user once, with honest totals', async () => {
		const total = sandbox.getUsers().length;
		const ids = [];
		for (let startIndex = 1; startIndex <= total; startIndex += 100) {
			const { data } = await list({ startIndex, count: 100 });
			expect(data).toMatchObject({ totalResults: total, startIndex, itemsPerPage: data.Resources.length });
			ids.push(...data.Resources.map((/** @type {any} */ u) => u.id));
		}
		expect(ids).toEqual(sandbox.getUsers().map((u) => u.id));
	});

	test('caps count at the maximum page size, which is also the default', async () => {
		expect((await list({ count: 1000 })).data.itemsPerPage).toBe(100);
		expect((await list({})).data.itemsPerPage).toBe(100);
	});

	test('answers past the end with an empty page and the real total', async () => {
		const { data } = await list({ startIndex: 10000, count: 10 });
		expect(data).toMatchObject({ totalResults: sandbox.getUsers().length, itemsPerPage: 0, startIndex: 10000, Resources: [] });
	});

	test('treats startIndex below 1 as 1 and a negative count as 0', async () => {
		const first = await list({ startIndex: 1, count: 3 });
		expect((await list({ startIndex: 0, count: 3 })).data).toEqual(first.data);
		expect((await list({ startIndex: -5, count: 3 })).data).toEqual(first.data);
		expect((await list({ count: -1 })).data.itemsPerPage).toBe(0);
	});

	test('count=0 answers the total only', async () => {
		const { data } = await list({ count: 0 });
		expect(data).toMatchObject({ totalResults: sandbox.getUsers().length, itemsPerPage: 0, Resources: [] });
	});

	test('pages a filtered result', async () => {
		const { data } = await list({ filter: 'userName ew "@bulk.example.com"', startIndex: 241, count: 10 });
		expect(data.totalResults).toBe(245);
		expect(data.itemsPerPage).toBe(5);
	});

	test.each([['startIndex', 'abc'], ['count', '1.5']])('refuses a non-integer %s with 400', async (name, value) => {
		expect((await list({ [name]: value })).status).toBe(400);
	});
});

test('a smaller maxPageSize is enforced and announced', async () => {
	const small = await startWithClient({ maxPageSize: 2 });
	try {
		expect((await small.client.get('/Users', { params: { count: 50 } })).data.itemsPerPage).toBe(2);
		expect((await small.client.get('/ServiceProviderConfig')).data.filter).toEqual({ supported: true, maxResults: 2 });
	} finally {
		await small.sandbox.stop();
	}
});

describe('sorting', () => {
	test('sorts by userName ascending and descending, case-insensitively', async () => {
		await client.post('/Users', newUser({ userName: 'Zed@example.com' }));
		const expected = sandbox.getUsers().map((u) => u.userName).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
		const ascending = (await list({ sortBy: 'userName' })).data.Resources.map((/** @type {any} */ u) => u.userName);
		const descending = (await list({ sortBy: 'USERNAME', sortOrder: 'Descending' })).data.Resources.map((/** @type {any} */ u) => u.userName);
		expect(ascending).toEqual(expected);
		expect(descending).toEqual([...expected].reverse());
	});

	test('sorts before paging', async () => {
		const all = (await list({ sortBy: 'name.familyName' })).data.Resources;
		const page = (await list({ sortBy: 'name.familyName', startIndex: 2, count: 2 })).data.Resources;
		expect(page).toEqual(all.slice(1, 3));
	});

	test('refuses an unknown sortBy or sortOrder with 400', async () => {
		expect((await list({ sortBy: 'nickName' })).status).toBe(400);
		expect((await list({ sortBy: 'userName', sortOrder: 'sideways' })).status).toBe(400);
	});
});

describe('attributes', () => {
	test('returns only the asked attributes, plus id and schemas', async () => {
		const { data } = await list({ attributes: 'userName,name.givenName', filter: 'userName eq "alex.smith@example.com"' });
		expect(data.Resources).toEqual([
			{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: expect.any(String), userName: 'alex.smith@example.com', name: { givenName: 'Alex' } },
		]);
	});

	test('excludedAttributes removes attributes but never id', async () => {
		const { data } = await list({ excludedAttributes: 'emails,meta,id', count: 1 });
		const [user] = data.Resources;
		expect(user.id).toBeDefined();
		expect(user.emails).toBeUndefined();
		expect(user.meta).toBeUndefined();
		expect(user.userName).toBeDefined();
	});

	test('GET /Users/{id} honours attributes too', async () => {
		const { data } = await client.get(`/Users/${sandbox.ownerId}`, { params: { attributes: 'active' } });
		expect(Object.keys(data).sort()).toEqual(['active', 'id', 'schemas']);
	});

	test('refuses an unknown attribute with 400', async () => {
		expect((await list({ attributes: 'nickName' })).status).toBe(400);
	});
});

describe('at 50,000 users', () => {
	test('finds users by userName and by batched or-lookups, and counts them all', async () => {
		sandbox.addUsers(bulkUsers(50000));
		const total = sandbox.getUsers().length;
		expect((await list({ count: 0 })).data.totalResults).toBe(total);

		const [one] = await findUsers(client, 'userName eq "USER49999@bulk.example.com"');
		expect(one).toMatchObject({ userName: 'user49999@bulk.example.com', name: { givenName: 'Given49999' } });

		const wanted = [0, 17, 25000, 49999].map((i) => `user${i}@bulk.example.com`);
		const filter = [...wanted, 'nobody@bulk.example.com'].map((name) => `userName eq "${name}"`).join(' or ');
		expect(userNames(await findUsers(client, filter))).toEqual([...wanted].sort());

		const lastPage = (await list({ startIndex: total - 1, count: 100 })).data;
		expect(lastPage.Resources.map((/** @type {any} */ u) => u.userName)).toEqual(['user49998@bulk.example.com', 'user49999@bulk.example.com']);
	});
});
