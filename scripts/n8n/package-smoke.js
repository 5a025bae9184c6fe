#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Installs the packed package into a real n8n the way a self-hosted user does and runs the node
 * against the sandbox:
 *   node scripts/n8n/package-smoke.js [--tarball=<file>] [version...]
 * Without --tarball it runs `npm pack` of the repository (dist/ must be built).
 * Per version: fresh user folder -> install tarball into .n8n/nodes -> import a Qase SCIM
 * credential pointing at a seeded sandbox and a Manual Trigger + Qase SCIM (Get Many) workflow ->
 * `n8n execute --id` -> compare with the sandbox -> `n8n start` -> the node and credential types
 * are served to the editor -> stop.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { VERSIONS } = require('./install');
const rt = require('./runtime');

const ROOT = path.resolve(__dirname, '..', '..');
const NODE_TYPE = 'n8n-nodes-qase-scim.qaseScim';
const CREDENTIAL_TYPE = 'qaseScimApi';

/** npm pack of the repository into a temp folder; returns the tarball's path. */
function packRepository() {
	const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'qase-scim-pack-'));
	const out = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', `--pack-destination=${dest}`], { cwd: ROOT, encoding: 'utf8' });
	const name = out.trim().split('\n').pop() || '';
	return path.join(dest, name);
}

/** @param {string} credentialId */
function listUsersWorkflow(credentialId) {
	return {
		id: 'qaseScimSmoke0001',
		name: 'Qase SCIM package smoke',
		nodes: [
			{
				id: '6f1c2d3e-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '6f1c2d3e-0000-4000-8000-000000000002',
				name: 'List Qase users',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [240, 0],
				parameters: { resource: 'user', operation: 'getAll', returnAll: true },
				credentials: { [CREDENTIAL_TYPE]: { id: credentialId, name: 'Qase SCIM sandbox' } },
			},
		],
		connections: { Start: { main: [[{ node: 'List Qase users', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** @param {string} version @param {string} tarball */
async function packageSmoke(version, tarball) {
	const { startSandbox } = require(path.join(ROOT, 'sandbox'));
	const sandbox = await startSandbox({ port: 0, token: 'package-smoke-token', seed: true, rateLimitPerMinute: 0 });
	const ctx = await rt.createContext({ version });
	/** @type {Record<string, number>} */
	const t = {};
	try {
		let t0 = Date.now();
		const info = await rt.installPackage(ctx, tarball);
		t.installPackage = Date.now() - t0;
		console.log(`[${version}] ${info.name}@${info.version} -> ${path.relative(ctx.userFolder, info.dir)}`);

		t0 = Date.now();
		await rt.importCredentials(ctx, [
			{ id: 'qaseScimCred0001', name: 'Qase SCIM sandbox', type: CREDENTIAL_TYPE, data: { token: sandbox.token, baseUrl: sandbox.baseUrl } },
		]);
		t.importCredentials = Date.now() - t0;
		t0 = Date.now();
		await rt.importWorkflows(ctx, [listUsersWorkflow('qaseScimCred0001')]);
		t.importWorkflow = Date.now() - t0;

		t0 = Date.now();
		const res = await rt.executeWorkflow(ctx, 'qaseScimSmoke0001');
		t.execute = Date.now() - t0;
		if (!res.ok) throw new Error(`[${version}] execute failed (exit ${res.code}): ${JSON.stringify(res.error)}\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`);
		const got = (rt.nodeOutput(res, 'List Qase users') || []).map((u) => String(u.email || u.userName || '')).sort();
		const want = sandbox.getUsers().map((/** @type {any} */ u) => String(u.userName)).sort();
		console.log(`[${version}] node listed ${got.length} users: ${got.join(', ')}`);
		if (JSON.stringify(got.map((s) => s.toLowerCase())) !== JSON.stringify(want.map((s) => s.toLowerCase()))) {
			throw new Error(`[${version}] node output ${JSON.stringify(got)} differs from the sandbox ${JSON.stringify(want)}`);
		}

		t0 = Date.now();
		const server = await rt.startN8n(ctx);
		t.start = Date.now() - t0;
		const session = await rt.setupOwner(ctx, { email: 'owner@example.com', password: 'Package-Smoke-1' });
		// the editor's type lists (need the login cookie)
		const nodeTypes = await session.request('GET', '/types/nodes.json');
		const credTypes = await session.request('GET', '/types/credentials.json');
		const node = nodeTypes.find((/** @type {any} */ n) => n.name === NODE_TYPE);
		const cred = credTypes.find((/** @type {any} */ c) => c.name === CREDENTIAL_TYPE);
		if (!node) throw new Error(`[${version}] ${NODE_TYPE} is not among the editor's node types`);
		if (!cred) throw new Error(`[${version}] ${CREDENTIAL_TYPE} is not among the editor's credential types`);
		console.log(`[${version}] editor knows ${node.name} ("${node.displayName}") and ${cred.name} ("${cred.displayName}")`);
		await server.stop();
	} finally {
		await ctx.cleanup();
		await sandbox.stop();
	}
	console.log(`[${version}] package OK; timings (ms): ${JSON.stringify(t)}`);
}

if (require.main === module) {
	const args = process.argv.slice(2);
	const tarArg = args.find((a) => a.startsWith('--tarball='));
	const versions = args.filter((a) => !a.startsWith('--'));
	(async () => {
		const tarball = tarArg ? path.resolve(tarArg.slice('--tarball='.length)) : packRepository();
		console.log(`tarball: ${tarball}`);
		for (const v of versions.length ? versions : VERSIONS) await packageSmoke(v, tarball);
	})().catch((e) => {
		console.error(e && e.stack ? e.stack : e);
		process.exit(1);
	});
}

module.exports = { packageSmoke, packRepository, listUsersWorkflow, NODE_TYPE, CREDENTIAL_TYPE };
