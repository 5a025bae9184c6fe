import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ScimError } from '../../transport/errors';
import { attempt, settle } from '../../transport/settle';
import { emailKey } from '../../transport/filter';
import { patchOperationsFor, type ScimUser, type UsersApi } from '../../transport/users';
import { forEachConcurrently } from '../concurrency';
import { ItemFailure, type ItemResult, type RunSettings } from '../types';
import { InputError } from './input';
import { createUser, newUserDescription, readNewUser, type NewUser } from './newUser';
import { forOperations } from './shared';

const OPERATION = 'sync';
const show = forOperations([OPERATION]);
const showForRemovals = { show: { resource: ['user'], operation: [OPERATION], removeMissing: [true] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Every input item is one user of the directory; together they are the users Qase should have. Map the fields below to your directory\'s data.',
		name: 'syncNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	...newUserDescription(OPERATION),
	{
		displayName: 'Deactivate Users Not in Input',
		name: 'removeMissing',
		type: 'boolean',
		default: false,
		description: 'Whether active Qase users who are not in the input are set inactive (or deleted)',
		displayOptions: show,
	},
	{
		displayName: 'Users Not in Input',
		name: 'missingUserAction',
		type: 'options',
		default: 'deactivate',
		description: 'What happens to active Qase users who are not in the input',
		displayOptions: showForRemovals,
		options: [
			{ name: 'Deactivate', value: 'deactivate', description: 'Set them inactive; accounts and history stay' },
			{ name: 'Delete', value: 'delete', description: 'Delete them from Qase for good' },
		],
	},
	{
		displayName: 'Max Users to Remove',
		name: 'maxRemovals',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 10,
		description:
			'Stop with an error, changing nothing, when more users than this would be deactivated or deleted. 0 means no limit.',
		displayOptions: show,
	},
	{
		displayName: 'Max Share to Remove (%)',
		name: 'maxRemovalPercent',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 20,
		description:
			'Stop with an error, changing nothing, when more than this share of the active Qase users would be deactivated or deleted. 0 means no limit.',
		displayOptions: show,
	},
	{
		displayName: 'Protected Emails',
		name: 'protectedEmails',
		type: 'string',
		default: '',
		placeholder: 'e.g. owner@example.com, qa-bot@example.com',
		description:
			'Emails that are never changed, separated by commas or new lines. Add the workspace owner (SCIM does not say who it is; Qase refuses to delete it, and Sync then reports it as skipped) and service accounts.',
		displayOptions: show,
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to only output the planned changes, without changing anything in Qase',
		displayOptions: show,
	},
];

type SyncAction = 'create' | 'update' | 'reactivate' | 'deactivate' | 'delete';

interface Change {
	action: SyncAction;
	email: string;
	/** The input item the change comes from; removals belong to no item and use item 0. */
	itemIndex: number;
	id?: string;
	wanted?: NewUser;
	operations?: object[];
}

/** A listed user, keyed by `emailKey`. */
interface Listed {
	itemIndex: number;
	wanted: NewUser;
}

/**
 * Reconciles Qase with the directory given as input items: one list of Qase's users, a plan,
 * then only the writes the plan needs. Nothing is written when the input has errors (without
 * Continue On Fail), when the removal threshold is passed, or in a dry run.
 */
export async function executeBatch(this: IExecuteFunctions, users: UsersApi, settings: RunSettings): Promise<ItemResult[]> {
	const itemCount = this.getInputData().length;
	const continueOnFail = this.continueOnFail();
	const rejected: ItemResult[] = [];
	const listed = new Map<string, Listed>();
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		const read = attempt(() => readListedUser(this, itemIndex, listed));
		if (read.ok) continue;
		if (!continueOnFail) throw new ItemFailure(itemIndex, read.error);
		rejected.push({ itemIndex, outcome: read });
	}

	const protectedEmails = readProtectedEmails(this.getNodeParameter('protectedEmails', 0, '') as string);
	const removeMissing = this.getNodeParameter('removeMissing', 0, false) as boolean;
	const dryRun = this.getNodeParameter('dryRun', 0, false) as boolean;

	const qaseUsers = await users.list();
	const changes = planUpdates(listed, qaseUsers, protectedEmails);
	// An unreadable item may stand for a directory user whose email we could not read:
	// removing "missing" users then could remove that user, so removals wait for a clean input.
	const removalsAllowed = removeMissing && rejected.length === 0;
	if (removalsAllowed) {
		const action = this.getNodeParameter('missingUserAction', 0) as 'deactivate' | 'delete';
		changes.push(...planRemovals(listed, qaseUsers, protectedEmails, action));
	}
	const overThreshold = removalThresholdExceeded(this, changes, qaseUsers);
	// A dry run still shows the plan, so the threshold can be judged; a real run stops untouched.
	if (overThreshold && !dryRun) throw new ItemFailure(0, overThreshold);

	const results: ItemResult[] = new Array(changes.length);
	await forEachConcurrently(changes.length, settings.parallelism, async (index) => {
		const change = changes[index];
		const identity = { action: change.action, email: change.email, id: change.id ?? null };
		if (dryRun) {
			results[index] = { itemIndex: change.itemIndex, outcome: { ok: true, value: [{ ...identity, result: 'planned' }] } };
			return;
		}
		const applied = await settle(apply(users, change));
		if (applied.ok) {
			results[index] = { itemIndex: change.itemIndex, outcome: { ok: true, value: [{ ...identity, id: applied.value, result: 'done' }] } };
		} else if (isOwnerRefusal(applied.error, change)) {
			const skipped = { ...identity, result: 'skipped', reason: 'Qase refused: workspace owner' };
			results[index] = { itemIndex: change.itemIndex, outcome: { ok: true, value: [skipped] } };
		} else {
			results[index] = { itemIndex: change.itemIndex, outcome: applied, failureDetails: { ...identity, result: 'failed' } };
		}
	});

	const summary = summarise(results, changes, {
		dryRun,
		listed: listed.size,
		qaseUsers: qaseUsers.length,
		rejected: rejected.length,
		removalsSkipped: removeMissing && !removalsAllowed,
	});
	if (overThreshold) summary.thresholdExceeded = overThreshold.message;
	return [...rejected, ...results, { itemIndex: 0, outcome: { ok: true, value: [summary] } }];
}

