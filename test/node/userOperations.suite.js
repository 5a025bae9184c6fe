// @ts-check
'use strict';
/**
 * Every user operation and option, run through n8n's engine against a SCIM server, checking
 * what the server holds afterwards with its own HTTP API. Shared by the Qase sandbox and
 * SCIMMY, so the client is held to the standard and not to one server's habits.
 */
const { useTarget, runQase, locate } = require('./support');

/** @param {() => Promise<import('./support').Target>} makeTarget */
function userOperationsSuite(makeTarget) {
	const context = useTarget(makeTarget);

	const run = (/** @type {Record<string, unknown>} */ parameters, /** @type {any} */ options) => runQase(context.target, parameters, options);

	describe('Create', () => {
		const createParameters = {
			operation: 'create',
			email: '={{ $json.email }}',
			firstName: '={{ $json.first }}',
			lastName: '={{ $json.last }}',
		};

		test('creates users from item expressions and outputs their Qase ids', async () => {
			const items = [
				{ email: 'ada@example.com', first: 'Ada', last: 'Lovelace' },
				{ email: 'alan@example.com', first: 'Alan', last: 'Turing' },
			];
			const result = await run({ ...createParameters, additionalFields: { userType: 'read-only', active: false } }, { items });
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

			const held = await context.server.users();
			expect(held).toHaveLength(2);
			for (const [index, output] of result.items.entries()) {
				const stored = held.find((user) => user.id === output.json.id);
				expect(stored).toMatchObject({ userName: items[index].email, name: { givenName: items[index].first, familyName: items[index].last }, active: false });
				expect(output.json).toMatchObject({ email: items[index].email, firstName: items[index].first, active: false, userType: 'read-only', action: 'created' });
			}
		});

		test('If User Exists = Stop With Error: a clear error, and still one user', async () => {
			await context.server.add({ email: 'dup@example.com' });
			const result = await run(createParameters, { items: [{ email: 'DUP@example.com', first: 'D', last: 'U' }] });
			expect(result.error?.message).toMatch(/already exists.*\[item 0\]/);
			expect(await context.server.byEmail('dup@example.com')).toHaveLength(1);
		});

		test('If User Exists = Return Existing: the existing user, unchanged', async () => {
			const existing = await context.server.add({ email: 'dup@example.com', first: 'Old' });
			const result = await run({ ...createParameters, ifUserExists: 'returnExisting' }, { items: [{ email: 'dup@example.com', first: 'New', last: 'Name' }] });
			expect(result.items[0].json).toMatchObject({ id: existing.id, firstName: 'Old', action: 'unchanged' });
			expect((await context.server.byEmail('dup@example.com'))[0].name.givenName).toBe('Old');
		});

		test('If User Exists = Update: the existing user is changed to match', async () => {
			const existing = await context.server.add({ email: 'dup@example.com', first: 'Old', last: 'Name' });
			const result = await run({ ...createParameters, ifUserExists: 'update' }, { items: [{ email: 'dup@example.com', first: 'New', last: 'Name' }] });
			expect(result.items[0].json).toMatchObject({ id: existing.id, firstName: 'New', action: 'updated' });
			const held = await context.server.byEmail('dup@example.com');
			expect(held).toHaveLength(1);
			expect(held[0].name).toMatchObject({ givenName: 'New', familyName: 'Name' });
		});
	});

	describe('Find by Email', () => {
		test('finds a user (whatever the case, where the server compares so), marked found', async () => {
			const existing = await context.server.add({ email: 'Grace.Hopper@example.com', first: 'Grace' });
			const lookup = context.target.caseInsensitiveUserName ? 'grace.hopper@EXAMPLE.com' : 'Grace.Hopper@example.com';
			const result = await run({ operation: 'findByEmail', email: lookup });
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json).toMatchObject({ found: true, id: existing.id, email: 'Grace.Hopper@example.com', firstName: 'Grace' });
		});

		test('When Not Found: marked item, nothing, or an error', async () => {
			await context.server.add({ email: 'someone@example.com' });
			const marked = await run({ operation: 'findByEmail', email: 'nobody@example.com' });
			expect(marked.items.map((item) => item.json)).toEqual([{ found: false, email: 'nobody@example.com' }]);

			const nothing = await run({ operation: 'findByEmail', email: 'nobody@example.com', whenNotFound: 'nothing' });
			expect(nothing.error).toBeUndefined();
			expect(nothing.items).toEqual([]);

			const failed = await run({ operation: 'findByEmail', email: 'nobody@example.com', whenNotFound: 'error' });
			expect(failed.error?.message).toMatch(/No Qase user with email "nobody@example.com" \[item 0\]/);
		});

		test.each([
			['v\\"ictim@example.com', true],
			['"victim"@example.com', true],
			['vıctim@example.com', false],
			['\u212Aate@example.com', false],
		])('the hostile email %j finds nothing, though a near match exists', async (email, hasQuote) => {
			await context.server.add({ email: 'victim@example.com' });
			await context.server.add({ email: 'kate@example.com' });
			const result = await run({ operation: 'findByEmail', email: '={{ $json.email }}' }, { items: [{ email }] });
			if (hasQuote && !context.target.parsesFilterEscapes) {
				// The server cannot read an escaped quote and refuses the filter: a clear error.
				expect(result.error?.message).toMatch(/rejected the request as invalid/);
				return;
			}
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.json)).toEqual([{ found: false, email }]);
		});

		test.each([['a" or userName pr "@example.com'], ['x") or (userName pr "@example.com'], ['victim@example.com" or "1" eq "1']])('%j is refused as an email', async (email) => {
			const result = await run({ operation: 'findByEmail', email: '={{ $json.email }}' }, { items: [{ email }] });
			expect(result.error?.message).toMatch(/is not a valid email address \[item 0\]/);
		});

		test('the raw output is the SCIM user', async () => {
			await context.server.add({ email: 'raw@example.com' });
			const result = await run({ operation: 'findByEmail', email: 'raw@example.com', simplify: false });
			expect(result.items[0].json).toMatchObject({ found: true, userName: 'raw@example.com', name: { givenName: 'Test' } });
			expect(result.items[0].json.schemas).toContain('urn:ietf:params:scim:schemas:core:2.0:User');
		});
	});

	describe('Create or Update', () => {
		const upsert = { operation: 'createOrUpdate', email: '={{ $json.email }}', firstName: '={{ $json.first }}', lastName: '={{ $json.last }}' };

		test('creates the absent, updates what differs, leaves the rest', async () => {
			await context.server.add({ email: 'same@example.com', first: 'Same', last: 'Person' });
			await context.server.add({ email: 'moved@example.com', first: 'Old', last: 'Person' });
			const items = [
				{ email: 'same@example.com', first: 'Same', last: 'Person' },
				{ email: 'moved@example.com', first: 'New', last: 'Person' },
				{ email: 'fresh@example.com', first: 'Fresh', last: 'Person' },
			];
			const result = await run(upsert, { items });
			expect(result.items.map((item) => item.json.action)).toEqual(['unchanged', 'updated', 'created']);
			const held = await context.server.users();
			expect(held).toHaveLength(3);
			expect(held.find((user) => user.userName === 'moved@example.com').name.givenName).toBe('New');
			expect(held.find((user) => user.userName === 'fresh@example.com').name.givenName).toBe('Fresh');

			const again = await run(upsert, { items });
			expect(again.items.map((item) => item.json.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
		});

		test('reactivates when Active is given', async () => {
			await context.server.add({ email: 'back@example.com', active: false });
			const result = await run({ ...upsert, additionalFields: { active: true } }, { items: [{ email: 'back@example.com', first: 'Test', last: 'User' }] });
			expect(result.items[0].json).toMatchObject({ action: 'updated', active: true });
			expect((await context.server.byEmail('back@example.com'))[0].active).toBe(true);
		});
	});

	describe('Get and Get Many', () => {
		test('Get by ID and by email; an unknown ID is a clear error', async () => {
			const existing = await context.server.add({ email: 'get@example.com', first: 'Gail' });
			const byId = await run({ operation: 'get', user: locate('id', existing.id) });
			expect(byId.items[0].json).toMatchObject({ id: existing.id, email: 'get@example.com', firstName: 'Gail' });
			const byEmail = await run({ operation: 'get', user: locate('email', context.target.caseInsensitiveUserName ? 'GET@example.com' : 'get@example.com') });
			expect(byEmail.items[0].json.id).toBe(existing.id);
			const missing = await run({ operation: 'get', user: locate('id', '999999') });
			expect(missing.error?.message).toMatch(/No Qase user with ID "999999" \[item 0\]/);
		});

		test('Return All pages through everything; Limit stops early', async () => {
			const emails = Array.from({ length: 130 }, (_, i) => `user${String(i).padStart(3, '0')}@example.com`);
			for (const email of emails) await context.server.add({ email });
			const all = await run({ operation: 'getAll', returnAll: true });
			expect(all.items.map((item) => item.json.email).sort()).toEqual(emails);
			const some = await run({ operation: 'getAll', returnAll: false, limit: 7 });
			expect(some.items).toHaveLength(7);
			expect(new Set(some.items.map((item) => item.json.id)).size).toBe(7);
		});

		test('filters and sort', async () => {
			await context.server.add({ email: 'anna@alpha.example', active: false });
			await context.server.add({ email: 'bert@alpha.example' });
			await context.server.add({ email: 'carl@beta.example' });
			const alpha = await run({ operation: 'getAll', returnAll: true, filters: { emailContains: '@alpha' }, sort: { sortBy: 'userName', sortOrder: 'descending' } });
			expect(alpha.items.map((item) => item.json.email)).toEqual(['bert@alpha.example', 'anna@alpha.example']);
			const inactive = await run({ operation: 'getAll', returnAll: true, filters: { status: 'inactive' } });
			expect(inactive.items.map((item) => item.json.email)).toEqual(['anna@alpha.example']);
			const startsWith = await run({ operation: 'getAll', returnAll: true, filters: { emailStartsWith: 'carl' } });
			expect(startsWith.items.map((item) => item.json.email)).toEqual(['carl@beta.example']);
			const raw = await run({ operation: 'getAll', returnAll: true, filters: { scimFilter: 'userName ew "beta.example" or userName sw "anna"' }, sort: { sortBy: 'userName' } });
			expect(raw.items.map((item) => item.json.email)).toEqual(['anna@alpha.example', 'carl@beta.example']);
		});
	});

	describe('Update', () => {
		test('changes only the fields given', async () => {
			const existing = await context.server.add({ email: 'upd@example.com', first: 'First', last: 'Last' });
			const result = await run({ operation: 'update', user: locate('id', existing.id), updateFields: { firstName: 'Changed' } });
			expect(result.items[0].json).toMatchObject({ id: existing.id, firstName: 'Changed', lastName: 'Last' });
			const held = (await context.server.byEmail('upd@example.com'))[0];
			expect(held.name).toMatchObject({ givenName: 'Changed', familyName: 'Last' });
		});

		test('changes the email and the active state, selected by email', async () => {
			await context.server.add({ email: 'old@example.com' });
			const result = await run({ operation: 'update', user: locate('email', 'old@example.com'), updateFields: { email: 'new@example.com', active: false } });
			expect(result.items[0].json).toMatchObject({ email: 'new@example.com', active: false });
			expect(await context.server.byEmail('old@example.com')).toHaveLength(0);
			expect((await context.server.byEmail('new@example.com'))[0].active).toBe(false);
		});

		test('an email taken by another user is refused and nothing changes', async () => {
			await context.server.add({ email: 'taken@example.com' });
			const mover = await context.server.add({ email: 'mover@example.com' });
			const result = await run({ operation: 'update', user: locate('id', mover.id), updateFields: { email: 'taken@example.com' } });
			expect(result.error?.message).toMatch(/Another Qase user already has the email "taken@example.com" \[item 0\]/);
			expect(await context.server.byEmail('mover@example.com')).toHaveLength(1);
			expect(await context.server.byEmail('taken@example.com')).toHaveLength(1);
		});
	});

	describe('Deactivate and Reactivate', () => {
		test('set inactive, idempotently; then active again', async () => {
			const existing = await context.server.add({ email: 'leaver@example.com' });
			const first = await run({ operation: 'deactivate', user: locate('email', 'leaver@example.com') });
			expect(first.items[0].json).toMatchObject({ id: existing.id, active: false, changed: true });
			expect((await context.server.byEmail('leaver@example.com'))[0].active).toBe(false);

			const second = await run({ operation: 'deactivate', user: locate('id', existing.id) });
			expect(second.error).toBeUndefined();
			expect(second.items[0].json).toMatchObject({ active: false, changed: false });

			const back = await run({ operation: 'reactivate', user: locate('id', existing.id) });
			expect(back.items[0].json).toMatchObject({ active: true, changed: true });
			expect((await context.server.byEmail('leaver@example.com'))[0].active).toBe(true);
		});
	});

	describe('Delete', () => {
		test('deletes by ID and by email, answering { deleted: true, id }', async () => {
			const first = await context.server.add({ email: 'gone1@example.com' });
			const second = await context.server.add({ email: 'gone2@example.com' });
			const byId = await run({ operation: 'delete', user: locate('id', first.id) });
			expect(byId.items[0].json).toEqual({ deleted: true, id: first.id });
			const byEmail = await run({ operation: 'delete', user: locate('email', 'gone2@example.com') });
			expect(byEmail.items[0].json).toEqual({ deleted: true, id: second.id });
			expect(await context.server.users()).toHaveLength(0);
		});

		test('If Not Found: an error, or success that says nothing was deleted', async () => {
			const failed = await run({ operation: 'delete', user: locate('id', '424242') });
			expect(failed.error?.message).toMatch(/No Qase user with ID "424242"/);
			const tolerated = await run({ operation: 'delete', user: locate('email', 'never@example.com'), ifNotFound: 'succeed' });
			expect(tolerated.items[0].json).toEqual({ deleted: false, email: 'never@example.com' });
		});
	});

	describe('bad input is refused before anything is sent', () => {
		const long = 'x'.repeat(61);
		test.each([
			[{ operation: 'create', email: 'not-an-email', firstName: 'A', lastName: 'B' }, /Email "not-an-email" is not a valid email address \[item 0\]/],
			[{ operation: 'create', email: 'two@@example.com', firstName: 'A', lastName: 'B' }, /Email .* is not a valid email/],
			[{ operation: 'create', email: 'sp ace@example.com', firstName: 'A', lastName: 'B' }, /Email .* is not a valid email/],
			[{ operation: 'create', email: 'a@example.com', firstName: '   ', lastName: 'B' }, /First Name is empty \[item 0\]/],
			[{ operation: 'create', email: 'a@example.com', firstName: 'A', lastName: long }, /Last Name is longer than 60 characters/],
			[{ operation: 'create', email: 'a@example.com', firstName: 'A\u202eB', lastName: 'B' }, /First Name .* control or invisible/],
			[{ operation: 'create', email: 'a@example.com', firstName: 'A', lastName: 'B', additionalFields: { userType: 'admin' } }, /User Type "admin" is not a Qase user type/],
			// IDs from expressions: a literal one is already refused by the locator's own validation.
			[{ operation: 'get', user: { __rl: true, mode: 'id', value: '={{ "../Users" }}' } }, /User \(By ID\) "..\/Users" is not a valid user ID \[item 0\]/],
			[{ operation: 'delete', user: { __rl: true, mode: 'id', value: '={{ "1?x=1" }}' } }, /not a valid user ID/],
			[{ operation: 'delete', user: { __rl: true, mode: 'id', value: '={{ "%2F" }}' } }, /not a valid user ID/],
			[{ operation: 'deactivate', user: { __rl: true, mode: 'email', value: '={{ "a@b.c\u0000" }}' } }, /not a valid email/],
			[{ operation: 'update', user: { __rl: true, mode: 'id', value: '1' }, updateFields: {} }, /No fields to update/],
		])('%j', async (parameters, message) => {
			const before = await context.server.users();
			const result = await run(parameters);
			expect(result.error?.message).toMatch(message);
			expect(await context.server.users()).toEqual(before);
		});

		test('a literal invalid ID never runs: n8n reports the locator issue', async () => {
			await expect(run({ operation: 'get', user: locate('id', '1/2') })).rejects.toThrow(/Not a valid Qase user ID/);
		});

		test('a 60-character name is fine, and so is a name with accents', async () => {
			const sixty = 'é'.repeat(60);
			const result = await run({ operation: 'create', email: 'long@example.com', firstName: sixty, lastName: 'Ødegård' });
			expect(result.error).toBeUndefined();
			expect((await context.server.byEmail('long@example.com'))[0].name.givenName).toBe(sixty);
		});
	});

	describe('Continue On Fail', () => {
		test('each failing item becomes an error item linked to its input; the rest go on', async () => {
			const items = [
				{ email: 'ok1@example.com', first: 'Ok', last: 'One' },
				{ email: 'broken', first: 'Bad', last: 'Email' },
				{ email: 'ok2@example.com', first: 'Ok', last: 'Two' },
			];
			const result = await run(
				{ operation: 'create', email: '={{ $json.email }}', firstName: '={{ $json.first }}', lastName: '={{ $json.last }}' },
				{ items, continueOnFail: true },
			);
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(result.items[1].json.error).toMatch(/Email "broken" is not a valid email address \[item 1\]/);
			expect(result.items[0].json.id).toBeDefined();
			expect(result.items[2].json.id).toBeDefined();
			expect((await context.server.users()).map((user) => user.userName).sort()).toEqual(['ok1@example.com', 'ok2@example.com']);
		});
	});
}

module.exports = { userOperationsSuite };
