/** One line of the benchmark's table and of bench/results.json. */
export interface Figure {
	name: string;
	/** The median over the rounds. */
	value: number;
	unit: string;
	/** What the value is compared with, measured (or derived from a measurement) in the same run. */
	reference: number;
	/** value / reference. */
	ratio: number;
	/** The goal in words, such as `ratio <= 1.15`; null for a figure shown for context only. */
	goal: string | null;
	/** Whether the goal is met; null for a context figure. */
	met: boolean | null;
	/** What the reference is, and anything needed to read the line. */
	note?: string;
	/** Every round, for the record. */
	rounds?: number[];
}

export function median(values: number[]): number {
	if (values.length === 0) throw new Error('median of nothing');
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function round(value: number, digits = 3): number {
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export function elapsedMs(start: bigint): number {
	return Number(process.hrtime.bigint() - start) / 1e6;
}

/** CPU time (user + system) of this process in milliseconds. */
export function cpuMs(): number {
	const { user, system } = process.cpuUsage();
	return (user + system) / 1000;
}

export function figure(fields: Omit<Figure, 'ratio'> & { ratio?: number }): Figure {
	return {
		...fields,
		value: round(fields.value),
		reference: round(fields.reference),
		ratio: round(fields.ratio ?? fields.value / fields.reference),
		rounds: fields.rounds?.map((value) => round(value)),
	};
}

/** A goal on the ratio (value / reference unless given): `ratio <= limit`. */
export function ratioAtMost(
	fields: Omit<Figure, 'ratio' | 'goal' | 'met'> & { ratio?: number },
	limit: number,
): Figure {
	const ratio = fields.ratio ?? fields.value / fields.reference;
	return figure({ ...fields, ratio, goal: `ratio <= ${limit}`, met: ratio <= limit });
}

function cell(value: number): string {
	if (Number.isInteger(value) || Math.abs(value) >= 100) return value.toFixed(0);
	if (Math.abs(value) >= 10) return value.toFixed(1);
	return value.toFixed(2);
}

/** The table as Markdown, so that it reads in a terminal and pastes into the README as it is. */
export function table(figures: Figure[]): string {
	const rows = figures.map((f) => [
		f.name,
		`${cell(f.value)} ${f.unit}`,
		`${cell(f.reference)} ${f.unit}`,
		f.ratio.toFixed(2),
		f.goal ?? 'context',
		f.met === null ? '' : f.met ? 'yes' : '**no**',
	]);
	const header = ['figure', 'value', 'reference', 'ratio', 'goal', 'met'];
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => row[column].length)),
	);
	const line = (cells: string[]) =>
		`| ${cells.map((text, column) => text.padEnd(widths[column])).join(' | ')} |`;
	return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
		'\n',
	);
}
