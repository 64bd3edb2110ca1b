/**
 * Run by memory.ts in a fresh process (with --expose-gc): stores a large file in n8n's binary data
 * service (filesystem mode, as n8n keeps binary data on disk), then runs Recognize Text on it
 * (upload, recognize, delete) while sampling this process's RSS. Answers on IPC:
 * { baselineRss, peakRss, maxRss, peakArrayBuffers, ms } in bytes and milliseconds.
 */
import { createReadStream, statSync, writeFileSync } from 'fs';
import path from 'path';

import type { IBinaryData, ICredentialDataDecryptedObject } from 'n8n-workflow';

import { textPng } from '../test/helpers/images';
import { getRuntime } from '../test/helpers/n8n-runtime/runtime';
import { runNode } from './lib/package';

interface Task {
	file: string;
	credential: ICredentialDataDecryptedObject;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function store(file: string): Promise<IBinaryData> {
	const { binaryDataService } = await getRuntime();
	const metadata = {
		data: '',
		fileName: path.basename(file),
		mimeType: 'image/png',
	} as IBinaryData;
	return await binaryDataService.store(
		{ type: 'execution', workflowId: 'test-workflow', executionId: `bench-${Date.now()}` },
		createReadStream(file),
		metadata,
	);
}

async function recognize(
	binary: IBinaryData,
	credential: ICredentialDataDecryptedObject,
): Promise<void> {
	const output = await runNode(
		{ resource: 'ocr', operation: 'recognizeText', source: 'binary' },
		credential,
		[{ json: {}, binary: { data: binary } }],
		{ startAtNode: true },
	);
	if (!output[0]?.json.text)
		throw new Error(`no text recognized: ${JSON.stringify(output[0]?.json).slice(0, 300)}`);
}

async function settle(): Promise<void> {
	for (let i = 0; i < 3; i++) {
		gc?.();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

async function measure({ file, credential }: Task): Promise<unknown> {
	if (!gc) throw new Error('run with --expose-gc');
	// Warm-up on a small file: n8n, the package and the HTTP stack loaded.
	const small = path.join(path.dirname(file), 'small.png');
	writeFileSync(small, textPng('Warm-up scan'));
	await recognize(await store(small), credential);

	const binary = await store(file);
	if (binary.bytes !== statSync(file).size || !binary.id)
		throw new Error('the file was not stored in filesystem mode');
	await settle();
	const baselineRss = process.memoryUsage().rss;
	let peakRss = baselineRss;
	let peakArrayBuffers = 0;
	const sample = () => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakArrayBuffers = Math.max(peakArrayBuffers, usage.arrayBuffers);
	};
	const sampler = setInterval(sample, 2);
	const start = Date.now();
	await recognize(binary, credential);
	const ms = Date.now() - start;
	clearInterval(sampler);
	sample();
	// The kernel's high-water mark catches a peak between two samples.
	const maxRss = process.resourceUsage().maxRSS * 1024;
	return { baselineRss, peakRss, maxRss, peakArrayBuffers, ms };
}

process.once('message', (task: Task) => {
	measure(task).then(
		(result) => process.send?.({ result }, () => process.exit(0)),
		(error: unknown) =>
			process.send?.(
				{ error: error instanceof Error ? (error.stack ?? error.message) : String(error) },
				() => process.exit(1),
			),
	);
});
