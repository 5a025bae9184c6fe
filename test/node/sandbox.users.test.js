// @ts-check
const { userOperationsSuite } = require('./userOperations.suite');
const { sandboxTarget } = require('./support');

describe('user operations against the Qase sandbox', () => userOperationsSuite(sandboxTarget));
