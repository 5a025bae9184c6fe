// @ts-check
'use strict';
/**
 * Installs the project's dependencies when they are missing or older than package-lock.json,
 * so `npm test` and `npm start` work on a fresh clone. Scripts stay off (.npmrc): one linter
 * dependency carries a preinstall hook that refuses npm.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function ensureDependencies() {
	const lock = path.join(root, 'package-lock.json');
	const installed = path.join(root, 'node_modules', '.package-lock.json');
	const fresh = fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs;
	if (fresh) return;
	console.log('Installing dependencies (npm ci)...');
	const result = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) throw new Error(`npm ci failed with exit code ${result.status}`);
}

/** Runs a command in the project folder, failing loudly. @param {string} command @param {string[]} args */
function run(command, args) {
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) {
		console.error(`\n${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
		process.exit(result.status ?? 1);
	}
}

module.exports = { ensureDependencies, run, root };

if (require.main === module) ensureDependencies();
