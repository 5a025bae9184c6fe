// @ts-check
'use strict';
/**
 * `npm test`: every test. Installs what is missing, builds the package, runs n8n's linter over
 * the whole repository, then jest (unit, sandbox, node-in-engine, and end-to-end in real n8n).
 * Arguments are passed to jest, e.g. `npm test -- test/unit`.
 */
const { ensureDependencies, run } = require('./ensure-deps');

ensureDependencies();
run('npm', ['run', 'build', '--silent']);
run('npx', ['eslint', '.']);
console.log('Lint: n8n community node rules, no errors.');
run('npx', ['jest', ...process.argv.slice(2)]);
