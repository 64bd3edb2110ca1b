/** Sync OCR on the emulator's COS port: formats by content, the size limit, tesseract, embedded text, PDFs, detect-url. */
import { readFileSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';
import { deflateSync } from 'zlib';

import { PNG } from 'pngjs';

import { makePdf, MAX_BASE64_CHARS, startEmulator, type Emulator } from '../../emulator';
import { png, textPng } from '../helpers/images';
import { errorCode, send, xml, type Xml } from './client';

const SAMPLE = readFileSync(join(__dirname, '../fixtures/sample.png'));
const ocr = (emulator: Emulator, key: string, query: Record<string, string> = {}) =>
	send(emulator, 'cos', 'GET', key, { query: { 'ci-process': 'OCR', ...query } });

/** A 24-bit bottom-up BMP of a PNG's pixels. */
function bmpOf(pngFile: Buffer): Buffer {
	const { width, height, data } = PNG.sync.read(pngFile);
	const stride = Math.ceil((width * 3) / 4) * 4;
	const file = Buffer.alloc(54 + stride * height);
	file.write('BM', 0, 'latin1');
	file.writeUInt32LE(file.length, 2);
	file.writeUInt32LE(54, 10);
	file.writeUInt32LE(40, 14);
	file.writeInt32LE(width, 18);
	file.writeInt32LE(height, 22);
	file.writeUInt16LE(1, 26);
	file.writeUInt16LE(24, 28);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const from = (y * width + x) * 4;
			file.set(
				[data[from + 2], data[from + 1], data[from]],
				54 + (height - 1 - y) * stride + x * 3,
			);
		}
	}
	return file;
}

/** A one-page PDF whose content stream is FlateDecode-compressed. */
function flatePdf(lines: string[]): Buffer {
	const content = deflateSync(
		Buffer.from(
			`BT /F1 24 Tf 72 720 Td ${lines.map((l, i) => `${i ? '0 -30 Td ' : ''}(${l}) Tj`).join(' ')} ET`,
			'latin1',
		),
	);
	const parts = [
		'%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
		'2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n',
		'3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>\nendobj\n',
		`4 0 obj\n<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`,
	];
	return Buffer.concat([
		Buffer.from(parts.join(''), 'latin1'),
		content,
		Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1'),
	]);
}

describe('tesseract (engine auto)', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator({ engine: 'auto' });
	});
	afterAll(async () => await emulator.close());

	it('reads the sample image back, with confidences, boxes and words', async () => {
		expect(
			(
				await send(emulator, 'cos', 'PUT', 'scans/sample.png', {
					body: SAMPLE,
					headers: { 'content-type': 'image/png' },
				})
			).status,
		).toBe(200);
		const reply = await ocr(emulator, 'scans/sample.png', { isword: 'true' });
		expect(reply.status).toBe(200);
		const response = xml(reply);
		const lines = response.TextDetections as Xml[];
		expect(lines.map((line) => line.DetectedText)).toEqual([
			'Tencent Cloud Infinite',
			'OCR sample 2026',
			'Hello n8n',
		]);
		for (const line of lines) {
			expect(Number(line.Confidence)).toBeGreaterThan(60);
			expect(line.Polygon).toHaveLength(4);
			expect(Number(line.ItemPolygon.Width)).toBeGreaterThan(50);
			expect(line.Words.length).toBeGreaterThan(3);
			expect(line.Words[0].WordCoordPoint.WordCoordinate).toHaveLength(4);
		}
		const tops = lines.map((line) => Number(line.ItemPolygon.Y));
		expect([...tops].sort((a, b) => a - b)).toEqual(tops);
		expect(
			Math.max(...lines.map((l) => Number(l.ItemPolygon.X) + Number(l.ItemPolygon.Width))),
		).toBeLessThanOrEqual(640);
		expect(response.PdfPageSize).toBe('0');
		expect(response.RequestId).toBe(reply.headers['x-cos-request-id']);
	}, 60000);

	it('reads the same picture as a BMP', async () => {
		emulator.objects.set('sample.bmp', bmpOf(SAMPLE));
		const lines = xml(await ocr(emulator, 'sample.bmp')).TextDetections as Xml[];
		expect(lines.map((line) => line.DetectedText)).toEqual([
			'Tencent Cloud Infinite',
			'OCR sample 2026',
			'Hello n8n',
		]);
	}, 60000);

	it('answers a PNG whose data does not decode with 400 InvalidImageFormat, and keeps working', async () => {
		emulator.objects.set(
			'broken.png',
			Buffer.concat([SAMPLE.subarray(0, 8), Buffer.from('not really a png')]),
		);
		const broken = await ocr(emulator, 'broken.png');
		expect([broken.status, errorCode(broken)]).toEqual([400, 'InvalidImageFormat']);
		expect(xml(broken, 'Error').Message).toMatch(/PNG data does not decode/);
		emulator.objects.set('again.png', SAMPLE);
		expect(xml(await ocr(emulator, 'again.png')).TextDetections).toHaveLength(3);
	}, 60000);
});

