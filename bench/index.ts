/**
 * `npm run bench`: the figures of issue 7 against the emulator, each the median over several
 * rounds with its reference measured in the same run. Prints a table and writes bench/results.json.
 *
 *   npm run bench                       everything (a few minutes)
 *   npm run bench -- parse wait         only some sections: overhead parse throughput pdf memory wait output submit
 *   npm run bench -- --quick            one round each (a smoke run; the figures are not reliable)
 */
import { writeFileSync } from 'fs';
import { cpus, loadavg } from 'os';
import path from 'path';

import { disposeRuntime } from '../test/helpers/n8n-runtime/runtime';
import { table, type Figure } from './lib/figures';
import { RemoteEmulator } from './lib/remote-emulator';
import { memory } from './memory';
import { output } from './output';
import { overhead } from './overhead';
import { parse } from './parse';
import { pdf } from './pdf';
import { submit } from './submit';
import { throughput } from './throughput';
import { wait } from './wait';

const SECTIONS = [
	'overhead',
	'parse',
	'throughput',
	'pdf',
	'memory',
	'wait',
	'output',
	'submit',
] as const;
type Section = (typeof SECTIONS)[number];

const RUNNERS: Record<
	Section,
	(emulator: RemoteEmulator, quick: boolean) => Promise<Figure[]> | Figure[]
> = {
	overhead,
	parse: (_emulator, quick) => parse(quick),
	throughput,
	pdf,
	memory,
	wait: async () => await wait(),
	output,
	submit: async (_emulator, quick) => await submit(quick),
};

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const quick = args.includes('--quick');
	const named = args.filter((arg) => !arg.startsWith('--'));
	const unknown = named.filter((name) => !SECTIONS.includes(name as Section));
	if (unknown.length)
		throw new Error(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.join(', ')}`);
	const chosen = (named.length ? named : SECTIONS) as Section[];

	const figures: Figure[] = [];
	const started = Date.now();
	const load = () => loadavg()[0].toFixed(1);
	const loadAtStart = load();
	const emulator = await RemoteEmulator.start();
	try {
		for (const section of SECTIONS.filter((name) => chosen.includes(name))) {
			const sectionStart = Date.now();
			process.stderr.write(`bench: ${section}...`);
			const results = await RUNNERS[section](emulator, quick);
			figures.push(...results);
			process.stderr.write(` ${((Date.now() - sectionStart) / 1000).toFixed(1)} s\n`);
		}
	} finally {
		await emulator.close();
		disposeRuntime();
	}

	const file = path.join(__dirname, 'results.json');
	writeFileSync(file, `${JSON.stringify(figures, null, '\t')}\n`);
	console.log(table(figures));
	console.log('');
	for (const f of figures) if (f.note) console.log(`- ${f.name}: ${f.note}`);
	const missed = figures.filter((f) => f.met === false);
	console.log(
		`\n${figures.length} figures in ${((Date.now() - started) / 1000).toFixed(0)} s; goals missed: ${missed.length ? missed.map((f) => f.name).join('; ') : 'none'}`,
	);
	// Wall-time figures (throughput, PDF) grow when other work shares the cores.
	console.log(
		`load average ${loadAtStart} at the start, ${load()} at the end, on ${cpus().length} cores`,
	);
	console.log(`written to ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
