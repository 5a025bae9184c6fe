// @ts-check
'use strict';
/**
 * A Manual Trigger and a chain of Qase SCIM nodes that uses every operation once, against the
 * seeded sandbox (owner, alex.smith, jordan.lee, sam.taylor, casey.brown inactive). Each step
 * passes one item on, so each node runs once; the users it touches are in OPERATIONS_USERS.
 */
const crypto = require('node:crypto');
const { CREDENTIAL, NODE_TYPE } = require('./support');

const OPERATIONS_WORKFLOW_ID = 'qaseScimE2eOps01';

const OPERATIONS_USERS = {
	/** created, found, read, updated, deactivated and reactivated */
	lifecycle: 'olivia.ops@example.com',
	/** a seeded user changed by Create or Update */
	upsertExisting: 'alex.smith@example.com',
	/** created by Create or Update */
	upsertNew: 'uma.upsert@example.com',
	/** a seeded user deleted */
	deleted: 'sam.taylor@example.com',
	/** the Sync step's input: one existing user renamed, one new */
	syncRenamed: 'jordan.lee@example.com',
	syncNew: 'sid.sync@example.com',
};

const id = (/** @type {string} */ expression) => ({ __rl: true, mode: 'id', value: expression });
const byEmail = (/** @type {string} */ email) => ({ __rl: true, mode: 'email', value: email });
const CREATED_ID = "={{ $('Create').item.json.id }}";

/** [node name, parameters] of each Qase step, in order. */
const QASE_STEPS = [
	['Find missing', { operation: 'findByEmail', email: OPERATIONS_USERS.lifecycle }],
	['Create', { operation: 'create', email: OPERATIONS_USERS.lifecycle, firstName: 'Olivia', lastName: 'Ops' }],
	['Find created', { operation: 'findByEmail', email: OPERATIONS_USERS.lifecycle }],
	['Get by ID', { operation: 'get', user: id(CREATED_ID) }],
	['Update', { operation: 'update', user: byEmail(OPERATIONS_USERS.lifecycle), updateFields: { firstName: 'Olive', userType: 'read-only' } }],
	['Deactivate', { operation: 'deactivate', user: id(CREATED_ID) }],
	['Get deactivated', { operation: 'get', user: byEmail(OPERATIONS_USERS.lifecycle) }],
	['Reactivate', { operation: 'reactivate', user: id(CREATED_ID) }],
	['Create or Update existing', { operation: 'createOrUpdate', email: OPERATIONS_USERS.upsertExisting, firstName: 'Alex', lastName: 'Smith-Jones' }],
	['Create or Update new', { operation: 'createOrUpdate', email: OPERATIONS_USERS.upsertNew, firstName: 'Uma', lastName: 'Upsert' }],
	['Delete', { operation: 'delete', user: byEmail(OPERATIONS_USERS.deleted) }],
	['Get Many', { operation: 'getAll', returnAll: true }],
];

function operationsWorkflow() {
	/** @type {any[]} */
	const nodes = [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} }];
	for (const [name, parameters] of QASE_STEPS) nodes.push(qaseNode(/** @type {string} */ (name), parameters));
	// Sync takes the whole directory as its input items: build two from a JSON list
	nodes.push({
		name: 'Directory',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		executeOnce: true, // Get Many outputs one item per user
		parameters: {
			mode: 'raw',
			jsonOutput: JSON.stringify({
				users: [
					{ email: OPERATIONS_USERS.syncRenamed, firstName: 'Jordan', lastName: 'Lee-Park' },
					{ email: OPERATIONS_USERS.syncNew, firstName: 'Sid', lastName: 'Sync' },
				],
			}),
			options: {},
		},
	});
	nodes.push({ name: 'One item per user', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'users', options: {} } });
	nodes.push(
		qaseNode('Sync', { operation: 'sync', email: '={{ $json.email }}', firstName: '={{ $json.firstName }}', lastName: '={{ $json.lastName }}' }),
	);
	/** @type {Record<string, any>} */
	const connections = {};
	nodes.forEach((node, index) => {
		node.id = crypto.randomUUID();
		node.position = [index * 220, 0];
		const next = nodes[index + 1];
		if (next) connections[node.name] = { main: [[{ node: next.name, type: 'main', index: 0 }]] };
	});
	return { id: OPERATIONS_WORKFLOW_ID, name: 'Qase SCIM: every operation (e2e)', nodes, connections, settings: { executionOrder: 'v1' } };
}

/** @param {string} name @param {object} parameters */
function qaseNode(name, parameters) {
	return {
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		parameters: { resource: 'user', ...parameters },
		credentials: { [CREDENTIAL.type]: { id: null, name: CREDENTIAL.name } },
	};
}

module.exports = { operationsWorkflow, OPERATIONS_WORKFLOW_ID, OPERATIONS_USERS };
