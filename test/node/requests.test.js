// @ts-check
/**
 * What the node sends, counted by the Qase sandbox: batched lookups, and one request budget
 * shared by executions running at once.
 */
const { sandboxTarget, useTarget, runQase } = require('./support');

const context = useTarget(sandboxTarget);
const sandbox = () => context.target.sandbox;

test('Find by Email over 120 items asks Qase 50 emails at a time, and maps every answer back', async () => {
	const emails = Array.from({ length: 120 }, (_, i) => `batch${String(i).padStart(3, '0')}@example.com`);
	// Every third one exists in Qase, stored in upper case.
	const existing = sandbox().addUsers(
		emails.filter((_, i) => i % 3 === 0).map((email) => ({ userName: email.toUpperCase(), name: { givenName: 'B', familyName: 'U' } })),
	);
	sandbox().resetCounters();
	const result = await runQase(context.target, { operation: 'findByEmail', email: '={{ $json.email }}' }, { items: emails.map((email) => ({ email })) });

	expect(sandbox().counters().requests.map((/** @type {any} */ request) => request.method)).toEqual(['GET', 'GET', 'GET']);
	const idByEmail = new Map(existing.map((/** @type {any} */ user) => [user.userName.toLowerCase(), user.id]));
	expect(result.items).toHaveLength(emails.length);
	result.items.forEach((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		const id = idByEmail.get(emails[index]);
		expect(item.json).toEqual(id ? expect.objectContaining({ found: true, id }) : { found: false, email: emails[index] });
	});
});

test('executions running at once share one rate limit per base URL', async () => {
	const sandboxUsers = sandbox().addUsers([{ userName: 'limited@example.com', name: { givenName: 'L', familyName: 'U' } }]);
	const get = { operation: 'get', user: { __rl: true, mode: 'id', value: sandboxUsers[0].id }, requestOptions: { requestsPerMinute: 60, parallelism: 1 } };
	sandbox().resetCounters();
	// At 60 a minute the bucket holds one request and refills about once a second. Two
	// executions of three requests each: shared, the six starts are about a second apart; each
	// with its own bucket, they would come in pairs.
	await Promise.all([runQase(context.target, get, { items: [{}, {}, {}] }), runQase(context.target, get, { items: [{}, {}, {}] })]);

	const arrivals = sandbox()
		.counters()
		.requests.map((/** @type {any} */ request) => Date.parse(request.at))
		.sort((/** @type {number} */ a, /** @type {number} */ b) => a - b);
	expect(arrivals).toHaveLength(6);
	const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]);
	expect(Math.min(...gaps)).toBeGreaterThanOrEqual(800);
}, 30_000);
