/**
 * A small client for the emulator tests: requests signed by the official SDK's signer
 * (cos-nodejs-sdk-v5), never by this package's code, and answers read with fast-xml-parser.
 */
import { readFileSync } from 'fs';
import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';

import { XMLBuilder, XMLParser } from 'fast-xml-parser';

import { EMULATOR_CA_PATH, type Emulator } from '../../emulator';
import { textPng } from '../helpers/images';

/** The emulator's test-only CA: the CI port speaks https. */
export const EMULATOR_CA = readFileSync(EMULATOR_CA_PATH);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const COS = require('cos-nodejs-sdk-v5') as {
	getAuthorization(options: Record<string, unknown>): string;
};

export interface Reply {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	text: string;
}

export interface SendOptions {
	query?: Record<string, string>;
	body?: string | Buffer;
	headers?: Record<string, string>;
	/** Headers sent after signing (not signed), e.g. a session token. */
	unsignedHeaders?: Record<string, string>;
	/** Sign with these instead of the emulator's own keys or the current time. */
	secretId?: string;
	secretKey?: string;
	keyTime?: string;
	/** Send to this base URL instead of the service's (e.g. `emulator.ciHttpUrl`). */
	base?: string;
	/** The query string as sent on the wire (e.g. `cancel` without `=`); `query` is still what is signed. */
	rawSearch?: string;
}

/** Path as the SDKs put it on the wire: cam-safe encoded, `/` kept. */
export function encodeKey(key: string): string {
	return encodeURIComponent(key)
		.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
		.replace(/%2F/g, '/');
}

/** The official SDK's Authorization for a request to the emulator (raw, un-encoded `pathname`). */
export function sdkAuthorization(
	emulator: Emulator,
	method: string,
	pathname: string,
	headers: Record<string, string>,
	options: Pick<SendOptions, 'query' | 'secretId' | 'secretKey' | 'keyTime'> = {},
): string {
	const now = Math.floor(Date.now() / 1000);
	return COS.getAuthorization({
		SecretId: options.secretId ?? emulator.options.secretId,
		SecretKey: options.secretKey ?? emulator.options.secretKey,
		Method: method,
		Pathname: pathname,
		Query: options.query ?? {},
		Headers: headers,
		KeyTime: options.keyTime ?? `${now - 1};${now + 900}`,
	});
}

/** Sends `method /key` to the emulator's COS or CI port, signed with its credentials. */
export async function send(
	emulator: Emulator,
	service: 'cos' | 'ci',
	method: string,
	key: string,
	options: SendOptions = {},
): Promise<Reply> {
	const base = options.base ?? (service === 'cos' ? emulator.cosUrl : emulator.ciUrl);
	const url = new URL(base);
	const query = options.query ?? {};
	const search =
		options.rawSearch ??
		Object.entries(query)
			.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
			.join('&');
	const body = options.body === undefined ? undefined : Buffer.from(options.body);
	const headers: Record<string, string> = { host: url.host, ...options.headers };
	if (body) headers['content-length'] = String(body.length);
	headers.authorization = sdkAuthorization(emulator, method, `/${key}`, headers, options);
	Object.assign(headers, options.unsignedHeaders);
	return await new Promise((resolve, reject) => {
		const target = `${base}/${encodeKey(key)}${search ? `?${search}` : ''}`;
		const secure = target.startsWith('https:');
		const req = (secure ? httpsRequest : httpRequest)(
			target,
			{ method, headers, agent: false, ...(secure ? { ca: EMULATOR_CA } : {}) },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const data = Buffer.concat(chunks);
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers,
						body: data,
						text: data.toString('utf8'),
					});
				});
				res.on('error', reject);
				res.on('close', () => (res.complete ? undefined : reject(new Error('aborted'))));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** Repeated nodes always come out as arrays, as a careful client reads them. */
const REPEATED = [
	'JobsDetail',
	'TextDetections',
	'Polygon',
	'Words',
	'WordCoordinate',
	'WordPolygon',
	'IdInfo',
	'Point',
	'TemplateList',
	'NonExistJobIds',
];
const parser = new XMLParser({
	ignoreAttributes: true,
	parseTagValue: false,
	isArray: (name) => REPEATED.includes(name),
});

// Parsed XML is loosely typed on purpose: the tests assert its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Xml = any;

/** The document's root element (`Response`, `Error`, ...). */
export function xml(reply: Reply | string, root = 'Response'): Xml {
	const parsed = parser.parse(typeof reply === 'string' ? reply : reply.text) as Record<
		string,
		Xml
	>;
	return parsed[root];
}

/** `<Error><Code>` of an answer, undefined when it is not an error. */
export function errorCode(reply: Reply): string | undefined {
	return xml(reply, 'Error')?.Code as string | undefined;
}

/** Polls `check` every 20 ms for up to `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not reached in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/**
 * Submits `count` OCR jobs (no callback of their own, 50 requests at a time) of an image showing
 * `text` straight to the emulator, and waits until they all succeeded.
 */
export async function finishedOcrJobs(
	emulator: Emulator,
	count: number,
	options: { text?: string; unsignedHeaders?: Record<string, string>; timeoutMs?: number } = {},
): Promise<string[]> {
	const text = options.text ?? 'finished job';
	const key = `finished-jobs/${text.replace(/[^A-Za-z0-9]+/g, '-')}.png`;
	emulator.objects.set(key, textPng(text));
	const body = new XMLBuilder({}).build({
		Request: {
			Tag: 'ImageOCR',
			Input: { Object: key },
			Operation: { ImageOCR: { Type: 'general' } },
			CallBack: 'no',
		},
	}) as string;
	const ids: string[] = [];
	for (let start = 0; start < count; start += 50) {
		const submit = async () =>
			await send(emulator, 'ci', 'POST', 'jobs', {
				body,
				unsignedHeaders: options.unsignedHeaders,
			});
		const batch = await Promise.all(Array.from({ length: Math.min(50, count - start) }, submit));
		ids.push(...batch.map((reply) => String(xml(reply).JobsDetail[0].JobId)));
	}
	const state = (id: string) => emulator.jobs.byId.get(id)?.state;
	await until(
		() => ids.every((id) => state(id) === 'Success' || state(id) === 'Failed'),
		options.timeoutMs ?? 60_000,
	);
	const failed = ids.find((id) => state(id) !== 'Success');
	if (failed)
		throw new Error(
			`job ${failed} did not succeed: ${JSON.stringify(emulator.jobs.byId.get(failed)?.detail)}`,
		);
	return ids;
}