/** Qase protects the workspace owner with a 409; Sync leaves the owner alone and says so. */
function isOwnerRefusal(error: unknown, change: Change): boolean {
	return (change.action === 'deactivate' || change.action === 'delete') && error instanceof ScimError && error.status === 409;
}

function readListedUser(context: IExecuteFunctions, itemIndex: number, listed: Map<string, Listed>): void {
	const wanted = readNewUser(context, itemIndex);
	const key = emailKey(wanted.userName);
	const earlier = listed.get(key);
	if (earlier) {
		throw new InputError(
			'Email',
			`Email "${wanted.userName}" is also in item ${earlier.itemIndex}`,
			'Each directory user must appear once in the input; remove the duplicate.',
		);
	}
	listed.set(key, { itemIndex, wanted: { ...wanted, active: wanted.active ?? true } });
}

function readProtectedEmails(text: string): Set<string> {
	return new Set(
		text
			.split(/[,;\n]/)
			.map((email) => emailKey(email.trim()))
			.filter((email) => email !== ''),
	);
}

/** Creates, updates and reactivations for the listed users, in input order. */
function planUpdates(listed: Map<string, Listed>, qaseUsers: ScimUser[], protectedEmails: Set<string>): Change[] {
	const byEmail = new Map(qaseUsers.map((user) => [emailKey(user.userName), user]));
	const changes: Change[] = [];
	for (const [key, { itemIndex, wanted }] of listed) {
		if (protectedEmails.has(key)) continue;
		const existing = byEmail.get(key);
		if (!existing) {
			changes.push({ action: 'create', email: wanted.userName, itemIndex, wanted });
			continue;
		}
		const operations = patchOperationsFor(existing, { ...wanted, userName: undefined });
		if (operations.length === 0) continue;
		const activeChange = (existing.active !== false) !== wanted.active;
		const action: SyncAction = activeChange ? (wanted.active ? 'reactivate' : 'deactivate') : 'update';
		changes.push({ action, email: existing.userName, itemIndex, id: existing.id, operations });
	}
	return changes;
}

