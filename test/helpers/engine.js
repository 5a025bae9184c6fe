// @ts-check
'use strict';
/**
 * Runs a node type inside n8n-core's real execution engine (WorkflowExecute), in process.
 *
 * The workflow is `Feed -> <node under test>`: Feed is a tiny start node that outputs the given
 * items, so our node receives them over a real connection, resolves its parameters (expressions
 * included) through n8n-workflow's Workflow/Expression, fetches credentials through an
 * ICredentialsHelper and sends HTTP through n8n-core's own request helpers.
 *
 * Expressions: n8n-workflow 2.41 defaults to the in-process "legacy" (tournament) evaluator; the
 * isolated-vm engine is only used after `Expression.initExpressionEngine({engine: 'vm'})`, which
 * the n8n CLI does and which needs a Node 24 native build. We pin "legacy" so Node 20 works.
 */
const { AsyncLocalStorage } = require('node:async_hooks');
const { createRequire } = require('node:module');
const os = require('node:os');

const {
	ExecuteContext,
	ExecutionLifecycleHooks,
	InstanceSettings,
	LoadOptionsContext,
	RoutingNode,
	WorkflowExecute,
	getAdditionalKeys,
} = require('n8n-core');
const {
	Expression,
	ICredentialsHelper,
	LoggerProxy,
	NodeConnectionTypes,
	NodeHelpers,
	UserError,
	Workflow,
	createRunExecutionData,
	isExpression,
} = require('n8n-workflow');

// n8n-core brings its own copies of @n8n/di and @n8n/backend-common (the top-level ones are older
// versions); the DI container is per copy, so we must register our services in n8n-core's.
const coreRequire = createRequire(require.resolve('n8n-core'));
const { Container } = coreRequire('@n8n/di');
const { Logger } = coreRequire('@n8n/backend-common');

const FEED_NODE_NAME = 'Feed';
const FEED_NODE_TYPE = 'n8n-test.feed';
const MODE = 'manual';

/** @typedef {{ level: string, message: string, metadata?: unknown }} LogEntry */

/** Routes log lines to the run that emitted them, even when runs overlap. */
const logSink = new AsyncLocalStorage();

/** Stands in for n8n's Logger (`this.logger` in nodes, LoggerProxy inside n8n-workflow/core). */
const recordingLogger = {
	scoped() {
		return recordingLogger;
	},
	...Object.fromEntries(
		['error', 'warn', 'info', 'debug'].map((level) => [
			level,
			/** @param {string} message @param {unknown} [metadata] */
			(message, metadata) => {
				/** @type {LogEntry[] | undefined} */
				const logs = logSink.getStore();
				logs?.push({ level, message: String(message), metadata });
			},
		]),
	),
};

let initialized = false;
/** One-time process setup: what n8n-core pulls from its DI container during an execution. */
function initialize() {
	if (initialized) return;
	initialized = true;
	Expression.setExpressionEngine('legacy');
	LoggerProxy.init(/** @type {any} */ (recordingLogger));
	Container.set(Logger, recordingLogger);
	// The real InstanceSettings reads and writes ~/.n8n/config; node contexts only need these.
	Container.set(InstanceSettings, {
		instanceId: 'test-instance',
		hmacSignatureSecret: 'test-hmac-secret',
		n8nFolder: os.tmpdir(),
		staticCacheDir: os.tmpdir(),
		isLeader: true,
		instanceRole: 'leader',
	});
}

/** @param {any} classOrInstance */
const instantiate = (classOrInstance) =>
	typeof classOrInstance === 'function' ? new classOrInstance() : classOrInstance;

/** @param {number | number[]} version */
const latestVersion = (version) => (Array.isArray(version) ? Math.max(...version) : version);

