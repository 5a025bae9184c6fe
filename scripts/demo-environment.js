// @ts-check
'use strict';

/**
 * The setup shared by `npm start`, `npm run demo` and `npm run screenshots`: the package built
 * and packed, a seeded Qase SCIM sandbox, the sample directory served over HTTP, and a real n8n
 * with the tarball installed in its nodes/ folder, an owner account, a "Qase SCIM account"
 * credential and the templates imported.
 *
 *   const env = await startDemoEnvironment({ persistent: true, n8nPort: 5678, ... });
 *   env.n8n.url, env.owner, env.sandbox, env.templates, env.webhookUrls()
 *   await env.stop();
 *
 * Everything listens on 127.0.0.1 only.
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { ensureDependencies, run, root } = require('./ensure-deps');
const { cacheRoot } = require('./n8n/install');
const { packRepository, CREDENTIAL_TYPE } = require('./n8n/package-smoke');
const rt = require('./n8n/runtime');
const { startSandbox } = require('../sandbox');

const N8N_VERSION = '2.41.1';
const HOST = '127.0.0.1';
const TEMPLATES_DIR = path.join(root, 'templates');
const SAMPLE_DIRECTORY = path.join(TEMPLATES_DIR, 'sample-directory.json');

/** stop() of every environment started or being started, for the signal handler */
/** @type {Set<() => Promise<void>>} */
const running = new Set();

/** Fixed demo login: the instance only listens on 127.0.0.1 and the values are printed anyway. */
const DEMO_OWNER = Object.freeze({ email: 'demo@example.com', password: 'Qase-Demo-2041', firstName: 'Demo', lastName: 'Owner' });

/**
 * @typedef {object} Template
 * @property {string} file      e.g. okta-onboarding.json
 * @property {string} slug      e.g. okta-onboarding
 * @property {string} id
 * @property {string} name
 * @property {any} workflow     the JSON as on disk
 * @property {Array<{ method: string, path: string }>} webhooks
 */

/**
 * Reads every workflow template from disk (the sample directory and other non-workflow JSON are
 * skipped). Read at each call: the templates may change while a developer works.
 * @returns {Template[]}
 */
function loadTemplates() {
	return fs
		.readdirSync(TEMPLATES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8')) }))
		.filter(({ workflow }) => Array.isArray(workflow.nodes))
		.map(({ file, workflow }) => ({
			file,
			slug: file.replace(/\.json$/, ''),
			id: workflow.id,
			name: workflow.name,
			workflow,
			webhooks: workflow.nodes
				.filter((/** @type {any} */ node) => node.type === 'n8n-nodes-base.webhook')
				.map((/** @type {any} */ node) => ({ method: node.parameters.httpMethod || 'GET', path: node.parameters.path })),
		}));
}

/**
 * The Qase SCIM credentials the templates refer to, one per name. Templates may refer by name
 * only (id null, as shared workflows do); the demo then gives the credential a fixed id of its
 * own, so re-imports replace it instead of adding a second one of the same name.
 * @param {Template[]} templates
 * @returns {Array<{ id: string, name: string }>}
 */
function credentialReferences(templates) {
	/** @type {Map<string, string | undefined>} name -> id */
	const byName = new Map();
	for (const { workflow } of templates) {
		for (const node of workflow.nodes) {
			const ref = node.credentials?.[CREDENTIAL_TYPE];
			if (ref) byName.set(ref.name, byName.get(ref.name) || ref.id || undefined);
		}
	}
	return [...byName].map(([name, id], index) => ({ name, id: id || `qaseScimDemoCred${index + 1}` }));
}

/**
 * A copy of the workflow whose Qase SCIM nodes use the given credentials (matched by name): what
 * choosing the credential in each node after import does.
 * @param {any} workflow @param {Array<{ id: string, name: string }>} credentials
 */
function withCredentials(workflow, credentials) {
	return {
		...workflow,
		nodes: workflow.nodes.map((/** @type {any} */ node) => {
			const ref = node.credentials?.[CREDENTIAL_TYPE];
			const credential = ref && credentials.find((c) => c.name === ref.name);
			return credential ? { ...node, credentials: { ...node.credentials, [CREDENTIAL_TYPE]: credential } } : node;
		}),
	};
}

/**
 * Where the credential points: a real Qase workspace when both QASE_SCIM_BASE_URL and
 * QASE_SCIM_TOKEN are set, else the sandbox (undefined).
 * @returns {{ baseUrl: string, token: string } | undefined}
 */
function realQaseTarget() {
	const baseUrl = process.env.QASE_SCIM_BASE_URL;
	const token = process.env.QASE_SCIM_TOKEN;
	if (!baseUrl && !token) return undefined;
	if (!baseUrl || !token) throw new Error('Set both QASE_SCIM_BASE_URL and QASE_SCIM_TOKEN to use a real Qase workspace, or neither to use the sandbox.');
	return { baseUrl, token };
}

/** Fails early, with the setting to change, when a fixed port is taken. @param {number} port @param {string} what @param {string} setting */
async function assertPortFree(port, what, setting) {
	if (!port) return;
	await new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', (/** @type {NodeJS.ErrnoException} */ error) =>
			reject(new Error(error.code === 'EADDRINUSE' ? `${what}: port ${port} on ${HOST} is in use (is npm start already running?). Choose another with ${setting}.` : error.message)),
		);
		probe.listen(port, HOST, () => probe.close(() => resolve(undefined)));
	});
}

