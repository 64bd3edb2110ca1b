// The emulator's CI port speaks https with a test-only certificate (emulator/tls/): jest's workers,
// started after this file is read, trust it (npm test also sets it for the main process).
process.env.NODE_EXTRA_CA_CERTS ||= require('path').join(__dirname, 'emulator/tls/ca.pem');

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
			// Suites named *.n8n.test.ts need a running n8n: they belong to the e2e project.
			testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '\\.n8n\\.test\\.ts$'],
		},
		{
			// End-to-end tests in real n8n (installed into .n8n-cache/ by the global setup when
			// missing, a few minutes the first time). Run only these with `npm run test:e2e`.
			...common,
			displayName: 'e2e',
			roots: ['<rootDir>/test/e2e', '<rootDir>/test/reliability'],
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/reliability/**/*.n8n.test.ts'],
			globalSetup: '<rootDir>/test/e2e/global-setup.ts',
			globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
		},
	],
	testTimeout: 60000,
};
