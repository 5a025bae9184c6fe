// @ts-check
'use strict';

// Benchmarks the Qase SCIM sandbox at 50,000 users on loopback: start-up, lookup by userName,
// batched lookups, pages of 100 and creates. Bounded loops; prints a table and exits.
// Run: npm run bench:sandbox

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const axios = require('axios').default;
const { startSandbox } = require('../sandbox');

const USERS = 50000;
const ROUNDS = 500;
const BATCH_SIZE = 50;
const TOKEN = 'bench-token';

/** @param {number} i */
const userName = (i) => `bench.user${i}@example.com`;
const users = Array.from({ length: USERS }, (_, i) => ({ userName: userName(i), name: { givenName: `Given${i}`, familyName: `Family${i}` } }));

/** @param {() => Promise<unknown> | unknown} fn */
async function timeMs(fn) {
	const start = process.hrtime.bigint();
	await fn();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * @param {number} rounds
 * @param {(round: number) => Promise<unknown> | unknown} fn
 */
async function measure(rounds, fn) {
	const samples = [];
	for (let round = 0; round < rounds; round++) samples.push(await timeMs(() => fn(round)));
	samples.sort((a, b) => a - b);
	const at = (/** @type {number} */ q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
	return { rounds, median: at(0.5), p95: at(0.95) };
}

/** Deterministic spread over the users, so every run asks for the same ones. @param {number} round */
const pick = (round) => (round * 7919) % USERS;

async function main() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-bench-'));
	const dataFile = path.join(dir, 'users.json');
	/** @type {Record<string, { rounds: number, median: number, p95: number }>} */
	const results = {};

	results['start-up, seeded (startSandbox)'] = await measure(5, async () => (await startSandbox({ token: TOKEN })).stop());
	const sandbox = await startSandbox({ token: TOKEN });
	results[`addUsers(${USERS})`] = await measure(1, () => sandbox.addUsers(users));
	const client = axios.create({ baseURL: sandbox.baseUrl, headers: { Authorization: `Bearer ${TOKEN}` } });

	// Warm up the HTTP connection and the JIT before measuring.
	for (let i = 0; i < 50; i++) await client.get('/Users', { params: { filter: `userName eq "${userName(i)}"` } });

	results['GET /Users?filter=userName eq'] = await measure(ROUNDS, async (round) => {
		const { data } = await client.get('/Users', { params: { filter: `userName eq "${userName(pick(round))}"` } });
		if (data.totalResults !== 1) throw new Error('lookup missed');
	});
	results[`GET /Users?filter= ${BATCH_SIZE} userNames (or)`] = await measure(ROUNDS / 5, async (round) => {
		const names = Array.from({ length: BATCH_SIZE }, (_, i) => `userName eq "${userName(pick(round * BATCH_SIZE + i))}"`);
		await client.get('/Users', { params: { filter: names.join(' or ') } });
	});
	results['GET /Users page of 100'] = await measure(ROUNDS, (round) =>
		client.get('/Users', { params: { startIndex: 1 + pick(round), count: 100 } }),
	);
	results['GET /Users page of 100, scan filter (co)'] = await measure(ROUNDS / 10, () =>
		client.get('/Users', { params: { filter: 'userName co "user4999"', count: 100 } }),
	);
	results['POST /Users (create)'] = await measure(ROUNDS, (round) =>
		client.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `created${round}@example.com`, name: { givenName: 'New', familyName: 'User' } }),
	);
	await sandbox.stop();

	const writer = await startSandbox({ token: TOKEN, persistFile: dataFile });
	writer.addUsers(users);
	await writer.stop(); // writes the data file
	results[`start-up from data file (${USERS} users)`] = await measure(3, async () => (await startSandbox({ token: TOKEN, persistFile: dataFile })).stop());
	fs.rmSync(dir, { recursive: true, force: true });

	const rows = Object.entries(results).map(([name, { rounds, median, p95 }]) => [name, String(rounds), median.toFixed(2), p95.toFixed(2)]);
	const header = ['measure', 'rounds', 'median ms', 'p95 ms'];
	const widths = header.map((title, col) => Math.max(title.length, ...rows.map((row) => row[col].length)));
	const line = (/** @type {string[]} */ cells) => cells.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
	console.log(`Qase SCIM sandbox, ${USERS} users, loopback, Node ${process.version}`);
	console.log(line(header));
	console.log(widths.map((w) => '-'.repeat(w)).join('  '));
	for (const row of rows) console.log(line(row));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
