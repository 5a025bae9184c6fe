// @ts-check
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');
const { clientFor } = require('./sandboxClient');

const CLI = path.join(__dirname, '../../sandbox/cli.js');

/**
 * Starts the CLI and resolves once it printed its base URL.
 * @param {string[]} args
 * @param {Record<string, string>} env
 */
function startCli(args, env = {}) {
	const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
	const started = new Promise((resolve, reject) => {
		child.stdout.on('data', (chunk) => {
			output += chunk;
			const baseUrl = /Base URL:\s+(\S+)/.exec(output)?.[1];
			if (baseUrl && output.includes('Press Ctrl+C')) resolve(baseUrl);
		});
		child.stderr.on('data', (chunk) => (output += chunk));
		child.once('exit', () => reject(new Error(`CLI exited early:\n${output}`)));
	});
	return { child, started, exited, output: () => output };
}

test('serves with the token from SANDBOX_TOKEN without printing it, and stops on SIGTERM', async () => {
	const token = 'cli-secret-token';
	const cli = startCli(['--port', '0', '--rate-limit', '0'], { SANDBOX_TOKEN: token });
	const baseUrl = await cli.started;
	const client = clientFor(baseUrl, { headers: { Authorization: `Bearer ${token}` } });
	expect((await client.get('/Users')).status).toBe(200);
	expect(cli.output()).not.toContain(token);

	cli.child.kill('SIGTERM');
	expect(await cli.exited).toBe(0);
});

test('prints a generated token that works, applies --rate-limit, and stops on SIGINT', async () => {
	const cli = startCli(['--port', '0', '--rate-limit', '2'], { SANDBOX_TOKEN: '' });
	const baseUrl = await cli.started;
	const token = /Token:\s+(\S+)/.exec(cli.output())?.[1];
	const client = clientFor(baseUrl, { headers: { Authorization: `Bearer ${token}` } });
	const statuses = [];
	for (let i = 0; i < 3; i++) statuses.push((await client.get('/Users')).status);
	expect(statuses).toEqual([200, 200, 429]);

	cli.child.kill('SIGINT');
	expect(await cli.exited).toBe(0);
});

test('refuses an unknown option', async () => {
	const cli = startCli(['--bogus']);
	await expect(cli.started).rejects.toThrow(/Unknown option/);
	expect(await cli.exited).toBe(1);
});
