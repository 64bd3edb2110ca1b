/** Synchronous ID-card recognition, `ci-process=IDCardOCR` on the COS port (shapes: test/conformance/structure.test.ts). */
import { readFileSync } from 'fs';
import { join } from 'path';

import { decode } from 'jpeg-js';

import {
	BLUR_MARKER,
	CONFIG_KEYS,
	MAX_BASE64_CHARS,
	startEmulator,
	WARNING_MARKERS,
	type Emulator,
} from '../../emulator';
import { png, textPng } from '../helpers/images';
import { errorCode, send, xml, type Reply, type Xml } from './client';

const FIXTURE = readFileSync(join(__dirname, '../fixtures/id-card.png'));
const FRONT = [
	'姓名 张明',
	'性别 男',
	'民族 汉',
	'出生 1987/1/1',
	'住址 北京市石景山区高新技术园腾讯大楼',
	'公民身份号码 440524198701010014',
];
const BACK = ['签发机关 赵县公安局', '有效期限 2010.07.21-2020.07.21'];

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ engine: 'auto' });
});
beforeEach(() => {
	emulator.objects.set('front.png', textPng(FRONT));
	emulator.objects.set('back.png', textPng(BACK));
});
afterEach(() => emulator.reset());
afterAll(async () => await emulator.close());

const idCard = (key: string, query: Record<string, string> = {}) =>
	send(emulator, 'cos', 'GET', key, { query: { 'ci-process': 'IDCardOCR', ...query } });
/** The IdInfo of an answer (the test client reads IdInfo as a repeated element). */
const fieldsOf = async (reply: Promise<Reply>) =>
	xml(await reply).IdInfo[0] as Record<string, string>;
const config = (...keys: string[]) =>
	JSON.stringify(Object.fromEntries(keys.map((key) => [key, true])));
