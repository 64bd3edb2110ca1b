/**
 * 4. All pages of a 20-page PDF (a COS object, PDF Pages: All Pages) with 100 ms of emulated
 * latency, at the default Items at Once (5) and one page at a time. The latency-bound ideal: the
 * first page (it tells the page count), then the other 19 pages `concurrency` at a time.
 */
import { elapsedMs, median, ratioAtMost, type Figure } from './lib/figures';
import { runNode } from './lib/package';
import type { RemoteEmulator } from './lib/remote-emulator';

const PAGES = 20;
const LATENCY_MS = 100;
const GOAL = 1.2;

export async function pdf(emulator: RemoteEmulator, quick = false): Promise<Figure[]> {
	const pages = Array.from({ length: PAGES }, (_, page) => [
		`Page ${page + 1} of the annual report`,
		`Revenue ${1000 + page} EUR`,
	]);
	await emulator.putPdf('bench/report.pdf', pages);
	const credential = emulator.credential();
	const run = async (itemsAtOnce: number) => {
		const start = process.hrtime.bigint();
		const output = await runNode(
			{
				resource: 'ocr',
				operation: 'recognizeText',
				source: 'object',
				objectKey: 'bench/report.pdf',
				pdfMode: 'all',
				options: { itemsAtOnce },
			},
			credential,
			[{ json: {} }],
		);
		if (output.length !== PAGES) throw new Error(`expected ${PAGES} pages, got ${output.length}`);
		return elapsedMs(start);
	};

	await emulator.setFaults({});
	await run(5); // warm-up
	await emulator.setFaults({ latencyMs: LATENCY_MS });
	const figures: Figure[] = [];
	for (const concurrency of [5, 1]) {
		const rounds: number[] = [];
		for (let round = 0; round < (quick ? 1 : concurrency === 1 ? 3 : 7); round++)
			rounds.push(await run(concurrency));
		const ideal = LATENCY_MS * (1 + Math.ceil((PAGES - 1) / concurrency));
		figures.push(
			ratioAtMost(
				{
					name:
						concurrency === 1
							? `PDF ${PAGES} pages, one page at a time`
							: `PDF ${PAGES} pages, all pages (${concurrency} at once)`,
					value: median(rounds),
					unit: 'ms',
					reference: ideal,
					note: `${LATENCY_MS} ms emulated latency; reference: ${LATENCY_MS} ms x (1 + ceil(${PAGES - 1} / ${concurrency}))`,
					rounds,
				},
				GOAL,
			),
		);
	}
	await emulator.setFaults({});
	return figures;
}
