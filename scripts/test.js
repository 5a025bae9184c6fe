// @ts-check
'use strict';
/**
 * `npm test`: every test. Installs what is missing, builds the package, runs n8n's linter over
 * the whole repository, then jest (unit, sandbox, node-in-engine, reliability, and end-to-end in
 * real n8n 1.x and 2.x). Arguments are passed to jest, e.g. `npm test -- test/unit`.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ensureDependencies, run, root } = require('./ensure-deps');

ensureDependencies();
run('npm', ['run', 'build', '--silent']);
run('npx', ['eslint', '.']);
console.log('Lint: n8n community node rules, no errors.');

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qase-scim-jest-')), 'report.json');
const jest = spawnSync('npx', ['jest', '--json', `--outputFile=${report}`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// One plain closing line with the counts, whatever jest printed before it.
if (fs.existsSync(report)) {
	const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(fs.readFileSync(report, 'utf8'));
	console.log(`\n${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`);
}
process.exit(jest.status ?? 1);
