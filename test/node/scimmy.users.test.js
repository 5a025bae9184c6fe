// @ts-check
const { userOperationsSuite } = require('./userOperations.suite');
const { scimmyTarget } = require('./support');

describe('user operations against SCIMMY, an independent SCIM server', () => userOperationsSuite(scimmyTarget));
