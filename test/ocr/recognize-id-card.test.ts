/** OCR › Recognize ID Card in n8n-core against the emulator: every option, every refusal. */
import { readFileSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import path from 'path';

import { makePdf } from '../../emulator';
import { useEmulator } from '../helpers/emulator-setup';
import { png, textPng } from '../helpers/images';
import type { INodeExecutionData } from 'n8n-workflow';

import { inlineBinary, runWorkflow } from '../helpers/n8n';
import { singleNodeWorkflow } from '../helpers/workflows';

const { emulator, credential } = useEmulator();

const FRONT = [
	'姓名 张三',
	'性别 男',
	'民族 汉',
	'出生 1990年1月1日',
	'住址 广州市天河区示例路1号',
	'公民身份号码 440106199001011234',
];
const BACK = ['签发机关 广州市公安局天河分局', '有效期限 2020.01.01-2040.01.01'];
const idCard = (parameters: Record<string, unknown>) => ({
	resource: 'ocr',
	operation: 'recognizeIdCard',
	...parameters,
});
const card = (lines: string[], name = 'front.png'): INodeExecutionData[] => [
	{ json: {}, binary: { data: inlineBinary(textPng(lines), name, 'image/png') } },
];

async function run(
	parameters: Record<string, unknown>,
	inputItems: INodeExecutionData[] = card(FRONT),
	node: Record<string, unknown> = {},
) {
	return await runWorkflow(singleNodeWorkflow(idCard(parameters), node), {
		credentials: { tencentCloudInfiniteApi: credential() },
		inputItems,
	});
}

const sent = () => emulator().requests.find((request) => request.method === 'GET')!;
const config = () =>
	sent().query.Config === undefined
		? undefined
		: (JSON.parse(sent().query.Config) as Record<string, boolean>);
const ALL_WARNINGS = [
	'CopyWarn',
	'BorderCheckWarn',
	'ReshootWarn',
	'DetectPsWarn',
	'TempIdWarn',
	'InvalidDateWarn',
	'MultiCardDetect',
];

describe('from a binary file', () => {
	it('uploads it, reads the front’s fields under the keys card jobs use, deletes the upload', async () => {
		const result = await run({ source: 'binary', warnings: [] });
		expect(result.error).toBeUndefined();
		const [item] = result.items('CI');
		expect(item.json).toEqual({
			fields: {
				name: '张三',
				sex: '男',
				ethnicity: '汉',
				birth: '1990年1月1日',
				address: '广州市天河区示例路1号',
				idNumber: '440106199001011234',
				authority: '',
				validDate: '',
			},
			warnings: [],
			warningNames: [],
			quality: null,
			borderCodeValue: null,
			requestId: expect.any(String),
			fileName: 'front.png',
		});
		expect(emulator().requests.map((request) => `${request.method} ${request.status}`)).toEqual([
			'PUT 200',
			'GET 200',
			'DELETE 204',
		]);
		expect(sent().query).toEqual({ 'ci-process': 'IDCardOCR' });
		expect(emulator().objects.size).toBe(0);
	});

	it('reads the back: authority and validity', async () => {
		const [item] = (
			await run({ source: 'binary', cardSide: 'BACK', warnings: [] }, card(BACK, 'back.png'))
		).json('CI');
		expect(item.fields).toMatchObject({
			name: '',
			authority: '广州市公安局天河分局',
			validDate: '2020.01.01-2040.01.01',
		});
		expect(sent().query.CardSide).toBe('BACK');
	});

	it('gives the crops as JPEG binary fields named after the file, never Base64 in the JSON', async () => {
		const fixture = readFileSync(path.join(__dirname, '../fixtures/id-card.png'));
		const result = await run({ source: 'binary', crops: ['CropIdCard', 'CropPortrait'] }, [
			{ json: {}, binary: { data: inlineBinary(fixture, 'zhang.png', 'image/png') } },
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.items('CI');
		expect(item.json.fields).toMatchObject({ name: 'Zhang San', idNumber: '440300199001011234' });
		for (const [field, fileName] of [
			['idCard', 'zhang-id-card.jpg'],
			['portrait', 'zhang-portrait.jpg'],
		]) {
			expect(item.binary?.[field]).toMatchObject({ mimeType: 'image/jpeg', fileName });
			expect((await result.binary(item, field)).subarray(0, 3)).toEqual(
				Buffer.from([0xff, 0xd8, 0xff]),
			);
		}
		expect(JSON.stringify(item.json)).not.toMatch(/\/9j\//);
		expect(config()).toEqual(
			Object.fromEntries([...ALL_WARNINGS, 'CropIdCard', 'CropPortrait'].map((key) => [key, true])),
		);
	}, 60000);
});

describe('options', () => {
	beforeEach(() => emulator().objects.set('kyc/copy.png', textPng([...FRONT, 'COPY', 'PS'])));

	it('asks for every warning by default, and names what the service raised beside its codes', async () => {
		const [item] = (await run({ source: 'object', objectKey: 'kyc/copy.png' })).json('CI');
		expect(config()).toEqual(Object.fromEntries(ALL_WARNINGS.map((key) => [key, true])));
		expect(item.warnings).toEqual([
			{ code: '-9102', name: 'copy', description: '身份证复印件告警' },
			{ code: '-9106', name: 'photoshop', description: '身份证 PS 告警' },
		]);
		expect(item.warningNames).toEqual(['copy', 'photoshop']);
		expect(item.objectKey).toBe('kyc/copy.png');
	});

	it('asks only for the warnings chosen, and sends no Config when none is', async () => {
		const [some] = (
			await run({ source: 'object', objectKey: 'kyc/copy.png', warnings: ['DetectPsWarn'] })
		).json('CI');
		expect(config()).toEqual({ DetectPsWarn: true });
		expect(some.warningNames).toEqual(['photoshop']);
		emulator().requests.length = 0;
		const [none] = (await run({ source: 'object', objectKey: 'kyc/copy.png', warnings: [] })).json(
			'CI',
		);
		expect(sent().query.Config).toBeUndefined();
		expect(none.warningNames).toEqual([]);
	});

	it('gives the quality score as a number', async () => {
		emulator().objects.set('kyc/blur.png', textPng([...FRONT, 'BLUR']));
		const [item] = (
			await run({ source: 'object', objectKey: 'kyc/blur.png', warnings: [], quality: true })
		).json('CI');
		expect(config()).toEqual({ Quality: true });
		expect(item.quality).toBe(30);
	});

	it.each([
		['auto', undefined],
		['FRONT', 'FRONT'],
	])('Card Side %s', async (cardSide, expected) => {
		await run({ source: 'object', objectKey: 'kyc/copy.png', cardSide, warnings: [] });
		expect(sent().query.CardSide).toBe(expected);
	});

	it('gives the service’s own answer with Simplify off, the crops still only as binary', async () => {
		const result = await run({
			source: 'object',
			objectKey: 'kyc/copy.png',
			simplify: false,
			warnings: ['CopyWarn'],
			crops: ['CropIdCard'],
		});
		const [item] = result.items('CI');
		expect(item.json).toMatchObject({
			IdInfo: [{ Name: '张三', IdNum: '440106199001011234' }],
			AdvancedInfo: { WarnInfos: ['-9102'] },
			objectKey: 'kyc/copy.png',
		});
		expect(JSON.stringify(item.json)).not.toContain('IdCard');
		expect(Object.keys(item.binary ?? {})).toEqual(['idCard']);
	});
});

describe('from a URL', () => {
	let server: Server;
	let base: string;
	beforeAll(async () => {
		server = createServer((request, response) => {
			if (request.url === '/missing.png') {
				response.writeHead(404).end();
				return;
			}
			response.writeHead(200, { 'content-type': 'image/png' });
			response.end(textPng(FRONT));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	it('downloads it in n8n (the service documents no detect-url for ID cards), uploads, recognizes and deletes it', async () => {
		const result = await run({ source: 'url', url: `${base}/cards/front.png`, warnings: [] }, [
			{ json: {} },
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.json('CI');
		expect(item).toMatchObject({ fields: { name: '张三' }, url: `${base}/cards/front.png` });
		expect(emulator().requests.map((request) => request.method)).toEqual(['PUT', 'GET', 'DELETE']);
		expect(emulator().requests.some((request) => 'detect-url' in request.query)).toBe(false);
	});

	it('says when the URL cannot be downloaded', async () => {
		const result = await run({ source: 'url', url: `${base}/missing.png` }, [{ json: {} }]);
		expect(result.error?.message).toBe(
			`The file at ${base}/missing.png could not be downloaded: HTTP 404`,
		);
		expect(emulator().requests).toHaveLength(0);
	});
});

describe('what the service refuses', () => {
	it('a photo that holds no ID card: the service’s code and message', async () => {
		const result = await run(
			{ source: 'binary', warnings: [] },
			card(['Invoice 42', 'Total 99.50']),
		);
		expect(result.error?.message).toMatch(
			/^COS error FailedOperation\.\w+ for object "n8n-ocr-uploads\/.+\/front\.png": /,
		);
		expect(emulator().objects.size).toBe(0);
	});
});

describe('bad input is refused before anything is sent', () => {
	it.each([
		[
			'no binary field',
			{ source: 'binary', binaryPropertyName: 'photo' },
			card(FRONT),
			/^"Input Binary Field" is "photo", but item 0 has no binary field of that name$/,
		],
		[
			'a PDF',
			{ source: 'binary' },
			[
				{
					json: {},
					binary: { data: inlineBinary(makePdf([['姓名 张三']]), 'card.pdf', 'application/pdf') },
				},
			],
			/^"card\.pdf" is application\/pdf; the service reads only PNG, JPG, JPEG or BMP$/,
		],
		[
			'a file over 7M after Base64',
			{ source: 'binary' },
			[
				{
					json: {},
					binary: {
						data: inlineBinary(
							png({ text: FRONT.join('\n'), padTo: 5_300_000 }),
							'big.png',
							'image/png',
						),
					},
				},
			],
			/^"big\.png" is 5\.05 MB; the service reads files of at most 5\.01 MB$/,
		],
		[
			'an empty file',
			{ source: 'binary' },
			[{ json: {}, binary: { data: inlineBinary(Buffer.alloc(0), 'empty.png', 'image/png') } }],
			/^"empty\.png" is empty$/,
		],
		[
			'an empty object key (from an expression)',
			{ source: 'object', objectKey: '={{ "" }}' },
			[{ json: {} }],
			/^"Object Key" is empty$/,
		],
		[
			'a URL that is not http',
			{ source: 'url', url: 'ftp://example.com/card.png' },
			[{ json: {} }],
			/^"URL" must use http or https, not ftp$/,
		],
		[
			'a card side from an expression',
			{ source: 'object', objectKey: 'a.png', cardSide: '={{ "front" }}' },
			[{ json: {} }],
			/^"Card Side" is "front", which is not one of "auto", "FRONT", "BACK"$/,
		],
		[
			'a warning that does not exist (from an expression)',
			{ source: 'object', objectKey: 'a.png', warnings: '={{ ["CopyWarn", "GlareWarn"] }}' },
			[{ json: {} }],
			/^"Warnings" has "GlareWarn", which is not one of "CopyWarn"/,
		],
	])('%s', async (_name, parameters, inputItems, message) => {
		const result = await run(parameters, inputItems);
		expect(result.error?.message).toMatch(message);
		expect(emulator().requests).toHaveLength(0);
	});
});
