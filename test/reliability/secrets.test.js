// @ts-check
/**
 * The SCIM token never shows: every error path is triggered (each status, dropped connections,
 * timeouts, broken bodies, redirects, refused base URLs, bad input), with and without Continue On
 * Fail, and everything a run exposes is searched for the token: output items, the error's message,
 * description, context and cause, n8n's stored run data, and the logs. A redirect is never
 * followed with the token, and plain HTTP off loopback is refused before anything is sent.
 */
const crypto = require('node:crypto');
const util = require('node:util');

const { locate } = require('../node/support');
const { startQaseSandbox, startHostileServer, sendRaw, listResponse, scimUser, runAgainst } = require('./support');

const TOKEN = `scim-secret-${crypto.randomBytes(12).toString('hex')}`;
const WRONG_TOKEN = `scim-wrong-${crypto.randomBytes(12).toString('hex')}`;

/** @type {Awaited<ReturnType<typeof startQaseSandbox>>} */
let target;
/** @type {any} */
let sandbox;
beforeAll(async () => {
	target = await startQaseSandbox({ token: TOKEN, seed: true });
	sandbox = target.sandbox;
});
afterAll(async () => await target.stop());
beforeEach(() => sandbox.reset({ seed: true }));

/** Everything a run shows a user or stores: items (with their error objects), the error, run data, logs. */
function exposedText(/** @type {any} */ result) {
	const inspect = (/** @type {unknown} */ value) => util.inspect(value, { depth: 20, showHidden: true, maxStringLength: Infinity, maxArrayLength: Infinity });
	const describeError = (/** @type {any} */ error) =>
		error && [error.message, error.description, JSON.stringify(error.context), String(error.cause ?? ''), error.stack, inspect(error)].join('\n');
	return [
		inspect(result.items),
		...(result.items ?? []).map((/** @type {any} */ item) => describeError(item.error)),
		describeError(result.error),
		inspect(result.runData),
		inspect(result.logs),
	].join('\n');
}

/** Whether the run failed the way its Continue On Fail setting says: an error item, or the run's error. */
function failed(/** @type {any} */ result, /** @type {boolean} */ continueOnFail) {
	return continueOnFail ? result.items.some((/** @type {any} */ item) => item.json.error) : Boolean(result.error);
}

test('the search would find the token wherever it is (control)', () => {
	const leaks = [
		{ items: [{ json: { note: `Bearer ${TOKEN}` } }] },
		{ items: [], error: { message: 'x', description: 'y', cause: { config: { headers: { Authorization: `Bearer ${TOKEN}` } } } } },
		{ items: [], logs: [{ level: 'debug', message: 'request', metadata: { headers: { authorization: TOKEN } } }] },
	];
	for (const leak of leaks) expect(exposedText(leak)).toContain(TOKEN);
});

/**
 * @typedef {{ parameters: Record<string, unknown>, baseUrl?: string, token?: string, items?: object[], succeeds?: boolean, cleanup?: () => Promise<void> }} Scenario
 */

const getOwner = (/** @type {object} */ requestOptions = {}) => ({ operation: 'get', user: locate('id', sandbox.ownerId), requestOptions: { maxAttempts: 2, ...requestOptions } });

/**
 * A hostile server answering every request with one raw body; the scenario stops it afterwards.
 * @param {number} status @param {string} body @param {Record<string, unknown>} parameters
 * @returns {Promise<Scenario>}
 */
async function hostileScenario(status, body, parameters) {
	const server = await startHostileServer((_req, res) => sendRaw(res, status, body));
	return { parameters, baseUrl: server.baseUrl, cleanup: server.stop };
}

const STATUSES = [400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 502, 503, 504];
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** @type {Array<[string, () => Promise<Scenario>]>} */
const scenarios = [
	...STATUSES.map((status) => /** @type {[string, () => Promise<Scenario>]} */ ([
		`Qase answers ${status}`,
		async () => {
			sandbox.setFaults({ errorRate: 1, errorStatuses: [status] });
			return { parameters: getOwner() };
		},
	])),
	['a wrong token (a real 401)', async () => ({ parameters: getOwner(), token: WRONG_TOKEN })],
	['429 with Retry-After until attempts run out', async () => {
		sandbox.setFaults({ rateLimitBurst: { count: 5, retryAfterSeconds: 0 } });
		return { parameters: getOwner() };
	}],
	['dropped connections', async () => {
		sandbox.setFaults({ dropConnectionRate: 1 });
		return { parameters: getOwner() };
	}],
	['a timeout', async () => {
		sandbox.setFaults({ latencyMs: 1500 });
		return { parameters: getOwner({ maxAttempts: 1, timeoutSeconds: 1 }) };
	}],
	['a create whose answer is lost (succeeds through the lookup)', async () => {
		sandbox.setFaults({ commitThenDropRate: 1, onlyMethods: ['POST'] });
		return { parameters: { operation: 'create', email: 'lost@example.com', firstName: 'Lost', lastName: 'Answer' }, succeeds: true };
	}],
	['a raw SCIM user in the output', async () => ({ parameters: { operation: 'getAll', returnAll: true, simplify: false }, succeeds: true })],
	['an unreachable server', async () => {
		const server = await startHostileServer(() => undefined);
		await server.stop(); // its port is now closed
		return { parameters: getOwner({ maxAttempts: 1 }), baseUrl: server.baseUrl };
	}],
	['a body that is not JSON', () => hostileScenario(200, '<html>Sign in</html>', getOwner())],
	['a truncated body', () => hostileScenario(200, '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1","userNa', getOwner())],
	['a 200 with an error body', () => hostileScenario(200, JSON.stringify({ schemas: [ERROR_SCHEMA], status: '403', detail: 'SCIM disabled' }), getOwner())],
	['a base URL that is not a URL', async () => ({ parameters: getOwner(), baseUrl: 'not a url' })],
	['a base URL with another scheme', async () => ({ parameters: getOwner(), baseUrl: 'ftp://127.0.0.1/scim/v2' })],
	['an invalid email', async () => ({ parameters: { operation: 'findByEmail', email: 'not an email' } })],
	['an invalid ID', async () => ({ parameters: { operation: 'get', user: locate('id', '={{ "../Users" }}') } })],
	['a name that is too long', async () => ({ parameters: { operation: 'create', email: 'a@example.com', firstName: 'N'.repeat(61), lastName: 'B' } })],
];

