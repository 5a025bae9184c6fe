// @ts-check
'use strict';
/**
 * What the end-to-end tests share: a real n8n per version with the packed package, the shipped
 * templates, the sandbox they run against, and ways to watch both sides (axios on the sandbox,
 * n8n's executions REST API).
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const crypto = require('node:crypto');
const axios = require('axios').default;

const rt = require('../../scripts/n8n/runtime');
const { NODE_TYPE, CREDENTIAL_TYPE } = require('../../scripts/n8n/package-smoke');
const { startSandbox } = require('../../sandbox');

const ROOT = path.resolve(__dirname, '..', '..');
const TEMPLATES = path.join(ROOT, 'templates');
const SANDBOX_TOKEN = 'e2e-sandbox-token-5b1d';
/** The name every template refers to; the id differs on purpose: n8n must resolve by name. */
const CREDENTIAL = { id: 'e2eQaseScimCred01', name: 'Qase SCIM account', type: CREDENTIAL_TYPE };
const OWNER = { email: 'owner@e2e.example.com', password: 'E2e-Owner-Passw0rd' };

/** Time for one `n8n execute`, start-up of the CLI included. */
const EXECUTE_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------- templates

/** @param {string} file e.g. 'okta-onboarding.json' @returns {any} a fresh copy */
function loadTemplate(file) {
	return JSON.parse(fs.readFileSync(path.join(TEMPLATES, file), 'utf8'));
}

/** @param {any} workflow @param {string} name */
function nodeNamed(workflow, name) {
	const node = workflow.nodes.find((/** @type {any} */ n) => n.name === name);
	if (!node) throw new Error(`workflow "${workflow.name}" has no node "${name}"`);
	return node;
}

/**
 * Changes one value of a template's Settings (Set) node, as a user does in the editor.
 * @param {any} workflow @param {string} setting @param {unknown} value
 */
function changeSetting(workflow, setting, value) {
	const assignments = nodeNamed(workflow, 'Settings').parameters.assignments.assignments;
	const assignment = assignments.find((/** @type {any} */ a) => a.name === setting);
	if (!assignment) throw new Error(`Settings of "${workflow.name}" has no "${setting}"`);
	assignment.value = value;
	return workflow;
}

/**
 * A second copy of a webhook template under its own id and webhook paths, so that both copies
 * can be active at once.
 * @param {any} workflow @param {string} suffix
 */
function copyWithOwnWebhooks(workflow, suffix) {
	const copy = JSON.parse(JSON.stringify(workflow));
	copy.id = `${workflow.id.slice(0, 21 - suffix.length)}${suffix}`;
	copy.name = `${workflow.name} (${suffix})`;
	for (const node of copy.nodes) {
		if (node.type !== 'n8n-nodes-base.webhook') continue;
		node.parameters.path = `${node.parameters.path}-${suffix}`;
		node.webhookId = crypto.randomUUID();
	}
	return copy;
}

/** @param {any} workflow @param {string} method 'GET' | 'POST' @returns {string} the production path */
function webhookPath(workflow, method) {
	const node = workflow.nodes.find(
		(/** @type {any} */ n) => n.type === 'n8n-nodes-base.webhook' && (n.parameters.httpMethod || 'GET') === method,
	);
	if (!node) throw new Error(`workflow "${workflow.name}" has no ${method} webhook`);
	return `/webhook/${node.parameters.path}`;
}

// ---------------------------------------------------------------- the Qase side

/** A seeded sandbox on 127.0.0.1 without rate limit. */
function startQaseSandbox() {
	return startSandbox({ port: 0, token: SANDBOX_TOKEN, seed: true, rateLimitPerMinute: 0 });
}

/**
 * The sandbox's users through its SCIM API (independent of the node), keyed by lower-cased email.
 * @param {{ baseUrl: string }} sandbox
 * @returns {Promise<Map<string, { id: string, email: string, firstName: string, lastName: string, active: boolean, userType: string }>>}
 */
