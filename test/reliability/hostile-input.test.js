// @ts-check
/**
 * Hostile and bad input, each case tried: filter injection through emails, IDs that try to reach
 * another path, names and emails at and past the rules, 10,000 items in one run, and servers that
 * answer with broken or lying bodies. Every case must end in a correct result or a clear per-item
 * error, with the server unchanged where the input was bad.
 */
const { locate } = require('../node/support');
const { startQaseSandbox, startHostileServer, sendRaw, listResponse, scimUser, runAgainst, loggedRequests, errorItems } = require('./support');

/** @type {Awaited<ReturnType<typeof startQaseSandbox>>} */
let target;
/** @type {any} */
let sandbox;

beforeAll(async () => {
	target = await startQaseSandbox();
	sandbox = target.sandbox;
});
afterAll(async () => await target.stop());

/** Users every case here starts with; two of them have addresses that need escaping in a filter. */
const RESIDENTS = ['alice@example.com', 'bob@example.com', 'kate@example.com', 'o"reilly@example.com', 'back\\slash@example.com'];
beforeEach(() => {
	sandbox.reset({ seed: false });
	sandbox.addUsers(RESIDENTS.map((userName) => ({ userName, name: { givenName: 'Resident', familyName: 'User' } })));
});

const run = (/** @type {Record<string, unknown>} */ parameters, /** @type {object[]} */ items) =>
	runAgainst(target, parameters, { items, continueOnFail: true });
const findByEmail = (/** @type {string[]} */ emails) =>
	run({ operation: 'findByEmail', email: '={{ $json.email }}' }, emails.map((email) => ({ email })));
const deactivateByEmail = (/** @type {string[]} */ emails) =>
	run({ operation: 'deactivate', user: locate('email', '={{ $json.email }}') }, emails.map((email) => ({ email })));
const activeResidents = () => sandbox.getUsers().filter((/** @type {any} */ user) => user.active).map((/** @type {any} */ user) => user.userName);

/**
 * The values of a filter made only of `userName eq "<literal>"` clauses joined by ` or `, or
 * null when the filter holds anything else (an injected operator, an unbalanced quote).
 * @param {string} filter
 */
function eqLiterals(filter) {
	const clause = /^userName eq ("(?:[^"\\]|\\.)*")( or )?/;
	const literals = [];
	let rest = filter;
	while (rest !== '') {
		const match = clause.exec(rest);
		if (!match) return null;
		literals.push(JSON.parse(match[1]));
		rest = rest.slice(match[0].length);
		if (!match[2] && rest !== '') return null;
		if (match[2] && rest === '') return null;
	}
	return literals;
}

