import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { requestOptionsDescription } from './actions/requestOptions';
import { route } from './actions/router';
import { userDescription } from './actions/user';
import { searchUsers } from './methods/listSearch';

export class QaseScim implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Qase SCIM',
		name: 'qaseScim',
		icon: { light: 'file:qaseScim.svg', dark: 'file:qaseScim.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Provision and de-provision Qase users through the Qase SCIM API: find by email, create, update, deactivate, reactivate, delete, list',
		defaults: { name: 'Qase SCIM' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'qaseScimApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'user',
				options: [{ name: 'User', value: 'user' }],
			},
			...userDescription,
			requestOptionsDescription,
		],
	};

	methods = { listSearch: { searchUsers } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
