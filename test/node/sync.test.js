// @ts-check
/**
 * Sync Users: Qase is made to match the input, with one list and only the needed writes.
 * The main scenario runs against the Qase sandbox and SCIMMY; the request-count checks use
 * the sandbox's counters.
 */
const { sandboxTarget, scimmyTarget, serverView, useTarget, runQase } = require('./support');

const syncParameters = {
	operation: 'sync',
	email: '={{ $json.email }}',
	firstName: '={{ $json.first }}',
	lastName: '={{ $json.last }}',
	removeMissing: true,
	maxRemovals: 0,
	maxRemovalPercent: 0,
	protectedEmails: 'owner@example.com',
};

/** The Qase side before a sync: one of each situation. @param {ReturnType<typeof serverView>} server */
async function seedDrift(server) {
	await server.add({ email: 'owner@example.com', first: 'Work', last: 'Owner' });
	await server.add({ email: 'same@example.com', first: 'Same', last: 'Person' });
	await server.add({ email: 'renamed@example.com', first: 'Old', last: 'Name' });
	await server.add({ email: 'returning@example.com', first: 'Back', last: 'Again', active: false });
	await server.add({ email: 'leaver@example.com', first: 'Gone', last: 'Soon' });
	await server.add({ email: 'long.gone@example.com', first: 'Long', last: 'Gone', active: false });
}

const directory = [
	{ email: 'same@example.com', first: 'Same', last: 'Person' },
	{ email: 'Renamed@example.com', first: 'New', last: 'Name' },
	{ email: 'returning@example.com', first: 'Back', last: 'Again' },
	{ email: 'joiner@example.com', first: 'Fresh', last: 'Start' },
];

/** @param {any[]} users */
const stateOf = (users) =>
	Object.fromEntries(users.map((user) => [user.userName.toLowerCase(), `${user.name.givenName} ${user.name.familyName} ${user.active === false ? 'inactive' : 'active'}`]));

const converged = {
	'owner@example.com': 'Work Owner active',
	'same@example.com': 'Same Person active',
	'renamed@example.com': 'New Name active',
	'returning@example.com': 'Back Again active',
	'leaver@example.com': 'Gone Soon inactive',
	'long.gone@example.com': 'Long Gone inactive',
	'joiner@example.com': 'Fresh Start active',
};

describe.each([
	['the Qase sandbox', sandboxTarget],
	['SCIMMY', scimmyTarget],
])('Sync Users against %s', (_name, makeTarget) => {
	const context = useTarget(makeTarget, async ({ server }) => await seedDrift(server));

	test('converges: creates, updates, reactivates, deactivates the missing, spares the protected', async () => {
		const result = await runQase(context.target, syncParameters, { items: directory });
		expect(result.error).toBeUndefined();
		const changes = result.items.filter((item) => !item.json.summary).map((item) => [item.json.action, item.json.email.toLowerCase(), item.pairedItem]);
		expect(changes).toEqual([
			['update', 'renamed@example.com', { item: 1 }],
			['reactivate', 'returning@example.com', { item: 2 }],
			['create', 'joiner@example.com', { item: 3 }],
			['deactivate', 'leaver@example.com', { item: 0 }],
		]);
		expect(result.items.at(-1)?.json).toMatchObject({ summary: true, created: 1, updated: 1, reactivated: 1, deactivated: 1, deleted: 0, failed: 0 });
		expect(stateOf(await context.server.users())).toEqual(converged);

		const again = await runQase(context.target, syncParameters, { items: directory });
		expect(again.items.map((item) => item.json)).toEqual([expect.objectContaining({ summary: true, created: 0, updated: 0, reactivated: 0, deactivated: 0 })]);
		expect(stateOf(await context.server.users())).toEqual(converged);
	});

	test('Delete for users not in input', async () => {
		await runQase(context.target, { ...syncParameters, missingUserAction: 'delete' }, { items: directory });
		const emails = (await context.server.users()).map((user) => user.userName.toLowerCase()).sort();
		expect(emails).not.toContain('leaver@example.com');
		expect(emails).toContain('owner@example.com');
	});
});

