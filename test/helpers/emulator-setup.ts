import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator';

/** Starts an emulator for a test file and closes it afterwards; `reset()` between tests. */
export function useEmulator(options: EmulatorOptions = {}): { emulator: () => Emulator; credential: (overrides?: ICredentialDataDecryptedObject) => ICredentialDataDecryptedObject } {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator({ jobDelayMs: 200, ...options });
	});
	afterEach(() => emulator?.reset());
	afterAll(async () => await emulator?.close());
	const get = () => {
		if (!emulator) throw new Error('the emulator has not started');
		return emulator;
	};
	return {
		emulator: get,
		credential: (overrides = {}) => ({
			secretId: get().options.secretId,
			secretKey: get().options.secretKey,
			bucket: get().options.bucket,
			region: get().options.region,
			cosEndpoint: get().cosUrl,
			ciEndpoint: get().ciUrl,
			...overrides,
		}),
	};
}
