/**
 * 7. What each Output costs per page: the bytes of one page's item as JSON (what the next node
 * holds, and what an AI agent's model is sent as the tool's answer) against the bytes of the
 * page's text, for a dense page of 40 lines (a real PNG whose text the emulator reads exactly:
 * test/helpers/images.ts `textPng`). Sizes do not depend on timing; the rounds only confirm it.
 */
import { figure, median, ratioAtMost, type Figure } from './lib/figures';
import { runNode } from './lib/package';
import type { RemoteEmulator } from './lib/remote-emulator';

const KEY = 'bench/contract-page-3.png';
const LINES = 40;
const TEXT_ONLY_GOAL = 1.15;

const WORDS = [
	'the',
	'Supplier',
	'shall',
	'deliver',
	'goods',
	'within',
	'thirty',
	'days',
	'of',
	'receipt',
	'order',
	'and',
	'invoice',
	'Buyer',
	'payment',
	'terms',
	'net',
	'EUR',
	'1,250.00',
	'clause',
	'warranty',
	'period',
	'twelve',
	'months',
];

/** 40 lines of 45 to 75 characters, the same every run, such as a page of a contract. */
export function densePage(): string[] {
	let seed = 7;
	const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
	return Array.from({ length: LINES }, (_, index) => {
		const target = 45 + Math.floor(next() * 31);
		let line = `${index + 1}.`;
		while (line.length < target) line += ` ${WORDS[Math.floor(next() * WORDS.length)]}`;
		return line;
	});
}

const MODES = [
	{ output: 'simplified', name: 'Simplified' },
	{ output: 'text', name: 'Text Only' },
	{ output: 'raw', name: 'Raw' },
] as const;

export async function output(emulator: RemoteEmulator, quick = false): Promise<Figure[]> {
	const lines = densePage();
	await emulator.putPng(KEY, lines);
	const credential = emulator.credential();
	const textBytes = Buffer.byteLength(lines.join('\n'));
	const figures: Figure[] = [];
	for (const { output: mode, name } of MODES) {
		const rounds: number[] = [];
		for (let round = 0; round < (quick ? 1 : 3); round++) {
			const items = await runNode(
				{
					resource: 'ocr',
					operation: 'recognizeText',
					source: 'object',
					objectKey: KEY,
					output: mode,
				},
				credential,
				[{ json: {} }],
			);
			if (items.length !== 1)
				throw new Error(`${name}: expected one item for the page, got ${items.length}`);
			const json = items[0].json;
			const text =
				mode === 'raw'
					? (json.TextDetections as Array<{ DetectedText: string }>)
							.map((line) => line.DetectedText)
							.join('\n')
					: json.text;
			if (text !== lines.join('\n'))
				throw new Error(`${name}: the page's text was not read back exactly`);
			rounds.push(Buffer.byteLength(JSON.stringify(json)));
		}
		const fields = {
			name: `output per page of ${LINES} lines, ${name}`,
			value: median(rounds),
			unit: 'bytes',
			reference: textBytes,
			note: `the item's JSON (${mode}) against the page's text (${textBytes} bytes of UTF-8, ${LINES} lines)`,
			rounds,
		};
		figures.push(
			mode === 'text'
				? ratioAtMost(fields, TEXT_ONLY_GOAL)
				: figure({ ...fields, goal: null, met: null }),
		);
	}
	return figures;
}
