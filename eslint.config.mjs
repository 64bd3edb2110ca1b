import { config } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';

// n8n's template config with n8n Cloud support (`n8n-node cloud-support enable` writes
// `export default config`), for everything that is published: nodes/, credentials/, package.json.
// The one addition: the folders that are never published and are not node code (tests, the CI
// emulator, benchmarks, the demo, build scripts), which need node:fs, process, timers and console.
// Because of it package.json has "strict": false: n8n-node's strict mode accepts only the template
// file byte for byte, and `n8n-node lint` lints the whole folder. README, "Lint and n8n's scanner".
export default [
	globalIgnores([
		'test/',
		'emulator/',
		'bench/',
		'demo/',
		'scripts/',
		'test-artifacts/',
		'.n8n-cache/',
	]),
	...config,
];