describe('filter injection through emails', () => {
	const hostileEmails = [
		'o"reilly@example.com', // a real address with a quote: must still be found
		'back\\slash@example.com', // a real address with a backslash: must still be found
		'x"@example.com',
		'alice@example.com"or"userName"pr',
		'x")or(userName@example.com',
		'pr@example.com',
		'"pr"@example.com',
	];

	test('each email travels as one escaped literal, and only that exact address matches', async () => {
		const result = await findByEmail(hostileEmails);

		expect(result.items.map((item) => [item.json.email, item.json.found])).toEqual(
			hostileEmails.map((email) => [email, RESIDENTS.includes(email)]),
		);
		// Never widened: every list call is filtered to exactly some of the asked addresses (the
		// node may add a lower-case spelling, for servers that compare case-sensitively).
		const asked = new Set(hostileEmails.map((email) => email.toLowerCase()));
		const lookups = loggedRequests(sandbox);
		expect(lookups.length).toBeGreaterThan(0);
		for (const { method, path, query } of lookups) {
			expect([method, path]).toEqual(['GET', '/Users']);
			expect(eqLiterals(query.filter)?.every((literal) => asked.has(literal.toLowerCase()))).toBe(true);
		}
		const sent = lookups.flatMap(({ query }) => (eqLiterals(query.filter) ?? []).map((literal) => literal.toLowerCase()));
		expect(new Set(sent)).toEqual(asked);
	});

	test('deactivating by a hostile email touches only that exact user', async () => {
		const result = await deactivateByEmail(hostileEmails);

		expect(result.items.map((item) => item.json.active ?? item.json.error)).toEqual(
			hostileEmails.map((email, i) => (RESIDENTS.includes(email) ? false : `No Qase user with email "${email}" [item ${i}]`)),
		);
		expect(activeResidents()).toEqual(['alice@example.com', 'bob@example.com', 'kate@example.com']);
	});

	// The sandbox's filter parser (scim2-parse-filter) refuses a literal ending in an escaped
	// backslash with 400 invalidFilter, though it is valid JSON escaping: a server refusing a lookup.
	const refusedByServer = 'alice@example.com\\';

	test('a lookup the server refuses is a clear error for that item, and changes nothing', async () => {
		const result = await deactivateByEmail([refusedByServer]);
		expect(result.items[0].json.error).toBe('Qase rejected the request as invalid (invalidFilter) [item 0]');
		expect(activeResidents()).toHaveLength(RESIDENTS.length);
	});

	// Find by Email looks emails up in batches; when the server refuses them and the node falls
	// back to one email at a time, one refused email must fail only its own item.
	test('a lookup the server refuses fails only its own item, not the others of its batch', async () => {
		const result = await findByEmail(['o"reilly@example.com', refusedByServer, 'bob@example.com']);
		expect(result.items.map((item) => item.json.found ?? item.json.error)).toEqual([
			true,
			'Qase rejected the request as invalid (invalidFilter) [item 1]',
			true,
		]);
	});

	test.each([
		'alice@example.com" or userName pr "',
		'x@example.com") or (userName pr',
		'" or ""="@example.com',
		'a@example.com or userName pr',
	])('%j: with spaces it is no email, refused before anything is sent', async (email) => {
		const result = await findByEmail([email]);

		expect(result.items[0].json.error).toBe(`Email ${JSON.stringify(email)} is not a valid email address [item 0]`);
		expect(sandbox.counters().total).toBe(0);
	});

	test.each([
		['Cyrillic а', '\u0430lice@example.com'],
		['fullwidth ａ', '\uff41lice@example.com'],
		['dotless ı', 'al\u0131ce@example.com'],
		['Greek ο', 'b\u03bfb@example.com'],
	])('a look-alike (%s) finds no one and deactivates no one', async (_, email) => {
		expect((await findByEmail([email])).items[0].json).toEqual({ found: false, email });
		expect((await deactivateByEmail([email])).items[0].json.error).toMatch(/No Qase user with email/);
		expect(activeResidents()).toHaveLength(RESIDENTS.length);
	});

	// toLowerCase() folds the Kelvin sign K (U+212A) to an ASCII "k": a server folding the same
	// way returns kate@example.com, which the node must not accept as the match (it folds ASCII
	// letters only).
	test('a Kelvin-sign look-alike of kate@ neither finds nor deactivates kate@', async () => {
		const lookAlike = '\u212Aate@example.com';
		expect((await findByEmail([lookAlike])).items[0].json).toEqual({ found: false, email: lookAlike });
		await deactivateByEmail([lookAlike]);
		expect(activeResidents()).toContain('kate@example.com');
	});
});

describe('IDs that try to reach another path', () => {
	const hostileIds = ['1/2', '..', '.', '../1', '1/../2', '1?x=1', '1#x', '%2F', '1%2F2', '1 2', '1\u0000'];
	const operations = {
		get: {},
		update: { updateFields: { firstName: 'Changed' } },
		deactivate: {},
		reactivate: {},
		delete: {},
	};

	test.each(Object.keys(operations))('%s: every one is refused, nothing is sent', async (operation) => {
		const before = sandbox.getUsers();
		for (const mode of /** @type {const} */ (['id', 'list'])) {
			const result = await run(
				{ operation, user: locate(mode, '={{ $json.id }}'), ...operations[/** @type {keyof operations} */ (operation)] },
				hostileIds.map((id) => ({ id })),
			);
			const parameter = mode === 'id' ? 'User (By ID)' : 'User (From List)';
			expect(result.items.map((item) => item.json.error)).toEqual(
				hostileIds.map((id, i) => `${parameter} ${JSON.stringify(id)} is not a valid user ID [item ${i}]`),
			);
		}
		expect(sandbox.counters().total).toBe(0);
		expect(sandbox.getUsers()).toEqual(before);
	});

	describe('an ID handed out by the server stays one path segment', () => {
		/** Deactivates victim@ on a server whose lookup answers with `id`; returns the PATCH paths. */
		async function patchPathsFor(/** @type {string} */ id) {
			const server = await startHostileServer((req, res) => {
				const user = scimUser(id, 'victim@example.com');
				if (req.method === 'GET') return sendRaw(res, 200, JSON.stringify(listResponse([user], 1, 1)));
				return sendRaw(res, 200, JSON.stringify({ ...user, active: false }));
			});
			try {
				await runAgainst({ baseUrl: server.baseUrl, token: 'hostile-test-token' }, { operation: 'deactivate', user: locate('email', 'victim@example.com') });
				return server.received.filter((request) => request.method !== 'GET').map((request) => request.url);
			} finally {
				await server.stop();
			}
		}

		test.each(['../admin', 'a/b', '?x', '#y', '%2F'])('%j is encoded', async (id) => {
			expect(await patchPathsFor(id)).toEqual([`/scim/v2/Users/${encodeURIComponent(id)}`]);
		});

		// encodeURIComponent leaves "." and ".." as they are, and URL resolution would turn
		// /Users/.. into /scim/v2/ and /Users/. into /Users/; an empty id also leaves /Users/.
		test.each(['..', '.', ''])('%j is refused or encoded, never another path', async (id) => {
			for (const path of await patchPathsFor(id)) expect(path).toMatch(/^\/scim\/v2\/Users\/[^/]+$/);
		});
	});
});

