/**
 * 2. Parse and normalize alone: the package's parseXml (fast-xml-parser with the normalizing
 * options, as every answer is read) on OCR answers of about 40 KB, 400 KB and 4 MB, in CPU time.
 */
import { cpuMs, median, figure, type Figure } from './lib/figures';
import { linesForResponseBytes, ocrResponseXml } from './lib/documents';
import { distModule } from './lib/package';

const ROUNDS = 7;
const GOAL_400_KB_MS = 5;
/** Linear in size: per byte at most this many times the 400 KB figure's cost. */
const LINEARITY_LIMIT = 1.5;

export function parse(quick = false): Figure[] {
	const { parseXml } = distModule<{ parseXml(xml: string): unknown }>('transport/xml.js');
	const sizes = [
		{ label: '40 KB', bytes: 40_000, calls: 40 },
		{ label: '400 KB', bytes: 400_000, calls: 8 },
		{ label: '4 MB', bytes: 4_000_000, calls: 2 },
	].map((size) => ({ ...size, xml: ocrResponseXml(linesForResponseBytes(size.bytes)) }));

	// CPU time rather than wall time: other work on the machine then hardly moves the figure. The
	// garbage of the previous size is collected first (npm run bench runs with --expose-gc), so that
	// the 4 MB answer's is not charged to the 40 KB one that follows it.
	const gc = (globalThis as { gc?: () => void }).gc;
	const perCall = (xml: string, calls: number) => {
		gc?.();
		const start = cpuMs();
		for (let i = 0; i < calls; i++) parseXml(xml);
		return (cpuMs() - start) / calls;
	};
	for (const size of sizes) for (let i = 0; i < 3; i++) perCall(size.xml, size.calls);
	const rounds = sizes.map(() => [] as number[]);
	for (let round = 0; round < (quick ? 1 : ROUNDS); round++) {
		sizes.forEach((size, index) => rounds[index].push(perCall(size.xml, size.calls)));
	}
	const ms = rounds.map(median);
	const base = sizes[1];
	const msPerByte400 = ms[1] / base.xml.length;

	return sizes.map((size, index) => {
		const kb = `${Math.round(size.xml.length / 1024)} KB`;
		if (size === base) {
			return figure({
				name: `parse + normalize ${size.label}`,
				value: ms[index],
				unit: 'ms CPU',
				reference: GOAL_400_KB_MS,
				goal: `<= ${GOAL_400_KB_MS} ms`,
				met: ms[index] <= GOAL_400_KB_MS,
				note: `${kb} answer, per call; reference: the goal itself`,
				rounds: rounds[index],
			});
		}
		const linear = msPerByte400 * size.xml.length;
		return figure({
			name: `parse + normalize ${size.label}`,
			value: ms[index],
			unit: 'ms CPU',
			reference: linear,
			goal: `ratio <= ${LINEARITY_LIMIT} (linear)`,
			met: ms[index] / linear <= LINEARITY_LIMIT,
			note: `${kb} answer, per call; reference: the 400 KB time scaled by size`,
			rounds: rounds[index],
		});
	});
}
