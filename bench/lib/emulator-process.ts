/**
 * The emulator in a process of its own, driven over IPC by `RemoteEmulator`: the service's work
 * (signature checks, OCR, building answers) then costs the benchmarked process nothing, as with the
 * real service, and its memory (a 200 MB object) is not counted in the benchmark's RSS.
 */
import {
	makePdf,
	startEmulator,
	type Emulator,
	type EmulatorOptions,
	type Faults,
} from '../../emulator';
import { textPng } from '../../test/helpers/images';

export type Command =
	| { op: 'start'; options: EmulatorOptions }
	| { op: 'setFaults'; faults: Faults }
	| { op: 'putPdf'; key: string; pages: string[][] }
	| { op: 'putPng'; key: string; lines: string[] }
	| { op: 'reset' }
	| { op: 'stats' }
	| { op: 'close' };

let emulator: Emulator | undefined;

function running(): Emulator {
	if (!emulator) throw new Error('the emulator has not started');
	return emulator;
}

async function handle(command: Command): Promise<unknown> {
	switch (command.op) {
		case 'start':
			emulator = await startEmulator(command.options);
			return { cosUrl: emulator.cosUrl, ciUrl: emulator.ciUrl, options: emulator.options };
		case 'setFaults':
			running().setFaults(command.faults);
			return null;
		case 'putPdf':
			running().objects.set(command.key, makePdf(command.pages));
			return null;
		case 'putPng':
			running().objects.set(command.key, textPng(command.lines));
			return null;
		case 'reset':
			running().reset();
			return null;
		case 'stats': {
			const { stats, requests, objects } = running();
			return {
				stats,
				requests: requests.map(({ method, path, status }) => ({ method, path, status })),
				objects: objects.size,
			};
		}
		case 'close':
			await emulator?.close();
			setImmediate(() => process.exit(0));
			return null;
	}
}

process.on('message', (message: { id: number; command: Command }) => {
	handle(message.command).then(
		(result) => process.send?.({ id: message.id, result }),
		(error: unknown) =>
			process.send?.({
				id: message.id,
				error: error instanceof Error ? error.message : String(error),
			}),
	);
});
process.on('disconnect', () => process.exit(0));
