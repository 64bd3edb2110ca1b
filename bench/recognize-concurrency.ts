/**
 * Recognize Text over 50 items against the emulator with 100 ms latency: one at a time against
 * all 50 at once, each compared with the latency-bound ideal (items × latency / concurrency).
 */
import { startEmulator } from '../emulator';
import { emulatorCredential } from '../test/helpers/emulator-setup';
import { runWorkflow } from '../test/helpers/n8n';
import { disposeRuntime } from '../test/helpers/n8n-runtime/runtime';
import { jsonItems, singleNodeWorkflow } from '../test/helpers/workflows';

const ITEMS = 50;
const LATENCY_MS = 100;

async function main(): Promise<void> {
	const emulator = await startEmulator({ engine: 'text' });
	const credential = emulatorCredential(emulator);
	for (let index = 0; index < ITEMS; index++) emulator.objects.set(`bench/${index}.txt`, Buffer.from(`item ${index}`));
	const items = jsonItems(ITEMS, (index) => ({ key: `bench/${index}.txt` }));
	const run = async (itemsAtOnce: number) => {
		const started = process.hrtime.bigint();
		const result = await runWorkflow(singleNodeWorkflow({ resource: 'ocr', operation: 'recognizeText', source: 'object', objectKey: '={{ $json.key }}', options: { itemsAtOnce } }), {
			credentials: { tencentCloudInfiniteApi: credential },
			inputItems: items,
		});
		if (result.error) throw new Error(result.error.message);
		return Number(process.hrtime.bigint() - started) / 1e6;
	};
	try {
		await run(50); // warm-up: loads n8n and the package
		emulator.setFaults({ latencyMs: LATENCY_MS });
		for (const concurrency of [1, 5, 10, 50]) {
			const ms = await run(concurrency);
			const ideal = (ITEMS * LATENCY_MS) / concurrency;
			console.log(`${ITEMS} items, ${concurrency} at once: ${ms.toFixed(0)} ms (ideal ${ideal.toFixed(0)} ms, ratio ${(ms / ideal).toFixed(2)})`);
		}
	} finally {
		await emulator.close();
		disposeRuntime();
	}
}

void main();
