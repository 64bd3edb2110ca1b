/**
 * A safety net for the e2e tests: every n8n process group, browser and temporary folder they start
 * is noted as a file in the folder named by $TCI_N8N_REGISTRY (made by the e2e global setup), and
 * removed from it when the test stops it. Whatever is still noted when the run ends, or when it is
 * interrupted, is killed or deleted by `cleanUpTracked` (the global teardown and signal handlers).
 * Without $TCI_N8N_REGISTRY (demo, dev) nothing is noted.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

type Entry =
	| { kind: 'group' | 'pid'; id: number; what: string }
	| { kind: 'dir'; path: string; what: string };

/** Notes something to clean up; returns the function that forgets it again. */
export function track(entry: Entry): () => void {
	const registry = process.env.TCI_N8N_REGISTRY;
	if (!registry) return () => undefined;
	const file = path.join(registry, `${entry.kind}-${randomUUID()}.json`);
	try {
		writeFileSync(file, JSON.stringify(entry));
	} catch {
		return () => undefined;
	}
	return () => rmSync(file, { force: true });
}

function alive(id: number): boolean {
	try {
		process.kill(id, 0);
		return true;
	} catch {
		return false;
	}
}

/** Kills and deletes everything still noted in `registry`; returns what it had to clean up. */
export function cleanUpTracked(registry: string): string[] {
	const cleaned: string[] = [];
	let files: string[] = [];
	try {
		files = readdirSync(registry);
	} catch {
		return cleaned;
	}
	const entries = files.flatMap((file) => {
		try {
			return [
				{ file, entry: JSON.parse(readFileSync(path.join(registry, file), 'utf8')) as Entry },
			];
		} catch {
			return [];
		}
	});
	// Processes first, then their folders.
	for (const { entry } of entries) {
		if (entry.kind === 'group' && alive(-entry.id)) {
			try {
				process.kill(-entry.id, 'SIGKILL');
				cleaned.push(`killed ${entry.what} (process group ${entry.id})`);
			} catch {
				// gone meanwhile
			}
		} else if (entry.kind === 'pid' && alive(entry.id)) {
			try {
				process.kill(entry.id, 'SIGKILL');
				cleaned.push(`killed ${entry.what} (process ${entry.id})`);
			} catch {
				// gone meanwhile
			}
		}
	}
	for (const { entry } of entries) {
		if (entry.kind === 'dir') {
			rmSync(entry.path, { recursive: true, force: true });
			cleaned.push(`removed ${entry.what} (${entry.path})`);
		}
	}
	for (const { file } of entries) rmSync(path.join(registry, file), { force: true });
	return cleaned;
}