describe('every path keeps the token out of output, errors and logs', () => {
	test.each(scenarios)('%s', async (_, arrange) => {
		for (const continueOnFail of [true, false]) {
			sandbox.reset({ seed: true });
			const scenario = await arrange();
			try {
				const result = await runAgainst(
					{ baseUrl: scenario.baseUrl ?? target.baseUrl, token: scenario.token ?? TOKEN },
					scenario.parameters,
					{ continueOnFail, items: scenario.items },
				);
				expect(failed(result, continueOnFail)).toBe(!scenario.succeeds);
				const shown = exposedText(result);
				expect(shown).not.toContain(TOKEN);
				expect(shown).not.toContain(WRONG_TOKEN);
			} finally {
				await scenario.cleanup?.();
			}
		}
	});
});

describe('redirects are not followed with the token', () => {
	/** @type {Awaited<ReturnType<typeof startHostileServer>>} */
	let elsewhere;
	beforeAll(async () => {
		elsewhere = await startHostileServer((_req, res) => sendRaw(res, 200, JSON.stringify(listResponse([scimUser('1', 'a@example.com')], 1, 1))));
	});
	afterAll(async () => await elsewhere.stop());

	const operations = {
		'Find by Email (GET)': { operation: 'findByEmail', email: 'a@example.com' },
		'Create (POST)': { operation: 'create', email: 'a@example.com', firstName: 'A', lastName: 'B' },
	};
	const cases = [301, 302, 303, 307, 308].flatMap((status) => Object.keys(operations).map((name) => [status, name]));

	test.each(cases)('%i to another loopback port, on %s', async (status, name) => {
		const redirecting = await startHostileServer((req, res) =>
			sendRaw(res, Number(status), '', { Location: `${elsewhere.origin}${req.url}` }),
		);
		elsewhere.received.length = 0;
		try {
			const result = await runAgainst({ baseUrl: redirecting.baseUrl, token: TOKEN }, operations[/** @type {keyof operations} */ (name)], { continueOnFail: true });

			expect(redirecting.received[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
			expect(elsewhere.received.map((request) => request.headers.authorization)).toEqual([]);
			expect(result.items[0].json.error).toMatch(new RegExp(`redirect \\(${status}\\), which is not followed with the token \\[item 0\\]`));
			expect(exposedText(result)).not.toContain(TOKEN);
		} finally {
			await redirecting.stop();
		}
	});
});

describe('plain HTTP off loopback is refused before anything is sent', () => {
	// 0.0.0.0 is not a loopback name, yet on Linux connecting to it reaches this machine: a leak
	// would show up on the local server without any traffic leaving the machine.
	test.each(['http://0.0.0.0:PORT/scim/v2', 'http://0:PORT/scim/v2', 'http://[::]:PORT/scim/v2'])('%s', async (template) => {
		const listening = await startHostileServer((_req, res) => sendRaw(res, 200, '{}'));
		try {
			const baseUrl = template.replace('PORT', String(listening.port));
			const result = await runAgainst({ baseUrl, token: TOKEN }, { operation: 'findByEmail', email: 'a@example.com' }, { continueOnFail: true });
			expect(result.items[0].json.error).toMatch(/must use HTTPS/);
			expect(listening.received).toEqual([]);
		} finally {
			await listening.stop();
		}
	});
});

describe('a server that echoes the token back', () => {
	// Qase's error detail (or a plain-text error body) is shown in the description ("Qase says:
	// ...") and stored with the execution: a server quoting the Authorization header or the
	// token must not put it into n8n.
	test.each([
		['the Authorization header in a SCIM error detail', (/** @type {string} */ auth) => JSON.stringify({ schemas: [ERROR_SCHEMA], status: '400', detail: `Token rejected: ${auth}` })],
		['the bare token in a plain-text body', (/** @type {string} */ auth) => `invalid credentials: ${auth.replace(/^Bearer /, '')}`],
	])('%s', async (_, echo) => {
		const echoing = await startHostileServer((req, res) => sendRaw(res, 400, echo(String(req.headers.authorization))));
		try {
			const result = await runAgainst({ baseUrl: echoing.baseUrl, token: TOKEN }, getOwner(), { continueOnFail: true });
			expect(result.items[0].json.error).toMatch(/rejected the request as invalid \[item 0\]/);
			expect(exposedText(result)).not.toContain(TOKEN);
		} finally {
			await echoing.stop();
		}
	});
});
