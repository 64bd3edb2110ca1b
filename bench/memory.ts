/**
 * 5. Memory: peak RSS growth of a fresh n8n process while Recognize Text uploads and recognizes a
 * binary that n8n keeps on disk (filesystem binary data mode), as large as the service reads (7M
 * after Base64: 5.25 MB of file). The emulator, which keeps the object in memory, runs in its own
 * process. Streamed, the growth stays well under the file's size.
 */
import { fork } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import { png } from '../test/helpers/images';
import { median, figure, type Figure } from './lib/figures';
import type { RemoteEmulator } from './lib/remote-emulator';

const FILE_BYTES = 5_200_000;
const MB = 1024 * 1024;

/** A real PNG carrying its text (test/helpers/images.ts), padded to just under the service's limit. */
function writeLargeFile(file: string): void {
	writeFileSync(file, png({ text: 'Scanned archive box 7', padTo: FILE_BYTES }));
}

interface Measurement {
	baselineRss: number;
	peakRss: number;
	maxRss: number;
	peakArrayBuffers: number;
	ms: number;
}

function measureInChild(file: string, emulator: RemoteEmulator): Promise<Measurement> {
	const child = fork(path.join(__dirname, 'memory-child.ts'), [], {
		execArgv: [...process.execArgv, '--expose-gc'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	return new Promise((resolve, reject) => {
		child.once('message', (message: { result?: Measurement; error?: string }) =>
			message.error
				? reject(new Error(`memory child: ${message.error}`))
				: resolve(message.result as Measurement),
		);
		child.once(
			'exit',
			(code) => code !== 0 && reject(new Error(`memory child exited with ${code}`)),
		);
		child.send({ file, credential: emulator.credential() });
	});
}

export async function memory(emulator: RemoteEmulator, quick = false): Promise<Figure[]> {
	const folder = mkdtempSync(path.join(tmpdir(), 'bench-memory-'));
	try {
		const file = path.join(folder, 'large-scan.png');
		writeLargeFile(file);
		const measureRounds = async () => {
			const growth: number[] = [];
			const buffers: number[] = [];
			for (let round = 0; round < (quick ? 1 : 3); round++) {
				const m = await measureInChild(file, emulator);
				// The higher of the sampled peak and the kernel's high-water mark (which a peak between
				// two samples cannot escape), above the baseline taken with the file already stored.
				growth.push((Math.max(m.maxRss, m.peakRss) - m.baselineRss) / MB);
				buffers.push(m.peakArrayBuffers / MB);
			}
			return { growth, buffers: median(buffers) };
		};
		const asIs = await measureRounds();
		return [
			figure({
				unit: 'MB',
				reference: FILE_BYTES / MB,
				goal: 'ratio <= 0.5',
				name: `memory, ${(FILE_BYTES / MB).toFixed(1)} MB binary uploaded and recognized`,
				value: median(asIs.growth),
				met: median(asIs.growth) <= (0.5 * FILE_BYTES) / MB,
				note: `peak RSS above the baseline (sampled every 2 ms, and the process's maxRSS), n8n filesystem binary mode; Buffers peaked at ${asIs.buffers.toFixed(0)} MB; reference: the file's size`,
				rounds: asIs.growth,
			}),
		];
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}
