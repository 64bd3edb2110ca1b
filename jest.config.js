/** @type {import('jest').Config} */
const common = {
	testEnvironment: 'node',
	transform: {
		'^.+\\.ts$': ['ts-jest', {}],
	},
};

module.exports = {
	projects: [
		{
			...common,
			displayName: 'unit',
			roots: ['<rootDir>/test'],
			testMatch: ['**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
		},
		{
			// End-to-end tests in real n8n (installed into .n8n-cache/ by the global setup when
			// missing, a few minutes the first time). Run only these with `npm run test:e2e`.
			...common,
			displayName: 'e2e',
			roots: ['<rootDir>/test/e2e'],
			testMatch: ['**/*.test.ts'],
			globalSetup: '<rootDir>/test/e2e/global-setup.ts',
			globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
		},
	],
	testTimeout: 60000,
};
