import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

export interface N8nInstall {
	cacheDir: string;
	/** Node 24 (n8n 2.x refuses Node 20). */
	nodeBin: string;
	nodeDir: string;
	/** n8n's bin script, run as `nodeBin n8nBin <command>`. */
	n8nBin: string;
	n8nVersion: string;
	nodeVersion: string;
	/** Whether this call installed it (false: it was cached). */
	installed: boolean;
}

let cached: N8nInstall | undefined;

/**
 * Installs n8n and Node 24 into the cache folder unless they are there already
 * (scripts/n8n/install.mjs; progress lines go to stderr), and returns where they are.
 */
export function ensureN8n(): N8nInstall {
	if (cached) return cached;
	const result = spawnSync(
		process.execPath,
		[path.join(REPO_ROOT, 'scripts/n8n/install.mjs'), '--json'],
		{
			cwd: REPO_ROOT,
			stdio: ['ignore', 'pipe', 'inherit'],
			encoding: 'utf8',
			timeout: 30 * 60 * 1000,
		},
	);
	if (result.status !== 0)
		throw new Error(
			`installing n8n failed (exit ${result.status ?? result.signal}); see the lines above`,
		);
	cached = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as N8nInstall;
	return cached;
}
