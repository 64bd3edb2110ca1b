import { Emulator } from './server';
import type { EmulatorOptions } from './types';

export { Emulator, DEFAULTS } from './server';
export { makePdf } from './pdf';
export { EMULATOR_CA_PATH } from './tls';
export { WARNING_MARKERS, BLUR_MARKER, CONFIG_KEYS } from './idcard';
export { MAX_BASE64_CHARS } from './formats';
export type {
	EmulatorOptions,
	EmulatorStats,
	Faults,
	JobTimers,
	RequestRecord,
	Service,
} from './types';

/** Starts the emulator's COS and CI servers on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	return await new Emulator(options).start();
}
