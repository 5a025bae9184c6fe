import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class QaseScimApi implements ICredentialType {
	name = 'qaseScimApi';

	displayName = 'Qase SCIM API';

	icon: Icon = { light: 'file:../nodes/QaseScim/qaseScim.svg', dark: 'file:../nodes/QaseScim/qaseScim.dark.svg' };

	documentationUrl = 'https://docs.qase.io/administration/scim';

	properties: INodeProperties[] = [
		{
			displayName: 'SCIM Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The token created in Qase under Workspace > SCIM (Enterprise plan). It is not the Qase REST API token.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.qase.io/scim/v2',
			required: true,
			placeholder: 'e.g. https://app.qase.io/scim/v2',
			description:
				'The SCIM base URL shown in Qase. Must use HTTPS; plain HTTP is accepted only for a server on this machine (127.x.x.x, localhost, [::1]), such as the Qase SCIM sandbox.',
		},
		{
			// A plain prefix test: n8n re-applies display conditions on every request, and a regex
			// condition runs in a time-limited sandbox.
			displayName:
				'Plain HTTP is refused unless the host is this machine (127.x.x.x, localhost or [::1]): Qase serves SCIM only over HTTPS.',
			name: 'httpsNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { baseUrl: [{ _cnd: { startsWith: 'http://' } }] } },
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.token}}',
			},
		},
	};

	// The same request Okta uses to test a Qase SCIM connection, cut to one user. The base URL
	// expression resolves to nothing when the URL is plain HTTP off loopback, so the test fails
	// instead of sending the token in clear.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ /^https:\\/\\/|^http:\\/\\/(localhost|127\\.\\d+\\.\\d+\\.\\d+|\\[::1\\])(:\\d+)?(\\/|$)/i.test($credentials.baseUrl.trim()) ? $credentials.baseUrl.trim().replace(/\\/+$/, "") : "https://base-url-must-use-https.invalid" }}',
			url: '/Users',
			qs: { startIndex: 1, count: 1 },
			method: 'GET',
			headers: { Accept: 'application/scim+json' },
			// A redirect could carry the token to another host.
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'The SCIM token was not accepted. Create a new one in Qase under Workspace > SCIM.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The token is valid but SCIM is disabled for this workspace, or the plan is not Enterprise. Enable SCIM in Qase under Workspace > SCIM.',
				},
			},
		],
	};
}