const expectError = (reply: Reply, status: number, code: string, message?: RegExp) => {
	expect([reply.status, errorCode(reply)]).toEqual([status, code]);
	if (message) expect(xml(reply, 'Error').Message).toMatch(message);
};
/** A Base64 text that decodes as a real JPEG: its size. */
function jpegSize(base64: string): { width: number; height: number } {
	const data = Buffer.from(base64, 'base64');
	expect(data.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
	const { width, height } = decode(data);
	return { width, height };
}

describe('fields', () => {
	it('reads the front and the back, the side told by CardSide or from the fields', async () => {
		const front = xml(await idCard('front.png', { CardSide: 'FRONT' }));
		expect(front.IdInfo[0]).toEqual({
			Name: '张明',
			Sex: '男',
			Nation: '汉',
			Birth: '1987/1/1',
			Address: '北京市石景山区高新技术园腾讯大楼',
			IdNum: '440524198701010014',
		});
		expect([front.AdvancedInfo, front.RequestId]).toEqual([undefined, undefined]);
		expect(await fieldsOf(idCard('back.png', { CardSide: 'BACK' }))).toEqual({
			Authority: '赵县公安局',
			ValidDate: '2010.07.21-2020.07.21',
		});
		expect(Object.keys(await fieldsOf(idCard('back.png')))).toEqual(['Authority', 'ValidDate']);
		expect(Object.keys(await fieldsOf(idCard('front.png', { CardSide: '' })))).toHaveLength(6);
	});

	it('reads the English card of test/fixtures/id-card.png with tesseract', async () => {
		emulator.objects.set('id-card.png', FIXTURE);
		const reply = await idCard('id-card.png');
		expect(reply.headers['x-ci-request-id']).toBeTruthy();
		expect(xml(reply).IdInfo[0]).toEqual({
			Name: 'Zhang San',
			Sex: 'Male',
			Nation: 'Han',
			Birth: '1990-01-01',
			Address: '1 Example Road',
			IdNum: '440300199001011234',
		});
	}, 60000);

	it('takes the upload form: PUT with ci-process=IDCardOCR answers the fields and stores the object', async () => {
		const reply = await send(emulator, 'cos', 'PUT', 'uploads/card.png', {
			body: textPng(FRONT),
			query: { 'ci-process': 'IDCardOCR', CardSide: 'FRONT' },
			headers: { 'content-type': 'image/png' },
		});
		expect(reply.status).toBe(200);
		expect(xml(reply).IdInfo[0].Name).toBe('张明');
		expect(reply.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
		expect(emulator.objects.get('uploads/card.png')).toEqual(textPng(FRONT));
		const refused = await send(emulator, 'cos', 'PUT', 'uploads/receipt.png', {
			body: textPng('Total 12.00'),
			query: { 'ci-process': 'IDCardOCR' },
		});
		expectError(refused, 400, 'FailedOperation.ImageNoIdCard');
		expect(emulator.objects.has('uploads/receipt.png')).toBe(false);
	});
});

describe('AdvancedInfo', () => {
	it('crops the card and the portrait as real JPEGs cut from the image', async () => {
		emulator.objects.set('id-card.png', FIXTURE);
		const advanced = xml(
			await idCard('id-card.png', { Config: config('CropIdCard', 'CropPortrait') }),
		).AdvancedInfo;
		expect(Object.keys(advanced)).toEqual(['IdCard', 'Portrait']);
		// The fixture is a 660×320 card drawn with a border a few pixels inside the picture.
		const card = jpegSize(advanced.IdCard);
		expect(card.width).toBeGreaterThan(600);
		expect(card.width).toBeLessThan(660);
		expect(card.height).toBeGreaterThan(280);
		expect(card.height).toBeLessThan(320);
		const portrait = jpegSize(advanced.Portrait);
		expect(portrait.width).toBeLessThan(card.width / 2);
		expect(portrait.height).toBeLessThan(card.height);
		expect(
			Object.keys(xml(await idCard('id-card.png', { Config: config('CropIdCard') })).AdvancedInfo),
		).toEqual(['IdCard']);
		// The back has no portrait.
		expect(
			Object.keys(
				xml(await idCard('back.png', { Config: config('CropIdCard', 'CropPortrait') }))
					.AdvancedInfo,
			),
		).toEqual(['IdCard']);
	}, 60000);

	it('raises a warning for each marker line whose Config key is on, as signed codes', async () => {
		const markers = Object.keys(WARNING_MARKERS);
		emulator.objects.set('all.png', textPng([...FRONT, ...markers]));
		const all = xml(await idCard('all.png', { Config: config(...CONFIG_KEYS) })).AdvancedInfo;
		expect(all.WarnInfos).toEqual(['-9100', '-9101', '-9102', '-9103', '-9104', '-9105', '-9106']);
		// Marker lines are not fields.
		expect(Object.keys(await fieldsOf(idCard('all.png')))).toHaveLength(6);
		expect(xml(await idCard('all.png')).AdvancedInfo).toBeUndefined();
		const copy = xml(await idCard('all.png', { Config: config('CopyWarn') })).AdvancedInfo;
		expect(copy).toEqual({ WarnInfos: '-9102' });
		expect(
			xml(await idCard('front.png', { Config: config('CopyWarn', 'ReshootWarn') })).AdvancedInfo,
		).toBeUndefined();
	});

	it('gives Quality as a number string (low for a BLUR line) and BorderCodeValue with BorderCheckWarn', async () => {
		const quality = xml(
			await idCard('front.png', { Config: config('Quality', 'BorderCheckWarn') }),
		).AdvancedInfo;
		expect(quality).toEqual({ Quality: '99', BorderCodeValue: '10' });
		emulator.objects.set('blurred.png', textPng([...FRONT, BLUR_MARKER, 'BORDER']));
		const blurred = xml(
			await idCard('blurred.png', { Config: config('Quality', 'BorderCheckWarn') }),
		).AdvancedInfo;
		expect(blurred).toEqual({ Quality: '30', BorderCodeValue: '80', WarnInfos: '-9101' });
		expect(Number(blurred.Quality)).toBeLessThan(50);
	});

	it('leaves AdvancedInfo out when Config asks for nothing it can show', async () => {
		for (const value of ['{}', '{"CropIdCard":false}', config('MultiCardDetect')])
			expect(xml(await idCard('front.png', { Config: value })).AdvancedInfo).toBeUndefined();
	});
});

describe('refusals', () => {
	it('answers a bad Config with InvalidParameter.ConfigFormatError, unknown keys and non-booleans with EmulatorUndocumented', async () => {
		for (const bad of ['{"CropIdCard"：true}', '{CropIdCard:true}', '[true]', 'true']) {
			const reply = await idCard('front.png', { Config: bad });
			expectError(reply, 400, 'InvalidParameter.ConfigFormatError', /Config 格式错误/);
			expect(xml(reply, 'Error').Resource).toBeUndefined();
			expect(reply.headers['x-ci-trace-id']).toBe(xml(reply, 'Error').TraceId);
		}
		expectError(
			await idCard('front.png', { Config: '{"ReflectWarn":true}' }),
			501,
			'EmulatorUndocumented',
			/ReflectWarn/,
		);
		expectError(
			await idCard('front.png', { Config: '{"CropIdCard":"true"}' }),
			501,
			'EmulatorUndocumented',
			/not a JSON boolean/,
		);
	});

	it('answers CardSide other than FRONT or BACK with InvalidParameterValue.InvalidParameterValueLimit, the other side with EmulatorUndocumented', async () => {
		for (const side of ['front', 'Front', 'BOTH'])
			expectError(
				await idCard('front.png', { CardSide: side }),
				400,
				'InvalidParameterValue.InvalidParameterValueLimit',
			);
		expectError(
			await idCard('back.png', { CardSide: 'FRONT' }),
			501,
			'EmulatorUndocumented',
			/shows the other side/,
		);
		expectError(
			await idCard('front.png', { CardSide: 'BACK' }),
			501,
			'EmulatorUndocumented',
			/shows the other side/,
		);
	});

	it('answers files that are no ID card with the page’s FailedOperation codes', async () => {
		emulator.objects.set('receipt.png', textPng(['Total 12.00 EUR', 'Thank you']));
		emulator.objects.set('notes.txt', Buffer.from('姓名 张明'));
		emulator.objects.set('card.pdf', Buffer.from('%PDF-1.4 ...'));
		emulator.objects.set(
			'broken.png',
			Buffer.concat([FIXTURE.subarray(0, 8), Buffer.from('broken')]),
		);
		emulator.objects.set('empty.png', Buffer.alloc(0));
		emulator.objects.set(
			'huge.png',
			png({ text: FRONT.join('\n'), padTo: (MAX_BASE64_CHARS / 4) * 3 + 1 }),
		);
		expectError(
			await idCard('receipt.png'),
			400,
			'FailedOperation.ImageNoIdCard',
			/图片中未检测到身份证/,
		);
		for (const key of ['notes.txt', 'card.pdf', 'broken.png'])
			expectError(await idCard(key), 400, 'FailedOperation.ImageDecodeFailed');
		expectError(await idCard('empty.png'), 400, 'FailedOperation.EmptyImageError');
		expectError(await idCard('huge.png'), 400, 'LimitExceeded.TooLargeFileError');
		const missing = await idCard('absent.png');
		expectError(missing, 404, 'NoSuchKey');
		expect(xml(missing, 'Error').Resource).toBe('/absent.png');
	});

	it('refuses the undocumented detect-url form and unknown parameters', async () => {
		const detect = await send(emulator, 'cos', 'GET', '', {
			query: { 'ci-process': 'IDCardOCR', 'detect-url': 'http://127.0.0.1/a.png' },
		});
		expectError(detect, 501, 'EmulatorUndocumented', /detect-url/);
		expectError(
			await idCard('front.png', { Side: 'FRONT' }),
			400,
			'InvalidArgument',
			/Side is not a parameter/,
		);
		const upload = await send(emulator, 'cos', 'PUT', 'big.png', {
			body: Buffer.alloc((MAX_BASE64_CHARS / 4) * 3 + 1),
			query: { 'ci-process': 'IDCardOCR' },
		});
		expectError(upload, 400, 'LimitExceeded.TooLargeFileError');
	});
});

describe('warning markers are documented values', () => {
	it('pairs each marker with its Config key and a CI-documented code (idcard/warn-codes.json)', () => {
		const documented = (
			JSON.parse(
				readFileSync(join(__dirname, '../conformance/idcard/warn-codes.json'), 'utf8'),
			) as Xml
		).body.ciDocumented.map((c: Xml) => c.code);
		for (const { key, code } of Object.values(WARNING_MARKERS)) {
			expect(CONFIG_KEYS).toContain(key);
			expect(documented).toContain(code.replace('-', ''));
		}
	});
});
