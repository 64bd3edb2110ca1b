/** Sync OCR on the emulator's COS port: tesseract for images, the text engine, PDFs, detect-url. */
import { readFileSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';
import { deflateSync } from 'zlib';

import { makePdf, startEmulator, type Emulator } from '../../emulator';
import { errorCode, send, xml, type Xml } from './client';

const SAMPLE = readFileSync(join(__dirname, '../fixtures/sample.png'));
const ocr = (emulator: Emulator, key: string, query: Record<string, string> = {}) => send(emulator, 'cos', 'GET', key, { query: { 'ci-process': 'OCR', ...query } });

/** A one-page PDF whose content stream is FlateDecode-compressed. */
function flatePdf(lines: string[]): Buffer {
	const content = deflateSync(Buffer.from(`BT /F1 24 Tf 72 720 Td ${lines.map((l, i) => `${i ? '0 -30 Td ' : ''}(${l}) Tj`).join(' ')} ET`, 'latin1'));
	const parts = [
		'%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
		'2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n',
		'3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>\nendobj\n',
		`4 0 obj\n<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`,
	];
	return Buffer.concat([Buffer.from(parts.join(''), 'latin1'), content, Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1')]);
}

describe('tesseract (engine auto)', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator({ engine: 'auto' });
	});
	afterAll(async () => await emulator.close());

	it('reads the sample image back, with confidences, boxes and words', async () => {
		expect((await send(emulator, 'cos', 'PUT', 'scans/sample.png', { body: SAMPLE, headers: { 'content-type': 'image/png' } })).status).toBe(200);
		const reply = await ocr(emulator, 'scans/sample.png', { isword: 'true' });
		expect(reply.status).toBe(200);
		const response = xml(reply);
		const lines = response.TextDetections as Xml[];
		expect(lines.map((line) => line.DetectedText)).toEqual(['Tencent Cloud Infinite', 'OCR sample 2026', 'Hello n8n']);
		for (const line of lines) {
			expect(Number(line.Confidence)).toBeGreaterThan(60);
			expect(line.Polygon).toHaveLength(4);
			expect(Number(line.ItemPolygon.Width)).toBeGreaterThan(50);
			expect(line.Words.length).toBeGreaterThan(3);
			expect(line.Words[0].WordCoordPoint.WordCoordinate).toHaveLength(4);
		}
		// Lines are top to bottom, and inside the 640×220 image.
		const tops = lines.map((line) => Number(line.ItemPolygon.Y));
		expect([...tops].sort((a, b) => a - b)).toEqual(tops);
		expect(Math.max(...lines.map((l) => Number(l.ItemPolygon.X) + Number(l.ItemPolygon.Width)))).toBeLessThanOrEqual(640);
		expect(response.PdfPageSize).toBe('0');
		expect(response.RequestId).toBe(reply.headers['x-cos-request-id']);
	}, 60000);

	it('answers an unreadable image with 400 InvalidImage and keeps working', async () => {
		emulator.objects.set('broken.png', Buffer.concat([SAMPLE.subarray(0, 8), Buffer.from('not really a png')]));
		const broken = await ocr(emulator, 'broken.png');
		expect([broken.status, errorCode(broken)]).toEqual([400, 'InvalidImage']);
		emulator.objects.set('again.png', SAMPLE);
		expect(xml(await ocr(emulator, 'again.png')).TextDetections).toHaveLength(3);
	}, 60000);
});

