/** OCR › Recognize Text in real n8n against the emulator (images carry their text: test/helpers/images.ts). */
import { readFileSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import path from 'path';

import { makePdf } from '../../emulator';
import { useEmulator } from '../helpers/emulator-setup';
import { png, textPng } from '../helpers/images';
import { inlineBinary, runWorkflow } from '../helpers/n8n';
import { jsonItems, singleNodeWorkflow } from '../helpers/workflows';

const { emulator, credential } = useEmulator();

const ocr = (parameters: Record<string, unknown>) => ({
	resource: 'ocr',
	operation: 'recognizeText',
	...parameters,
});

async function run(
	parameters: Record<string, unknown>,
	inputItems = jsonItems(1, () => ({})),
	node: Record<string, unknown> = {},
) {
	return await runWorkflow(singleNodeWorkflow(ocr(parameters), node), {
		credentials: { tencentCloudInfiniteApi: credential() },
		inputItems,
	});
}

const put = (key: string, content: Buffer) => emulator().objects.set(key, content);
const sent = (key: string) => emulator().requests.find((request) => request.path === `/${key}`)!;

describe('Recognize Text from a COS object', () => {
	it('returns the simplified item: text in reading order, lines with polygon and box, source key', async () => {
		put('docs/note.png', textPng(['Invoice 42', 'Total 99.50']));
		const result = await run({ source: 'object', objectKey: 'docs/note.png' });
		expect(result.error).toBeUndefined();
		const [item] = result.json('CI');
		expect(item).toMatchObject({
			text: 'Invoice 42\nTotal 99.50',
			objectKey: 'docs/note.png',
			page: null,
			pageCount: 0,
		});
		const lines = item.lines as any[];
		expect(lines).toHaveLength(2);
		expect(lines[0]).toMatchObject({ text: 'Invoice 42', confidence: expect.any(Number) });
		expect(lines[0].polygon).toHaveLength(4);
		expect(lines[0].polygon[0]).toEqual({ x: expect.any(Number), y: expect.any(Number) });
		expect(lines[0].box).toEqual({
			x: expect.any(Number),
			y: expect.any(Number),
			width: expect.any(Number),
			height: expect.any(Number),
		});
		expect(lines[0].words).toBeUndefined();
	});

	it.each(['general', 'accurate', 'efficient', 'fast', 'handwriting'])(
		'sends recognition type %s',
		async (type) => {
			put('t.png', textPng('typed'));
			const result = await run({ source: 'object', objectKey: 't.png', recognitionType: type });
			expect(result.error).toBeUndefined();
			expect(result.json('CI')[0].text).toBe('typed');
			expect(sent('t.png').query.type).toBe(type);
			expect('language-type' in sent('t.png').query).toBe(type === 'general');
		},
	);

	it('returns characters when asked (general, accurate)', async () => {
		put('w.png', textPng('ab'));
		const result = await run({
			source: 'object',
			objectKey: 'w.png',
			recognitionType: 'accurate',
			returnCharacters: true,
		});
		const words = (result.json('CI')[0].lines as any[])[0].words;
		expect(words.map((word: any) => word.character).join('')).toBe('ab');
		expect(sent('w.png').query.isword).toBe('true');
	});

	it('returns character polygons for handwriting', async () => {
		put('h.png', textPng('hi'));
		const result = await run({
			source: 'object',
			objectKey: 'h.png',
			recognitionType: 'handwriting',
			characterPolygons: true,
		});
		const words = (result.json('CI')[0].lines as any[])[0].words;
		expect(words[0].polygon).toHaveLength(4);
		expect(sent('h.png').query['enable-word-polygon']).toBe('true');
	});

	it('gives the whole normalized answer with Output Raw', async () => {
		put('raw.png', textPng('one'));
		const [item] = (await run({ source: 'object', objectKey: 'raw.png', output: 'raw' })).json(
			'CI',
		);
		expect(item).toMatchObject({ TextDetections: [{ DetectedText: 'one' }], objectKey: 'raw.png' });
		expect(Array.isArray((item.TextDetections as any[])[0].Polygon)).toBe(true);
	});

	it('gives only the text, page and confidence with Output Text Only', async () => {
		put('c.png', textPng(['first', 'second']));
		const [item] = (await run({ source: 'object', objectKey: 'c.png', output: 'text' })).json('CI');
		expect(item).toEqual({
			text: 'first\nsecond',
			page: null,
			confidence: expect.any(Number),
			objectKey: 'c.png',
		});
	});

	it('outputs one item per line when asked', async () => {
		put('l.png', textPng(['a', 'b', 'c']));
		const items = (
			await run({ source: 'object', objectKey: 'l.png', options: { splitLines: true } })
		).json('CI');
		expect(items.map((item) => item.text)).toEqual(['a', 'b', 'c']);
		expect(items.map((item) => item.lineIndex)).toEqual([0, 1, 2]);
	});
});

describe('Recognize Text from a binary file', () => {
	it('uploads, recognizes the real words of the sample image (tesseract), and deletes the upload', async () => {
		const sample = readFileSync(path.join(__dirname, '../fixtures/sample.png'));
		const result = await run({ source: 'binary', binaryPropertyName: 'data' }, [
			{ json: {}, binary: { data: inlineBinary(sample, 'sample.png', 'image/png') } },
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.json('CI');
		const words = String(item.text).toLowerCase();
		for (const word of ['tencent', 'cloud', 'infinite', 'ocr', 'sample', '2026', 'hello', 'n8n'])
			expect(words).toContain(word);
		expect(item).toMatchObject({ fileName: 'sample.png', uploadKept: false });
		expect(item.objectKey).toBeUndefined();
		const upload = emulator().requests.find((request) => request.method === 'PUT')!;
		expect(upload.path).toMatch(/^\/n8n-ocr-uploads\/[0-9a-f-]{36}\/sample\.png$/);
		expect(emulator().objects.size).toBe(0);
		expect(result.items('CI')[0].pairedItem).toEqual({ item: 0 });
	}, 60000);

	it('streams a file of nearly the service’s limit from n8n’s binary store to the bucket unchanged', async () => {
		const large = png({ text: 'last line', padTo: 5_200_000 });
		const result = await run(
			{ source: 'binary', binaryPropertyName: 'data', options: { keepUpload: true } },
			[{ json: {}, binary: { data: inlineBinary(large, 'large.png', 'image/png') } }],
		);
		expect(result.error).toBeUndefined();
		const [item] = result.json('CI');
		expect(item).toMatchObject({ text: 'last line', uploadKept: true });
		expect(emulator().objects.get(String(item.objectKey))?.equals(large)).toBe(true);
	});

	it('keeps the upload when asked, under the chosen prefix', async () => {
		const image = textPng('kept text');
		const result = await run(
			{
				source: 'binary',
				binaryPropertyName: 'file',
				options: { keepUpload: true, keyPrefix: 'scans/' },
			},
			[{ json: {}, binary: { file: inlineBinary(image, 'kept.png', 'image/png') } }],
		);
		const key = String(result.json('CI')[0].objectKey);
		expect(key.startsWith('scans/')).toBe(true);
		expect(emulator().objects.get(key)?.equals(image)).toBe(true);
	});
});

describe('Recognize Text from a URL', () => {
	let server: Server;
	let base: string;
	beforeAll(async () => {
		server = createServer((request, response) => {
			response.writeHead(200, { 'content-type': 'image/png' });
			response.end(textPng(`served ${request.url}`));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	it('passes the URL as detect-url, encoded once', async () => {
		const url = `${base}/img (1).png?x=1&y=2`;
		const result = await run({ source: 'url', url });
		expect(result.error).toBeUndefined();
		const [item] = result.json('CI');
		expect(item.url).toBe(new URL(url).toString());
		expect(item.text).toBe('served /img%20(1).png?x=1&y=2');
		expect(emulator().requests.find((request) => request.path === '/')!.query['detect-url']).toBe(
			new URL(url).toString(),
		);
	});
});

describe('Recognize Text of PDF pages', () => {
	const pdf = () => makePdf([['page one'], ['page two'], ['page three', 'end']]);

	it('reads one page', async () => {
		put('doc.pdf', pdf());
		const [item] = (
			await run({ source: 'object', objectKey: 'doc.pdf', pdfMode: 'page', pdfPage: 2 })
		).json('CI');
		expect(item).toMatchObject({ text: 'page two', page: 2, pageCount: 3 });
	});

	it('reads a list of pages as one item per page, in page order', async () => {
		put('doc.pdf', pdf());
		const items = (
			await run({ source: 'object', objectKey: 'doc.pdf', pdfMode: 'pages', pdfPages: '3, 1' })
		).json('CI');
		expect(items.map((item) => [item.page, item.text])).toEqual([
			[1, 'page one'],
			[3, 'page three\nend'],
		]);
	});

	it('reads all pages into one merged item', async () => {
		put('doc.pdf', pdf());
		const items = (
			await run({ source: 'object', objectKey: 'doc.pdf', pdfMode: 'all', pdfOutput: 'merged' })
		).json('CI');
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			text: 'page one\n\npage two\n\npage three\nend',
			pageCount: 3,
		});
		expect((items[0].lines as any[]).map((line) => line.page)).toEqual([1, 2, 3, 3]);
		expect((items[0].pages as any[]).map((page) => page.page)).toEqual([1, 2, 3]);
	});

	it('gives each page’s text and confidence with Text Only, merged', async () => {
		put('doc.pdf', pdf());
		const [item] = (
			await run({
				source: 'object',
				objectKey: 'doc.pdf',
				pdfMode: 'all',
				pdfOutput: 'merged',
				output: 'text',
			})
		).json('CI');
		expect(item.text).toBe('page one\n\npage two\n\npage three\nend');
		expect((item.pages as any[]).map((page) => [page.page, page.text])).toEqual([
			[1, 'page one'],
			[2, 'page two'],
			[3, 'page three\nend'],
		]);
	});

	it('refuses a page beyond the PDF before requesting it', async () => {
		put('doc.pdf', pdf());
		const result = await run({
			source: 'object',
			objectKey: 'doc.pdf',
			pdfMode: 'pages',
			pdfPages: '2-5',
		});
		expect(result.error?.message).toBe('"Pages" asks for page 4, but the PDF has 3 pages');
		expect(emulator().requests.filter((request) => request.path === '/doc.pdf')).toHaveLength(1);
	});
});

describe('many items', () => {
	it('keeps input order and pairing while running several at once', async () => {
		for (let index = 0; index < 12; index++) put(`n/${index}.png`, textPng(`text ${index}`));
		emulator().setFaults({ latencyMs: 50 });
		const items = jsonItems(12, (index) => ({ key: `n/${index}.png` }));
		const result = await run(
			{ source: 'object', objectKey: '={{ $json.key }}', options: { itemsAtOnce: 4 } },
			items,
		);
		expect(result.json('CI').map((item) => item.text)).toEqual(
			items.map((_, index) => `text ${index}`),
		);
		expect(result.items('CI').map((item) => item.pairedItem)).toEqual(
			items.map((_, index) => ({ item: index })),
		);
		expect(emulator().stats.maxConcurrentRequests).toBe(4);
	});

	it('turns a failed item into an error item naming its key under continueOnFail, and keeps the others', async () => {
		put('ok-0.png', textPng('zero'));
		put('ok-2.png', textPng('two'));
		const items = [
			{ json: { key: 'ok-0.png' } },
			{ json: { key: 'missing.png' } },
			{ json: { key: 'ok-2.png' } },
		];
		const result = await run({ source: 'object', objectKey: '={{ $json.key }}' }, items, {
			onError: 'continueRegularOutput',
		});
		const out = result.items('CI');
		expect(out.map((item) => item.json.text ?? null)).toEqual(['zero', null, 'two']);
		expect(out[1].json).toEqual({
			error: 'COS error NoSuchKey for object "missing.png": The specified key does not exist.',
			details: {
				description: expect.stringMatching(/HTTP 404, RequestId \S+, TraceId \S+/),
				code: 'NoSuchKey',
				httpCode: '404',
				requestId: expect.any(String),
				traceId: expect.any(String),
				objectKey: 'missing.png',
			},
		});
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('under Continue, a wrong Items at Once fails every item with that error instead of passing the input through', async () => {
		const result = await run(
			{ source: 'object', objectKey: 'a.png', options: { itemsAtOnce: '={{ $json.n }}' } },
			[{ json: { n: 2 } }, { json: { n: 3 } }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.items('CI').map((item) => [item.json.error, item.pairedItem])).toEqual([
			[
				'"Items at Once" must be the same for every item: item 0 gives 2, item 1 gives 3',
				{ item: 0 },
			],
			[
				'"Items at Once" must be the same for every item: item 0 gives 2, item 1 gives 3',
				{ item: 1 },
			],
		]);
		expect(emulator().requests).toHaveLength(0);
	});

	it('refuses Items at Once that differs between items, naming it', async () => {
		const result = await run(
			{ source: 'object', objectKey: 'a.png', options: { itemsAtOnce: '={{ $json.n }}' } },
			[{ json: { n: 2 } }, { json: { n: 3 } }],
		);
		expect(result.error?.message).toBe(
			'"Items at Once" must be the same for every item: item 0 gives 2, item 1 gives 3',
		);
		expect(emulator().requests).toHaveLength(0);
	});
});

describe('bad input is refused before any request', () => {
	it.each([
		[
			'no binary field',
			{ source: 'binary', binaryPropertyName: 'missing' },
			/^"Input Binary Field" is "missing", but item 0 has no binary field of that name$/,
		],
		['an empty key', { source: 'object', objectKey: '  ' }, /^"Object Key" is empty$/],
		[
			'a key over 850 bytes',
			{ source: 'object', objectKey: '图'.repeat(300) },
			/^"Object Key" is longer than 850 bytes$/,
		],
		[
			'a file: URL',
			{ source: 'url', url: 'file:///etc/passwd' },
			/^"URL" must use http or https, not file$/,
		],
		[
			'an ftp URL',
			{ source: 'url', url: 'ftp://example.com/a.png' },
			/^"URL" must use http or https/,
		],
		[
			'a URL with credentials',
			{ source: 'url', url: 'https://user:pw@example.com/a.png' },
			/^"URL" must not contain a user name or password$/,
		],
		['not a URL', { source: 'url', url: 'example' }, /^"URL" is not a valid URL/],
		[
			'a page list that does not parse',
			{ source: 'object', objectKey: 'a.pdf', pdfMode: 'pages', pdfPages: '3-1' },
			/^"Pages" has "3-1", which is not a page or a range$/,
		],
		[
			'a page list with words',
			{ source: 'object', objectKey: 'a.pdf', pdfMode: 'pages', pdfPages: 'one' },
			/^"Pages" has "one"/,
		],
		[
			'a page 0',
			{ source: 'object', objectKey: 'a.pdf', pdfMode: 'page', pdfPage: 0 },
			/^"Page" must be a whole number from 1, not 0$/,
		],
		[
			'a recognition type from an expression in capitals',
			{ source: 'object', objectKey: 'a.png', recognitionType: '={{ "GENERAL" }}' },
			/^"Recognition Type" is "GENERAL", which is not one of "accurate", "efficient", "fast", "general", "handwriting"$/,
		],
		[
			'a language from an expression',
			{ source: 'object', objectKey: 'a.png', languageType: '={{ "english" }}' },
			/^"Language" is "english", which is not one of "zh", "zh_rare", "auto"/,
		],
		[
			'an output mode that does not exist',
			{ source: 'object', objectKey: 'a.png', output: '={{ "full" }}' },
			/^"Output" is "full", which is not one of "simplified", "text", "raw"$/,
		],
		[
			'Items at Once 0',
			{ source: 'object', objectKey: 'a.png', options: { itemsAtOnce: 0 } },
			/^"Items at Once" must be a whole number from 1 to 50, not 0$/,
		],
		[
			'Items at Once empty from an expression',
			{ source: 'object', objectKey: 'a.png', options: { itemsAtOnce: '={{ "" }}' } },
			/^"Items at Once" must be a whole number from 1 to 50, not ""$/,
		],
	])('%s', async (_name, parameters, message) => {
		const result = await run(parameters);
		expect(result.error?.message).toMatch(message);
		expect(emulator().requests).toHaveLength(0);
	});

	it('refuses a PDF binary while PDF Pages is off, before uploading it', async () => {
		const result = await run({ source: 'binary', binaryPropertyName: 'data' }, [
			{ json: {}, binary: { data: inlineBinary(makePdf([['x']]), 'scan.pdf', 'application/pdf') } },
		]);
		expect(result.error?.message).toBe('"PDF Pages" is "Not a PDF", but scan.pdf is a PDF');
		expect(result.error?.description).toBe('Choose One Page, Pages or Ranges, or All Pages');
		expect(emulator().requests).toHaveLength(0);
	});

	it('refuses a file the service cannot read, naming it and the formats, before uploading it', async () => {
		const result = await run({ source: 'binary', binaryPropertyName: 'data' }, [
			{ json: {}, binary: { data: inlineBinary('plain text', 'notes.txt', 'text/plain') } },
		]);
		expect(result.error?.message).toBe(
			'"notes.txt" is text/plain; the service reads only PNG, JPG, JPEG, BMP or PDF',
		);
		expect(emulator().requests).toHaveLength(0);
	});

	it('refuses a file over the service’s 7M-after-Base64 limit, naming the limit, before uploading it', async () => {
		const large = png({ text: 'x', padTo: 5_300_000 });
		const result = await run({ source: 'binary', binaryPropertyName: 'data' }, [
			{ json: {}, binary: { data: inlineBinary(large, 'big.png', 'image/png') } },
		]);
		expect(result.error?.message).toBe(
			'"big.png" is 5.05 MB; the service reads files of at most 5.01 MB',
		);
		expect(emulator().requests).toHaveLength(0);
	});
});
