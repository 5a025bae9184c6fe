// @ts-check
'use strict';

/**
 * `npm run demo`: the Okta templates end to end, headless, then exit. Sets up what `npm start`
 * does, but on free ports with a fresh seeded sandbox and a temporary n8n user folder; publishes
 * the onboarding and offboarding templates; sends Okta's verification GET and event hooks as Okta
 * sends them (a new user added to the qaseUsers group, a seeded user deactivated); waits for the
 * executions; prints the sandbox's users before and after. Exit code 0 only when exactly the
 * expected changes happened, so it doubles as a smoke check.
 */

const crypto = require('node:crypto');
const { startDemoEnvironment, stopOnSignals } = require('./demo-environment');
// Okta's requests and the wait for n8n's executions, as the end-to-end tests make them
const { oktaEvent, oktaEventHook, verifyEventHook, deliverEventHook, triggerAndWait } = require('./n8n/okta');

const OKTA_GROUP = 'qaseUsers';
/** Joins Okta's qaseUsers group: onboarding must create them in Qase. */
const NEW_USER = { email: 'riley.chen@example.com', displayName: 'Riley Chen' };
/** A seeded, active sandbox user whom Okta deactivates: offboarding must set them inactive. */
const LEAVING_USER = { email: 'alex.smith@example.com', displayName: 'Alex Smith' };

/**
 * Plays Okta against a published template: the one-time verification GET, then one event hook
 * POST; waits until each call's execution has finished successfully.
 * @param {import('./demo-environment').DemoEnvironment} demo @param {import('./demo-environment').Template} template
 * @param {object} event one entry of the hook's data.events
 */
async function callLikeOkta(demo, template, event) {
	const url = (/** @type {string} */ method) => {
		const webhook = demo.webhookUrls(template).find((w) => w.method === method);
		if (!webhook) throw new Error(`"${template.name}" has no ${method} webhook`);
		return webhook.url;
	};
	const challenge = crypto.randomBytes(12).toString('hex');
	await triggerAndWait(demo.ctx, template.id, async () => {
		const { body } = await verifyEventHook(url('GET'), challenge);
		if (body?.verification !== challenge) throw new Error(`verification answered ${JSON.stringify(body)}, expected {"verification":"${challenge}"}`);
	});
	await triggerAndWait(demo.ctx, template.id, () => deliverEventHook(url('POST'), oktaEventHook([event])));
}

/** @param {any[]} users */
function byEmail(users) {
	return new Map(users.map((u) => [String(u.userName).toLowerCase(), u]));
}

/**
 * The before/after table and what changed per email.
 * @param {any[]} before @param {any[]} after
 */
function compareUsers(before, after) {
	const old = byEmail(before);
	const now = byEmail(after);
	const emails = [...new Set([...old.keys(), ...now.keys()])].sort();
	/** @param {any} u */
	const state = (u) => (u ? (u.active ? 'active' : 'inactive') : '-');
	const rows = emails.map((email) => {
		const a = old.get(email);
		const b = now.get(email);
		let change = '';
		if (!a && b) change = 'created';
		else if (a && !b) change = 'deleted';
		else if (a.active && !b.active) change = 'deactivated';
		else if (!a.active && b.active) change = 'reactivated';
		else if (a.meta?.lastModified !== b.meta?.lastModified) change = 'updated';
		const name = b || a;
		return { email, name: `${name.name?.givenName} ${name.name?.familyName}`, before: state(a), after: state(b), change };
	});
	const header = { email: 'email', name: 'name', before: 'before', after: 'after', change: 'change' };
	const keys = /** @type {Array<keyof typeof header>} */ (Object.keys(header));
	const widths = keys.map((k) => Math.max(...[header, ...rows].map((r) => r[k].length)));
	const line = (/** @type {typeof header} */ r) => '  ' + keys.map((k, i) => r[k].padEnd(widths[i])).join('  ').trimEnd();
	const table = [line(header), '  ' + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
	return { table, changes: new Map(rows.filter((r) => r.change).map((r) => [r.email, r.change])) };
}

async function main() {
	const started = Date.now();
	stopOnSignals();
	const demo = await startDemoEnvironment({ activateWebhookTemplates: true });
	try {
		const sandbox = /** @type {NonNullable<typeof demo.sandbox>} */ (demo.sandbox);
		const template = (/** @type {string} */ slug) => {
			const found = demo.templates.find((t) => t.slug === slug);
			if (!found) throw new Error(`templates/${slug}.json not found`);
			return found;
		};
		const onboarding = template('okta-onboarding');
		const offboarding = template('okta-offboarding');
		const before = sandbox.getUsers();

		console.log(`\nn8n ${demo.ctx.version} at ${demo.n8n.url}, sandbox at ${sandbox.baseUrl}`);
		console.log(`Okta -> "${onboarding.name}": verification GET, then group.user_membership.add for ${NEW_USER.email} (${OKTA_GROUP})`);
		await callLikeOkta(demo, onboarding, oktaEvent('group.user_membership.add', NEW_USER, OKTA_GROUP));
		console.log(`Okta -> "${offboarding.name}": verification GET, then user.lifecycle.deactivate for ${LEAVING_USER.email}`);
		await callLikeOkta(demo, offboarding, oktaEvent('user.lifecycle.deactivate', LEAVING_USER));

		const { table, changes } = compareUsers(before, sandbox.getUsers());
		console.log(`\nQase users in the sandbox, before and after (every execution succeeded):\n${table}\n`);

		const expected = new Map([
			[NEW_USER.email, 'created'],
			[LEAVING_USER.email, 'deactivated'],
		]);
		const asExpected = changes.size === expected.size && [...expected].every(([email, change]) => changes.get(email) === change);
		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		if (asExpected) {
			console.log(`Demo OK in ${seconds} s: ${NEW_USER.email} created, ${LEAVING_USER.email} deactivated, nothing else changed.`);
		} else {
			console.error(`Demo FAILED after ${seconds} s: expected ${JSON.stringify(Object.fromEntries(expected))}, got ${JSON.stringify(Object.fromEntries(changes))}`);
			process.exitCode = 1;
		}
	} finally {
		await demo.stop();
	}
}

main().catch(async (error) => {
	console.error(`npm run demo failed: ${error instanceof Error ? error.stack : error}`);
	process.exit(1);
});
