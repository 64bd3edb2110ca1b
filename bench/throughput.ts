/**
 * 3. Throughput: 200 items through Recognize Text (COS object source: one request an item) with
 * 100 ms of emulated latency, at Items at Once 1, 5, 10 and 20, against the latency-bound ideal
 * 200 x 100 ms / concurrency.
 */
import { cpuMs, elapsedMs, median, ratioAtMost, figure, type Figure } from './lib/figures';
import { runNode } from './lib/package';
import type { RemoteEmulator } from './lib/remote-emulator';

const ITEMS = 200;
const LATENCY_MS = 100;
const GOAL_AT_10 = 1.15;

export async function throughput(emulator: RemoteEmulator, quick = false): Promise<Figure[]> {
	await emulator.putPng('bench/receipt.png', ['Receipt 42', 'Total 99.50 EUR']);
	const credential = emulator.credential();
	const items = Array.from({ length: ITEMS }, (_, index) => ({ json: { index } }));
	const cpuPerItem: number[] = [];
	const run = async (itemsAtOnce: number) => {
		const cpuStart = cpuMs();
		const start = process.hrtime.bigint();
		const output = await runNode(
			{
				resource: 'ocr',
				operation: 'recognizeText',
				source: 'object',
				objectKey: 'bench/receipt.png',
				options: { itemsAtOnce },
			},
			credential,
			items,
		);
		if (output.length !== ITEMS) throw new Error(`expected ${ITEMS} items, got ${output.length}`);
		const ms = elapsedMs(start);
		cpuPerItem.push((cpuMs() - cpuStart) / ITEMS);
		return ms;
	};

	await emulator.setFaults({});
	await run(20); // warm-up
	await emulator.setFaults({ latencyMs: LATENCY_MS });
	cpuPerItem.length = 0;
	const figures: Figure[] = [];
	for (const concurrency of [1, 5, 10, 20]) {
		const rounds: number[] = [];
		const count = quick ? 1 : concurrency === 1 ? 3 : 5;
		for (let round = 0; round < count; round++) rounds.push(await run(concurrency));
		const fields = {
			name: `throughput ${ITEMS} items, ${concurrency} at once`,
			value: median(rounds),
			unit: 'ms',
			reference: (ITEMS * LATENCY_MS) / concurrency,
			note: `${LATENCY_MS} ms emulated latency; reference: ${ITEMS} x ${LATENCY_MS} ms / ${concurrency}`,
			rounds,
		};
		figures.push(
			concurrency === 10
				? ratioAtMost(fields, GOAL_AT_10)
				: figure({ ...fields, goal: null, met: null }),
		);
	}
	await emulator.setFaults({});
	// What one item costs this process (n8n, the package, the HTTP stack): the part of the time that
	// concurrency cannot hide once a core is busy, and the part that other work on the machine slows.
	const cpu = median(cpuPerItem);
	for (const f of figures) f.note = `${f.note}; ${cpu.toFixed(2)} ms CPU an item`;
	return figures;
}
