// @ts-check
'use strict';

/**
 * Drives a real n8n (installed by ./install.js) with an isolated user folder.
 *
 *   const rt = require('./scripts/n8n/runtime');
 *   const ctx = await rt.createContext({ version: '2.41.1' });     // temp user folder
 *   await rt.installPackage(ctx, 'n8n-nodes-qase-scim-0.1.0.tgz');  // like Settings > Community Nodes
 *   await rt.importCredentials(ctx, [{ id, name, type, data: { ...plain } }]);
 *   await rt.importWorkflows(ctx, [workflowJson]);
 *   const { code, output, runData } = await rt.executeWorkflow(ctx, workflowId);
 *   await rt.activateWorkflow(ctx, id);                              // before start: CLI
 *   const server = await rt.startN8n(ctx, { port });                 // waits for /healthz
 *   const session = await rt.setupOwner(server.url, owner);          // cookie + browser-id
 *   await session.request('GET', '/rest/workflows');
 *   await server.stop(); await ctx.cleanup();
 *
 * Every process is spawned in its own process group and killed as a group, on stop(), on a
 * timeout, and when this process exits.
 */

const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, execFile } = require('node:child_process');
const { ensureN8n } = require('./install');

/** @typedef {import('./install').N8nRuntime} N8nRuntime */
/**
 * @typedef {object} Context
 * @property {string} version       n8n version
 * @property {number} major
 * @property {N8nRuntime} runtime   from ensureN8n
 * @property {string} userFolder    N8N_USER_FOLDER; n8n keeps its data in <userFolder>/.n8n
 * @property {string} n8nFolder     <userFolder>/.n8n
 * @property {string} encryptionKey
 * @property {NodeJS.ProcessEnv} env environment for every n8n process of this context
 * @property {Server | null} server  the running `n8n start`, if any
 * @property {Session | null} session logged-in REST session on that server, if any
 * @property {() => Promise<void>} cleanup stops the server and removes a temp user folder
 */
/**
 * @typedef {object} Server
 * @property {string} url     e.g. http://127.0.0.1:5678
 * @property {number} port
 * @property {number} pid
 * @property {() => string} logs   everything n8n printed so far
 * @property {() => Promise<void>} stop
 */

// ---------------------------------------------------------------- process handling

/** @type {Set<import('node:child_process').ChildProcess>} */
const liveChildren = new Set();

function killAllSync() {
	for (const child of liveChildren) {
		try {
			if (child.pid) process.kill(-child.pid, 'SIGKILL');
		} catch {
			/* already gone */
		}
	}
	liveChildren.clear();
}
process.on('exit', killAllSync);
for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
	process.on(sig, () => {
		killAllSync();
		// keep the conventional exit status of a signal when nobody else handles it
		if (process.listenerCount(sig) <= 1) process.exit(128 + (os.constants.signals[sig] || 0));
	});
}

/**
 * Sends a signal to the child's whole process group, then SIGKILL after graceMs.
 * @param {import('node:child_process').ChildProcess} child @param {number} [graceMs]
 */
function killGroup(child, graceMs = 10_000) {
	return new Promise((resolve) => {
		if (!child.pid || child.exitCode !== null || child.signalCode !== null) {
			// the leader is gone; make sure nothing of its group survives
			try {
				if (child.pid) process.kill(-child.pid, 'SIGKILL');
			} catch {
				/* none left */
			}
			liveChildren.delete(child);
			return resolve(undefined);
		}
		const pid = child.pid;
		const timer = setTimeout(() => {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				/* gone */
			}
		}, graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			// n8n 2.x spawns a task runner in the same group: leave nothing behind
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				/* gone */
			}
			liveChildren.delete(child);
			resolve(undefined);
		});
		try {
			process.kill(-pid, 'SIGTERM');
		} catch {
			/* gone */
		}
	});
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

// ---------------------------------------------------------------- context

/**
 * Environment shared by every n8n process: isolated, offline, quiet.
 * @param {string} userFolder @param {string} encryptionKey @param {number} major
 */