/** Active Qase users who are not listed and not protected. */
function planRemovals(
	listed: Map<string, Listed>,
	qaseUsers: ScimUser[],
	protectedEmails: Set<string>,
	action: 'deactivate' | 'delete',
): Change[] {
	return qaseUsers
		.filter((user) => {
			const key = emailKey(user.userName);
			return user.active !== false && !listed.has(key) && !protectedEmails.has(key);
		})
		.map((user) => ({
			action,
			email: user.userName,
			itemIndex: 0,
			id: user.id,
			operations: action === 'deactivate' ? patchOperationsFor(user, { active: false }) : undefined,
		}));
}

/**
 * Like Entra ID's accidental-deletion threshold: every planned deactivation or deletion counts
 * (users missing from the input, and listed users the input marks inactive). Returns the error
 * to stop with, or undefined.
 */
function removalThresholdExceeded(context: IExecuteFunctions, changes: Change[], qaseUsers: ScimUser[]): InputError | undefined {
	const removals = changes.filter((change) => change.action === 'deactivate' || change.action === 'delete').length;
	const maxRemovals = context.getNodeParameter('maxRemovals', 0, 0) as number;
	const maxPercent = context.getNodeParameter('maxRemovalPercent', 0, 0) as number;
	const active = qaseUsers.filter((user) => user.active !== false).length;
	const percent = active === 0 ? 0 : (removals / active) * 100;
	const overCount = maxRemovals > 0 && removals > maxRemovals;
	const overShare = maxPercent > 0 && percent > maxPercent;
	if (!overCount && !overShare) return undefined;
	return new InputError(
		overCount ? 'Max Users to Remove' : 'Max Share to Remove (%)',
		`Sync stopped: it would remove ${removals} of ${active} active Qase users (${percent.toFixed(1)}%), over the limit of ${overCount ? `${maxRemovals} users` : `${maxPercent}%`}. Nothing was changed.`,
		'Check that the input holds the whole directory (Dry Run shows the plan). If the removals are intended, raise "Max Users to Remove" or "Max Share to Remove (%)".',
	);
}

/** Carries out one change; resolves to the user's Qase id. */
async function apply(users: UsersApi, change: Change): Promise<string> {
	switch (change.action) {
		case 'create':
			return (await createUser(users, change.wanted as NewUser, 'update')).user.id;
		case 'delete':
			await users.delete(change.id as string);
			return change.id as string;
		default:
			await users.patch(change.id as string, change.operations as object[], { readBack: false });
			return change.id as string;
	}
}

function summarise(
	results: ItemResult[],
	changes: Change[],
	facts: { dryRun: boolean; listed: number; qaseUsers: number; rejected: number; removalsSkipped: boolean },
): IDataObject {
	const counts: Record<SyncAction, number> = { create: 0, update: 0, reactivate: 0, deactivate: 0, delete: 0 };
	let failed = facts.rejected;
	let skipped = 0;
	results.forEach((result, index) => {
		if (!result.outcome.ok) failed++;
		else if (result.outcome.value[0]?.result === 'skipped') skipped++;
		else counts[changes[index].action]++;
	});
	const summary: IDataObject = {
		summary: true,
		dryRun: facts.dryRun,
		inputUsers: facts.listed,
		qaseUsers: facts.qaseUsers,
		created: counts.create,
		updated: counts.update,
		reactivated: counts.reactivate,
		deactivated: counts.deactivate,
		deleted: counts.delete,
		skipped,
		failed,
	};
	if (facts.removalsSkipped) {
		summary.removalsSkipped = 'Some input items were invalid, so no user was deactivated or deleted as missing.';
	}
	return summary;
}
