/**
 * Reads corpus samples (see README.md here): the citation header, and the body exactly as the
 * service sends it. `startSampleServer()` answers every request with a chosen sample — its
 * documented HTTP status and headers — so that the node reads the corpus through its real
 * transport, as it would read the service.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const CORPUS = __dirname;

export interface Sample {
	file: string;
	/** Header keys (source, kind, filled, http, notes); `source` may repeat. */
	header: Record<string, string[]>;
	/** The body as sent: XML text, or JSON text. */
	body: string;
	contentType: 'application/xml' | 'application/json';
	/** The documented HTTP status (200 when the header names none). */
	status: number;
}

function xmlSample(file: string, text: string): Sample {
	const match = /^\s*<!--([\s\S]*?)-->\s*/.exec(text);
	if (!match) throw new Error(`${file} has no citation comment`);
	const header: Record<string, string[]> = {};
	let key = '';
	for (const line of match[1].split('\n')) {
		const field = /^([a-z]+):\s?(.*)$/.exec(line);
		if (field) {
			key = field[1];
			(header[key] ??= []).push(field[2]);
		} else if (key && line.trim()) header[key][header[key].length - 1] += ` ${line.trim()}`;
	}
	return {
		file,
		header,
		body: text.slice(match[0].length),
		contentType: 'application/xml',
		status: statusOf(header),
	};
}

function jsonSample(file: string, text: string): Sample {
	const parsed = JSON.parse(text) as Record<string, unknown>;
	const header: Record<string, string[]> = {};
	for (const key of ['source', 'kind', 'filled', 'http', 'notes']) {
		const value = parsed[key];
		if (value !== undefined)
			header[key] = Array.isArray(value) ? value.map(String) : [String(value)];
	}
	return {
		file,
		header,
		body: JSON.stringify(parsed.body),
		contentType: 'application/json',
		status: statusOf(header),
	};
}

function statusOf(header: Record<string, string[]>): number {
	const status = /^(\d{3})\b/.exec(header.http?.[0] ?? '');
	return status ? Number(status[1]) : 200;
}

/** A sample by its path inside test/conformance, e.g. `jobs/ocr-success.xml`. */
export function sample(relative: string): Sample {
	const text = readFileSync(path.join(CORPUS, relative), 'utf8');
	return relative.endsWith('.json') ? jsonSample(relative, text) : xmlSample(relative, text);
}

/** Every sample file of the corpus (XML and JSON), as paths inside test/conformance. */
export function allSamples(): string[] {
	return readdirSync(CORPUS, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile() && /\.(xml|json)$/.test(entry.name))
		.map((entry) => path.relative(CORPUS, path.join(entry.parentPath, entry.name)))
		.sort();
}

export interface SampleServer {
	url: string;
	/** Answer the coming requests with this sample (and these extra headers). */
	answer(sample: Sample, headers?: Record<string, string>): void;
	/** Answer requests of one method with another sample (cleared by `answer`). */
	answerMethod(method: string, sample: Sample, headers?: Record<string, string>): void;
	requests: Array<{ method: string; url: string }>;
	close(): Promise<void>;
}

export async function startSampleServer(): Promise<SampleServer> {
	let current: { sample: Sample; headers: Record<string, string> } | undefined;
	let byMethod: Record<string, { sample: Sample; headers: Record<string, string> }> = {};
	const requests: SampleServer['requests'] = [];
	const server = createServer((request: IncomingMessage, response) => {
		request.resume();
		request.on('end', () => {
			requests.push({ method: request.method ?? 'GET', url: request.url ?? '/' });
			const chosen = byMethod[request.method ?? 'GET'] ?? current;
			if (!chosen) {
				response.writeHead(500).end('no sample chosen');
				return;
			}
			const body = Buffer.from(chosen.sample.body);
			response.writeHead(chosen.sample.status, {
				'content-type': chosen.sample.contentType,
				'content-length': body.length,
				...chosen.headers,
			});
			response.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		answer: (chosen, headers = {}) => {
			current = { sample: chosen, headers };
			byMethod = {};
		},
		answerMethod: (method, chosen, headers = {}) =>
			(byMethod[method] = { sample: chosen, headers }),
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
