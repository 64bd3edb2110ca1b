/**
 * Runs once before the e2e tests (only when at least one is selected), in jest's main process:
 * installs n8n into the cache folder if it is not there yet, checks that the package is built, and
 * sets up the safety net for processes and folders the tests start (see ../helpers/real-n8n/registry.ts):
 * the global teardown, or an interruption (Ctrl+C), cleans up whatever a test left behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ensureN8n, REPO_ROOT } from '../helpers/real-n8n/install';
import { cleanUpTracked } from '../helpers/real-n8n/registry';

export default function globalSetup(): void {
	const started = Date.now();
	const install = ensureN8n();
	if (install.installed)
		process.stderr.write(
			`e2e: n8n ${install.n8nVersion} installed in ${Math.round((Date.now() - started) / 1000)} s\n`,
		);
	if (
		!existsSync(
			path.join(REPO_ROOT, 'dist/nodes/TencentCloudInfinite/TencentCloudInfinite.node.js'),
		)
	) {
		throw new Error('dist/ is missing: the e2e tests load the built package (npm run build)');
	}

	const registry = mkdtempSync(path.join(os.tmpdir(), 'tci-e2e-registry-'));
	process.env.TCI_N8N_REGISTRY = registry;
	const cleanUp = () => {
		cleanUpTracked(registry);
		rmSync(registry, { recursive: true, force: true });
	};
	const onSignal = (signal: NodeJS.Signals) => {
		cleanUp();
		process.kill(process.pid, signal);
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	process.once('exit', cleanUp);
}