function baseEnv(userFolder, encryptionKey, major) {
	/** @type {NodeJS.ProcessEnv} */
	const env = {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// no calls home, no banners, no remote lists
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		// community packages: load what is in <userFolder>/.n8n/nodes, never reinstall from npm,
		// don't fetch the verified-packages list
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// deterministic and plain
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'text',
		N8N_SECURE_COOKIE: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		// settings that 1.x warns about when unset
		DB_SQLITE_POOL_SIZE: '2',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
		NO_COLOR: '1',
		FORCE_COLOR: '0',
	};
	if (major < 2) {
		// 1.x: no task runner for the CLI (the Code node then runs in-process)
		env.N8N_RUNNERS_ENABLED = 'false';
	} else {
		// 2.x always runs a JS task runner (internal mode; it also warns that the Python runner's
		// virtualenv is missing, which cannot be switched off). Skip the MCP server registry,
		// fetched from n8n's API at startup (unreachable here).
		env.N8N_DISABLED_MODULES = 'mcp-registry';
		// the values 2.x says will become defaults; set explicitly so it stops warning
		env.N8N_RUNNERS_TASK_TIMEOUT = '60';
		env.N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES = String(256 * 1024 * 1024);
		env.N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES = '1000';
	}
	return env;
}

/**
 * Drops NODE_ENV=test (set by jest): n8n then silences its logger and behaves as in its own unit
 * tests, so `n8n execute` prints no run and `n8n start` exits. Unset, n8n runs as users run it.
 * @param {NodeJS.ProcessEnv} env
 */
function withoutTestRunnerEnv(env) {
	if (env.NODE_ENV === 'test') delete env.NODE_ENV;
	return env;
}

/**
 * @param {{ version?: string, userFolder?: string, encryptionKey?: string, env?: NodeJS.ProcessEnv }} [opts]
 * @returns {Promise<Context>}
 */
