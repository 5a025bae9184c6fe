// @ts-check
'use strict';
/** Self-test of test/helpers/engine.js with an inline node and credential type. */
const { afterAll, beforeAll, beforeEach, describe, expect, test } = require('@jest/globals');
const http = require('node:http');
const { NodeApiError } = require('n8n-workflow');
const { listSearch, runNode, testCredential } = require('../helpers/engine');

const TOKEN = 's3cret-token';

/** @typedef {{ method?: string, url?: string, authorization?: string }} SeenRequest */

/** A loopback API: GET /users/<id> answers the user, ids starting with "missing" answer 404. */
async function startApi() {
	/** @type {SeenRequest[]} */
	const seen = [];
	const server = http.createServer((req, res) => {
		seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
		res.setHeader('Content-Type', 'application/json');
		if (req.headers.authorization !== `Bearer ${TOKEN}`) {
			res.writeHead(401).end(JSON.stringify({ detail: 'bad token' }));
		} else if (req.url?.startsWith('/users/missing')) {
			res.writeHead(404).end(JSON.stringify({ status: '404', detail: 'User not found' }));
		} else {
			res.writeHead(200).end(JSON.stringify({ id: req.url?.split('/').pop() }));
		}
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		seen,
		stop: () => new Promise((resolve) => server.close(resolve)),
	};
}

class DummyApi {
	name = 'dummyApi';
	displayName = 'Dummy API';
	properties = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];
	authenticate = {
		type: 'generic',
		properties: { headers: { Authorization: '={{"Bearer " + $credentials.token}}' } },
	};
	test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/users/me' } };
}

/** Fetches one user per item; optionally wraps failures in its own NodeApiError. */
class Dummy {
	description = {
		displayName: 'Dummy',
		name: 'dummy',
		group: ['transform'],
		version: 1,
		description: 'Fetches users',
		defaults: { name: 'Dummy' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'dummyApi', required: true }],
		properties: [
			{ displayName: 'User ID', name: 'userId', type: 'string', default: '' },
			{ displayName: 'Wrap Errors', name: 'wrapErrors', type: 'boolean', default: false },
		],
	};

	methods = {
		listSearch: {
			/**
			 * @this {import('n8n-workflow').ILoadOptionsFunctions}
			 * @param {string} [filter] @param {string} [paginationToken]
			 */
			async searchUsers(filter, paginationToken) {
				const { baseUrl } = await this.getCredentials('dummyApi');
				const user = await this.helpers.httpRequestWithAuthentication.call(this, 'dummyApi', {
					method: 'GET',
					url: `${baseUrl}/users/${filter}-${paginationToken}`,
					json: true,
				});
				return { results: [{ name: user.id, value: user.id }], paginationToken: 'next' };
			},
		},
	};

	/** @this {import('n8n-workflow').IExecuteFunctions} */
	async execute() {
		const { baseUrl } = await this.getCredentials('dummyApi');
		const output = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			try {
				const userId = this.getNodeParameter('userId', i);
				this.logger.info(`Fetching user ${userId}`);
				const user = await this.helpers.httpRequestWithAuthentication.call(this, 'dummyApi', {
					method: 'GET',
					url: `${baseUrl}/users/${userId}`,
					json: true,
				});
				output.push({ json: user, pairedItem: { item: i } });
			} catch (error) {
				const failure = this.getNodeParameter('wrapErrors', i)
					? new NodeApiError(this.getNode(), error.cause?.response?.data ?? {}, {
							message: `User not found [item ${i}]`,
							description: 'Check the user ID',
							httpCode: '404',
							itemIndex: i,
						})
					: error;
				if (!this.continueOnFail()) throw failure;
				output.push({ json: { error: failure.message }, error: failure, pairedItem: { item: i } });
			}
		}
		return [output];
	}
}

/** @type {Awaited<ReturnType<typeof startApi>>} */
let api;
beforeAll(async () => {
	api = await startApi();
});
afterAll(async () => {
	await api.stop();
});
beforeEach(() => {
	api.seen.length = 0;
});

