import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator';

/** Credential data for the package's credential, pointing at an emulator. */
export function emulatorCredential(
	emulator: Emulator,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return {
		secretId: emulator.options.secretId,
		secretKey: emulator.options.secretKey,
		bucket: emulator.options.bucket,
		region: emulator.options.region,
		cosEndpoint: emulator.cosUrl,
		ciEndpoint: emulator.ciUrl,
		...overrides,
	};
}

/** Starts an emulator for a test file and closes it afterwards; `reset()` between tests. */
export function useEmulator(options: EmulatorOptions = {}): {
	emulator: () => Emulator;
	credential: (overrides?: ICredentialDataDecryptedObject) => ICredentialDataDecryptedObject;
} {
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
		credential: (overrides = {}) => emulatorCredential(get(), overrides),
	};
}