/** A registry of node types in the shape n8n-workflow's Workflow expects (INodeTypes). */
function nodeTypeRegistry(/** @type {Record<string, any>} */ byName) {
	return {
		getByName: (/** @type {string} */ name) => byName[name],
		getByNameAndVersion: (/** @type {string} */ name, /** @type {number=} */ version) =>
			byName[name] && NodeHelpers.getVersionedNodeType(byName[name], version),
		getKnownTypes: () => ({}),
	};
}

/**
 * The test's ICredentialsHelper: credentials come decrypted from the test, everything else
 * follows what n8n's CLI CredentialsHelper does for a generic-auth credential type.
 */
class TestCredentialsHelper extends ICredentialsHelper {
	/**
	 * @param {Map<string, any>} credentialTypes credential type instances by name
	 * @param {Record<string, Record<string, unknown>>} credentials decrypted data by type name
	 */
	constructor(credentialTypes, credentials) {
		super();
		this.credentialTypes = credentialTypes;
		this.credentials = credentials;
	}

	/** @param {string} typeName */
	getCredentialType(typeName) {
		const type = this.credentialTypes.get(typeName);
		if (!type)
			throw new UserError(`Unknown credential type "${typeName}" (not passed to the engine)`);
		return type;
	}

	/** @param {string} typeName @returns {string[]} */
	getParentTypes(typeName) {
		const parents = this.credentialTypes.get(typeName)?.extends ?? [];
		return parents.flatMap((/** @type {string} */ parent) => [
			parent,
			...this.getParentTypes(parent),
		]);
	}

	/** @param {string} typeName */
	isCredentialUsableByNode(typeName) {
		return !this.credentialTypes.get(typeName)?.restrictToSupportedNodes;
	}

	/** @param {string} typeName */
	getCredentialsProperties(typeName) {
		return this.getCredentialType(typeName).properties;
	}

	/**
	 * Fills in the credential type's defaults and resolves expressions in its values, as n8n does
	 * after decrypting.
	 * @param {any} additionalData @param {any} nodeCredentials @param {string} typeName
	 * @param {any} mode @param {any} [executeData] @param {boolean} [raw]
	 * @param {any} [resolveValues] ICredentialsExpressionResolveValues
	 */
	async getDecrypted(
		additionalData,
		nodeCredentials,
		typeName,
		mode,
		executeData,
		raw,
		resolveValues,
	) {
		const stored = this.credentials[typeName];
		if (stored === undefined) {
			throw new UserError(`No credentials of type "${typeName}" were given to the engine`);
		}
		if (raw) return { ...stored };
		const withDefaults = withCredentialDefaults(this.getCredentialType(typeName), stored);
		if (!resolveValues) return withDefaults;
		const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
			resolveValues;
		return workflow.expression.getParameterValue(
			withDefaults,
			runExecutionData,
			runIndex,
			itemIndex,
			node.name,
			connectionInputData,
			mode,
			getAdditionalKeys(additionalData, mode, null, { isCredential: true }),
			executeData,
			false,
			withDefaults,
		);
	}