describe('names', () => {
	const createWithFirstName = (/** @type {string} */ firstName) =>
		run({ operation: 'create', email: 'new.person@example.com', firstName: '={{ $json.first }}', lastName: 'Person' }, [{ first: firstName }]);

	test('60 characters is created exactly; surrounding spaces are dropped', async () => {
		const sixty = 'N'.repeat(60);
		for (const [given, stored] of [[sixty, sixty], ['  Ann  ', 'Ann']]) {
			sandbox.reset({ seed: false });
			const result = await createWithFirstName(given);
			expect(result.items[0].json).toMatchObject({ firstName: stored, action: 'created' });
			expect(sandbox.getUsers().map((/** @type {any} */ user) => user.name.givenName)).toEqual([stored]);
		}
	});

	test.each([
		['61 characters', 'N'.repeat(61), /First Name is longer than 60 characters \[item 0\]/],
		['empty', '', /First Name is empty \[item 0\]/],
		['whitespace only', ' \t ', /First Name is empty \[item 0\]/],
		['a line break', 'Ann\nMarie', /control or invisible/],
		['a tab', 'Ann\tMarie', /control or invisible/],
		['a NUL', 'Ann\u0000', /control or invisible/],
		['DEL', 'Ann\u007f', /control or invisible/],
		['a C1 control', 'Ann\u0085', /control or invisible/],
		['a left-to-right mark', 'Ann\u200e', /control or invisible/],
		['a right-to-left mark', 'Ann\u200f', /control or invisible/],
		['a right-to-left override', '\u202eennA', /control or invisible/],
		['a right-to-left isolate', 'Ann\u2067x\u2069', /control or invisible/],
	])('%s: refused before anything is sent', async (_, firstName, message) => {
		const before = sandbox.getUsers();
		const result = await createWithFirstName(firstName);

		expect(result.items[0].json.error).toMatch(message);
		expect(sandbox.counters().total).toBe(0);
		expect(sandbox.getUsers()).toEqual(before);
	});

	test('Update refuses a 61-character name too, and changes nothing', async () => {
		const before = sandbox.getUsers();
		const result = await run({ operation: 'update', user: locate('email', 'alice@example.com'), updateFields: { lastName: 'L'.repeat(61) } }, [{}]);
		expect(result.items[0].json.error).toMatch(/Last Name is longer than 60 characters \[item 0\]/);
		expect(sandbox.getUsers()).toEqual(before);
	});

	test('60 characters outside the BMP: the node counts characters, Qase UTF-16 units; a clear error, nothing created', async () => {
		const result = await createWithFirstName('😀'.repeat(60));
		expect(result.items[0].json.error).toMatch(/rejected the request as invalid.*\[item 0\]/);
		expect(result.items[0].error.description).toMatch(/at most 60 characters/);
		expect(sandbox.getUsers()).toHaveLength(RESIDENTS.length);
	});
});

