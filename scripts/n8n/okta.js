// @ts-check
'use strict';
/**
 * Okta event hooks as Okta delivers them (the one-time verification GET, then JSON POSTs of
 * System Log events), and waiting for the n8n executions they start. Used by the end-to-end
 * tests and by `npm run demo`.
 */
const crypto = require('node:crypto');
const axios = require('axios').default;

/**
 * A workflow's executions (newest first) from n8n's REST API.
 * @param {import('./runtime').Context} ctx @param {string} workflowId
 * @returns {Promise<Array<{ id: string, status: string, workflowId: string }>>}
 */
async function executions(ctx, workflowId) {
	if (!ctx.session) throw new Error('no REST session: start n8n and set up the owner first');
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const res = await ctx.session.request('GET', `/rest/executions?filter=${filter}&limit=100`);
	return (res.data?.results ?? []).filter((/** @type {any} */ e) => e.workflowId === workflowId);
}

/**
 * Runs `trigger` (e.g. a webhook call), then waits until the execution of the workflow it started
 * has finished and checks that it succeeded: a webhook answers before its execution ends, so this
 * is how a test knows the run is over.
 * @param {import('./runtime').Context} ctx @param {string} workflowId
 * @param {() => Promise<unknown>} trigger
 */
async function triggerAndWait(ctx, workflowId, trigger, timeoutMs = 60_000) {
	const earlier = new Set((await executions(ctx, workflowId)).map((e) => e.id));
	await trigger();
	const started = Date.now();
	for (;;) {
		const fresh = (await executions(ctx, workflowId)).filter((e) => !earlier.has(e.id));
		const finished = fresh.length > 0 && fresh.every((e) => !['new', 'running', 'waiting'].includes(e.status));
		if (finished) {
			const failed = fresh.filter((e) => e.status !== 'success');
			if (failed.length) throw new Error(`executions of ${workflowId} failed: ${JSON.stringify(failed)}\n${ctx.server?.logs().slice(-3000)}`);
			return fresh;
		}
		if (Date.now() - started > timeoutMs) {
			throw new Error(`${workflowId}: no finished execution ${timeoutMs} ms after the trigger: ${JSON.stringify(fresh)}\n${ctx.server?.logs().slice(-3000)}`);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

/**
 * An Okta event (one entry of data.events) about a user, as Okta's System Log sends it.
 * @param {string} eventType e.g. 'group.user_membership.add'
 * @param {{ email: string, displayName: string }} user
 * @param {string} [group] the group of a membership event
 */
function oktaEvent(eventType, user, group) {
	/** @type {any[]} */
	const target = [{ id: `00u${crypto.randomBytes(7).toString('hex')}`, type: 'User', alternateId: user.email, displayName: user.displayName, detailEntry: null }];
	if (group) target.push({ id: `00g${crypto.randomBytes(7).toString('hex')}`, type: 'UserGroup', alternateId: 'unknown', displayName: group, detailEntry: null });
	return {
		uuid: crypto.randomUUID(),
		published: new Date().toISOString(),
		eventType,
		version: '0',
		displayMessage: DISPLAY_MESSAGES[eventType] || eventType,
		severity: 'INFO',
		actor: { id: '00u1admin0000000000', type: 'User', alternateId: 'admin@example.com', displayName: 'Okta Admin', detailEntry: null },
		outcome: { result: 'SUCCESS', reason: null },
		target,
	};
}

/** @type {Record<string, string>} */
const DISPLAY_MESSAGES = {
	'group.user_membership.add': 'Add user to group membership',
	'group.user_membership.remove': 'Remove user from group membership',
	'user.lifecycle.activate': 'Activate Okta user',
	'user.lifecycle.deactivate': 'Deactivate Okta user',
};

/** The body of one event-hook POST. @param {any[]} events */
function oktaEventHook(events) {
	return {
		eventType: 'com.okta.event_hook',
		eventTypeVersion: '1.0',
		cloudEventsVersion: '0.1',
		source: 'https://example.okta.com/api/v1/eventHooks/who8e2etest0000000',
		eventId: crypto.randomUUID(),
		data: { events },
		eventTime: new Date().toISOString(),
		contentType: 'application/json',
	};
}

/**
 * Okta's one-time verification: a GET with the challenge header; returns the answer's JSON.
 * @param {string} url @param {string} challenge
 */
async function verifyEventHook(url, challenge) {
	const res = await axios.get(url, { headers: { 'x-okta-verification-challenge': challenge } });
	return { status: res.status, contentType: String(res.headers['content-type']), body: res.data };
}

/** Delivers an event hook as Okta does (JSON POST); returns the HTTP status. @param {string} url @param {any} body */
async function deliverEventHook(url, body) {
	const res = await axios.post(url, body, { headers: { 'content-type': 'application/json', 'user-agent': 'Okta Event Hooks' } });
	return res.status;
}

module.exports = { executions, triggerAndWait, oktaEvent, oktaEventHook, verifyEventHook, deliverEventHook };
