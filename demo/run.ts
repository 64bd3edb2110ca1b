/**
 * The main job: starts the local Cloud Infinite emulator, tests the credential against it, and runs
 * a workflow with the Tencent Cloud Infinite node through n8n-core's WorkflowExecute on a real sample
 * image, printing a summary line per item and then the items as JSON.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { startEmulator } from '../emulator';
import { emulatorCredential } from '../test/helpers/emulator-setup';
import { inlineBinary, runWorkflow, testCredential } from '../test/helpers/n8n';
import { disposeRuntime } from '../test/helpers/n8n-runtime/runtime';

const root = join(__dirname, '..');

async function main(): Promise<void> {
	const emulator = await startEmulator();
	try {
		const credential = emulatorCredential(emulator);
		console.log(`Emulator: COS ${emulator.cosUrl}, CI ${emulator.ciUrl}, bucket ${credential.bucket}`);

		const test = await testCredential('tencentCloudInfiniteApi', credential);
		console.log(`Credential test: ${test.status} (${test.message})`);
		if (test.status !== 'OK') throw new Error('the credential test failed');

		const image = readFileSync(join(root, 'test/fixtures/sample.png'));
		const started = Date.now();
		const result = await runWorkflow('demo/recognize-sample.workflow.json', {
			credentials: { tencentCloudInfiniteApi: credential },
			inputItems: [{ json: {}, binary: { data: inlineBinary(image, 'sample.png', 'image/png') } }],
		});
		if (result.error) throw new Error(`${result.error.message}${result.error.description ? ` (${result.error.description})` : ''}`);

		const items = result.json('Recognize Text');
		console.log(`\nWorkflow ran in ${Date.now() - started} ms; ${items.length} item(s) from "Recognize Text":`);
		items.forEach((item, index) => {
			const lines = (item.lines as Array<{ confidence: number | null }>) ?? [];
			const confidences = lines.map((line) => line.confidence ?? 0);
			const mean = confidences.length ? Math.round(confidences.reduce((a, b) => a + b, 0) / confidences.length) : 0;
			console.log(`  item ${index}: ${lines.length} lines, mean confidence ${mean}, from ${item.fileName} — "${String(item.text).replace(/\n/g, ' / ')}"`);
		});
		console.log('\nItems as JSON:');
		console.log(JSON.stringify(items, null, 2));
	} finally {
		await emulator.close();
		await disposeRuntime();
	}
}

main().catch((error: unknown) => {
	console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
