// @ts-check
'use strict';
/**
 * Runs once before the end-to-end tests (only when one of them is selected): builds the package
 * when dist/ is missing or older than its sources, then `npm pack`s it as a user would get it.
 * The tarball's path reaches the test workers through the environment.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { packRepository } = require('../../scripts/n8n/package-smoke');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILT_MARKER = path.join(ROOT, 'dist', 'nodes', 'QaseScim', 'QaseScim.node.js');
const SOURCES = ['nodes', 'credentials', 'package.json', 'tsconfig.json', 'gulpfile.js'];

/** Newest modification time of a file or, recursively, of a folder's files. @param {string} p @returns {number} */
function newestMtime(p) {
	const stat = fs.statSync(p);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(stat.mtimeMs, ...fs.readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

function ensureBuilt() {
	const builtAt = fs.existsSync(BUILT_MARKER) ? fs.statSync(BUILT_MARKER).mtimeMs : 0;
	const changedAt = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
	// `npm test` has just built; a direct `jest test/e2e` may run on a stale or missing dist/
	if (builtAt >= changedAt) return;
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}

module.exports = async function globalSetup() {
	ensureBuilt();
	const tarball = packRepository();
	process.env.QASE_SCIM_E2E_TARBALL = tarball;
};
