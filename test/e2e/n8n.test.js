// @ts-check
'use strict';
/**
 * The packed package in a real n8n, both supported versions one after the other: every
 * operation through `n8n execute`, the nightly template against a drifted sandbox, and the Okta
 * templates under `n8n start` fed with event hooks shaped as Okta sends them.
 */
const { VERSIONS, ensureN8n } = require('../../scripts/n8n/install');
const rt = require('../../scripts/n8n/runtime');
const s = require('./support');
const { operationsWorkflow, OPERATIONS_WORKFLOW_ID, OPERATIONS_USERS } = require('./operations-workflow');

const INSTALL_TIMEOUT_MS = 20 * 60_000; // a fresh machine installs n8n (minutes); cached: instant
const SETUP_TIMEOUT_MS = 5 * 60_000;
const STEP_TIMEOUT_MS = 4 * 60_000;

const sampleDirectory = require('../../templates/sample-directory.json');

/** @param {any} workflow @param {string} id @param {string} label */
function renamedCopy(workflow, id, label) {
	return { ...JSON.parse(JSON.stringify(workflow)), id, name: `${workflow.name} (${label})` };
}

/** Counts of write requests the sandbox has answered. @param {any} sandbox */
function writes(sandbox) {
	const { byMethod } = sandbox.counters();
	return ['POST', 'PUT', 'PATCH', 'DELETE'].reduce((sum, m) => sum + (byMethod[m] || 0), 0);
}

