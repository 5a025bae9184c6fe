// @ts-check
'use strict';

const { USER_SCHEMA } = require('./attributes');

/**
 * Discovery documents (RFC 7643 §5-7), honest about this server: Users only (Qase documents no
 * Groups), PATCH, filter and sort supported, no bulk, no ETags, bearer-token authentication.
 */

/**
 * @param {string} name
 * @param {string} type
 * @param {Record<string, unknown>} [overrides]
 */
function attribute(name, type, overrides = {}) {
	return {
		name,
		type,
		multiValued: false,
		required: false,
		caseExact: false,
		mutability: 'readWrite',
		returned: 'default',
		uniqueness: 'none',
		...overrides,
	};
}

const USER_ATTRIBUTES = [
	attribute('userName', 'string', {
		description: "The user's email address; unique case-insensitively.",
		required: true,
		uniqueness: 'server',
	}),
	attribute('name', 'complex', {
		required: true,
		subAttributes: [
			attribute('givenName', 'string', { required: true, description: 'At most 60 characters.' }),
			attribute('familyName', 'string', { required: true, description: 'At most 60 characters.' }),
		],
	}),
	attribute('emails', 'complex', {
		multiValued: true,
		mutability: 'readOnly',
		description: 'One primary email, always equal to userName.',
		subAttributes: [attribute('value', 'string', { mutability: 'readOnly' }), attribute('primary', 'boolean', { mutability: 'readOnly' })],
	}),
	attribute('userType', 'string', {
		canonicalValues: ['regular', 'read-only', 'billing'],
		description: 'License type; "readonly" is accepted as "read-only". Defaults to regular.',
	}),
	attribute('active', 'boolean', { description: 'Defaults to true.' }),
	attribute('title', 'string'),
];

/** @param {string} baseUrl */
function serviceProviderConfig(baseUrl, maxPageSize = 100) {
	return {
		schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
		patch: { supported: true },
		bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
		filter: { supported: true, maxResults: maxPageSize },
		changePassword: { supported: false },
		sort: { supported: true },
		etag: { supported: false },
		authenticationSchemes: [
			{
				type: 'oauthbearertoken',
				name: 'OAuth Bearer Token',
				description: 'The workspace SCIM token in an "Authorization: Bearer" header',
				primary: true,
			},
		],
		meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
	};
}

/** @param {string} baseUrl */
function userResourceType(baseUrl) {
	return {
		schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
		id: 'User',
		name: 'User',
		endpoint: '/Users',
		description: 'A member of the Qase workspace',
		schema: USER_SCHEMA,
		schemaExtensions: [],
		meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
	};
}

/** @param {string} baseUrl */
function userSchema(baseUrl) {
	return {
		schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
		id: USER_SCHEMA,
		name: 'User',
		description: 'Qase workspace user',
		attributes: USER_ATTRIBUTES,
		meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${USER_SCHEMA}` },
	};
}

module.exports = { serviceProviderConfig, userResourceType, userSchema };