describe('the text engine and PDFs', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator({ engine: 'text' });
	});
	afterEach(() => emulator.reset());
	afterAll(async () => await emulator.close());

	it('gives each non-empty line fixed geometry: x 10, y 10 + 30 a line, 12 px a character, 24 high', async () => {
		emulator.objects.set('two.txt', Buffer.from('Hello\n\n  \nGood morning\n'));
		const response = xml(await ocr(emulator, 'two.txt'));
		expect(response.TextDetections).toEqual([
			{
				Confidence: '99',
				DetectedText: 'Hello',
				Polygon: [{ X: '10', Y: '10' }, { X: '70', Y: '10' }, { X: '70', Y: '34' }, { X: '10', Y: '34' }],
				ItemPolygon: { X: '10', Y: '10', Width: '60', Height: '24' },
			},
			{
				Confidence: '99',
				DetectedText: 'Good morning',
				Polygon: [{ X: '10', Y: '40' }, { X: '154', Y: '40' }, { X: '154', Y: '64' }, { X: '10', Y: '64' }],
				ItemPolygon: { X: '10', Y: '40', Width: '144', Height: '24' },
			},
		]);
		expect(response).toMatchObject({ Angel: '0', PdfPageSize: '0' });
	});

	it('adds Words for general/accurate with isword, WordPolygon for handwriting with enable-word-polygon', async () => {
		emulator.objects.set('ab.txt', Buffer.from('ab'));
		const words = xml(await ocr(emulator, 'ab.txt', { type: 'accurate', isword: 'true' })).TextDetections[0].Words;
		expect(words.map((w: Xml) => w.Character)).toEqual(['a', 'b']);
		expect(words[1].WordCoordPoint.WordCoordinate[0]).toEqual({ X: '22', Y: '10' });
		expect(xml(await ocr(emulator, 'ab.txt', { type: 'fast', isword: 'true' })).TextDetections[0].Words).toBeUndefined();
		const polygons = xml(await ocr(emulator, 'ab.txt', { type: 'handwriting', 'enable-word-polygon': 'true' })).TextDetections[0].WordPolygon;
		expect(polygons[0]).toEqual({ LeftTop: { X: '10', Y: '10' }, RightTop: { X: '22', Y: '10' }, RightBottom: { X: '22', Y: '34' }, LeftBottom: { X: '10', Y: '34' } });
	});

	it('refuses images (engine text never runs tesseract) and binary files with InvalidImage', async () => {
		emulator.objects.set('sample.png', SAMPLE);
		emulator.objects.set('blob.bin', Buffer.from([0, 1, 2, 3, 0xff, 0xfe]));
		for (const key of ['sample.png', 'blob.bin']) {
			const reply = await ocr(emulator, key);
			expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidImage']);
		}
	});

	it('answers NoSuchKey for a missing object', async () => {
		const reply = await ocr(emulator, 'missing.png');
		expect([reply.status, errorCode(reply)]).toEqual([404, 'NoSuchKey']);
	});

	it('counts PDF pages, selects one with pdf-pagenumber and refuses a page past the end', async () => {
		emulator.objects.set('doc.pdf', makePdf([['Page one', 'second line'], ['Page two'], ['Page (three)']]));
		const first = xml(await ocr(emulator, 'doc.pdf', { ispdf: 'true' }));
		expect(first.PdfPageSize).toBe('3');
		expect(first.TextDetections.map((d: Xml) => d.DetectedText)).toEqual(['Page one', 'second line']);
		const third = xml(await ocr(emulator, 'doc.pdf', { ispdf: 'true', 'pdf-pagenumber': '3', type: 'fast' }));
		expect(third.TextDetections.map((d: Xml) => d.DetectedText)).toEqual(['Page (three)']);
		const beyond = await ocr(emulator, 'doc.pdf', { ispdf: 'true', 'pdf-pagenumber': '4' });
		expect([beyond.status, errorCode(beyond)]).toEqual([400, 'InvalidArgument']);
		expect(xml(beyond, 'Error').Message).toMatch(/beyond the last page \(3\)/);
	});

	it.each([
		[{}, /set ispdf=true/],
		[{ ispdf: 'true', type: 'accurate' }, /general or fast/],
		[{ ispdf: 'maybe' }, /ispdf must be true or false/],
	])('refuses a PDF with %j', async (query, message) => {
		emulator.objects.set('doc.pdf', makePdf([['x']]));
		const reply = await ocr(emulator, 'doc.pdf', query);
		expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidArgument']);
		expect(xml(reply, 'Error').Message).toMatch(message);
	});

	it('reads FlateDecode content streams', async () => {
		emulator.objects.set('zip.pdf', flatePdf(['Compressed text', 'Line 2']));
		const response = xml(await ocr(emulator, 'zip.pdf', { ispdf: 'true' }));
		expect(response.TextDetections.map((d: Xml) => d.DetectedText)).toEqual(['Compressed text', 'Line 2']);
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
			if (req.url === '/scan.txt') res.end('served text');
			else res.writeHead(404).end();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await emulator.close();
		await new Promise((resolve) => server.close(resolve));
	});

	it('downloads from a loopback server, with the URL encoded once or (as in the doc) several times', async () => {
		for (const detectUrl of [`${base}/scan.txt`, encodeURIComponent(encodeURIComponent(`${base}/scan.txt`))]) {
			const reply = await send(emulator, 'cos', 'GET', '', { query: { 'ci-process': 'OCR', 'detect-url': detectUrl } });
			expect(xml(reply).TextDetections[0].DetectedText).toBe('served text');
		}
	});

	it.each([
		['a 404 from the server', () => `${base}/missing.png`, /HTTP 404/],
		['a host that is not loopback', () => 'http://192.168.1.10/a.png', /not a loopback address/],
		['an ftp URL', () => 'ftp://127.0.0.1/a.png', /only http and https/],
	])('answers %s with InvalidArgument', async (_, detectUrl, message) => {
		const reply = await send(emulator, 'cos', 'GET', '', { query: { 'ci-process': 'OCR', 'detect-url': detectUrl() } });
		expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidArgument']);
		expect(xml(reply, 'Error').Message).toMatch(message);
	});

	it('needs an object key or a detect-url', async () => {
		const reply = await send(emulator, 'cos', 'GET', '', { query: { 'ci-process': 'OCR' } });
		expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidArgument']);
	});
});
