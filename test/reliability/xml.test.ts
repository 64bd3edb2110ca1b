/**
 * Hostile XML: a server posing as COS answers with a DOCTYPE, entity declarations (the
 * billion-laughs shape), deep nesting, or far too much text; the same shapes arrive as callbacks
 * at the trigger. Each is refused or bounded: an error naming the reason, nothing expanded,
 * the oversized answer not read to its end.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startTriggerServer, type TriggerServer } from '../helpers/webhook';
import { singleNodeWorkflow } from '../helpers/workflows';
import { runScanned, SECRET_KEY, SESSION_TOKEN } from './scanned';

const TRIGGER_TYPE = 'n8n-nodes-tencent-cloud-infinite.tencentCloudInfiniteTrigger';

const laughs = (root: string) =>
	'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
	Array.from(
		{ length: 9 },
		(_, level) => `<!ENTITY lol${level + 1} "${`&lol${level || ''};`.repeat(10)}">`,
	).join('') +
	`]><${root}><DetectedText>&lol9;</DetectedText></${root}>`;
const declaredWithoutDoctype =
	'<Response><!ENTITY lol "lol"><DetectedText>&lol;</DetectedText></Response>';
const deep = (depth: number) =>
	`<Response>${'<TextDetections>'.repeat(depth)}x${'</TextDetections>'.repeat(depth)}</Response>`;

/** Answers every request with `answer`; a generator streams its chunks and counts what got out. */
interface Hostile {
	url: string;
	answer: string | (() => Generator<string>);
	contentLength?: number;
	sentBytes: number;
	close(): Promise<void>;
}

