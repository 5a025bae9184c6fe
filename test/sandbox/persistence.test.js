// @ts-check
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startWithClient, newUser, findUsers } = require('./sandboxClient');

/** @type {string} */ let dir;
/** @type {string} */ let file;

beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-persist-'));
	file = path.join(dir, 'users.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('users, the owner and the next id survive a restart', async () => {
	const first = await startWithClient({ persistFile: file });
	const { data: created } = await first.client.post('/Users', newUser());
	const ownerId = first.sandbox.ownerId;
	await first.sandbox.stop();
	expect(JSON.parse(fs.readFileSync(file, 'utf8')).users.map((/** @type {any} */ u) => u.userName)).toContain('new.user@example.com');

	const second = await startWithClient({ persistFile: file });
	try {
		expect(second.sandbox.ownerId).toBe(ownerId);
		const [found] = await findUsers(second.client, 'userName eq "new.user@example.com"');
		expect(found).toMatchObject({ id: created.id, name: created.name, meta: { created: created.meta.created } });
		expect(found.meta.location).toBe(`${second.sandbox.baseUrl}/Users/${created.id}`);
		const { data: next } = await second.client.post('/Users', newUser({ userName: 'later@example.com' }));
		expect(Number(next.id)).toBeGreaterThan(Number(created.id));
		expect((await second.client.delete(`/Users/${ownerId}`)).status).toBe(409);
	} finally {
		await second.sandbox.stop();
	}
});

test('writes happen without waiting for stop, and leave no temporary file', async () => {
	const { sandbox, client } = await startWithClient({ persistFile: file, seed: false });
	try {
		await client.post('/Users', newUser());
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(JSON.parse(fs.readFileSync(file, 'utf8')).users).toHaveLength(1);
		expect(fs.readdirSync(dir)).toEqual(['users.json']);
	} finally {
		await sandbox.stop();
	}
});

test('deletes are persisted too', async () => {
	const first = await startWithClient({ persistFile: file });
	const { data: created } = await first.client.post('/Users', newUser());
	await first.client.delete(`/Users/${created.id}`);
	await first.sandbox.stop();

	const second = await startWithClient({ persistFile: file });
	try {
		expect((await second.client.get(`/Users/${created.id}`)).status).toBe(404);
	} finally {
		await second.sandbox.stop();
	}
});