describe('runNode (n8n-core WorkflowExecute)', () => {
	/** @param {Partial<Parameters<typeof runNode>[0]>} options */
	const run = (options) =>
		runNode({
			nodeType: Dummy,
			credentialTypes: [DummyApi],
			credentials: { dummyApi: { baseUrl: api.baseUrl, token: TOKEN } },
			...options,
		});

	test('evaluates expressions per item, authenticates, keeps pairedItem', async () => {
		const result = await run({
			parameters: { userId: '={{ $json.id + "-" + $itemIndex }}' },
			items: [{ id: 'a' }, { id: 'b' }],
		});

		expect(result.error).toBeUndefined();
		expect(api.seen).toEqual([
			{ method: 'GET', url: '/users/a-0', authorization: `Bearer ${TOKEN}` },
			{ method: 'GET', url: '/users/b-1', authorization: `Bearer ${TOKEN}` },
		]);
		expect(result.items).toEqual([
			{ json: { id: 'a-0' }, pairedItem: { item: 0 } },
			{ json: { id: 'b-1' }, pairedItem: { item: 1 } },
		]);
		expect(result.outputs).toHaveLength(1);
		expect(result.runData.Dummy[0].executionStatus).toBe('success');
	});

	test('records the node logger per run, even for concurrent runs', async () => {
		const [first, second] = await Promise.all([
			run({ parameters: { userId: 'one' } }),
			run({ parameters: { userId: 'two' } }),
		]);
		const infos = (/** @type {typeof first} */ r) =>
			r.logs.filter((entry) => entry.level === 'info').map((entry) => entry.message);

		expect(infos(first)).toEqual(['Fetching user one']);
		expect(infos(second)).toEqual(['Fetching user two']);
		expect(first.logs.some((entry) => entry.message.includes('Running node "Dummy"'))).toBe(true);
	});

	test('a 4xx from httpRequestWithAuthentication surfaces as NodeApiError', async () => {
		const result = await run({ parameters: { userId: 'missing-1' } });

		expect(result.items).toEqual([]);
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error.httpCode).toBe('404');
		expect(result.error.context.data).toEqual({ status: '404', detail: 'User not found' });
		expect(result.error.cause.response.status).toBe(404);
		expect(result.runData.Dummy[0].executionStatus).toBe('error');
	});

	test("the node's own NodeApiError keeps message, description and item index", async () => {
		const result = await run({
			parameters: { userId: '={{ $json.id }}', wrapErrors: true },
			items: [{ id: 'ok' }, { id: 'missing-2' }],
		});

		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error.message).toBe('User not found [item 1]');
		expect(result.error.description).toBe('Check the user ID');
		expect(result.error.context.itemIndex).toBe(1);
	});

	test('continueOnFail turns failures into error items linked to their input', async () => {
		const result = await run({
			parameters: { userId: '={{ $json.id }}' },
			items: [{ id: 'u1' }, { id: 'missing-3' }, { id: 'u3' }],
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(result.items[0].json).toEqual({ id: 'u1' });
		expect(result.items[1].json.error).toEqual(expect.any(String));
		expect(result.items[1].error).toBeInstanceOf(NodeApiError);
		expect(result.items[2].json).toEqual({ id: 'u3' });
	});

	test('a 401 is sent twice: n8n-core retries once after preAuthentication', async () => {
		const result = await run({
			credentials: { dummyApi: { baseUrl: api.baseUrl, token: 'wrong' } },
		});

		expect(result.error.httpCode).toBe('401');
		expect(api.seen).toHaveLength(2);
	});
});

describe('listSearch', () => {
	test("calls the node's listSearch method with credentials applied", async () => {
		const result = await listSearch({
			nodeType: Dummy,
			credentialTypes: [DummyApi],
			credentials: { dummyApi: { baseUrl: api.baseUrl, token: TOKEN } },
			method: 'searchUsers',
			filter: 'al',
			paginationToken: 'p2',
		});

		expect(result).toEqual({
			results: [{ name: 'al-p2', value: 'al-p2' }],
			paginationToken: 'next',
		});
		expect(api.seen).toEqual([
			{ method: 'GET', url: '/users/al-p2', authorization: `Bearer ${TOKEN}` },
		]);
	});
});

describe('testCredential', () => {
	test('runs the test request with the credential applied', async () => {
		await expect(
			testCredential({ credentialType: DummyApi, data: { baseUrl: api.baseUrl, token: TOKEN } }),
		).resolves.toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(api.seen).toEqual([
			{ method: 'GET', url: '/users/me', authorization: `Bearer ${TOKEN}` },
		]);
	});

	test('reports an HTTP failure by status text, or by a matching rule', async () => {
		const data = { baseUrl: api.baseUrl, token: 'wrong' };
		await expect(testCredential({ credentialType: DummyApi, data })).resolves.toEqual({
			status: 'Error',
			message: 'Unauthorized',
		});

		const withRule = new DummyApi();
		withRule.test = {
			...withRule.test,
			rules: [{ type: 'responseCode', properties: { value: 401, message: 'Token rejected' } }],
		};
		await expect(testCredential({ credentialType: withRule, data })).resolves.toEqual({
			status: 'Error',
			message: 'Token rejected',
		});
	});

	test('reports a connection failure by its code', async () => {
		const closed = await startApi();
		await closed.stop();
		await expect(
			testCredential({ credentialType: DummyApi, data: { baseUrl: closed.baseUrl, token: TOKEN } }),
		).resolves.toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});
});