/**
 * Serves the sample directory (templates/sample-directory.json) at /directory.json, the default
 * source of the nightly reconciliation template. Read per request so edits show at once.
 * @param {number} port 0 = any free port
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
async function serveSampleDirectory(port) {
	const server = http.createServer((req, res) => {
		if (req.method !== 'GET' || req.url !== '/directory.json') {
			res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /directory.json is served here.\n');
			return;
		}
		res.writeHead(200, { 'content-type': 'application/json' }).end(fs.readFileSync(SAMPLE_DIRECTORY));
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, HOST, () => resolve(undefined));
	});
	const address = /** @type {net.AddressInfo} */ (server.address());
	return {
		url: `http://${HOST}:${address.port}/directory.json`,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve(undefined));
				server.closeAllConnections();
			}),
	};
}

/** @param {string} file */
function sha256(file) {
	return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Installs the tarball into the user folder unless the same tarball is installed already (npm
 * pack output is byte-stable for unchanged content, so a hash tells).
 * @param {rt.Context} ctx @param {string} tarball
 * @returns {Promise<boolean>} whether it was (re)installed
 */
async function installPackageIfChanged(ctx, tarball) {
	const marker = path.join(ctx.userFolder, 'installed-package.sha256');
	const hash = sha256(tarball);
	const installed = path.join(ctx.n8nFolder, 'nodes', 'node_modules', 'n8n-nodes-qase-scim', 'package.json');
	if (fs.existsSync(installed) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === hash) return false;
	await rt.installPackage(ctx, tarball);
	fs.writeFileSync(marker, hash + '\n');
	return true;
}

/**
 * A sandbox token that survives restarts of a persistent demo: SANDBOX_TOKEN if set, else one
 * generated once and kept (mode 600) in the demo folder, so scripts using it keep working.
 * @param {string | undefined} folder
 */
function sandboxToken(folder) {
	if (process.env.SANDBOX_TOKEN) return process.env.SANDBOX_TOKEN;
	const token = crypto.randomBytes(24).toString('base64url');
	if (!folder) return token;
	const file = path.join(folder, 'sandbox-token');
	if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
	fs.writeFileSync(file, token + '\n', { mode: 0o600 });
	return token;
}

/**
 * Earlier runs may have imported a template or the credential under another id (a template's id
 * changed): in a persistent user folder they would show up as duplicates. Removes workflows named
 * like a template and Qase SCIM credentials named like ours, but with other ids.
 * @param {rt.Session} session @param {Template[]} templates @param {Array<{ id: string, name: string }>} credentials @param {number} major
 */
async function removeStaleCopies(session, templates, credentials, major) {
	/** @param {any} body @returns {any[]} */
	const list = (body) => (Array.isArray(body.data) ? body.data : body.data?.results || []);
	/** @param {{ id: string, name: string }[]} wanted @param {any} item */
	const isStale = (wanted, item) => wanted.some((w) => w.name === item.name) && !wanted.some((w) => w.id === item.id);
	for (const workflow of list(await session.request('GET', '/rest/workflows')).filter((w) => isStale(templates, w))) {
		// 2.x deletes archived workflows only
		if (major >= 2 && !workflow.isArchived) await session.request('POST', `/rest/workflows/${workflow.id}/archive`, {});
		await session.request('DELETE', `/rest/workflows/${workflow.id}`);
	}
	for (const credential of list(await session.request('GET', '/rest/credentials')).filter((c) => c.type === CREDENTIAL_TYPE && isStale(credentials, c))) {
		await session.request('DELETE', `/rest/credentials/${credential.id}`);
	}
}

/**
 * Prints "label ..." then the time it took; returns fn's result.
 * @template T @param {(line: string) => void} log @param {string} label @param {() => Promise<T> | T} fn @returns {Promise<T>}
 */
async function step(log, label, fn) {
	const started = Date.now();
	log(`${label} ...`);
	const result = await fn();
	log(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return result;
}

/**
 * @typedef {object} DemoOptions
 * @property {boolean} [persistent]   keep n8n's user folder and the sandbox's users in
 *   <cache>/demo-<version>/ across runs (npm start); otherwise a temp folder, removed on stop
 * @property {number} [n8nPort]       0 = any free port
 * @property {number} [sandboxPort]   0 = any free port
 * @property {number | null} [directoryPort] port of the sample directory; null = not served
 * @property {boolean} [allowRealQase] honour QASE_SCIM_BASE_URL / QASE_SCIM_TOKEN
 * @property {boolean} [activateWebhookTemplates] publish the templates that have webhooks (only against the sandbox)
 * @property {boolean} [echoN8n]      copy n8n's log to stderr
 * @property {(line: string) => void} [log]
 */

/**
 * @param {DemoOptions} [options]
 */
async function startDemoEnvironment(options = {}) {
	const { persistent = false, n8nPort = 0, sandboxPort = 0, directoryPort = null, allowRealQase = false, activateWebhookTemplates = false, echoN8n = false } = options;
	const log = options.log || ((/** @type {string} */ line) => console.log(line));
	const realQase = allowRealQase ? realQaseTarget() : undefined;

	await assertPortFree(n8nPort, 'n8n', 'PORT or N8N_PORT');
	if (!realQase) await assertPortFree(sandboxPort, 'Sandbox', 'SANDBOX_PORT');
	if (directoryPort) await assertPortFree(directoryPort, 'Sample directory', 'DIRECTORY_PORT');

	/** @type {Array<() => Promise<void> | void>} what to undo, newest first */
	const undo = [];
	/** @type {Promise<void> | undefined} */
	let stopping;
	const stop = () => {
		stopping ??= (async () => {
			for (const fn of undo.reverse()) {
				try {
					await fn();
				} catch (error) {
					console.error(`while stopping: ${error instanceof Error ? error.message : error}`);
				}
			}
			running.delete(stop);
		})();
		return stopping;
	};
	running.add(stop);

	try {
		ensureDependencies();
		await step(log, 'Building the package', () => run('npm', ['run', 'build', '--silent']));
		const tarball = await step(log, 'Packing it (npm pack)', () => packRepository());
		undo.push(() => fs.rmSync(path.dirname(tarball), { recursive: true, force: true }));

		const folder = persistent ? path.join(cacheRoot(), `demo-${N8N_VERSION}`) : undefined;
		if (folder) fs.mkdirSync(folder, { recursive: true });

		let sandbox;
		if (!realQase) {
			sandbox = await startSandbox({
				port: sandboxPort,
				token: sandboxToken(folder),
				seed: true,
				rateLimitPerMinute: 600, // Qase's documented limit, so the node's limiter is exercised
				persistFile: folder ? path.join(folder, 'sandbox-users.json') : undefined,
			});
			undo.push(() => sandbox?.stop());
		}
		const target = realQase || { baseUrl: /** @type {NonNullable<typeof sandbox>} */ (sandbox).baseUrl, token: /** @type {NonNullable<typeof sandbox>} */ (sandbox).token };

		const directory = directoryPort === null ? undefined : await serveSampleDirectory(directoryPort);
		if (directory) undo.push(() => directory.close());

		// installs n8n into the cache on first use, printing progress
		const ctx = await step(log, `Preparing n8n ${N8N_VERSION}`, () =>
			// the real token goes into the credential only, not into n8n's environment ($env)
			rt.createContext({ version: N8N_VERSION, userFolder: folder && path.join(folder, 'n8n'), env: { QASE_SCIM_TOKEN: undefined, SANDBOX_TOKEN: undefined } }),
		);
		undo.push(() => ctx.cleanup());

		const reinstalled = await installPackageIfChanged(ctx, tarball);
		log(reinstalled ? 'Installed the package into n8n (nodes/ folder, as Settings > Community Nodes does)' : 'The package in n8n is up to date');

		const templates = loadTemplates();
		const credentials = credentialReferences(templates);
		await step(log, 'Importing the credential and the templates', async () => {
			await rt.importCredentials(
				ctx,
				credentials.map((ref) => ({ ...ref, type: CREDENTIAL_TYPE, data: { token: target.token, baseUrl: target.baseUrl } })),
			);
			await rt.importWorkflows(ctx, templates.map((t) => withCredentials(t.workflow, credentials)));
		});

		const server = await step(log, 'Starting n8n', () => rt.startN8n(ctx, { port: n8nPort || undefined, echo: echoN8n }));
		const session = await rt.setupOwner(ctx, DEMO_OWNER);
		if (persistent) await removeStaleCopies(session, templates, credentials, ctx.major);

		// Webhook templates go live only against the sandbox: against a real workspace the user
		// decides when Okta may change it.
		const activated = activateWebhookTemplates && !realQase ? templates.filter((t) => t.webhooks.length) : [];
		for (const template of activated) await rt.activateWorkflow(ctx, template.id);

		return {
			ctx,
			n8n: server,
			session,
			owner: DEMO_OWNER,
			sandbox,
			directory,
			target: { kind: realQase ? 'qase' : 'sandbox', baseUrl: target.baseUrl },
			credentialNames: [...new Set(credentials.map((c) => c.name))],
			templates,
			activated,
			folder,
			/** @param {Template} template */
			webhookUrls: (template) => template.webhooks.map((w) => ({ method: w.method, url: `${server.url}/webhook/${w.path}` })),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** @typedef {Awaited<ReturnType<typeof startDemoEnvironment>>} DemoEnvironment */

/**
 * On SIGINT/SIGTERM, stops every environment started (or being started) and exits; a second
 * signal exits at once. runtime.js kills n8n's process group outright on a signal; that is
 * replaced here by a graceful stop (n8n gets SIGTERM and time to close its database). Its exit
 * hook still kills whatever is left.
 * @param {(line: string) => void} [log]
 */
function stopOnSignals(log = (line) => console.log(line)) {
	let stopping = false;
	for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM'])) {
		process.removeAllListeners(signal);
		process.on(signal, () => {
			if (stopping) process.exit(130);
			stopping = true;
			log('\nStopping n8n, the sandbox and the sample directory ...');
			Promise.all([...running].map((stop) => stop())).then(
				() => {
					log('Stopped.');
					process.exit(0);
				},
				(error) => {
					console.error(error);
					process.exit(1);
				},
			);
		});
	}
}

/**
 * @param {string | undefined} value @param {string} name @param {number} fallback
 */
function portSetting(value, name, fallback) {
	if (value === undefined || value === '') return fallback;
	if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
	return Number(value);
}

module.exports = { startDemoEnvironment, stopOnSignals, loadTemplates, portSetting, DEMO_OWNER, N8N_VERSION };