async function startHostile(): Promise<Hostile> {
	const hostile = { answer: '', sentBytes: 0 } as Hostile;
	const server: Server = createServer((request, response) => {
		request.resume();
		const headers: Record<string, string | number> = {
			'content-type': 'application/xml',
			'x-cos-request-id': 'hostile',
		};
		if (hostile.contentLength !== undefined) headers['content-length'] = hostile.contentLength;
		response.writeHead(200, headers);
		if (typeof hostile.answer === 'string') {
			hostile.sentBytes += Buffer.byteLength(hostile.answer);
			response.end(hostile.answer);
			return;
		}
		const chunks = hostile.answer();
		const pump = () => {
			for (let next = chunks.next(); !next.done; next = chunks.next()) {
				hostile.sentBytes += next.value.length;
				if (!response.write(next.value)) return void response.once('drain', pump);
			}
			response.end();
		};
		response.on('close', () => chunks.return(undefined));
		pump();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	hostile.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	hostile.close = async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	};
	return hostile;
}

let hostile: Hostile;
beforeAll(async () => (hostile = await startHostile()));
beforeEach(() => {
	hostile.answer = '';
	hostile.contentLength = undefined;
	hostile.sentBytes = 0;
});
afterAll(async () => await hostile.close());

const credential = () => ({
	secretId: 'AKIDHOSTILE',
	secretKey: SECRET_KEY,
	sessionToken: SESSION_TOKEN,
	bucket: 'examplebucket-1250000000',
	region: 'ap-guangzhou',
	cosEndpoint: hostile.url,
	ciEndpoint: hostile.url,
});

async function recognize() {
	return await runScanned(
		singleNodeWorkflow({
			resource: 'ocr',
			operation: 'recognizeText',
			source: 'object',
			objectKey: 'a.png',
		}),
		{
			credentials: { tencentCloudInfiniteApi: credential() },
		},
	);
}

describe('hostile answers to a request', () => {
	it('billion laughs (DOCTYPE with nested entity declarations): refused, nothing expanded', async () => {
		hostile.answer = laughs('Response');
		const result = await recognize();
		expect(result.error?.message).toBe(
			'COS error MalformedResponse for object "a.png": XML with a DOCTYPE or entity declarations is not accepted',
		);
		expect(JSON.stringify(result.runData)).not.toContain('lollol');
	});

	it('an entity declaration without a DOCTYPE: refused, not read as an element', async () => {
		hostile.answer = declaredWithoutDoctype;
		const result = await recognize();
		expect(result.error?.message).toMatch(
			/MalformedResponse for object "a.png": XML with a DOCTYPE or entity declarations/,
		);
	});

	it('nesting 100,000 elements deep: refused at fast-xml-parser’s nesting limit, no stack overflow', async () => {
		hostile.answer = deep(100_000);
		const result = await recognize();
		expect(result.error?.message).toMatch(
			/MalformedResponse for object "a.png": XML document is malformed or incomplete: Maximum nested tags exceeded/,
		);
	});

	it('a 200 MB answer streamed without a length: refused at 32 MB, the rest never read', async () => {
		const total = 200 * 1024 * 1024;
		hostile.answer = function* () {
			yield '<Response><TextDetections><DetectedText>';
			const chunk = 'x'.repeat(1024 * 1024);
			for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
			yield '</DetectedText></TextDetections></Response>';
		};
		const heapBefore = process.memoryUsage().heapUsed;
		const result = await recognize();
		expect(result.error?.message).toMatch(
			/^COS error ResponseTooLarge for object "a.png": The answer is larger than 32 MB/,
		);
		// Only what was in flight when the node stopped reading went out (socket buffers are a few MB).
		expect(hostile.sentBytes).toBeLessThan(64 * 1024 * 1024);
		expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(150 * 1024 * 1024);
	});

	it('an answer declaring 1 GB: refused from its Content-Length, unread', async () => {
		hostile.contentLength = 1024 * 1024 * 1024;
		hostile.answer = function* () {
			yield '<Response>';
		};
		const result = await recognize();
		expect(result.error?.message).toMatch(/ResponseTooLarge/);
	});

	it('a million predefined entities (&amp;) in one text: decoded, linear, not an expansion attack', async () => {
		hostile.answer = `<Response><TextDetections><DetectedText>${'&amp;'.repeat(1_000_000)}</DetectedText><Confidence>90</Confidence></TextDetections></Response>`;
		const result = await recognize();
		expect(result.error).toBeUndefined();
		expect(result.json('CI')[0].text).toBe('&'.repeat(1_000_000));
	});
});

describe('hostile callbacks at the trigger', () => {
	let trigger: TriggerServer;
	beforeAll(async () => {
		trigger = await startTriggerServer({
			nodeType: TRIGGER_TYPE,
			parameters: { confirm: false, options: { maxBodyKb: 1024 } },
		});
	});
	afterAll(async () => await trigger.close());

	const post = async (body: string, contentType = 'application/xml') => {
		const response = await fetch(trigger.url, {
			method: 'POST',
			headers: { 'content-type': contentType },
			body,
		});
		return {
			status: response.status,
			body: (await response.json()) as { status: string; reason: string },
		};
	};

	it.each([
		['billion laughs', laughs('Response'), 400, /DOCTYPE or entity declarations/],
		[
			'an entity declaration without a DOCTYPE',
			declaredWithoutDoctype,
			400,
			/DOCTYPE or entity declarations/,
		],
		['nesting 20,000 deep', deep(20_000), 400, /Maximum nested tags exceeded/],
		[
			'a body over Max Body Size (1 MB here)',
			`<Response><EventName>${'x'.repeat(2 * 1024 * 1024)}</EventName></Response>`,
			413,
			/larger than/,
		],
		[
			'JSON objects nested 50,000 deep',
			`${'{"JobsDetail":'.repeat(50_000)}1${'}'.repeat(50_000)}`,
			400,
			/nests deeper than 100 levels/,
		],
	] as Array<[string, string, number, RegExp]>)(
		'%s: refused, no execution',
		async (_name, body, status, reason) => {
			const before = trigger.executions.length;
			// As text/plain: n8n hands the body to the trigger unparsed (an XML type would meet n8n's own parser first).
			const contentType = body.startsWith('{') ? 'application/json' : 'text/plain';
			const answer = await post(body, contentType);
			expect(answer).toEqual({
				status,
				body: { status: 'rejected', reason: expect.stringMatching(reason) },
			});
			expect(trigger.executions).toHaveLength(before);
		},
	);
});
