/**
 * 1. Overhead per request: CPU time of this process for one Recognize Text request with a large
 * answer (general, Return Characters, about 400 KB), through n8n's WorkflowExecute, against the
 * official SDK (cos-nodejs-sdk-v5) making the same request to the same emulator. The emulator runs
 * in its own process with no latency, so its work is not counted on either side.
 */
import { cpuMs, median, ratioAtMost, figure, type Figure } from './lib/figures';
import { linesForResponseBytes, ocrResponseXml, ocrText } from './lib/documents';
import { distModule, runNode } from './lib/package';
import type { RemoteEmulator } from './lib/remote-emulator';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const COS = require('cos-nodejs-sdk-v5') as new (options: Record<string, unknown>) => {
	request(
		params: Record<string, unknown>,
		callback: (
			error: unknown,
			data: { Body?: unknown; Response?: unknown } & Record<string, unknown>,
		) => void,
	): void;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkUtil = require('cos-nodejs-sdk-v5/sdk/util') as { xml2json(xml: string): unknown };

const KEY = 'bench/invoice-400k.png';
const REQUESTS_PER_ROUND = 10;
const ROUNDS = 11;
const QUERY = { 'ci-process': 'OCR', type: 'general', 'language-type': 'zh', isword: 'true' };

export async function overhead(emulator: RemoteEmulator, quick = false): Promise<Figure[]> {
	const rounds = quick ? 1 : ROUNDS;
	const lines = linesForResponseBytes(400_000);
	await emulator.putPng(KEY, ocrText(lines).split('\n'));
	await emulator.setFaults({});
	const credential = emulator.credential();
	const { options } = emulator;

	const cos = new COS({
		SecretId: options.secretId,
		SecretKey: options.secretKey,
		Protocol: 'http:',
		Domain: new URL(emulator.cosUrl).host,
	});
	const sdkRequest = () =>
		new Promise<Record<string, unknown>>((resolve, reject) =>
			cos.request(
				{ Bucket: options.bucket, Region: options.region, Method: 'GET', Key: KEY, Query: QUERY },
				(error, data) => (error ? reject(new Error(JSON.stringify(error))) : resolve(data)),
			),
		);
	const parameters = (simplify: boolean) => ({
		resource: 'ocr',
		operation: 'recognizeText',
		source: 'object',
		objectKey: KEY,
		recognitionType: 'general',
		returnCharacters: true,
		simplify,
		options: { itemsAtOnce: 1 },
	});
	const items = Array.from({ length: REQUESTS_PER_ROUND }, () => ({ json: {} }));
	const packageRound = async (simplify: boolean) => {
		const output = await runNode(parameters(simplify), credential, items, { startAtNode: true });
		if (output.length !== REQUESTS_PER_ROUND)
			throw new Error(`expected ${REQUESTS_PER_ROUND} items, got ${output.length}`);
	};
	const sdkRound = async () => {
		for (let index = 0; index < REQUESTS_PER_ROUND; index++) {
			const data = await sdkRequest();
			if (!(data.Response as { TextDetections?: unknown[] } | undefined)?.TextDetections)
				throw new Error('the SDK got no TextDetections');
		}
	};
	const gc = (globalThis as { gc?: () => void }).gc;
	const perRequest = async (work: () => Promise<void>) => {
		gc?.();
		const before = cpuMs();
		await work();
		return (cpuMs() - before) / REQUESTS_PER_ROUND;
	};

	// Warm-up: n8n, the package, the SDK and both parsers loaded and optimized.
	for (let i = 0; i < 2; i++) {
		await packageRound(false);
		await packageRound(true);
		await sdkRound();
	}
	const pkg: number[] = [];
	const pkgSimplified: number[] = [];
	const sdk: number[] = [];
	for (let round = 0; round < rounds; round++) {
		// Interleaved, in turns, so that drift in the machine's speed affects both sides alike.
		if (round % 2) sdk.push(await perRequest(sdkRound));
		pkg.push(await perRequest(() => packageRound(false)));
		pkgSimplified.push(await perRequest(() => packageRound(true)));
		if (round % 2 === 0) sdk.push(await perRequest(sdkRound));
	}
	/** The median of the rounds' own ratios: each compares two measurements taken side by side. */
	const pairedRatio = (values: number[], references: number[]) =>
		median(values.map((value, index) => value / references[index]));

	// The largest part of both: reading the XML answer.
	const { parseXml } = distModule<{ parseXml(xml: string): unknown }>('transport/xml.js');
	const xml = ocrResponseXml(lines);
	const timeParse = (parse: (xml: string) => unknown) => {
		gc?.();
		const start = cpuMs();
		for (let i = 0; i < 5; i++) parse(xml);
		return (cpuMs() - start) / 5;
	};
	for (let i = 0; i < 3; i++) {
		timeParse(parseXml);
		timeParse(sdkUtil.xml2json);
	}
	const packageParse: number[] = [];
	const sdkParse: number[] = [];
	for (let round = 0; round < rounds; round++) {
		sdkParse.push(timeParse(sdkUtil.xml2json));
		packageParse.push(timeParse(parseXml));
	}

	const size = `${Math.round(xml.length / 1024)} KB answer`;
	return [
		ratioAtMost(
			{
				name: 'overhead per request, package vs SDK CPU',
				value: median(pkg),
				unit: 'ms CPU',
				reference: median(sdk),
				ratio: pairedRatio(pkg, sdk),
				note: `${size}, Simplify off (the whole normalized response, as the SDK returns it); reference: the SDK's CPU per request; ${REQUESTS_PER_ROUND} requests a round, one at a time, through n8n's WorkflowExecute; ratio: the median of the rounds' ratios`,
				rounds: pkg,
			},
			0.5,
		),
		figure({
			name: 'overhead per request with Simplify on',
			value: median(pkgSimplified),
			unit: 'ms CPU',
			reference: median(sdk),
			ratio: pairedRatio(pkgSimplified, sdk),
			goal: null,
			met: null,
			note: 'the node as configured by default (Simplify on); reference: the SDK',
			rounds: pkgSimplified,
		}),
		figure({
			name: 'XML read of that answer, package vs SDK parser',
			value: median(packageParse),
			unit: 'ms CPU',
			reference: median(sdkParse),
			ratio: pairedRatio(packageParse, sdkParse),
			goal: null,
			met: null,
			note: `parseXml (fast-xml-parser 5, normalized) against the SDK's xml2json (its bundled cos-fast-xml-parser), ${size}`,
			rounds: packageParse,
		}),
	];
}
