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
const { triggerAndWait, oktaEvent, oktaEventHook, verifyEventHook, deliverEventHook } = require('../../scripts/n8n/okta');
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
