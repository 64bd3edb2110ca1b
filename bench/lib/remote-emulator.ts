import { fork, type ChildProcess } from 'child_process';
import path from 'path';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { EmulatorOptions, EmulatorStats, Faults } from '../../emulator';
import type { Command } from './emulator-process';

interface Started {
	cosUrl: string;
	ciUrl: string;
	options: Required<EmulatorOptions>;
}

interface Waiter {
	resolve: (value: unknown) => void;
	reject: (error: Error) => void;
}

/** The emulator in a child process (see emulator-process.ts), engine `text` unless told otherwise. */
export class RemoteEmulator {
	private nextId = 1;
	private readonly pending = new Map<number, Waiter>();
	private readonly child: ChildProcess;
	private started?: Started;

	private constructor() {
		// The parent runs under tsx: the child inherits its execArgv (tsx's loader) and so loads TypeScript too.
		this.child = fork(path.join(__dirname, 'emulator-process.ts'), [], {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		this.child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
			const waiter = this.pending.get(message.id);
			this.pending.delete(message.id);
			if (message.error !== undefined)
				waiter?.reject(new Error(`emulator process: ${message.error}`));
			else waiter?.resolve(message.result);
		});
		this.child.on('exit', (code) => {
			for (const waiter of this.pending.values())
				waiter.reject(new Error(`the emulator process exited (${code})`));
			this.pending.clear();
		});
	}

	static async start(options: EmulatorOptions = {}): Promise<RemoteEmulator> {
		const remote = new RemoteEmulator();
		remote.started = (await remote.send({
			op: 'start',
			options: { engine: 'text', ...options },
		})) as Started;
		return remote;
	}

	private send(command: Command): Promise<unknown> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.child.send({ id, command });
		});
	}

	get cosUrl(): string {
		return this.info().cosUrl;
	}

	get options(): Required<EmulatorOptions> {
		return this.info().options;
	}

	private info(): Started {
		if (!this.started) throw new Error('the emulator has not started');
		return this.started;
	}

	/** Credential data for the package's credential, pointing at this emulator. */
	credential(): ICredentialDataDecryptedObject {
		const { options, cosUrl, ciUrl } = this.info();
		return {
			secretId: options.secretId,
			secretKey: options.secretKey,
			bucket: options.bucket,
			region: options.region,
			cosEndpoint: cosUrl,
			ciEndpoint: ciUrl,
		};
	}

	async setFaults(faults: Faults): Promise<void> {
		await this.send({ op: 'setFaults', faults });
	}

	async putPdf(key: string, pages: string[][]): Promise<void> {
		await this.send({ op: 'putPdf', key, pages });
	}

	/** A real PNG whose recognized text is `lines` (test/helpers/images.ts `textPng`). */
	async putPng(key: string, lines: string[]): Promise<void> {
		await this.send({ op: 'putPng', key, lines });
	}

	async reset(): Promise<void> {
		await this.send({ op: 'reset' });
	}

	async stats(): Promise<{
		stats: EmulatorStats;
		requests: Array<{ method: string; path: string; status: number }>;
		objects: number;
	}> {
		return (await this.send({ op: 'stats' })) as Awaited<ReturnType<RemoteEmulator['stats']>>;
	}

	async close(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		await this.send({ op: 'close' }).catch(() => undefined);
		await exited;
	}
}