describe('emails', () => {
	test('upper case: found, updated in place, never duplicated', async () => {
		expect((await findByEmail(['ALICE@EXAMPLE.COM'])).items[0].json).toMatchObject({ found: true, email: 'alice@example.com' });

		const upsert = await run(
			{ operation: 'createOrUpdate', email: 'ALICE@EXAMPLE.COM', firstName: 'Alice', lastName: 'Upper' },
			[{}],
		);
		expect(upsert.items[0].json).toMatchObject({ action: 'updated', email: 'alice@example.com', lastName: 'Upper' });

		const create = await run({ operation: 'create', email: 'Alice@Example.com', firstName: 'A', lastName: 'B', ifUserExists: 'error' }, [{}]);
		expect(create.items[0].json.error).toBe('A user with this email already exists in Qase [item 0]');
		expect(sandbox.getUsers().filter((/** @type {any} */ user) => user.userName.toLowerCase() === 'alice@example.com')).toHaveLength(1);
	});

	test('surrounding spaces are dropped', async () => {
		expect((await findByEmail(['  bob@example.com\t'])).items[0].json).toMatchObject({ found: true, email: 'bob@example.com' });
	});

	test.each([
		['a space inside', 'bo b@example.com'],
		['two @', 'bob@example@example.com'],
		['two @ in a row', 'bob@@example.com'],
		['no domain dot', 'bob@example'],
	])('%s: refused before anything is sent, nothing created', async (_, email) => {
		const result = await run({ operation: 'createOrUpdate', email: '={{ $json.email }}', firstName: 'A', lastName: 'B' }, [{ email }]);
		expect(result.items[0].json.error).toBe(`Email ${JSON.stringify(email)} is not a valid email address [item 0]`);
		expect(sandbox.counters().total).toBe(0);
		expect(sandbox.getUsers()).toHaveLength(RESIDENTS.length);
	});
});

test('10,000 items in one run: every item gets its own right answer', async () => {
	const count = 10_000;
	sandbox.reset({ seed: false });
	const added = sandbox.addUsers(Array.from({ length: count }, (_, i) => ({ userName: `user${i}@example.com`, name: { givenName: 'U', familyName: String(i) } })));
	// Every 10th asks for someone absent; every 3rd in upper case.
	const asked = Array.from({ length: count }, (_, i) => {
		const email = i % 10 === 9 ? `nobody${i}@example.com` : `user${i}@example.com`;
		return i % 3 === 0 ? email.toUpperCase() : email;
	});
	const result = await runAgainst(
		target,
		{ operation: 'findByEmail', email: '={{ $json.email }}', requestOptions: { parallelism: 8, requestsPerMinute: 0 } },
		{ items: asked.map((email) => ({ email })), continueOnFail: true },
	);

	expect(errorItems(result.items)).toEqual([]);
	expect(result.items.map((item) => [item.pairedItem.item, item.json.found, item.json.id])).toEqual(
		asked.map((_, i) => (i % 10 === 9 ? [i, false, undefined] : [i, true, added[i].id])),
	);
}, 120_000);