describe('Sync Users safety (Qase sandbox)', () => {
	const context = useTarget(sandboxTarget, async ({ server, target }) => {
		await seedDrift(server);
		target.sandbox.resetCounters();
	});
	const sandbox = {
		counters: () => context.target.sandbox.counters(),
		resetCounters: () => context.target.sandbox.resetCounters(),
	};
	const writes = () => sandbox.counters().requests.filter((/** @type {any} */ request) => request.method !== 'GET').length;

	test('a converged directory costs only the list requests', async () => {
		await runQase(context.target, syncParameters, { items: directory });
		sandbox.resetCounters();
		await runQase(context.target, syncParameters, { items: directory });
		expect(sandbox.counters().requests.map((/** @type {any} */ request) => request.method)).toEqual(['GET']);
	});

	test('Dry Run outputs the plan and writes nothing', async () => {
		const before = stateOf(await context.server.users());
		const result = await runQase(context.target, { ...syncParameters, dryRun: true }, { items: directory });
		expect(result.items.filter((item) => !item.json.summary).map((item) => [item.json.action, item.json.result])).toEqual([
			['update', 'planned'],
			['reactivate', 'planned'],
			['create', 'planned'],
			['deactivate', 'planned'],
		]);
		expect(writes()).toBe(0);
		expect(stateOf(await context.server.users())).toEqual(before);
	});

	test('the removal threshold stops the run before any write', async () => {
		const before = stateOf(await context.server.users());
		const byCount = await runQase(context.target, { ...syncParameters, maxRemovals: 1 }, { items: [directory[0]] });
		expect(byCount.error?.message).toMatch(/Sync stopped: it would remove 2 of 4 active Qase users \(50\.0%\), over the limit of 1 users\. Nothing was changed/);
		const byShare = await runQase(context.target, { ...syncParameters, maxRemovalPercent: 40 }, { items: [directory[0]] });
		expect(byShare.error?.message).toMatch(/over the limit of 40%/);
		expect(writes()).toBe(0);
		expect(stateOf(await context.server.users())).toEqual(before);
	});

	test('listed users marked inactive count toward the threshold too', async () => {
		// same and renamed become inactive from the input, leaver as missing: three removals.
		const allInactive = directory.map((user) => ({ ...user, active: false }));
		const result = await runQase(context.target, { ...syncParameters, additionalFields: { active: '={{ $json.active }}' }, maxRemovals: 2 }, { items: allInactive });
		expect(result.error?.message).toMatch(/Sync stopped: it would remove 3 of 4 active Qase users/);
		expect(writes()).toBe(0);
	});

	test('Dry Run over the threshold still shows the plan, flagged', async () => {
		const result = await runQase(context.target, { ...syncParameters, maxRemovals: 1, dryRun: true }, { items: [directory[0]] });
		expect(result.error).toBeUndefined();
		expect(result.items.filter((item) => item.json.action === 'deactivate')).toHaveLength(2);
		expect(result.items.at(-1)?.json.thresholdExceeded).toMatch(/would remove 2 of 4/);
		expect(writes()).toBe(0);
	});

	test('the workspace owner refusing removal (409) is reported as skipped', async () => {
		context.target.sandbox.reset({ seed: true });
		const ownerEmail = 'owner@example.com';
		const owner = (await context.server.byEmail(ownerEmail))[0];
		expect(owner.id).toBe(context.target.sandbox.ownerId);
		const result = await runQase(context.target, { ...syncParameters, protectedEmails: '', missingUserAction: 'delete' }, { items: [directory[3]] });
		const ownerChange = result.items.find((item) => item.json.email === ownerEmail);
		expect(ownerChange?.json).toMatchObject({ action: 'delete', result: 'skipped' });
		expect(await context.server.byEmail(ownerEmail)).toHaveLength(1);
		expect(result.items.at(-1)?.json).toMatchObject({ skipped: 1 });
	});

	test('a bad item stops everything before anything is sent', async () => {
		const result = await runQase(context.target, syncParameters, { items: [...directory, { email: 'broken', first: 'X', last: 'Y' }] });
		expect(result.error?.message).toMatch(/Email "broken" is not a valid email address \[item 4\]/);
		expect(sandbox.counters().total).toBe(0);
	});

	test('with Continue On Fail a bad item is reported, the rest applied, and nobody removed', async () => {
		const items = [...directory, { email: 'same@example.com', first: 'Twice', last: 'Listed' }, { email: 'x@example.com', first: '', last: 'Y' }];
		const result = await runQase(context.target, syncParameters, { items, continueOnFail: true });
		const errors = result.items.filter((item) => item.json.error);
		expect(errors.map((item) => [item.pairedItem, item.json.error])).toEqual([
			[{ item: 4 }, expect.stringMatching(/Email "same@example.com" is also in item 0 \[item 4\]/)],
			[{ item: 5 }, expect.stringMatching(/First Name is empty \[item 5\]/)],
		]);
		const summary = result.items.at(-1)?.json;
		expect(summary).toMatchObject({ created: 1, updated: 1, reactivated: 1, deactivated: 0, failed: 2 });
		expect(summary?.removalsSkipped).toMatch(/invalid/);
		expect(stateOf(await context.server.users())['leaver@example.com']).toBe('Gone Soon active');
	});
});