async function qaseUsers(sandbox) {
	const res = await axios.get(`${sandbox.baseUrl}/Users`, {
		params: { count: 100 },
		headers: { Authorization: `Bearer ${SANDBOX_TOKEN}` },
	});
	return new Map(
		res.data.Resources.map((/** @type {any} */ u) => [
			String(u.userName).toLowerCase(),
			{ id: u.id, email: u.userName, firstName: u.name.givenName, lastName: u.name.familyName, active: u.active, userType: u.userType },
		]),
	);
}

/**
 * Serves a JSON document at http://127.0.0.1:<port>/directory.json (the nightly template's
 * directory source).
 * @param {unknown} document
 */
async function serveDirectory(document) {
	const server = http.createServer((req, res) => {
		if (req.url !== '/directory.json') {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${address.port}/directory.json`,
		stop: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

// ---------------------------------------------------------------- n8n

/**
 * A fresh n8n user folder of this version with the packed package installed, the credential
 * pointing at the sandbox, and the workflows imported (inactive).
 * @param {string} version @param {{ baseUrl: string }} sandbox @param {any[]} workflows
 */
async function n8nWithPackage(version, sandbox, workflows) {
	const tarball = process.env.QASE_SCIM_E2E_TARBALL;
	if (!tarball) throw new Error('QASE_SCIM_E2E_TARBALL is not set: run through jest (test/e2e/globalSetup.js packs the package)');
	const ctx = await rt.createContext({ version });
	try {
		await rt.installPackage(ctx, tarball);
		await rt.importCredentials(ctx, [{ ...CREDENTIAL, data: { token: SANDBOX_TOKEN, baseUrl: sandbox.baseUrl } }]);
		await rt.importWorkflows(ctx, workflows);
	} catch (e) {
		await ctx.cleanup();
		throw e;
	}
	return ctx;
}

/**
 * `n8n execute --id`; fails with n8n's error when the run failed.
 * @param {import('../../scripts/n8n/runtime').Context} ctx @param {string} workflowId
 */
async function execute(ctx, workflowId) {
	const result = await rt.executeWorkflow(ctx, workflowId, { timeoutMs: EXECUTE_TIMEOUT_MS });
	if (!result.ok) {
		throw new Error(
			`n8n ${ctx.version} execute ${workflowId} failed (exit ${result.code}): ${JSON.stringify(result.error)}\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`,
		);
	}
	return result;
}

/**
 * Starts n8n, sets up the owner and activates (2.x: publishes) the workflows.
 * @param {import('../../scripts/n8n/runtime').Context} ctx @param {string[]} workflowIds
 */
async function startWithActiveWorkflows(ctx, workflowIds) {
	const server = await rt.startN8n(ctx);
	await rt.setupOwner(ctx, OWNER);
	for (const id of workflowIds) await rt.activateWorkflow(ctx, id);
	return server;
}

/**
 * A workflow's executions (newest first) from n8n's REST API.
 * @param {import('../../scripts/n8n/runtime').Context} ctx @param {string} workflowId
 * @returns {Promise<Array<{ id: string, status: string, workflowId: string }>>}
 */
async function executions(ctx, workflowId) {
	if (!ctx.session) throw new Error('no REST session: start n8n and set up the owner first');
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const res = await ctx.session.request('GET', `/rest/executions?filter=${filter}&limit=100`);
	return (res.data?.results ?? []).filter((/** @type {any} */ e) => e.workflowId === workflowId);
}

/**
 * Runs `trigger` (e.g. a webhook call), then waits until the execution of the workflow it started
 * has finished and checks that it succeeded: a webhook answers before its execution ends, so this
 * is how a test knows the run is over.
 * @param {import('../../scripts/n8n/runtime').Context} ctx @param {string} workflowId
 * @param {() => Promise<unknown>} trigger
 */
async function triggerAndWait(ctx, workflowId, trigger, timeoutMs = 60_000) {
	const earlier = new Set((await executions(ctx, workflowId)).map((e) => e.id));
	await trigger();
	const started = Date.now();
	for (;;) {
		const fresh = (await executions(ctx, workflowId)).filter((e) => !earlier.has(e.id));
		const finished = fresh.length > 0 && fresh.every((e) => !['new', 'running', 'waiting'].includes(e.status));
		if (finished) {
			const failed = fresh.filter((e) => e.status !== 'success');
			if (failed.length) throw new Error(`executions of ${workflowId} failed: ${JSON.stringify(failed)}\n${ctx.server?.logs().slice(-3000)}`);
			return fresh;
		}
		if (Date.now() - started > timeoutMs) {
			throw new Error(`${workflowId}: no finished execution ${timeoutMs} ms after the trigger: ${JSON.stringify(fresh)}\n${ctx.server?.logs().slice(-3000)}`);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

// ---------------------------------------------------------------- Okta

/**
 * An Okta event (one entry of data.events) about a user, as Okta's System Log sends it.
 * @param {string} eventType e.g. 'group.user_membership.add'
 * @param {{ email: string, displayName: string }} user
 * @param {string} [group] the group of a membership event
 */
function oktaEvent(eventType, user, group) {
	/** @type {any[]} */
	const target = [{ id: `00u${crypto.randomBytes(7).toString('hex')}`, type: 'User', alternateId: user.email, displayName: user.displayName, detailEntry: null }];
	if (group) target.push({ id: `00g${crypto.randomBytes(7).toString('hex')}`, type: 'UserGroup', alternateId: 'unknown', displayName: group, detailEntry: null });
	return {
		uuid: crypto.randomUUID(),
		published: new Date().toISOString(),
		eventType,
		version: '0',
		displayMessage: DISPLAY_MESSAGES[eventType] || eventType,
		severity: 'INFO',
		actor: { id: '00u1admin0000000000', type: 'User', alternateId: 'admin@example.com', displayName: 'Okta Admin', detailEntry: null },
		outcome: { result: 'SUCCESS', reason: null },
		target,
	};
}

/** @type {Record<string, string>} */
const DISPLAY_MESSAGES = {
	'group.user_membership.add': 'Add user to group membership',
	'group.user_membership.remove': 'Remove user from group membership',
	'user.lifecycle.activate': 'Activate Okta user',
	'user.lifecycle.deactivate': 'Deactivate Okta user',
};

/** The body of one event-hook POST. @param {any[]} events */
function oktaEventHook(events) {
	return {
		eventType: 'com.okta.event_hook',
		eventTypeVersion: '1.0',
		cloudEventsVersion: '0.1',
		source: 'https://example.okta.com/api/v1/eventHooks/who8e2etest0000000',
		eventId: crypto.randomUUID(),
		data: { events },
		eventTime: new Date().toISOString(),
		contentType: 'application/json',
	};
}

/**
 * Okta's one-time verification: a GET with the challenge header; returns the answer's JSON.
 * @param {string} url @param {string} challenge
 */
async function verifyEventHook(url, challenge) {
	const res = await axios.get(url, { headers: { 'x-okta-verification-challenge': challenge } });
	return { status: res.status, contentType: String(res.headers['content-type']), body: res.data };
}

/** Delivers an event hook as Okta does (JSON POST); returns the HTTP status. @param {string} url @param {any} body */
async function deliverEventHook(url, body) {
	const res = await axios.post(url, body, { headers: { 'content-type': 'application/json', 'user-agent': 'Okta Event Hooks' } });
	return res.status;
}

module.exports = {
	CREDENTIAL,
	NODE_TYPE,
	loadTemplate,
	changeSetting,
	copyWithOwnWebhooks,
	webhookPath,
	startQaseSandbox,
	qaseUsers,
	serveDirectory,
	n8nWithPackage,
	execute,
	startWithActiveWorkflows,
	triggerAndWait,
	oktaEvent,
	oktaEventHook,
	verifyEventHook,
	deliverEventHook,
};
