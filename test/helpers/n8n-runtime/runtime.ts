/**
 * The process-wide part of the harness: n8n-core's DI container, settings, logger and binary data
 * storage, set up the way an n8n instance sets them up, once per jest module registry (that is, once
 * per test file: jest gives every test file its own copy of every module, the container included).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BinaryDataService, InstanceSettings } from 'n8n-core';
import { LoggerProxy } from 'n8n-workflow';

import { Container, Logger } from './core-deps';
import { TestLogger } from './test-logger';

export interface Runtime {
	/** Temporary n8n user folder of this test file; binary data lives in `<folder>/binaryData`. */
	folder: string;
	logger: TestLogger;
	binaryDataService: BinaryDataService;
}

/**
 * Environment n8n reads while its config classes are built. It is set only for the duration of the
 * setup (the classes read it in their constructors) and then restored, so nothing leaks into the
 * rest of the jest worker.
 */
function n8nEnvironment(folder: string): Record<string, string> {
	return {
		N8N_USER_FOLDER: folder,
		N8N_ENCRYPTION_KEY: 'n8n-test-harness-encryption-key',
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		N8N_BINARY_DATA_STORAGE_PATH: path.join(folder, 'binaryData'),
		N8N_LOG_LEVEL: 'silent',
		N8N_LOG_OUTPUT: 'console',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		N8N_RUNNERS_ENABLED: 'false',
		GENERIC_TIMEZONE: 'UTC',
	};
}

function withEnvironment<T>(env: Record<string, string>, fn: () => T): T {
	const saved: Record<string, string | undefined> = {};
	for (const [key, value] of Object.entries(env)) {
		saved[key] = process.env[key];
		process.env[key] = value;
	}
	try {
		return fn();
	} finally {
		for (const [key, value] of Object.entries(saved)) {
			if (value === undefined) delete process.env[key];
			else process.env[key] = value;
		}
	}
}

let runtime: Promise<Runtime> | undefined;
let folderToRemove: string | undefined;

async function createRuntime(): Promise<Runtime> {
	const folder = mkdtempSync(path.join(tmpdir(), 'n8n-test-'));
	folderToRemove = folder;

	const logger = new TestLogger();
	// n8n-core and n8n-workflow log through these two; nothing reaches the console unless asked.
	Container.set(Logger, logger as unknown as Logger);
	LoggerProxy.init(logger);

	const binaryDataService = withEnvironment(n8nEnvironment(folder), () => {
		// Reads N8N_USER_FOLDER / N8N_ENCRYPTION_KEY and writes <folder>/.n8n/config, as n8n does.
		Container.get(InstanceSettings);
		// BinaryDataConfig reads the mode and storage path; the service is what n8n-core's binary
		// helpers (prepareBinaryData, getBinaryDataBuffer, getBinaryStream, ...) go through.
		return Container.get(BinaryDataService);
	});
	// The CLI calls this at startup (`BinaryDataService.init()`): filesystem mode, under our folder.
	await binaryDataService.init();

	return { folder, logger, binaryDataService };
}

/** The shared runtime of this test file, created on first use. */
export async function getRuntime(): Promise<Runtime> {
	runtime ??= createRuntime();
	return await runtime;
}

/** Deletes the temporary folder (binary data, settings). Registered with `afterAll` by the helper. */
export function disposeRuntime(): void {
	if (folderToRemove) rmSync(folderToRemove, { recursive: true, force: true });
	folderToRemove = undefined;
	runtime = undefined;
}