async function createContext(opts = {}) {
	const version = opts.version || require('./install').VERSIONS[0];
	const runtime = await ensureN8n(version);
	const tempFolder = !opts.userFolder;
	const userFolder = opts.userFolder
		? path.resolve(opts.userFolder)
		: fs.mkdtempSync(path.join(os.tmpdir(), `n8n-${version}-`));
	const n8nFolder = path.join(userFolder, '.n8n');
	fs.mkdirSync(n8nFolder, { recursive: true });
	// one key per user folder, kept so a reused folder can still decrypt its credentials
	const keyFile = path.join(userFolder, 'encryption-key');
	let encryptionKey = opts.encryptionKey;
	if (!encryptionKey && fs.existsSync(keyFile)) encryptionKey = fs.readFileSync(keyFile, 'utf8').trim();
	if (!encryptionKey) encryptionKey = crypto.randomBytes(24).toString('hex');
	fs.writeFileSync(keyFile, encryptionKey + '\n', { mode: 0o600 });
	const major = Number(version.split('.')[0]);
	/** @type {Context} */
	const ctx = {
		version,
		major,
		runtime,
		userFolder,
		n8nFolder,
		encryptionKey,
		env: withoutTestRunnerEnv({ ...runtime.env, ...baseEnv(userFolder, encryptionKey, major), ...(opts.env || {}) }),
		server: null,
		session: null,
		cleanup: async () => {
			if (ctx.server) await ctx.server.stop();
			if (tempFolder) fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
	return ctx;
}

// ---------------------------------------------------------------- CLI commands

/**
 * Starts an n8n command in its own process group (so stopping it stops its task runner too),
 * tracked for the kill-on-exit handlers.
 * @param {Context} ctx @param {string[]} args @param {NodeJS.ProcessEnv} env
 */
function spawnN8n(ctx, args, env) {
	const child = spawn(ctx.runtime.nodeBin, [ctx.runtime.n8nBin, ...args], {
		cwd: ctx.userFolder,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	liveChildren.add(child);
	return child;
}

/**
 * Runs `n8n <args>` for this context and collects its output.
 * @param {Context} ctx @param {string[]} args
 * @param {{ timeoutMs?: number, env?: NodeJS.ProcessEnv }} [opts]
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, ms: number }>}
 */
async function runCli(ctx, args, opts = {}) {
	const started = Date.now();
	// 2.x starts a task broker even for CLI commands; give each process its own port so
	// parallel runs (both versions, several folders) never collide on 5679.
	const env = { ...ctx.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...(opts.env || {}) };
	const child = spawnN8n(ctx, args, env);
	let stdout = '';
	let stderr = '';
	child.stdout?.on('data', (d) => (stdout += d));
	child.stderr?.on('data', (d) => (stderr += d));
	const timeoutMs = opts.timeoutMs ?? 180_000;
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void killGroup(child, 2000);
	}, timeoutMs);
	const [code, signal] = await new Promise((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (c, s) => resolve([c, s]));
	});
	clearTimeout(timer);
	await killGroup(child, 0);
	if (timedOut) {
		throw new Error(`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${tail(stdout + stderr)}`);
	}
	return { code, signal, stdout, stderr, ms: Date.now() - started };
}

/** @param {string} text @param {number} [lines] */
function tail(text, lines = 40) {
	return text.split('\n').slice(-lines).join('\n');
}

/**
 * Writes `items` as a JSON file in the user folder and imports it.
 * @param {Context} ctx @param {'credentials' | 'workflow'} kind @param {object[]} items
 */
async function importJson(ctx, kind, items) {
	if (!Array.isArray(items)) items = [items];
	const dir = fs.mkdtempSync(path.join(ctx.userFolder, `import-${kind}-`));
	const file = path.join(dir, `${kind}.json`);
	fs.writeFileSync(file, JSON.stringify(items, null, 2), { mode: 0o600 });
	try {
		const res = await runCli(ctx, [`import:${kind}`, `--input=${file}`]);
		const out = res.stdout + res.stderr;
		if (res.code !== 0 || /An error occurred while importing|Error importing/i.test(out)) {
			throw new Error(`n8n import:${kind} failed (exit ${res.code}${res.signal ? `, ${res.signal}` : ''}):\n${tail(out)}`);
		}
		return res;
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Imports credentials. Each item: { id, name, type, data } where `data` is a plain object:
 * import encrypts it with the context's key (n8n 1.x and 2.x both encrypt an object `data`).
 * @param {Context} ctx @param {Array<{ id: string, name: string, type: string, data: object }>} credentials
 */
async function importCredentials(ctx, credentials) {
	return importJson(ctx, 'credentials', credentials);
}

/**
 * Imports workflows (n8n's export format: { id, name, nodes, connections, settings?, ... }).
 * The id is kept, so `executeWorkflow(ctx, id)` can address it. Imported workflows are inactive.
 * @param {Context} ctx @param {object[]} workflows
 */
async function importWorkflows(ctx, workflows) {
	const list = (Array.isArray(workflows) ? workflows : [workflows]).map((w) => {
		/** @type {any} */
		const copy = { active: false, settings: {}, connections: {}, ...w };
		copy.active = false;
		return copy;
	});
	for (const w of list) {
		if (!w.id) throw new Error(`workflow "${w.name}" needs an id so that it can be executed by id`);
	}
	return importJson(ctx, 'workflow', list);
}

/**
 * Finds the JSON document n8n printed last: from the last line that is exactly "{" to the end
 * (n8n prints JSON.stringify(run, null, 2), after its log lines).
 * @param {string} text
 */
function lastJsonDocument(text) {
	const lines = text.split('\n');
	for (let i = lines.length - 1; i >= 0; i--) {
		if (lines[i].replace(/\r$/, '') !== '{') continue;
		// the document ends at the matching top-level "}" line
		for (let j = lines.length - 1; j > i; j--) {
			if (lines[j].replace(/\r$/, '') !== '}') continue;
			try {
				return JSON.parse(lines.slice(i, j + 1).join('\n'));
			} catch {
				/* try a shorter span */
			}
		}
	}
	return undefined;
}

/**
 * Runs `n8n execute --id=<id> --rawOutput`.
 * @param {Context} ctx @param {string} id @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<{ code: number | null, ok: boolean, run: any, runData: Record<string, any[]>, lastNode: string | undefined, output: any[] | undefined, error: any, stdout: string, stderr: string, ms: number }>}
 *   run: the whole IRun n8n printed (on failure parsed from n8n's info log, when present);
 *   runData: run.data.resultData.runData; output: the JSON items of the last node that ran
 *   (resultData.lastNodeExecuted), main output 0.
 */
async function executeWorkflow(ctx, id, opts = {}) {
	// info level: on failure n8n prints the run (with the error) only through its logger at info
	const res = await runCli(ctx, ['execute', `--id=${id}`, '--rawOutput'], { timeoutMs: opts.timeoutMs, env: { N8N_LOG_LEVEL: 'info' } });
	const run = lastJsonDocument(res.stdout) ?? lastJsonDocument(res.stdout + '\n' + res.stderr);
	const resultData = run?.data?.resultData;
	const runData = resultData?.runData ?? {};
	const lastNode = resultData?.lastNodeExecuted;
	const lastRuns = lastNode ? runData[lastNode] : undefined;
	const lastRun = lastRuns ? lastRuns[lastRuns.length - 1] : undefined;
	const output = lastRun?.data?.main?.[0]?.map((/** @type {any} */ item) => item.json);
	const error = resultData?.error ?? (res.code !== 0 ? { message: tail(res.stdout + res.stderr, 30) } : undefined);
	return { code: res.code, ok: res.code === 0 && !resultData?.error, run, runData, lastNode, output, error, stdout: res.stdout, stderr: res.stderr, ms: res.ms };
}

/**
 * Items a node produced in its last run (main output `outputIndex`), as plain JSON.
 * @param {{ runData: Record<string, any[]> }} result @param {string} nodeName @param {number} [outputIndex]
 */
function nodeOutput(result, nodeName, outputIndex = 0) {
	const runs = result.runData[nodeName];
	if (!runs || !runs.length) return undefined;
	const main = runs[runs.length - 1]?.data?.main;
	return main?.[outputIndex]?.map((/** @type {any} */ item) => item.json) ?? [];
}

/**
 * Activates (2.x: publishes) a workflow. With a running server and a session on this context it
 * goes through the REST API (effective at once); otherwise through the CLI (effective at the next
 * `n8n start`): 2.x `publish:workflow --id`, 1.x `update:workflow --id --active=true`.
 * @param {Context} ctx @param {string} id
 */
async function activateWorkflow(ctx, id) {
	if (ctx.server && ctx.session) {
		const { data: wf } = await ctx.session.request('GET', `/rest/workflows/${id}`);
		if (ctx.major >= 2) {
			const activated = (await ctx.session.request('POST', `/rest/workflows/${id}/activate`, { versionId: wf.versionId })).data;
			await waitForPublication(ctx.session, id, wf.versionId);
			return activated;
		}
		return (await ctx.session.request('PATCH', `/rest/workflows/${id}`, { active: true, versionId: wf.versionId })).data;
	}
	if (ctx.server) throw new Error('activateWorkflow: n8n is running; call setupOwner/login first so the REST API can be used');
	const args = ctx.major >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true'];
	const res = await runCli(ctx, args, { env: { N8N_LOG_LEVEL: 'info' } });
	const out = res.stdout + res.stderr;
	if (res.code !== 0 || /Error updating database|Failed to publish|not found/i.test(out)) {
		throw new Error(`n8n ${args.join(' ')} failed (exit ${res.code}):\n${tail(out)}`);
	}
	return undefined;
}

/**
 * n8n 2.x publishes through an outbox: POST /activate returns before the triggers (webhooks)
 * are registered. Poll /rest/workflows/:id/publication-status until this version is live.
 * @param {Session} session @param {string} id @param {string} versionId @param {number} [timeoutMs]
 */
async function waitForPublication(session, id, versionId, timeoutMs = 30_000) {
	const started = Date.now();
	/** @type {any} */
	let status;
	for (;;) {
		try {
			status = (await session.request('GET', `/rest/workflows/${id}/publication-status`)).data;
		} catch (e) {
			// 404: the publication service is off (N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false),
			// activation was synchronous
			// @ts-ignore
			if (e.status === 404) return;
			throw e;
		}
		const failed = (status?.triggers || []).filter((/** @type {any} */ t) => t.status === 'failed' || t.errorMessage);
		if (failed.length) throw new Error(`activating workflow ${id} failed: ${JSON.stringify(failed)}`);
		if (!status?.pendingVersionId && status?.liveVersionId === versionId) return;
		if (Date.now() - started > timeoutMs) {
			throw new Error(`workflow ${id} was not live ${timeoutMs} ms after activation: ${JSON.stringify(status)}`);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
}

/**
 * Waits until an active workflow's triggers are live on the running server. 1.x activates
 * synchronously (before startN8n returns, or within the REST call), so this returns at once;
 * 2.x publishes through an outbox in the background, also for workflows published by the CLI
 * before `n8n start`, so this polls the publication status (needs a session: setupOwner/login).
 * @param {Context} ctx @param {string} id @param {number} [timeoutMs]
 */
async function waitForActivation(ctx, id, timeoutMs = 30_000) {
	if (ctx.major < 2) return;
	if (!ctx.server || !ctx.session) throw new Error('waitForActivation: start n8n and log in (setupOwner/login) first');
	const { data: wf } = await ctx.session.request('GET', `/rest/workflows/${id}`);
	if (!wf.activeVersionId) throw new Error(`workflow ${id} is not published`);
	await waitForPublication(ctx.session, id, wf.activeVersionId, timeoutMs);
}

// ---------------------------------------------------------------- community package

/**
 * Installs an `npm pack` tarball into <userFolder>/.n8n/nodes the way n8n's own community
 * package installer does it (both 1.123 and 2.41): unpack into nodes/node_modules/<name>, drop
 * dev/peer/optional dependencies from its package.json, `npm install` its own dependencies
 * (if any) inside it, and record it in nodes/package.json. n8n loads every
 * nodes/node_modules/n8n-nodes-* (and @scope/n8n-nodes-*) folder at startup, so the node type is
 * `<package name>.<node name>`. No database row is written: like a manual `npm i` in ~/.n8n/nodes,
 * the package works but is not listed under Settings > Community nodes.
 * @param {Context | string} ctxOrUserFolder @param {string} tarballPath
 * @returns {Promise<{ name: string, version: string, dir: string }>}
 */
async function installPackage(ctxOrUserFolder, tarballPath) {
	const userFolder = typeof ctxOrUserFolder === 'string' ? ctxOrUserFolder : ctxOrUserFolder.userFolder;
	const tarball = path.resolve(tarballPath);
	if (!fs.existsSync(tarball)) throw new Error(`tarball not found: ${tarball}`);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(path.join(nodesDir, 'node_modules'), { recursive: true });

	const staging = fs.mkdtempSync(path.join(nodesDir, '.unpack-'));
	try {
		await execFileP('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1']);
		const pkgFile = path.join(staging, 'package.json');
		const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
		const { devDependencies, peerDependencies, optionalDependencies, ...kept } = pkg;
		fs.writeFileSync(pkgFile, JSON.stringify(kept, null, 2));
		const dir = path.join(nodesDir, 'node_modules', ...pkg.name.split('/'));
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(dir), { recursive: true });
		fs.renameSync(staging, dir);
		if (kept.dependencies && Object.keys(kept.dependencies).length) {
			await execFileP(
				'npm',
				['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
				{ cwd: dir },
			);
		}
		const rootPkgFile = path.join(nodesDir, 'package.json');
		const rootPkg = fs.existsSync(rootPkgFile)
			? JSON.parse(fs.readFileSync(rootPkgFile, 'utf8'))
			: { name: 'installed-nodes', private: true, dependencies: {} };
		rootPkg.dependencies = { ...(rootPkg.dependencies || {}), [pkg.name]: pkg.version };
		fs.writeFileSync(rootPkgFile, JSON.stringify(rootPkg, null, 2));
		return { name: pkg.name, version: pkg.version, dir };
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

/** @param {string} cmd @param {string[]} args @param {import('node:child_process').ExecFileOptions} [opts] */
function execFileP(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, ...opts }, (err, stdout, stderr) => {
			if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
			else resolve(String(stdout));
		});
	});
}

// ---------------------------------------------------------------- server

/**
 * Starts `n8n start` on 127.0.0.1 and waits until /healthz answers and the REST API is up.
 * @param {Context} ctx
 * @param {{ port?: number, timeoutMs?: number, env?: NodeJS.ProcessEnv, echo?: boolean }} [opts]
 *   echo: copy n8n's output to this process's stderr
 * @returns {Promise<Server>}
 */
async function startN8n(ctx, opts = {}) {
	if (ctx.server) throw new Error('n8n is already running for this context');
	const started = Date.now();
	const port = opts.port ?? (await freePort());
	const url = `http://127.0.0.1:${port}`;
	const env = {
		...ctx.env,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${url}/`,
		// the public base URL of webhooks (2.x renamed WEBHOOK_URL and warns about the old name)
		...(ctx.major >= 2 ? { N8N_WEBHOOK_URL: `${url}/` } : { WEBHOOK_URL: `${url}/` }),
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_LOG_LEVEL: ctx.env.N8N_LOG_LEVEL || 'info',
		...(opts.env || {}),
	};
	const child = spawnN8n(ctx, ['start'], env);
	let output = '';
	const onData = (/** @type {Buffer} */ d) => {
		output += d;
		if (opts.echo) process.stderr.write(d);
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
	let exited = false;
	child.on('exit', () => (exited = true));

	let stopping = null;
	/** @type {Server} */
	const server = {
		url,
		port,
		pid: /** @type {number} */ (child.pid),
		logs: () => output,
		stop: () => {
			if (!stopping) {
				stopping = killGroup(child, 15_000).then(() => {
					if (ctx.server === server) {
						ctx.server = null;
						ctx.session = null;
					}
				});
			}
			return stopping;
		},
	};

	const timeoutMs = opts.timeoutMs ?? 120_000;
	for (;;) {
		if (exited) throw new Error(`n8n start exited early (code ${child.exitCode}):\n${tail(output)}`);
		if (Date.now() - started > timeoutMs) {
			await server.stop();
			throw new Error(`n8n did not become healthy on ${url} within ${timeoutMs} ms:\n${tail(output)}`);
		}
		// n8n listens (and /healthz answers) before it has activated the active workflows; the
		// "Editor is now accessible" line comes after that (1.x, and 2.x without the publication
		// service; with it, 2.x activates in the background: see waitForActivation).
		if (READY_LINE.test(output) && (await probe(`${url}/healthz`))) break;
		await new Promise((r) => setTimeout(r, 300));
	}
	ctx.server = server;
	return server;
}

const READY_LINE = /Editor is now accessible via/;

/** @param {string} url */
async function probe(url) {
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
		return res.ok;
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------- REST session

/**
 * @typedef {object} Session
 * @property {string} url
 * @property {string} cookie            "n8n-auth=..."
 * @property {string} browserId         sent as the `browser-id` header (n8n ties the cookie to it)
 * @property {(method: string, path: string, body?: any) => Promise<any>} request  JSON in, parsed JSON out; throws on HTTP >= 400
 */

/**
 * @param {string} url @param {string} cookie @param {string} browserId @returns {Session}
 */
function makeSession(url, cookie, browserId) {
	return {
		url,
		cookie,
		browserId,
		request: async (method, p, body) => {
			const res = await fetch(url + p, {
				method,
				headers: {
					cookie,
					'browser-id': browserId,
					...(body === undefined ? {} : { 'content-type': 'application/json' }),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await res.text();
			/** @type {any} */
			let json;
			try {
				json = text ? JSON.parse(text) : undefined;
			} catch {
				json = text;
			}
			if (!res.ok) {
				const err = new Error(`${method} ${p} -> ${res.status}: ${typeof json === 'object' ? JSON.stringify(json) : text}`);
				// @ts-ignore
				err.status = res.status;
				// @ts-ignore
				err.body = json;
				throw err;
			}
			return json;
		},
	};
}

/** @param {Response} res */
function authCookie(res) {
	const all = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [res.headers.get('set-cookie') || ''];
	for (const c of all) {
		const m = /^(n8n-auth=[^;]+)/.exec(c);
		if (m) return m[1];
	}
	return undefined;
}

/**
 * @param {string} url
 * @param {string} p
 * @param {object} body
 * @param {string} browserId
 */
async function postForCookie(url, p, body, browserId) {
	const res = await fetch(url + p, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify(body),
	});
	const text = await res.text();
	if (!res.ok) {
		const err = new Error(`POST ${p} -> ${res.status}: ${text}`);
		// @ts-ignore
		err.status = res.status;
		throw err;
	}
	const cookie = authCookie(res);
	if (!cookie) throw new Error(`POST ${p} answered ${res.status} without an n8n-auth cookie`);
	return cookie;
}

/**
 * The running server a REST call goes to: a URL, or a context with a started server.
 * @param {string | Context} target @param {string} caller named in the error
 */
function serverOf(target, caller) {
	const ctx = typeof target === 'string' ? null : target;
	const url = ctx ? ctx.server?.url : /** @type {string} */ (target);
	if (!url) throw new Error(`${caller}: no server URL (start n8n first)`);
	return { ctx, url };
}

/**
 * Creates the owner account of a fresh instance (POST /rest/owner/setup) and returns a logged-in
 * session. When the owner already exists, logs in with the same email and password instead.
 * Password rules: 8-64 characters, at least one digit and one uppercase letter.
 * @param {string | Context} target server URL, or a context with a running server (then the
 *   session is remembered on the context for activateWorkflow)
 * @param {{ email: string, password: string, firstName?: string, lastName?: string }} owner
 * @returns {Promise<Session>}
 */
async function setupOwner(target, owner) {
	const { ctx, url } = serverOf(target, 'setupOwner');
	const browserId = crypto.randomUUID();
	let session;
	try {
		const cookie = await postForCookie(
			url,
			'/rest/owner/setup',
			{ email: owner.email, password: owner.password, firstName: owner.firstName || 'Test', lastName: owner.lastName || 'Owner' },
			browserId,
		);
		session = makeSession(url, cookie, browserId);
	} catch (e) {
		// 400 "Instance owner already setup" on a reused user folder: log in instead
		// @ts-ignore
		if (e.status !== 400) throw e;
		session = await login(url, owner);
	}
	if (ctx) ctx.session = session;
	return session;
}

/**
 * Logs in (POST /rest/login) and returns a session.
 * @param {string | Context} target @param {{ email: string, password: string }} user
 * @returns {Promise<Session>}
 */
async function login(target, user) {
	const { ctx, url } = serverOf(target, 'login');
	const browserId = crypto.randomUUID();
	const cookie = await postForCookie(url, '/rest/login', { emailOrLdapLoginId: user.email, email: user.email, password: user.password }, browserId);
	const session = makeSession(url, cookie, browserId);
	if (ctx) ctx.session = session;
	return session;
}

module.exports = {
	createContext,
	installPackage,
	importCredentials,
	importWorkflows,
	executeWorkflow,
	nodeOutput,
	activateWorkflow,
	waitForActivation,
	startN8n,
	setupOwner,
	login,
	runCli,
	freePort,
	lastJsonDocument,
	killAllSync,
};