describe('formats, size and the text engine', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator({ engine: 'text' });
	});
	afterEach(() => emulator.reset());
	afterAll(async () => await emulator.close());

	it('reads the text embedded by textPng(): x 10, y 10 + 30 a line, 12 px a character, 24 high', async () => {
		emulator.objects.set('two.png', textPng(['Hello', '', '  ', 'Good morning']));
		const response = xml(await ocr(emulator, 'two.png'));
		expect(response.TextDetections).toEqual([
			{
				Confidence: '99',
				DetectedText: 'Hello',
				ItemPolygon: { Height: '24', Width: '60', X: '10', Y: '10' },
				Polygon: [
					{ X: '10', Y: '10' },
					{ X: '70', Y: '10' },
					{ X: '70', Y: '34' },
					{ X: '10', Y: '34' },
				],
			},
			{
				Confidence: '99',
				DetectedText: 'Good morning',
				ItemPolygon: { Height: '24', Width: '144', X: '10', Y: '40' },
				Polygon: [
					{ X: '10', Y: '40' },
					{ X: '154', Y: '40' },
					{ X: '154', Y: '64' },
					{ X: '10', Y: '64' },
				],
			},
		]);
		expect(response).toMatchObject({ Angel: '0', PdfPageSize: '0', Language: 'zh' });
	});

	it('never reads a file as text: UTF-8, JSON and unknown binaries are InvalidImageFormat by their content', async () => {
		const files: Record<string, Buffer> = {
			'notes.png': Buffer.from('first line\nsecond line'),
			'data.json': Buffer.from('{"a":1}'),
			'blob.bin': Buffer.from([0, 1, 2, 3, 0xff, 0xfe]),
			'empty.png': Buffer.alloc(0),
			'fake.bmp': Buffer.from('BM'),
		};
		for (const [key, data] of Object.entries(files)) {
			emulator.objects.set(key, data);
			const reply = await ocr(emulator, key);
			expect([key, reply.status, errorCode(reply)]).toEqual([key, 400, 'InvalidImageFormat']);
			expect(xml(reply, 'Error').Message).toMatch(/not PNG, JPEG, BMP, PDF/);
		}
	});

	it('refuses images without embedded text with 501 EmulatorEngineText (engine text never runs tesseract)', async () => {
		emulator.objects.set('sample.png', SAMPLE);
		const reply = await ocr(emulator, 'sample.png');
		expect([reply.status, errorCode(reply)]).toEqual([501, 'EmulatorEngineText']);
	});

	it('takes 7,000,000 Base64 characters (5,250,000 bytes) and refuses one byte more with ImageTooLarge', async () => {
		const limit = (MAX_BASE64_CHARS / 4) * 3;
		emulator.objects.set('at.png', png({ text: 'at the limit', padTo: limit }));
		emulator.objects.set('over.png', png({ text: 'over the limit', padTo: limit + 1 }));
		expect(emulator.objects.get('at.png')?.length).toBe(limit);
		expect(xml(await ocr(emulator, 'at.png')).TextDetections[0].DetectedText).toBe('at the limit');
		const over = await ocr(emulator, 'over.png');
		expect([over.status, errorCode(over)]).toEqual([400, 'ImageTooLarge']);
		expect(xml(over, 'Error').Message).toMatch(/7000000 characters in Base64/);
	});

	it('reports the requested language for type general, an empty Language where it would be a guess', async () => {
		emulator.objects.set('a.png', textPng('a'));
		const language = async (query: Record<string, string>) =>
			xml(await ocr(emulator, 'a.png', query)).Language;
		expect(await language({})).toBe('zh');
		expect(await language({ 'language-type': 'jap' })).toBe('jap');
		const guesses: Array<Record<string, string>> = [
			{ 'language-type': 'auto' },
			{ type: 'accurate' },
			{ type: 'handwriting' },
		];
		for (const query of guesses) expect(await language(query)).toBe('');
	});

	it('adds Words for general/accurate with isword, WordPolygon for handwriting with enable-word-polygon, never placeholders', async () => {
		emulator.objects.set('ab.png', textPng('a b'));
		const words = xml(await ocr(emulator, 'ab.png', { type: 'accurate', isword: 'true' }))
			.TextDetections[0].Words;
		expect(words.map((w: Xml) => w.Character)).toEqual(['a', 'b']);
		expect(words[1].WordCoordPoint.WordCoordinate[0]).toEqual({ X: '34', Y: '10' });
		const fast = xml(await ocr(emulator, 'ab.png', { type: 'fast', isword: 'true' }))
			.TextDetections[0];
		expect([fast.Words, fast.WordPolygon]).toEqual([undefined, undefined]);
		const polygons = xml(
			await ocr(emulator, 'ab.png', { type: 'handwriting', 'enable-word-polygon': 'true' }),
		).TextDetections[0].WordPolygon;
		expect(polygons[0]).toEqual({
			LeftTop: { X: '10', Y: '10' },
			RightTop: { X: '22', Y: '10' },
			RightBottom: { X: '22', Y: '34' },
			LeftBottom: { X: '10', Y: '34' },
		});
		// The Python and Java SDKs send the false defaults for every type (requests/sync-ocr-query-sdks.json).
		const sdk = await ocr(emulator, 'ab.png', {
			type: 'accurate',
			ispdf: 'false',
			'pdf-pagenumber': '1',
			isword: 'false',
			'enable-word-polygon': 'false',
		});
		expect(sdk.status).toBe(200);
	});

	it('answers NoSuchKey for a missing object', async () => {
		const reply = await ocr(emulator, 'missing.png');
		expect([reply.status, errorCode(reply)]).toEqual([404, 'NoSuchKey']);
	});

	it('counts PDF pages and selects one with pdf-pagenumber', async () => {
		emulator.objects.set(
			'doc.pdf',
			makePdf([['Page one', 'second line'], ['Page two'], ['Page (three)']]),
		);
		const first = xml(await ocr(emulator, 'doc.pdf', { ispdf: 'true' }));
		expect(first.PdfPageSize).toBe('3');
		expect(first.TextDetections.map((d: Xml) => d.DetectedText)).toEqual([
			'Page one',
			'second line',
		]);
		const third = xml(
			await ocr(emulator, 'doc.pdf', { ispdf: 'true', 'pdf-pagenumber': '3', type: 'fast' }),
		);
		expect(third.TextDetections[0].DetectedText).toBe('Page (three)');
	});

	it.each([
		[{}, /ispdf is not true/],
		[{ ispdf: 'true', type: 'accurate' }, /general and fast, not accurate/],
		[{ ispdf: 'true', 'pdf-pagenumber': '4' }, /beyond the last page \(3\)/],
	])(
		'answers what no source documents for a PDF with %j with 501 EmulatorUndocumented',
		async (query, message) => {
			emulator.objects.set('doc.pdf', makePdf([['x'], ['y'], ['z']]));
			const reply = await ocr(emulator, 'doc.pdf', query);
			expect([reply.status, errorCode(reply)]).toEqual([501, 'EmulatorUndocumented']);
			expect(xml(reply, 'Error').Message).toMatch(message);
		},
	);

	it('refuses ispdf=maybe, and reads FlateDecode content streams', async () => {
		emulator.objects.set('zip.pdf', flatePdf(['Compressed text', 'Line 2']));
		expect(errorCode(await ocr(emulator, 'zip.pdf', { ispdf: 'maybe' }))).toBe('InvalidArgument');
		const response = xml(await ocr(emulator, 'zip.pdf', { ispdf: 'true' }));
		expect(response.TextDetections.map((d: Xml) => d.DetectedText)).toEqual([
			'Compressed text',
			'Line 2',
		]);
		expect(response.PdfPageSize).toBe('1');
	});
});

