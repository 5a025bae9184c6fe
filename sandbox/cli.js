#!/usr/bin/env node
// @ts-check
'use strict';

// `npm run sandbox`: starts the Qase SCIM sandbox on 127.0.0.1 until SIGINT/SIGTERM.

const { parseArgs } = require('node:util');
const { startSandbox } = require('./index');

const USAGE = `Usage: npm run sandbox -- [options]
  --port <n>         port on 127.0.0.1 (env SANDBOX_PORT, default 8787; 0 = any free port)
  --token <t>        bearer token (env SANDBOX_TOKEN, default: random, printed)
  --rate-limit <n>   requests a minute before 429, 0 = off (env SANDBOX_RATE_LIMIT, default 600)
  --data <file>      keep users in this JSON file across restarts (env SANDBOX_DATA, default: memory only)
  --no-seed          start empty instead of with a workspace owner and a few users`;

/**
 * @param {string} value
 * @param {string} name
 */
function wholeNumber(value, name) {
	if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, got "${value}"`);
	return Number(value);
}

function readOptions() {
	const { values } = parseArgs({
		options: {
			port: { type: 'string' },
			token: { type: 'string' },
			'rate-limit': { type: 'string' },
			data: { type: 'string' },
			'no-seed': { type: 'boolean' },
			help: { type: 'boolean', short: 'h' },
		},
	});
	const env = process.env;
	const token = values.token ?? env.SANDBOX_TOKEN;
	return {
		help: values.help,
		port: wholeNumber(values.port ?? env.SANDBOX_PORT ?? '8787', '--port'),
		token: token || undefined,
		rateLimitPerMinute: wholeNumber(values['rate-limit'] ?? env.SANDBOX_RATE_LIMIT ?? '600', '--rate-limit'),
		persistFile: values.data ?? (env.SANDBOX_DATA || undefined),
		seed: !values['no-seed'],
	};
}

async function main() {
	const { help, ...options } = readOptions();
	if (help) {
		console.log(USAGE);
		return;
	}
	const sandbox = await startSandbox(options);
	const origin = sandbox.baseUrl.replace(/\/scim\/v2$/, '');
	console.log('Qase SCIM sandbox is running.');
	console.log(`  Base URL:   ${sandbox.baseUrl}`);
	// A token the user chose is theirs already; only a generated one is shown, once.
	console.log(`  Token:      ${options.token ? '(as given by --token / SANDBOX_TOKEN)' : sandbox.token}`);
	console.log(`  Admin:      ${origin}/_sandbox (faults, counters, reset, users)`);
	console.log(`  Rate limit: ${options.rateLimitPerMinute ? `${options.rateLimitPerMinute} requests a minute` : 'off'}`);
	console.log(`  Data file:  ${options.persistFile ?? 'none (users live in memory only)'}`);
	console.log('Press Ctrl+C to stop.');

	const shutdown = async () => {
		await sandbox.stop();
		console.log('Sandbox stopped.');
		process.exit(0);
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

main().catch((error) => {
	console.error(`sandbox: ${error.message}`);
	if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') console.error(USAGE);
	process.exit(1);
});
