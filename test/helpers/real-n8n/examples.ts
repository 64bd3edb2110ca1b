/**
 * The example workflows in examples/, made to run against the local emulator: the credential they
 * reference, the sample files they expect, and the few addresses that differ per machine.
 *
 * The examples are plain n8n exports. Values that depend on where they run are written for a
 * default n8n (see examples/README.md) and replaced here:
 * - `/home/node/.n8n-files/` (the folder n8n's Docker image lets Read/Write Files use) → the home's files folder;
 * - `http://127.0.0.1:8080/` (the image server of the URL example) → the local sample server;
 * - `http://127.0.0.1:5678/` (n8n's default address, in callback URLs) → the running n8n.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { Emulator } from '../../../emulator';
import { REPO_ROOT } from './install';
import { CREDENTIAL_TYPE, type CredentialImport, type N8nHome } from './instance';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** The credential every example references (by this id and name). */
export const EXAMPLE_CREDENTIAL = {
	id: 'tciEmulatorCred',
	name: 'Tencent Cloud Infinite (local emulator)',
};

export const EXAMPLE_FILES_DIR = '/home/node/.n8n-files/';
export const EXAMPLE_IMAGE_BASE = 'http://127.0.0.1:8080/';
export const EXAMPLE_N8N_BASE = 'http://127.0.0.1:5678/';

/** Objects the COS and job examples read from the bucket. */
export const SAMPLE_OBJECTS: Record<string, string> = {
	'samples/sample.png': 'test/fixtures/sample.png',
	'samples/id-card.png': 'test/fixtures/id-card.png',
};

export interface ExampleWorkflow {
	file: string;
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		parameters: Record<string, unknown>;
		webhookId?: string;
		credentials?: Record<string, { id: string; name: string }>;
	}>;
	[key: string]: unknown;
}

export function exampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort();
}

export function readExample(file: string): ExampleWorkflow {
	return {
		...(JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as Omit<
			ExampleWorkflow,
			'file'
		>),
		file,
	} as ExampleWorkflow;
}

export interface Locations {
	/** Folder n8n may read files from (ends without a slash). */
	filesDir: string;
	/** Base URL of the server with the sample image (no trailing slash). */
	imageBase: string;
	/** Base URL of the n8n that receives callbacks (no trailing slash). */
	n8nBase: string;
}

/** The example with this machine's locations in place of the defaults. */
export function localizeExample(file: string, where: Locations): ExampleWorkflow {
	const text = readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')
		.split(EXAMPLE_FILES_DIR)
		.join(`${where.filesDir}/`)
		.split(EXAMPLE_IMAGE_BASE)
		.join(`${where.imageBase}/`)
		.split(EXAMPLE_N8N_BASE)
		.join(`${where.n8nBase}/`);
	return { ...(JSON.parse(text) as Omit<ExampleWorkflow, 'file'>), file } as ExampleWorkflow;
}

/** The examples' credential, pointing at an emulator. */
export function emulatorCredential(emulator: Emulator): CredentialImport {
	return {
		...EXAMPLE_CREDENTIAL,
		type: CREDENTIAL_TYPE,
		data: {
			secretId: emulator.options.secretId,
			secretKey: emulator.options.secretKey,
			sessionToken: '',
			bucket: emulator.options.bucket,
			region: emulator.options.region,
			cosEndpoint: emulator.cosUrl,
			ciEndpoint: emulator.ciUrl,
		},
	};
}

/** Puts the sample objects into the emulator's bucket. */
export function seedEmulator(emulator: Emulator): void {
	for (const [key, file] of Object.entries(SAMPLE_OBJECTS))
		emulator.objects.set(key, readFileSync(path.join(REPO_ROOT, file)));
}

export interface SampleServer {
	/** `http://127.0.0.1:<port>`; serves test/fixtures/* (sample.png, id-card.png). */
	url: string;
	requests: string[];
	close(): Promise<void>;
}

/** A tiny HTTP server on 127.0.0.1 with the fixture images, for the URL example (the emulator only fetches loopback URLs). */
export async function startSampleServer(): Promise<SampleServer> {
	const requests: string[] = [];
	const server: Server = createServer((request, response) => {
		requests.push(request.url ?? '/');
		const name = path.basename(new URL(request.url ?? '/', 'http://x').pathname);
		const types: Record<string, string> = {
			'.png': 'image/png',
			'.jpg': 'image/jpeg',
			'.pdf': 'application/pdf',
		};
		const type = types[path.extname(name)];
		let body: Buffer | undefined;
		try {
			body = type ? readFileSync(path.join(REPO_ROOT, 'test/fixtures', name)) : undefined;
		} catch {
			body = undefined;
		}
		if (!body) {
			response.writeHead(404, { 'content-type': 'text/plain' });
			response.end('not found');
			return;
		}
		response.writeHead(200, { 'content-type': type, 'content-length': body.length });
		response.end(body);
	});
	server.keepAliveTimeout = 1;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/**
 * Imports the examples' credential (pointing at the emulator) and the examples, localized, into an
 * n8n home; callback URLs point at `n8nBase` (default: this home's own n8n).
 */
export async function importExamples(
	home: N8nHome,
	emulator: Emulator,
	sampleServer: SampleServer,
	{ files = exampleFiles(), n8nBase = home.url }: { files?: string[]; n8nBase?: string } = {},
): Promise<ExampleWorkflow[]> {
	await home.importCredentials([emulatorCredential(emulator)]);
	const workflows = files.map((file) =>
		localizeExample(file, { filesDir: home.filesDir, imageBase: sampleServer.url, n8nBase }),
	);
	await home.importWorkflows(workflows.map(({ file: _file, ...workflow }) => workflow));
	return workflows;
}
