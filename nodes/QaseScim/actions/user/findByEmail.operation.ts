import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { attempt, settle, type Settled } from '../../transport/settle';
import { emailKey } from '../../transport/filter';
import { lookupBatches, type ScimUser, type UsersApi } from '../../transport/users';
import { forEachConcurrently } from '../concurrency';
import { ItemFailure, type ItemResult, type RunSettings } from '../types';
import { readEmail } from './input';
import { emailParameter, forOperations, formatUser, notFoundError, simplifyOption } from './shared';

const show = forOperations(['findByEmail']);

export const description: INodeProperties[] = [
	emailParameter('findByEmail', 'The email to look for. Matching ignores upper and lower case.'),
	{
		displayName: 'When Not Found',
		name: 'whenNotFound',
		type: 'options',
		default: 'markNotFound',
		displayOptions: show,
		options: [
			{
				name: 'Output Item Marked Not Found',
				value: 'markNotFound',
				description: 'Output { found: false, email }, so an IF node can branch on "found"',
			},
			{ name: 'Output Nothing', value: 'nothing', description: 'Output no item for this email' },
			{ name: 'Stop With Error', value: 'error', description: 'Fail (or, with Continue On Fail, output an error item)' },
		],
	},
	simplifyOption(['findByEmail']),
];

/**
 * Looks up every item's email with as few requests as the server allows: emails are read
 * first (a bad one stops the run before anything is sent), then looked up in `or` batches.
 */
export async function executeBatch(this: IExecuteFunctions, users: UsersApi, settings: RunSettings): Promise<ItemResult[]> {
	const itemCount = this.getInputData().length;
	const emails = Array.from({ length: itemCount }, (_, itemIndex) =>
		attempt(() => readEmail(this.getNodeParameter('email', itemIndex), 'Email')),
	);
	const firstBad = emails.findIndex((email) => !email.ok);
	if (firstBad >= 0 && !this.continueOnFail()) throw new ItemFailure(firstBad, (emails[firstBad] as { error: unknown }).error);

	const valid = emails.flatMap((email) => (email.ok ? [email.value] : []));
	const batches = lookupBatches([...new Map(valid.map((email) => [emailKey(email), email])).values()]);
	const lookups = new Map<string, Settled<ScimUser | undefined>>();
	await forEachConcurrently(batches.length, settings.parallelism, async (batchIndex) => {
		const batch = batches[batchIndex];
		const found = await settle(users.findBatchByEmail(batch));
		for (const email of batch) {
			const key = emailKey(email);
			lookups.set(key, found.ok ? (found.value.get(key) as Settled<ScimUser | undefined>) : found);
		}
	});

	return emails.map((email, itemIndex): ItemResult => {
		if (!email.ok) return { itemIndex, outcome: email };
		const lookup = lookups.get(emailKey(email.value)) as Settled<ScimUser | undefined>;
		if (!lookup.ok) return { itemIndex, outcome: lookup };
		return { itemIndex, outcome: attempt(() => outputFor(this, itemIndex, email.value, lookup.value)) };
	});
}

function outputFor(context: IExecuteFunctions, itemIndex: number, email: string, user: ScimUser | undefined): IDataObject[] {
	if (user) return [formatUser(context, itemIndex, user, { found: true })];
	const whenNotFound = context.getNodeParameter('whenNotFound', itemIndex) as string;
	if (whenNotFound === 'nothing') return [];
	if (whenNotFound === 'error') throw notFoundError({ by: 'email', email });
	return [{ found: false, email }];
}
