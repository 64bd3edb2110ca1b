/** After the e2e tests: kills and deletes whatever they left behind, and says so (a test should not leave anything). */
import { rmSync } from 'node:fs';

import { cleanUpTracked } from '../helpers/real-n8n/registry';

export default function globalTeardown(): void {
	const registry = process.env.TCI_N8N_REGISTRY;
	if (!registry) return;
	const cleaned = cleanUpTracked(registry);
	if (cleaned.length)
		process.stderr.write(
			`e2e: cleaned up after the tests:\n${cleaned.map((line) => `  ${line}\n`).join('')}`,
		);
	rmSync(registry, { recursive: true, force: true });
}
