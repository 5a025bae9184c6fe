// @ts-check
/**
 * Two projects: everything in test/ except the end-to-end tests, and test/e2e (real n8n
 * processes; its globalSetup builds and packs the package, only when an e2e test is selected).
 * @type {import('jest').Config}
 */
module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			roots: ['<rootDir>/test'],
			testMatch: ['**/*.test.js'],
			testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			roots: ['<rootDir>/test/e2e'],
			testMatch: ['**/*.test.js'],
			globalSetup: '<rootDir>/test/e2e/globalSetup.js',
			globalTeardown: '<rootDir>/test/e2e/globalTeardown.js',
		},
	],
	// per test; the e2e tests set their own, longer ones
	testTimeout: 60000,
};
