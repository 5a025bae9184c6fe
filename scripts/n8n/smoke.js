#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Proves a real n8n runs here, with built-in nodes only:
 *   node scripts/n8n/smoke.js [version...]     (default: every version install.js knows)
 * install (cached) -> fresh user folder -> import a Manual Trigger + Set + Code workflow ->
 * `n8n execute --id` -> `n8n start` -> owner setup -> REST call -> stop. Prints timings.
 * With --package=<tarball> it also installs that community package first.
 */

const { VERSIONS, ensureN8n } = require('./install');
const rt = require('./runtime');

const WORKFLOW_ID = 'smokeWorkflow0001';

function smokeWorkflow() {
	return {
		id: WORKFLOW_ID,
		name: 'Smoke: manual, set, code',
		nodes: [
			{
				id: '3b0b1c1e-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '3b0b1c1e-0000-4000-8000-000000000002',
				name: 'Set',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
				parameters: {
					assignments: {
						assignments: [
							{ id: 'a1', name: 'greeting', value: 'hello', type: 'string' },
							{ id: 'a2', name: 'count', value: '={{ 20 + 1 }}', type: 'number' },
						],
					},
					options: {},
				},
			},
			{
				id: '3b0b1c1e-0000-4000-8000-000000000003',
				name: 'Code',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [440, 0],
				parameters: {
					jsCode: "return $input.all().map((item) => ({ json: { ...item.json, doubled: item.json.count * 2 } }));",
				},
			},
		],
		connections: {
			Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
			Set: { main: [[{ node: 'Code', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** @param {string} version */
async function smoke(version) {
	/** @type {Record<string, number>} */
	const t = {};
	let t0 = Date.now();
	await ensureN8n(version);
	t.install = Date.now() - t0;

	const ctx = await rt.createContext({ version });
	try {
		const pkgArg = process.argv.find((a) => a.startsWith('--package='));
		if (pkgArg) {
			const info = await rt.installPackage(ctx, pkgArg.slice('--package='.length));
			console.log(`[${version}] installed ${info.name}@${info.version} into ${info.dir}`);
		}
		t0 = Date.now();
		await rt.importWorkflows(ctx, [smokeWorkflow()]);
		t.importWorkflow = Date.now() - t0;

		t0 = Date.now();
		const res = await rt.executeWorkflow(ctx, WORKFLOW_ID);
		t.execute = Date.now() - t0;
		if (!res.ok) throw new Error(`[${version}] execute failed (exit ${res.code}): ${JSON.stringify(res.error)}\n${res.stdout}\n${res.stderr}`);
		console.log(`[${version}] execute output (${res.lastNode}):`, JSON.stringify(res.output));
		const item = res.output?.[0];
		if (!item || item.greeting !== 'hello' || item.count !== 21 || item.doubled !== 42) {
			throw new Error(`[${version}] unexpected output: ${JSON.stringify(res.output)}`);
		}

		t0 = Date.now();
		const server = await rt.startN8n(ctx);
		t.start = Date.now() - t0;
		console.log(`[${version}] n8n listening on ${server.url}`);
		t0 = Date.now();
		const session = await rt.setupOwner(ctx, { email: 'owner@example.com', password: 'Smoke-Test-1', firstName: 'Smoke', lastName: 'Owner' });
		t.ownerSetup = Date.now() - t0;
		const wfs = await session.request('GET', '/rest/workflows');
		const names = (wfs.data || []).map((/** @type {any} */ w) => w.name);
		console.log(`[${version}] REST /rest/workflows as owner: ${JSON.stringify(names)}`);
		if (!names.includes('Smoke: manual, set, code')) throw new Error(`[${version}] imported workflow not listed over REST`);
		t0 = Date.now();
		await server.stop();
		t.stop = Date.now() - t0;
	} finally {
		await ctx.cleanup();
	}
	console.log(`[${version}] OK; timings (ms): ${JSON.stringify(t)}`);
	return t;
}

if (require.main === module) {
	const versions = process.argv.slice(2).filter((a) => !a.startsWith('--'));
	(async () => {
		for (const v of versions.length ? versions : VERSIONS) await smoke(v);
	})().catch((e) => {
		console.error(e && e.stack ? e.stack : e);
		process.exit(1);
	});
}

module.exports = { smoke, smokeWorkflow };