describe('servers that answer badly', () => {
	const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
	/** @type {Awaited<ReturnType<typeof startHostileServer>> | undefined} */
	let server;
	afterEach(async () => await server?.stop());

	/** Starts a server answering every request with the same raw body. @param {number} status @param {string} body @param {string} type */
	const answeringAlways = async (status, body, type) => {
		server = await startHostileServer((_req, res) => sendRaw(res, status, body, { 'Content-Type': type }));
		return { baseUrl: server.baseUrl, token: 'hostile-test-token' };
	};

	test.each([
		['not JSON', 200, '<html><body>Sign in to Qase</body></html>', 'text/html', /not JSON/],
		['truncated JSON', 200, `{"schemas":["${LIST_SCHEMA}"],"totalResults":1,"Resources":[{"id":"1","userNa`, 'application/scim+json', /not JSON/],
		['a 200 with a SCIM error body', 200, JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', detail: 'Bad filter' }), 'application/scim+json', /rejected the request as invalid/],
		['an empty 200', 200, '', 'application/scim+json', /not a SCIM ListResponse/],
		['a JSON number', 200, '42', 'application/json', /not a SCIM ListResponse/],
	])('%s: a clear error, and no write follows', async (_, status, body, type, message) => {
		const scim = await answeringAlways(status, body, type);
		const found = await runAgainst(scim, { operation: 'findByEmail', email: 'alice@example.com' }, { continueOnFail: true });
		expect(found.items[0].json.error).toMatch(message);
		expect(found.items[0].json.error).toMatch(/\[item 0\]$/);

		const deactivated = await runAgainst(scim, { operation: 'deactivate', user: locate('email', 'alice@example.com') }, { continueOnFail: true });
		expect(deactivated.items[0].json.error).toMatch(message);
		expect(server?.received.map((request) => request.method)).not.toContain('PATCH');
	});

	// A list answer that is not a ListResponse must not read as "no such user": Find by Email
	// would say found: false and Create or Update would go on to POST.
	test.each(['[]', '{}', 'null'])('a list answered with %s: a clear error, and no create follows', async (body) => {
		const scim = await answeringAlways(200, body, 'application/json');
		const found = await runAgainst(scim, { operation: 'findByEmail', email: 'alice@example.com' }, { continueOnFail: true });
		expect(found.items[0].json.error).toMatch(/not a SCIM ListResponse \[item 0\]/);

		await runAgainst(scim, { operation: 'createOrUpdate', email: 'alice@example.com', firstName: 'A', lastName: 'B' }, { continueOnFail: true });
		expect(server?.received.map((request) => request.method)).not.toContain('POST');
	});

	/**
	 * A list endpoint over `users` that pages by its own size, and lies as told: `totalResults`
	 * maps the real count to the one claimed; past the end it answers an empty page or page 1 again.
	 * @param {{ pageSize: number, totalResults: (real: number) => number, pastEnd?: 'empty' | 'first page', ignoreFilter?: boolean }} lies
	 */
	async function lyingList({ pageSize, totalResults, pastEnd = 'empty', ignoreFilter = false }) {
		const users = ['ann', 'ben', 'cat', 'dan', 'eve'].map((name, i) => scimUser(String(i + 1), `${name}@example.com`));
		server = await startHostileServer((req, res, url) => {
			if (req.method !== 'GET' || url.pathname !== '/scim/v2/Users') return sendRaw(res, 405, '');
			const filter = url.searchParams.get('filter');
			const asked = filter ? eqLiterals(filter) : null;
			const matching = ignoreFilter || !asked ? users : users.filter((user) => asked.includes(user.userName));
			const startIndex = Number(url.searchParams.get('startIndex') ?? 1);
			const page = matching.slice(startIndex - 1, startIndex - 1 + pageSize);
			const resources = page.length === 0 && pastEnd === 'first page' ? matching.slice(0, pageSize) : page;
			sendRaw(res, 200, JSON.stringify(listResponse(resources, totalResults(matching.length), startIndex)));
		});
		return { scim: { baseUrl: server.baseUrl, token: 'hostile-test-token' }, users };
	}

	const getAll = (/** @type {{ baseUrl: string, token: string }} */ scim) => runAgainst(scim, { operation: 'getAll', returnAll: true }, { continueOnFail: true });

	test.each([
		['too high, empty pages past the end', { pageSize: 2, totalResults: () => 1000 }],
		['too high, page 1 again past the end', { pageSize: 2, totalResults: () => 1000, pastEnd: /** @type {const} */ ('first page') }],
		['too low, everything on one page', { pageSize: 100, totalResults: () => 0 }],
	])('totalResults %s: Get Many returns every user once, and stops', async (_, lies) => {
		const { scim, users } = await lyingList(lies);
		const result = await getAll(scim);

		expect(result.items.map((item) => item.json.email)).toEqual(users.map((user) => user.userName));
		expect(server?.received.length).toBeLessThanOrEqual(users.length + 1);
	});

	test('totalResults too low: a lookup still finds the user on the page', async () => {
		const { scim } = await lyingList({ pageSize: 100, totalResults: () => 0 });
		const result = await runAgainst(scim, { operation: 'findByEmail', email: 'cat@example.com' });
		expect(result.items[0].json).toMatchObject({ found: true, id: '3', email: 'cat@example.com' });
	});

	test('a server that ignores the filter: strays are dropped, the absent stay absent, nobody else is deactivated', async () => {
		const { scim } = await lyingList({ pageSize: 100, totalResults: (real) => real, ignoreFilter: true });
		const found = await runAgainst(scim, { operation: 'findByEmail', email: '={{ $json.email }}' }, { items: [{ email: 'dan@example.com' }, { email: 'zoe@example.com' }] });
		expect(found.items.map((item) => [item.json.found, item.json.email])).toEqual([[true, 'dan@example.com'], [false, 'zoe@example.com']]);

		const deactivated = await runAgainst(scim, { operation: 'deactivate', user: locate('email', 'zoe@example.com') }, { continueOnFail: true });
		expect(deactivated.items[0].json.error).toMatch(/No Qase user with email "zoe@example.com" \[item 0\]/);
		expect(server?.received.map((request) => request.method)).not.toContain('PATCH');
	});
});