describe('detect-url', () => {
	let emulator: Emulator;
	let server: Server;
	let base: string;
	beforeAll(async () => {
		emulator = await startEmulator({ engine: 'text' });
		server = createServer((req, res) => {
			if (req.url === '/scan.png') res.end(textPng('served text'));
			else if (req.url === '/notes.txt') res.end('plain text');
			else res.writeHead(404).end();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await emulator.close();
		await new Promise((resolve) => server.close(resolve));
	});

	const detect = (detectUrl: string) =>
		send(emulator, 'cos', 'GET', '', { query: { 'ci-process': 'OCR', 'detect-url': detectUrl } });

	it('downloads from a loopback server, with the URL encoded once or (as in the doc) several times', async () => {
		for (const detectUrl of [
			`${base}/scan.png`,
			encodeURIComponent(encodeURIComponent(`${base}/scan.png`)),
		]) {
			expect(xml(await detect(detectUrl)).TextDetections[0].DetectedText).toBe('served text');
		}
	});

	it('checks the downloaded file’s format as for an object', async () => {
		expect(errorCode(await detect(`${base}/notes.txt`))).toBe('InvalidImageFormat');
	});

	it.each([
		['a 404 from the server', () => `${base}/missing.png`, /HTTP 404/],
		['a host that is not loopback', () => 'http://192.168.1.10/a.png', /not a loopback address/],
		['an ftp URL', () => 'ftp://127.0.0.1/a.png', /only http and https/],
	])('answers %s with InvalidArgument', async (_, detectUrl, message) => {
		const reply = await detect(detectUrl());
		expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidArgument']);
		expect(xml(reply, 'Error').Message).toMatch(message);
	});

	it('needs an object key or a detect-url', async () => {
		const reply = await send(emulator, 'cos', 'GET', '', { query: { 'ci-process': 'OCR' } });
		expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidArgument']);
	});
});
