import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport,
	{
		// n8n's lint forbids runtime dependencies because n8n Cloud cannot install them. This package
		// is for self-hosted n8n and deliberately has one, fast-xml-parser, for every XML read and write.
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
];