describe.each(VERSIONS)('n8n %s with the packed package', (version) => {
	/** @type {any} */ let sandbox;
	/** @type {Awaited<ReturnType<typeof s.serveDirectory>>} */ let directory;
	/** @type {import('../../scripts/n8n/runtime').Context} */ let ctx;

	const onboarding = s.loadTemplate('okta-onboarding.json');
	const offboarding = s.loadTemplate('okta-offboarding.json');
	const offboardingByDelete = s.changeSetting(s.copyWithOwnWebhooks(offboarding, 'delete'), 'offboarding', 'delete');
	const nightly = s.loadTemplate('nightly-reconciliation.json');
	const nightlyApply = renamedCopy(nightly, 'qaseScimE2eNightly01', 'dry run off');

	beforeAll(async () => {
		await ensureN8n(version);
	}, INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		sandbox = await s.startQaseSandbox();
		directory = await s.serveDirectory(sampleDirectory);
		for (const workflow of [nightly, nightlyApply]) s.changeSetting(workflow, 'directoryUrl', directory.url);
		s.changeSetting(nightlyApply, 'dryRun', false);
		ctx = await s.n8nWithPackage(version, sandbox, [operationsWorkflow(), onboarding, offboarding, offboardingByDelete, nightly, nightlyApply]);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await ctx?.cleanup();
		await directory?.stop();
		await sandbox?.stop();
	}, 60_000);

	test(
		'every operation runs through n8n execute and leaves the sandbox as expected',
		async () => {
			sandbox.reset({ seed: true });
			const run = await s.execute(ctx, OPERATIONS_WORKFLOW_ID);
			const out = (/** @type {string} */ node) => rt.nodeOutput(run, node) ?? [];
			const u = OPERATIONS_USERS;

			expect(out('Find missing')).toEqual([{ found: false, email: u.lifecycle }]);
			const created = out('Create')[0];
			expect(created).toMatchObject({ email: u.lifecycle, firstName: 'Olivia', lastName: 'Ops', active: true });
			expect(out('Find created')).toEqual([expect.objectContaining({ found: true, id: created.id })]);
			expect(out('Get by ID')).toEqual([expect.objectContaining({ id: created.id, email: u.lifecycle })]);
			expect(out('Update')[0]).toMatchObject({ id: created.id, firstName: 'Olive', userType: 'read-only' });
			expect(out('Get deactivated')[0]).toMatchObject({ id: created.id, active: false });
			expect(out('Reactivate')[0]).toMatchObject({ id: created.id, active: true });
			expect(out('Create or Update existing')[0]).toMatchObject({ email: u.upsertExisting, lastName: 'Smith-Jones' });
			expect(out('Create or Update new')[0]).toMatchObject({ email: u.upsertNew, firstName: 'Uma' });
			expect(out('Delete')).toEqual([expect.objectContaining({ deleted: true })]);
			expect(out('Sync')).toContainEqual(expect.objectContaining({ summary: true, created: 1, updated: 1, deactivated: 0 }));

			const users = await s.qaseUsers(sandbox);
			// Get Many listed what the sandbox held before the Sync step added its user
			expect(out('Get Many').map((user) => user.email).sort()).toEqual(
				[...users.values()].map((user) => user.email).filter((email) => email !== u.syncNew).sort(),
			);
			expect(users.get(u.lifecycle)).toMatchObject({ id: created.id, firstName: 'Olive', lastName: 'Ops', active: true, userType: 'read-only' });
			expect(users.get(u.upsertExisting)).toMatchObject({ firstName: 'Alex', lastName: 'Smith-Jones', active: true });
			expect(users.get(u.upsertNew)).toMatchObject({ firstName: 'Uma', lastName: 'Upsert', active: true });
			expect(users.has(u.deleted)).toBe(false);
			expect(users.get(u.syncRenamed)).toMatchObject({ lastName: 'Lee-Park' });
			expect(users.get(u.syncNew)).toMatchObject({ firstName: 'Sid', lastName: 'Sync', active: true });
		},
		STEP_TIMEOUT_MS,
	);

	describe('nightly reconciliation template', () => {
		const syncSummary = (/** @type {any} */ run) =>
			(rt.nodeOutput(run, 'Sync Users with Qase') ?? []).find((item) => item.summary === true);

		beforeAll(() => {
			// the seed drifts from the sample directory in every way: jordan.lee renamed
			// (Lee -> Lee-Park), casey.brown inactive but listed, new.hire missing, sam.taylor
			// active but not listed
			sandbox.reset({ seed: true });
		});

		test(
			'as shipped (dry run) it only plans',
			async () => {
				const before = await s.qaseUsers(sandbox);
				const run = await s.execute(ctx, nightly.id);
				expect(syncSummary(run)).toMatchObject({ dryRun: true, created: 1, updated: 1, reactivated: 1, deactivated: 1, failed: 0 });
				expect(await s.qaseUsers(sandbox)).toEqual(before);
				expect(writes(sandbox)).toBe(0);
			},
			STEP_TIMEOUT_MS,
		);

		test(
			'with dry run off it makes Qase match the directory',
			async () => {
				const run = await s.execute(ctx, nightlyApply.id);
				expect(syncSummary(run)).toMatchObject({ dryRun: false, created: 1, updated: 1, reactivated: 1, deactivated: 1, failed: 0 });
				const users = await s.qaseUsers(sandbox);
				for (const listed of sampleDirectory.users) {
					expect(users.get(listed.email)).toMatchObject({ firstName: listed.firstName, lastName: listed.lastName, active: true });
				}
				const unlisted = [...users.values()].filter((user) => !sampleDirectory.users.some((listed) => listed.email === user.email));
				expect(unlisted).toEqual([expect.objectContaining({ email: 'sam.taylor@example.com', active: false })]);
			},
			STEP_TIMEOUT_MS,
		);

		test(
			'a second run changes nothing',
			async () => {
				const before = await s.qaseUsers(sandbox);
				const writesBefore = writes(sandbox);
				const run = await s.execute(ctx, nightlyApply.id);
				expect(syncSummary(run)).toMatchObject({ created: 0, updated: 0, reactivated: 0, deactivated: 0, failed: 0 });
				expect(await s.qaseUsers(sandbox)).toEqual(before);
				expect(writes(sandbox)).toBe(writesBefore);
			},
			STEP_TIMEOUT_MS,
		);
	});

	describe('Okta templates under n8n start', () => {
		/** @type {string} */ let baseUrl;
		/** Delivers one event hook and waits for the execution it starts. @param {any} workflow @param {any[]} events */
		const post = (workflow, events) =>
			s.triggerAndWait(ctx, workflow.id, async () => {
				expect(await s.deliverEventHook(baseUrl + s.webhookPath(workflow, 'POST'), s.oktaEventHook(events))).toBe(200);
			});
		const nina = { email: 'nina.new@example.com', displayName: 'Nina van der Berg' };

		beforeAll(async () => {
			sandbox.reset({ seed: true });
			const server = await s.startWithActiveWorkflows(ctx, [onboarding.id, offboarding.id, offboardingByDelete.id]);
			baseUrl = server.url;
		}, SETUP_TIMEOUT_MS);

		test.each([
			['onboarding', onboarding],
			['offboarding', offboarding],
		])('the %s webhook answers Okta\'s verification challenge', async (_label, workflow) => {
			const challenge = `challenge-${Math.random().toString(36).slice(2)}`;
			const answer = await s.verifyEventHook(baseUrl + s.webhookPath(workflow, 'GET'), challenge);
			expect(answer.status).toBe(200);
			expect(answer.contentType).toMatch(/application\/json/);
			expect(answer.body).toEqual({ verification: challenge });
		});

		test(
			'onboarding creates a user added to qaseUsers once, and ignores other groups',
			async () => {
				const countBefore = (await s.qaseUsers(sandbox)).size;
				await post(onboarding, [
					s.oktaEvent('group.user_membership.add', nina, 'qaseUsers'),
					s.oktaEvent('group.user_membership.add', { email: 'otto.other@example.com', displayName: 'Otto Other' }, 'salesTeam'),
				]);
				let users = await s.qaseUsers(sandbox);
				expect(users.get(nina.email)).toMatchObject({ firstName: 'Nina', lastName: 'van der Berg', active: true });
				expect(users.size).toBe(countBefore + 1);

				// Okta may deliver again (retries, or activation after the group add): no duplicate
				await post(onboarding, [s.oktaEvent('user.lifecycle.activate', nina)]);
				users = await s.qaseUsers(sandbox);
				expect([...users.values()].filter((user) => user.email === nina.email)).toHaveLength(1);
				expect(users.size).toBe(countBefore + 1);
			},
			STEP_TIMEOUT_MS,
		);

		test(
			'offboarding sets inactive a user removed from qaseUsers or deactivated, and skips unknown users',
			async () => {
				const countBefore = (await s.qaseUsers(sandbox)).size;
				await post(offboarding, [s.oktaEvent('group.user_membership.remove', nina, 'qaseUsers')]);
				await post(offboarding, [
					s.oktaEvent('user.lifecycle.deactivate', { email: 'alex.smith@example.com', displayName: 'Alex Smith' }),
					s.oktaEvent('user.lifecycle.deactivate', { email: 'nobody@example.com', displayName: 'No Body' }),
				]);
				const users = await s.qaseUsers(sandbox);
				expect(users.get(nina.email)).toMatchObject({ active: false });
				expect(users.get('alex.smith@example.com')).toMatchObject({ active: false });
				expect(users.size).toBe(countBefore);
			},
			STEP_TIMEOUT_MS,
		);

		test(
			'onboarding reactivates a returning user instead of creating one',
			async () => {
				await post(onboarding, [s.oktaEvent('group.user_membership.add', nina, 'qaseUsers')]);
				const users = await s.qaseUsers(sandbox);
				expect(users.get(nina.email)).toMatchObject({ active: true });
				expect([...users.values()].filter((user) => user.email === nina.email)).toHaveLength(1);
			},
			STEP_TIMEOUT_MS,
		);

		test(
			'offboarding with the setting "delete" deletes the user',
			async () => {
				await post(offboardingByDelete, [s.oktaEvent('user.lifecycle.deactivate', { email: 'jordan.lee@example.com', displayName: 'Jordan Lee' })]);
				const users = await s.qaseUsers(sandbox);
				expect(users.has('jordan.lee@example.com')).toBe(false);
				expect(users.has(nina.email)).toBe(true);
			},
			STEP_TIMEOUT_MS,
		);
	});
});