	/**
	 * Applies the credential type's `authenticate`: a function is called; a generic description
	 * (headers/qs/body/auth) has each key and value resolved as an expression with `$credentials`.
	 * @param {Record<string, unknown>} credentials @param {string} typeName
	 * @param {any} requestOptions @param {any} [workflow] @param {any} [node]
	 */
	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const { authenticate } = this.getCredentialType(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type !== 'generic') return requestOptions;
		if (!workflow || !node) {
			throw new UserError('Generic credential authentication needs the workflow and the node');
		}
		/** @param {string} value */
		const resolve = (value) => {
			if (!isExpression(value)) return value;
			const resolved = workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			);
			return resolved ? String(resolved) : '';
		};
		requestOptions.headers ??= {};
		for (const [target, entries] of Object.entries(authenticate.properties)) {
			requestOptions[target] ??= {};
			for (const [key, value] of Object.entries(/** @type {object} */ (entries))) {
				requestOptions[target][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	// Token refresh (expirable credentials, OAuth) is out of scope: static-token credentials only.
	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	/** @returns {Promise<any>} */
	async getCredentials() {
		throw new UserError('Stored (encrypted) credentials are not available in the test engine');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}
}

/** @param {any} credentialType @param {Record<string, unknown>} data */
function withCredentialDefaults(credentialType, data) {
	return /** @type {Record<string, any>} */ (
		NodeHelpers.getNodeParameters(
			credentialType.properties,
			/** @type {any} */ (data),
			true,
			false,
			null,
			null,
		)
	);
}

let executionCounter = 0;

/**
 * The environment n8n passes to every execution (IWorkflowExecuteAdditionalData), reduced to what
 * a self-contained node needs; sub-workflows and task runners are refused.
 * @param {TestCredentialsHelper} credentialsHelper
 */
function createAdditionalData(credentialsHelper) {
	const unsupported = (/** @type {string} */ what) => async () => {
		throw new UserError(`${what} is not supported in the test engine`);
	};
	return {
		credentialsHelper,
		/** @type {ExecutionLifecycleHooks | undefined} set by runNode: it needs the execution id */
		hooks: undefined,
		executionId: String(++executionCounter),
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		logAiEvent: () => {},
		executeWorkflow: unsupported('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: unsupported('A task runner'),
	};
}

/**
 * The start node: a regular node without inputs that outputs this run's items, as the old
 * "Start" node with data did. One type per run, so items never leak between runs.
 * @param {Record<string, unknown>[]} items
 */
function feedNodeType(items) {
	return {
		description: {
			displayName: 'Feed',
			name: FEED_NODE_TYPE,
			group: ['input'],
			version: 1,
			description: 'Outputs the test items',
			defaults: { name: FEED_NODE_NAME },
			inputs: [],
			outputs: ['main'],
			properties: [],
		},
		async execute() {
			return [items.map((json) => ({ json: structuredClone(json) }))];
		},
	};
}

/**
 * WorkflowExecute keeps only a plain-object copy of a node's error (`{...error, message, stack}`);
 * this wrapper hands the thrown instance itself to `onError` and rethrows it untouched.
 * @param {any} type @param {(error: unknown) => void} onError
 */
function observingErrors(type, onError) {
	if (typeof type.execute !== 'function') return type;
	const observed = Object.create(type);
	observed.execute = async function (/** @type {unknown[]} */ ...args) {
		try {
			return await type.execute.apply(this, args);
		} catch (error) {
			onError(error);
			throw error;
		}
	};
	return observed;
}

/** Node classes are instantiated once: description building can be costly. */
const nodeTypeInstances = new WeakMap();
/** @param {any} nodeType */
function nodeTypeInstance(nodeType) {
	if (typeof nodeType !== 'function') return nodeType;
	if (!nodeTypeInstances.has(nodeType)) nodeTypeInstances.set(nodeType, new nodeType());
	return nodeTypeInstances.get(nodeType);
}

/** @param {any[]} credentialTypes */
function credentialTypeMap(credentialTypes) {
	return new Map(credentialTypes.map(instantiate).map((type) => [type.name, type]));
}

/**
 * The node under test as a workflow would hold it, with a reference per given credential.
 * @param {any} type node type instance
 * @param {{ credentials: Record<string, unknown>, parameters: import('n8n-workflow').INodeParameters, typeVersion?: number }} options
 * @returns {import('n8n-workflow').INode}
 */
function nodeUnderTest(type, { credentials, parameters, typeVersion }) {
	const { description } = type;
	return {
		id: 'node-under-test',
		name: description.defaults?.name ?? description.displayName,
		type: `CUSTOM.${description.name}`,
		typeVersion: typeVersion ?? latestVersion(description.version),
		position: [200, 0],
		parameters: structuredClone(parameters),
		credentials: Object.fromEntries(
			Object.keys(credentials).map((name) => [name, { id: `cred-${name}`, name }]),
		),
	};
}

/**
 * @typedef {object} RunNodeOptions
 * @property {any} nodeType node class or instance (INodeType)
 * @property {any[]} [credentialTypes] credential classes or instances (ICredentialType)
 * @property {Record<string, Record<string, unknown>>} [credentials] decrypted data by type name
 * @property {import('n8n-workflow').INodeParameters} [parameters] node parameters, n8n expressions allowed
 * @property {Record<string, unknown>[]} [items] input items' json; default one empty item
 * @property {boolean} [continueOnFail] the node's "On Error: Continue" setting
 * @property {number} [typeVersion] default: the node type's latest version
 *
 * @typedef {object} RunNodeResult
 * @property {any[]} items our node's first output: {json, pairedItem, error?}
 * @property {any[][]} outputs all of our node's outputs
 * @property {any} error the error the node failed with (NodeApiError/NodeOperationError), if any
 * @property {LogEntry[]} logs everything logged during the run (node's this.logger and n8n's own)
 * @property {any} runData the execution's runData, by node name
 */

/**
 * Runs `Feed -> node` through WorkflowExecute and returns what our node produced.
 * @param {RunNodeOptions} options
 * @returns {Promise<RunNodeResult>}
 */
async function runNode({
	nodeType,
	credentialTypes = [],
	credentials = {},
	parameters = {},
	items = [{}],
	continueOnFail = false,
	typeVersion,
}) {
	initialize();
	const type = nodeTypeInstance(nodeType);
	/** @type {import('n8n-workflow').INode} */
	const node = {
		...nodeUnderTest(type, { credentials, parameters, typeVersion }),
		// How the editor stores "On Error": continueRegularOutput is "Continue".
		onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
	};
	/** @type {import('n8n-workflow').INode} */
	const feedNode = {
		id: 'feed',
		name: FEED_NODE_NAME,
		type: FEED_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	/** @type {import('n8n-workflow').IConnections} */
	const connections = {
		[FEED_NODE_NAME]: { main: [[{ node: node.name, type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	/** @type {unknown} */
	let thrown;
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Test workflow',
		nodes: [feedNode, node],
		connections,
		active: false,
		nodeTypes: nodeTypeRegistry({
			[FEED_NODE_TYPE]: feedNodeType(items),
			[node.type]: observingErrors(type, (error) => (thrown = error)),
		}),
		settings: { executionOrder: 'v1' },
	});
	const credentialsHelper = new TestCredentialsHelper(
		credentialTypeMap(credentialTypes),
		credentials,
	);
	const additionalData = createAdditionalData(credentialsHelper);
	additionalData.hooks = new ExecutionLifecycleHooks(MODE, additionalData.executionId, {
		id: workflow.id,
		name: workflow.name,
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes: [feedNode, node],
		connections,
		settings: workflow.settings,
		createdAt: new Date(),
		updatedAt: new Date(),
	});

	/** @type {LogEntry[]} */
	const logs = [];
	const run = await logSink.run(logs, () =>
		new WorkflowExecute(/** @type {any} */ (additionalData), MODE).run({
			workflow,
			startNode: workflow.getNode(FEED_NODE_NAME) ?? undefined,
		}),
	);
	const { runData, error: executionError } = run.data.resultData;
	const task = runData[node.name]?.[0];
	const outputs = task?.data?.main ?? [];
	return {
		items: outputs[0] ?? [],
		outputs,
		error: task?.error ? (thrown ?? task.error) : executionError,
		logs,
		runData,
	};
}

/**
 * Calls one of the node's `methods.listSearch` functions (a resource locator's "From List") the
 * way the editor does: in a LoadOptionsContext for the node with its parameters and credentials.
 * @param {Omit<RunNodeOptions, 'items' | 'continueOnFail'> & { method: string, filter?: string, paginationToken?: string }} options
 * @returns {Promise<import('n8n-workflow').INodeListSearchResult>}
 */
async function listSearch({
	nodeType,
	credentialTypes = [],
	credentials = {},
	parameters = {},
	typeVersion,
	method,
	filter,
	paginationToken,
}) {
	initialize();
	const type = nodeTypeInstance(nodeType);
	const search = type.methods?.listSearch?.[method];
	if (!search) throw new UserError(`The node type has no listSearch method "${method}"`);
	const node = nodeUnderTest(type, { credentials, parameters, typeVersion });
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypeRegistry({ [node.type]: type }),
	});
	const credentialsHelper = new TestCredentialsHelper(
		credentialTypeMap(credentialTypes),
		credentials,
	);
	const context = new LoadOptionsContext(
		workflow,
		node,
		/** @type {any} */ (createAdditionalData(credentialsHelper)),
		'',
	);
	return await search.call(context, filter, paginationToken);
}

/**
 * What n8n's "Test credential" button does for a credential with a declarative `test` request:
 * the request runs through RoutingNode (so `baseURL`/`url` expressions see `$credentials`) and
 * n8n-core's authenticated HTTP helper; a failure becomes an "Error" result, judged by the test's
 * `rules` (responseCode, responseSuccessBody) first and by the HTTP status otherwise.
 * @param {{ credentialType: any, data: Record<string, unknown> }} options credential class or
 *   instance, and its decrypted data
 * @returns {Promise<{ status: 'OK' | 'Error', message: string }>}
 */
async function testCredential({ credentialType, data }) {
	initialize();
	const type = instantiate(credentialType);
	if (!type.test)
		return { status: 'Error', message: 'No testing function found for this credential.' };
	const { request, rules = [] } = type.test;
	const credentialsHelper = new TestCredentialsHelper(credentialTypeMap([type]), {
		[type.name]: data,
	});
	// A throwaway node whose single property routes the test request, as n8n builds one.
	const testerType = {
		description: {
			displayName: 'Credential Test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: type.name, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request } },
			],
		},
	};
	/** @type {import('n8n-workflow').INode} */
	const node = {
		id: 'credential-test',
		name: 'Credential Test',
		type: 'credentialTest',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [type.name]: { id: `cred-${type.name}`, name: type.name } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypeRegistry({ credentialTest: testerType }),
	});
	const additionalData = createAdditionalData(credentialsHelper);
	const context = new ExecuteContext(
		workflow,
		node,
		/** @type {any} */ (additionalData),
		'internal',
		createRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const decrypted = {
		id: `cred-${type.name}`,
		name: type.name,
		type: type.name,
		data: await credentialsHelper.getDecrypted(
			additionalData,
			node.credentials[type.name],
			type.name,
			'internal',
		),
	};

	/** @type {any} */
	let response;
	try {
		response = await new RoutingNode(context, /** @type {any} */ (testerType), decrypted).runNode();
	} catch (error) {
		const failure = /** @type {any} */ (error);
		const httpResponse = failure.cause?.response;
		if (httpResponse) {
			const rule = rules.find(
				(/** @type {any} */ r) =>
					r.type === 'responseCode' && r.properties.value === httpResponse.status,
			);
			if (rule) return { status: 'Error', message: rule.properties.message };
			if (httpResponse.status < 200 || httpResponse.status > 299) {
				return {
					status: 'Error',
					message: httpResponse.statusText || `Received HTTP status code: ${httpResponse.status}`,
				};
			}
		} else if (failure.cause?.code) {
			return { status: 'Error', message: failure.cause.code };
		}
		return { status: 'Error', message: String(failure.message) };
	}
	const body = response?.[0]?.[0]?.json;
	for (const rule of rules) {
		if (
			rule.type === 'responseSuccessBody' &&
			getPath(body, rule.properties.key) === rule.properties.value
		) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** @param {any} object @param {string} path dotted path, e.g. "error.code" */
const getPath = (object, path) =>
	path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), object);

module.exports = { runNode, listSearch, testCredential };
