/**
 * The reliability suite runs every workflow through `runScanned`: a real n8n run (n8n-core's
 * WorkflowExecute) against an emulator that requires temporary credentials, after which everything
 * the run produced — every node's items, every error (message, description, cause chain, stack),
 * n8n's log lines and whatever reached stdout/stderr — is scanned for the SecretKey, the session
 * token and a whole `Authorization` value. A leak fails the test that caused it.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator';
import { emulatorCredential } from '../helpers/emulator-setup';
import {
	runWorkflow,
	type RunWorkflowOptions,
	type WorkflowJson,
	type WorkflowRunResult,
} from '../helpers/n8n';

export const SECRET_KEY = 'SECRETKEY-reliability-7f3a9c51e2d84b60';
export const SESSION_TOKEN = 'SESSIONTOKEN-reliability-0b6e4d2a9f1c';
const AUTHORIZATION = /q-sign-algorithm=sha1&q-ak=[^&\s"]+&q-sign-time=/;

/** Every string inside a value: own properties (enumerable or not, so `message` and `stack` too), cycles cut. */
export function stringsIn(value: unknown, seen = new Set<unknown>(), depth = 0): string[] {
	if (typeof value === 'string') return [value];
	if (
		typeof value === 'number' ||
		typeof value === 'boolean' ||
		value === null ||
		value === undefined
	)
		return [];
	if (Buffer.isBuffer(value)) return [value.toString('utf8')];
	if (typeof value !== 'object' || seen.has(value) || depth > 12) return [];
	seen.add(value);
	const found: string[] = [];
	for (const key of Object.getOwnPropertyNames(value)) {
		let child: unknown;
		try {
			child = (value as Record<string, unknown>)[key];
		} catch {
			continue;
		}
		if (typeof child !== 'function') found.push(...stringsIn(child, seen, depth + 1));
	}
	return found;
}

/** What leaked, if anything: names of the secrets found in the texts. */
export function leaksIn(
	texts: string[],
	secrets: { secretKey?: string[]; sessionToken?: string[] } = {},
): string[] {
	const secretKeys = [SECRET_KEY, ...(secrets.secretKey ?? [])].filter(Boolean);
	const tokens = [SESSION_TOKEN, ...(secrets.sessionToken ?? [])].filter(Boolean);
	const leaks = new Set<string>();
	for (const text of texts) {
		if (secretKeys.some((key) => text.includes(key))) leaks.add('SecretKey');
		if (tokens.some((token) => text.includes(token))) leaks.add('session token');
		if (AUTHORIZATION.test(text)) leaks.add('Authorization header');
	}
	return [...leaks];
}

/** Collects stdout, stderr and console output while `action` runs. */
async function capturingOutput<T>(
	action: () => Promise<T>,
): Promise<{ value: T; output: string[] }> {
	const output: string[] = [];
	const writes = [process.stdout, process.stderr].map((stream) => {
		const original = stream.write.bind(stream);
		stream.write = ((chunk: unknown, ...rest: unknown[]) => {
			output.push(String(chunk));
			return original(chunk as string, ...(rest as []));
		}) as typeof stream.write;
		return () => (stream.write = original);
	});
	const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
	const originals = consoleMethods.map((name) => console[name]);
	for (const name of consoleMethods)
		console[name] = (...args: unknown[]) => output.push(args.map(String).join(' '));
	try {
		return { value: await action(), output };
	} finally {
		for (const restore of writes) restore();
		consoleMethods.forEach((name, index) => (console[name] = originals[index]));
	}
}

/** Runs a workflow in n8n and fails if anything it produced holds a secret. */
export async function runScanned(
	workflow: WorkflowJson,
	options: RunWorkflowOptions,
): Promise<WorkflowRunResult> {
	const { value: result, output } = await capturingOutput(
		async () => await runWorkflow(workflow, options),
	);
	const errors = Object.values(result.runData)
		.flat()
		.map((task) => task.error)
		.filter(Boolean);
	if (result.error) errors.push(result.error);
	const texts = [
		...stringsIn(result.runData),
		...stringsIn(errors),
		...stringsIn(result.logs),
		...output,
	];
	// Whatever keys this run's credential holds (a wrong key in a test is a secret all the same).
	const given = Object.values(options.credentials ?? {});
	const secrets = {
		secretKey: given.map((data) => String(data.secretKey ?? '')),
		sessionToken: given.map((data) => String(data.sessionToken ?? '')),
	};
	expect({ leaks: leaksIn(texts, secrets) }).toEqual({ leaks: [] });
	return result;
}

/** An emulator that requires temporary credentials, reset between tests, with the credential for it. */
export function useSecretEmulator(options: EmulatorOptions = {}): {
	emulator: () => Emulator;
	credential: (overrides?: ICredentialDataDecryptedObject) => ICredentialDataDecryptedObject;
} {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator({
			jobDelayMs: 100,
			engine: 'text',
			secretKey: SECRET_KEY,
			sessionToken: SESSION_TOKEN,
			...options,
		});
	});
	afterEach(() => emulator?.reset());
	afterAll(async () => await emulator?.close());
	const get = () => {
		if (!emulator) throw new Error('the emulator has not started');
		return emulator;
	};
	return {
		emulator: get,
		credential: (overrides = {}) =>
			emulatorCredential(get(), { sessionToken: SESSION_TOKEN, ...overrides }),
	};
}
