/**
 * The main job (`npm run demo`): runs an example workflow in real n8n against the local Cloud
 * Infinite emulator and prints what the Recognize Text node output.
 *
 * 1. Installs n8n and Node 24 into .n8n-cache/ if they are not there (first run only, a few minutes).
 * 2. Starts the emulator (COS and CI on free 127.0.0.1 ports).
 * 3. Makes a fresh n8n user folder with this package installed as n8n's Community Nodes
 *    installer leaves it, and imports, with n8n's CLI, a credential pointing at the emulator and
 *    examples/recognize-text-from-binary-file.json (Read/Write Files from Disk reads
 *    test/fixtures/sample.png, Recognize Text reads its text).
 * 4. Runs the workflow with `n8n execute` and prints a summary line per item, then the items as JSON.
 *
 * n8n's own log lines are kept out of the way; they are printed if something fails.
 */
import path from 'node:path';

import { startEmulator } from '../emulator';
import {
	EXAMPLE_CREDENTIAL,
	emulatorCredential,
	localizeExample,
} from '../test/helpers/real-n8n/examples';
import { ensureN8n, REPO_ROOT } from '../test/helpers/real-n8n/install';
import { N8nHome, PACKAGE_NAME } from '../test/helpers/real-n8n/instance';

const EXAMPLE = 'recognize-text-from-binary-file.json';
const NODE = 'Recognize Text';

interface Line {
	text: string;
	confidence: number | null;
}

async function main(): Promise<void> {
	const install = ensureN8n();
	const emulator = await startEmulator();
	let home: N8nHome | undefined;
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			void Promise.allSettled([home?.dispose(), emulator.close()]).finally(() => process.exit(130));
		});
	}
	try {
		console.log(
			`Emulator: COS ${emulator.cosUrl}, CI ${emulator.ciUrl}, bucket ${emulator.options.bucket}`,
		);
		home = await N8nHome.create({ name: 'demo' });
		console.log(
			`n8n ${install.n8nVersion} on Node ${install.nodeVersion}, with ${PACKAGE_NAME} installed in ${path.relative(home.dir, home.packageDir)} of a fresh user folder`,
		);

		await home.importCredentials([emulatorCredential(emulator)]);
		const workflow = localizeExample(EXAMPLE, {
			filesDir: home.filesDir,
			imageBase: 'http://127.0.0.1:8080',
			n8nBase: home.url,
		});
		const { file: _file, ...json } = workflow;
		await home.importWorkflows([json]);
		console.log(
			`Imported credential "${EXAMPLE_CREDENTIAL.name}" and workflow "${workflow.name}" (examples/${EXAMPLE})`,
		);
		console.log(
			`Running it: n8n execute --id=${workflow.id} (${workflow.nodes.map((node) => node.name).join(' → ')}), on ${path.relative(REPO_ROOT, path.join(REPO_ROOT, 'test/fixtures/sample.png'))}`,
		);

		const outcome = await home.execute(workflow.id);
		if (outcome.error || outcome.status !== 'success') {
			console.error(`\nn8n's output:\n${outcome.cli.output.trim()}`);
			throw new Error(`the workflow failed in n8n: ${outcome.error ?? outcome.status}`);
		}

		const items = outcome.json(NODE);
		console.log(
			`\nWorkflow ran in n8n (n8n execute: ${outcome.cli.ms} ms, start-up included); ${items.length} item(s) from "${NODE}":`,
		);
		items.forEach((item, index) => {
			const lines = (item.lines as Line[] | undefined) ?? [];
			const confidences = lines.map((line) => line.confidence ?? 0);
			const mean = confidences.length
				? Math.round(confidences.reduce((a, b) => a + b, 0) / confidences.length)
				: 0;
			console.log(
				`  item ${index}: ${lines.length} lines, mean confidence ${mean}, from ${String(item.fileName)} — "${String(item.text).replace(/\n/g, ' / ')}"`,
			);
		});
		console.log('\nItems as JSON:');
		console.log(JSON.stringify(items, null, 2));
	} finally {
		await home?.dispose();
		await emulator.close();
	}
}

main().catch((error: unknown) => {
	console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
