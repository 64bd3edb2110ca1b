/**
 * What a user gets from each answer of the corpus: every sample is served with its documented
 * status and headers to the node running in n8n-core, through its real transport and reader,
 * and the items (or errors) are checked field by field.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from '../helpers/n8n';
import { startTriggerServer, type TriggerServer } from '../helpers/webhook';
import { singleNodeWorkflow } from '../helpers/workflows';
import { allSamples, sample, startSampleServer, type SampleServer } from './samples';

let server: SampleServer;
beforeAll(async () => {
	server = await startSampleServer();
});
afterAll(async () => await server.close());
beforeEach(() => (server.requests.length = 0));

const credential = () => ({
	secretId: 'AKIDCORPUS00000000000000000000000000',
	secretKey: 'corpus-secret-key',
	bucket: 'test-1234567890',
	region: 'ap-chongqing',
	cosEndpoint: server.url,
	ciEndpoint: server.url,
});

async function run(
	file: string,
	parameters: Record<string, unknown>,
	headers: Record<string, string> = {},
) {
	server.answer(sample(file), headers);
	return await runWorkflow(singleNodeWorkflow(parameters), {
		credentials: { tencentCloudInfiniteApi: credential() },
	});
}

async function items(
	file: string,
	parameters: Record<string, unknown>,
	headers?: Record<string, string>,
): Promise<IDataObject[]> {
	const result = await run(file, parameters, headers);
	expect(result.error).toBeUndefined();
	return result.json('CI');
}

const recognize = {
	resource: 'ocr',
	operation: 'recognizeText',
	source: 'object',
	objectKey: 'pic/ocr1.png',
};
const jobGet = (jobIds: string) => ({ resource: 'job', operation: 'get', jobIds });
const corners = (x: number, y: number, width: number, height: number) => [
	{ x, y },
	{ x: x + width, y },
	{ x: x + width, y: y + height },
	{ x, y: y + height },
];

describe('every sample names its source and kind', () => {
	it.each(allSamples())('%s', (file) => {
		const { header, body } = sample(file);
		expect(header.source?.length).toBeGreaterThan(0);
		expect(header.kind?.[0]).toMatch(/^(transcribed|assembled)\b/);
		if (header.kind[0].startsWith('transcribed'))
			expect(header.filled?.[0] ?? 'none').toMatch(/^none\b/);
		expect(body.trim().length).toBeGreaterThan(0);
	});
});

describe('sync OCR answers', () => {
	it('general: text in reading order, each line with confidence, polygon and box', async () => {
		const [item] = await items('sync-ocr/general.xml', recognize);
		expect(item).toEqual({
			text: '你好\n再见',
			lines: [
				{
					text: '你好',
					confidence: 99,
					polygon: corners(140, 167, 123, 64),
					box: { x: 140, y: 167, width: 123, height: 64 },
				},
				{
					text: '再见',
					confidence: 99,
					polygon: corners(526, 1444, 245, 43),
					box: { x: 526, y: 1444, width: 245, height: 43 },
				},
			],
			language: 'zh',
			angle: 359.99,
			pageCount: 0,
			page: null,
			requestId: 'NTk0MjdmODlfMjQ4OGY3XzYzYzhf****',
			objectKey: 'pic/ocr1.png',
		});
	});

	it('with characters (isword): each character with its confidence and corners; the language the service reports', async () => {
		const [item] = await items('sync-ocr/general-isword.xml', {
			...recognize,
			returnCharacters: true,
		});
		const lines = item.lines as Array<{
			text: string;
			words: Array<{ character: string; confidence: number; polygon: unknown[] }>;
		}>;
		expect(lines.map((line) => line.text)).toEqual(['你好', '再见']);
		expect(lines[0].words.map((word) => [word.character, word.confidence])).toEqual([
			['你', 99],
			['好', 99],
		]);
		expect(lines[0].words[0].polygon).toHaveLength(4);
		expect(item.language).toBe('mix');
	});

	it('handwriting with character polygons: polygons without invented characters', async () => {
		const [item] = await items('sync-ocr/handwriting-word-polygon.xml', {
			...recognize,
			recognitionType: 'handwriting',
			characterPolygons: true,
		});
		const [line] = item.lines as Array<{
			text: string;
			words: Array<{ character: string | null; confidence: number | null; polygon: unknown[] }>;
		}>;
		expect(line.text).toBe('再见');
		expect(line.words).toEqual([
			{ character: null, confidence: null, polygon: corners(564, 1444, 44, 43) },
			{ character: null, confidence: null, polygon: corners(608, 1444, 33, 43) },
		]);
		expect(item.language).toBeNull();
	});

	it('a PDF page: the page asked for and the PDF’s page count', async () => {
		const [item] = await items('sync-ocr/pdf-page.xml', {
			...recognize,
			objectKey: 'doc.pdf',
			pdfMode: 'page',
			pdfPage: 2,
			returnCharacters: true,
		});
		expect(item).toMatchObject({ text: '第二页\n内容', page: 2, pageCount: 5, language: 'zh' });
		const [line] = item.lines as Array<{ words: Array<{ character: string }> }>;
		expect(line.words.map((word) => word.character).join('')).toBe('第二页');
		expect(server.requests[0].url).toMatch(
			/ispdf=true&pdf-pagenumber=2|pdf-pagenumber=2.*ispdf=true/,
		);
	});
});

describe('errors', () => {
	const trace = {
		'x-cos-request-id': 'NjA3OGY4NGFfNjJkMmMwYl8***',
		'x-cos-trace-id': 'OGVmYzZiMmQzYjA2OWNh***',
	};

	it('COS NoSuchKey: the service’s code and message, naming the object; RequestId and TraceId in the description', async () => {
		const result = await run('errors/cos-no-such-key.xml', recognize, trace);
		expect(result.error?.message).toBe(
			'COS error NoSuchKey for object "pic/ocr1.png": The specified key does not exist.',
		);
		expect(result.error?.description).toBe(
			'No object with this key exists in the bucket. Check the key (it is case-sensitive and includes any folder prefix).\nHTTP 404, RequestId NjA3OGY4NGFfNjJkMmMwYl8***, TraceId OGVmYzZiMmQzYjA2OWNh***',
		);
	});

	it('COS AccessDenied: the CAM hint', async () => {
		const result = await run('errors/cos-access-denied.xml', recognize, trace);
		expect(result.error?.message).toBe(
			'COS error AccessDenied for object "pic/ocr1.png": Access Denied.',
		);
		expect(result.error?.description).toMatch(/^The keys are valid but not allowed to do this/);
	});

	it('COS AccessDenied "Request has expired": re-signed once with the service’s clock, then reported', async () => {
		const result = await run('errors/cos-request-expired.xml', recognize, {
			...trace,
			date: new Date(Date.now() + 3600_000).toUTCString(),
		});
		expect(result.error?.message).toBe(
			'COS error AccessDenied for object "pic/ocr1.png": Request has expired',
		);
		expect(server.requests).toHaveLength(2);
	});

	it('CI InvalidArgument: no Resource, RequestId and TraceId from the body', async () => {
		const result = await run('errors/ci-invalid-argument.xml', {
			resource: 'template',
			operation: 'get',
			templateId: { __rl: true, mode: 'id', value: 't1460606b9752148c4ab182f55163ba7cd' },
		});
		expect(result.error?.message).toBe(
			'Cloud Infinite error InvalidArgument: 请求的部分参数不符合要求',
		);
		expect(result.error?.description).toBe(
			'HTTP 400, RequestId NjJjYmU0YmRfOTBmYTUwNjRfODhjXzE=, TraceId OGVmYzZiMmQzYjA2OWNh***',
		);
	});

	it('CI SlowDown (429): a GET is retried, then the throttling hint', async () => {
		const result = await run(
			'errors/ci-slow-down.xml',
			jobGet('a3c193f288b2c11eeb60f39de2f86f409'),
		);
		expect(result.error?.message).toBe(
			'Cloud Infinite error SlowDown for job a3c193f288b2c11eeb60f39de2f86f409: 请降低访问频率',
		);
		expect(result.error?.description).toMatch(/^The service is limiting the request rate/);
		expect(server.requests).toHaveLength(3);
	});
});

describe('templates', () => {
	const create = { resource: 'template', operation: 'create', name: 'TemplateName' };

	it('create: the Template in camelCase under the names of the node’s own fields', async () => {
		const [item] = await items('templates/create.xml', create);
		expect(item).toEqual({
			templateId: 't1460606b9752148c4ab182f55163ba7cd',
			name: 'TemplateName',
			tag: 'ImageOCR',
			category: 'Custom',
			bucketId: 'test-1234567890',
			createTime: '2020-08-05T11:35:24+0800',
			updateTime: '2020-08-31T16:15:20+0800',
			recognitionType: 'general',
			languageType: 'zh',
			returnCharacters: true,
			characterPolygons: false,
			isPdf: true,
			pdfPageNumber: 2,
			requestId: 'NTk0MjdmODlfMjQ4OGY3XzYzYzhf****',
		});
	});

	it('create with Simplify off: the service’s own Template', async () => {
		const [item] = await items('templates/create.xml', { ...create, simplify: false });
		expect(item).toMatchObject({
			TemplateId: 't1460606b9752148c4ab182f55163ba7cd',
			ImageOCR: { Type: 'general', IsPdf: true, PdfPageNumber: 2 },
			RequestId: 'NTk0MjdmODlfMjQ4OGY3XzYzYzhf****',
		});
	});

	it('list: one item per template, in the answer’s order', async () => {
		const listed = await items('templates/list.xml', {
			resource: 'template',
			operation: 'getAll',
			returnAll: true,
		});
		expect(
			listed.map((template) => [
				template.templateId,
				template.recognitionType,
				template.characterPolygons,
			]),
		).toEqual([
			['t1460606b9752148c4ab182f55163ba7cd', 'general', false],
			['t1a30a323f55434a29b25bf2a16bdf5f59', 'handwriting', true],
		]);
		expect(server.requests).toHaveLength(1);
	});

	it('get: the one template asked for', async () => {
		const [item] = await items('templates/get.xml', {
			resource: 'template',
			operation: 'get',
			templateId: { __rl: true, mode: 'id', value: 't1460606b9752148c4ab182f55163ba7cd' },
		});
		expect(item).toMatchObject({
			templateId: 't1460606b9752148c4ab182f55163ba7cd',
			tag: 'ImageOCR',
		});
	});

	it('update: the changed Template', async () => {
		const [item] = await items('templates/update.xml', {
			...create,
			operation: 'update',
			templateId: { __rl: true, mode: 'id', value: 't1460606b9752148c4ab182f55163ba7cd' },
		});
		expect(item).toMatchObject({
			templateId: expect.stringMatching(/^t1/),
			name: expect.any(String),
			recognitionType: expect.any(String),
		});
	});

	it('delete: deleted, with the TemplateId and RequestId the service gives', async () => {
		const [item] = await items('templates/delete.xml', {
			resource: 'template',
			operation: 'delete',
			templateId: { __rl: true, mode: 'id', value: 't143ae6e040af6431aa772c9ec3f0a3f36' },
		});
		expect(item).toEqual({
			deleted: true,
			templateId: 't143ae6e040af6431aa772c9ec3f0a3f36',
			requestId: 'NjJjYmU0YmRfOTBmYTUwNjRfODhjXzE=',
		});
	});
});

const OCR_JOB = {
	jobId: 'a3c193f288b2c11eeb60f39de2f86f409',
	tag: 'ImageOCR',
	creationTime: '2023-11-25T08:47:39+0800',
	queueId: 'pcaffdc4229a543b296b10b22586a1e57',
	userData: 'This is my data.',
	jobLevel: 0,
	objectKey: 'pic/ocr1.png',
};

describe('OCR jobs', () => {
	it('submitted (inline settings): the job, nothing read yet, "-" times as null', async () => {
		const [item] = await items('jobs/ocr-submit-inline.xml', {
			resource: 'job',
			operation: 'submitOcrJob',
			objectKey: 'pic/ocr1.png',
		});
		expect(item).toEqual({
			...OCR_JOB,
			state: 'Submitted',
			code: 'Success',
			message: null,
			startTime: null,
			endTime: null,
			templateId: null,
			templateName: null,
		});
	});

	it('finished: the text in Recognize Text’s shape; the per-line placeholders give no characters', async () => {
		const [item] = await items('jobs/ocr-success.xml', jobGet(OCR_JOB.jobId));
		// The finished job's answer carries no UserData (jobs/ocr-success.xml notes).
		expect(item).toMatchObject({
			...OCR_JOB,
			userData: null,
			state: 'Success',
			code: 'Success',
			message: null,
			text: '锄禾日当午\n汗滴禾下土',
			language: null,
			angle: 0,
			pageCount: 0,
		});
		const lines = item.lines as Array<Record<string, unknown>>;
		expect(lines[0]).toEqual({
			text: '锄禾日当午',
			confidence: 98,
			polygon: corners(40, 24, 175, 34),
			box: { x: 40, y: 24, width: 176, height: 35 },
		});
		expect(lines.every((line) => !('words' in line))).toBe(true);
	});

	it('finished, Text Only: text, page and the lines’ mean confidence', async () => {
		const [item] = await items('jobs/ocr-success.xml', {
			...jobGet(OCR_JOB.jobId),
			output: 'text',
		});
		expect(item).toEqual({
			jobId: OCR_JOB.jobId,
			state: 'Success',
			text: '锄禾日当午\n汗滴禾下土',
			page: null,
			confidence: 95,
		});
	});

	it('failed: the job’s code and message', async () => {
		const [item] = await items('jobs/ocr-failed.xml', jobGet(OCR_JOB.jobId));
		expect(item).toMatchObject({
			...OCR_JOB,
			state: 'Failed',
			code: 'ResourceNotFound',
			message: '指定的输入资源不存在',
			templateName: 'ImageOCR-34',
		});
		expect(item.text).toBeUndefined();
	});

	it('several IDs with one unknown: the unknown one is an error naming it', async () => {
		const result = await run(
			'jobs/ocr-describe-multi.xml',
			jobGet(`${OCR_JOB.jobId},a00000000000000000000000000000000`),
		);
		expect(result.error?.message).toBe(
			'No job with ID "a00000000000000000000000000000000" exists in this bucket',
		);
		expect(result.error?.description).toBe(`Found: ${OCR_JOB.jobId}`);
	});

	it('list: one item per job, state and settings as listed', async () => {
		const listed = await items('jobs/ocr-list.xml', {
			resource: 'job',
			operation: 'getAll',
			tag: 'ImageOCR',
			returnAll: false,
			limit: 2,
		});
		expect(listed.map((job) => [job.jobId, job.state])).toEqual([
			[OCR_JOB.jobId, 'Running'],
			['a00000000000000000000000000000001', expect.any(String)],
		]);
	});
});

describe('card jobs', () => {
	const CARD = {
		jobId: 'ac7c990a00bf211ed946af9e0691f2b7a',
		tag: 'ImageLicenseRec',
		cardType: 'IDCard',
		objectKey: 'input/test.jpg',
		userData: 'This is my data.',
	};

	it('ID card: fields under stable English keys from the Chinese labels, each label kept beside its field', async () => {
		const [item] = await items('jobs/card-idcard-success.xml', jobGet(CARD.jobId));
		expect(item).toMatchObject({
			...CARD,
			state: 'Success',
			detected: true,
			result: { state: 'Success', code: 'Success', message: null },
		});
		expect(item.fields).toEqual({
			name: 'xxx',
			sex: '男',
			ethnicity: '汉',
			birth: 'xxx',
			address: 'xxx',
			idNumber: '43xxxx',
		});
		const details = item.fieldDetails as Array<Record<string, unknown>>;
		expect(details.map((detail) => [detail.field, detail.label])).toEqual([
			['name', '姓名'],
			['sex', '性别'],
			['ethnicity', '民族'],
			['birth', '出生'],
			['address', '住址'],
			['idNumber', '公民身份号码'],
		]);
		expect(details[0]).toEqual({
			field: 'name',
			label: '姓名',
			text: 'xxx',
			score: 99,
			location: [
				{ x: 553, y: 439 },
				{ x: 553, y: 576 },
				{ x: 989, y: 576 },
				{ x: 989, y: 439 },
			],
		});
	});

	it('driving licence: its ten fields under their own keys', async () => {
		const [item] = await items(
			'jobs/card-driverlicense-success.xml',
			jobGet('c00000000000000000000000000000001'),
		);
		expect(item).toMatchObject({ cardType: 'DriverLicense', state: 'Success' });
		expect(Object.keys(item.fields as object)).toEqual([
			'licenseNumber',
			'name',
			'sex',
			'nationality',
			'address',
			'birthDate',
			'firstIssueDate',
			'vehicleClass',
			'validPeriod',
			'issuingAuthority',
		]);
	});

	it('running: the card type from the request part, no result yet', async () => {
		const [item] = await items('jobs/card-running.xml', jobGet(CARD.jobId));
		expect(item).toMatchObject({ ...CARD, state: 'Running' });
		expect(item.fields).toBeUndefined();
		expect(item.result).toBeUndefined();
	});

	it('failed: the job’s and the result’s own code, state and message', async () => {
		const [item] = await items('jobs/card-failed.xml', jobGet(CARD.jobId));
		expect(item).toMatchObject({
			...CARD,
			state: 'Failed',
			code: 'ResourceNotFound',
			message: '指定的输入资源不存在',
		});
		expect(item).toMatchObject({
			fields: {},
			fieldDetails: [],
			detected: null,
			result: { state: 'Failed', code: 'ResourceNotFound', message: '指定的输入资源不存在' },
		});
	});

	it('card job, Text Only: the state and the fields', async () => {
		const [item] = await items('jobs/card-idcard-success.xml', {
			...jobGet(CARD.jobId),
			output: 'text',
		});
		expect(item).toEqual({
			jobId: CARD.jobId,
			state: 'Success',
			cardType: 'IDCard',
			fields: {
				name: 'xxx',
				sex: '男',
				ethnicity: '汉',
				birth: 'xxx',
				address: 'xxx',
				idNumber: '43xxxx',
			},
		});
	});
});

describe('synchronous ID-card recognition', () => {
	const idCard = {
		resource: 'ocr',
		operation: 'recognizeIdCard',
		source: 'object',
		objectKey: 'kyc/front.jpg',
	};
	const FRONT = {
		name: '张明',
		sex: '男',
		ethnicity: '汉',
		birth: '1987/1/1',
		address: '北京市石景山区高新技术园腾讯大楼',
		idNumber: '440524198701010014',
	};

	it('front: the eight fields under the keys card jobs use, the back’s empty; no warnings asked, none given', async () => {
		const [item] = await items(
			'idcard/front.xml',
			{ ...idCard, warnings: [] },
			{ 'x-ci-request-id': 'NjRmMGYxYjFfOTBmYTUwXzFkMTJf' },
		);
		expect(item).toEqual({
			fields: { ...FRONT, authority: '', validDate: '' },
			warnings: [],
			warningNames: [],
			quality: null,
			borderCodeValue: null,
			requestId: 'NjRmMGYxYjFfOTBmYTUwXzFkMTJf',
			objectKey: 'kyc/front.jpg',
		});
		expect(server.requests[0].url).toBe('/kyc/front.jpg?ci-process=IDCardOCR');
	});

	it('back: authority and validity', async () => {
		const [item] = await items('idcard/back.xml', { ...idCard, cardSide: 'BACK' });
		expect(item.fields).toEqual({
			name: '',
			sex: '',
			ethnicity: '',
			birth: '',
			address: '',
			idNumber: '',
			authority: '赵县公安局',
			validDate: '2010.07.21-2020.07.21',
		});
		expect(server.requests[0].url).toMatch(/[?&]CardSide=BACK(&|$)/);
	});

	it('warnings with readable names beside the service’s codes; crops as JPEG binary fields, not Base64 in the JSON', async () => {
		const result = await run('idcard/advanced-crops-warnings.xml', {
			...idCard,
			crops: ['CropIdCard', 'CropPortrait'],
		});
		expect(result.error).toBeUndefined();
		const [item] = result.items('CI');
		expect(item.json.warnings).toEqual([
			{ code: '-9102', name: 'copy', description: '身份证复印件告警' },
			{ code: '-9103', name: 'reshoot', description: '身份证翻拍告警' },
		]);
		expect(item.json.warningNames).toEqual(['copy', 'reshoot']);
		expect(JSON.stringify(item.json)).not.toContain('RkFLRS1');
		expect(item.binary?.idCard).toMatchObject({
			mimeType: 'image/jpeg',
			fileName: 'front-id-card.jpg',
		});
		expect(item.binary?.portrait).toMatchObject({
			mimeType: 'image/jpeg',
			fileName: 'front-portrait.jpg',
		});
		expect((await result.binary(item, 'idCard')).toString()).toBe('FAKE-IDCARD-CROP-NOT-AN-IMAGE');
		const config = new URL(`http://x${server.requests[0].url}`).searchParams.get('Config');
		expect(JSON.parse(config!)).toEqual({
			CopyWarn: true,
			BorderCheckWarn: true,
			ReshootWarn: true,
			DetectPsWarn: true,
			TempIdWarn: true,
			InvalidDateWarn: true,
			MultiCardDetect: true,
			CropIdCard: true,
			CropPortrait: true,
		});
	});

	it('quality and border scores as numbers', async () => {
		const [item] = await items('idcard/quality.xml', { ...idCard, quality: true });
		expect(item).toMatchObject({ quality: 86, borderCodeValue: 12 });
	});

	it('with Simplify off: the service’s own answer, crops still only as binary', async () => {
		const result = await run('idcard/front-crops-go-test.xml', {
			...idCard,
			simplify: false,
			crops: ['CropPortrait'],
		});
		const [item] = result.items('CI');
		expect(item.json).toEqual({
			IdInfo: [expect.objectContaining({ Name: '李明', IdNum: '440524198701010014' })],
			AdvancedInfo: {},
			objectKey: 'kyc/front.jpg',
		});
		expect(Object.keys(item.binary ?? {})).toEqual(['idCard', 'portrait']);
	});

	it('not an ID card: the service’s code and message', async () => {
		const result = await run('idcard/error-no-idcard.xml', idCard, {
			'x-ci-request-id': 'NjRmMGYxYjFfOTBmYTUwXzFkMTJmYWtl',
		});
		expect(result.error?.message).toBe(
			'COS error FailedOperation.ImageNoIdCard for object "kyc/front.jpg": 图片中未检测到身份证',
		);
		expect(result.error?.description).toMatch(/TraceId OGVmYzZi/);
	});
});

describe('callbacks reach the trigger as Job › Get gives the job', () => {
	let trigger: TriggerServer;
	beforeAll(async () => {
		trigger = await startTriggerServer({
			nodeType: 'n8n-nodes-tencent-cloud-infinite.tencentCloudInfiniteTrigger',
			parameters: { confirm: false, deliveryRecord: 'staticData' },
		});
	});
	afterAll(async () => await trigger.close());

	const post = async (file: string) => {
		const { body, contentType } = sample(file);
		const response = await fetch(trigger.url, {
			method: 'POST',
			headers: { 'content-type': contentType },
			body,
		});
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	};

	it.each([
		['callbacks/ocr-xml.xml', 'jobs/ocr-success.xml', OCR_JOB.jobId],
		['callbacks/ocr-json.json', 'jobs/ocr-success.xml', OCR_JOB.jobId],
		['callbacks/card-xml.xml', 'jobs/card-idcard-success.xml', 'ac7c990a00bf211ed946af9e0691f2b7a'],
		[
			'callbacks/card-json.json',
			'jobs/card-idcard-success.xml',
			'ac7c990a00bf211ed946af9e0691f2b7a',
		],
	])('%s', async (callback, described, jobId) => {
		// A trigger of its own: the same job's XML and JSON forms would otherwise be a replay.
		const fresh = await startTriggerServer({
			nodeType: 'n8n-nodes-tencent-cloud-infinite.tencentCloudInfiniteTrigger',
			parameters: { confirm: false, deliveryRecord: 'staticData' },
		});
		const { body, contentType } = sample(callback);
		const response = await fetch(fresh.url, {
			method: 'POST',
			headers: { 'content-type': contentType },
			body,
		});
		await fresh.close();
		expect({ status: response.status, body: await response.json() }).toEqual({
			status: 200,
			body: { status: 'accepted', jobs: 1 },
		});
		const [delivered] = fresh.executions[0];
		const [got] = await items(described, jobGet(jobId));
		const { text, lines, fields, fieldDetails, state } = got;
		expect(delivered.json).toMatchObject({
			jobId,
			state,
			...(text === undefined ? { fields, fieldDetails } : { text, lines }),
		});
	});

	it.each([
		'callbacks/workflow-xml.xml',
		'callbacks/workflow-json.json',
		'callbacks/workflow-go-sdk.xml',
	])('%s: a workflow notice, answered 200 ignored', async (file) => {
		const before = trigger.executions.length;
		expect(await post(file)).toEqual({
			status: 200,
			body: { status: 'ignored', reason: 'not a job callback' },
		});
		expect(trigger.executions).toHaveLength(before);
	});

	it.each([
		'callbacks/translation-json-array.json',
		'callbacks/picprocess-json-array.json',
		'callbacks/noisereduction-json-object.json',
		'callbacks/wordsgeneralize-json-wrapped.json',
	])(
		'%s: other job types’ documented JSON forms are read (array, object, Response wrapper), then filtered by job type',
		async (file) => {
			const server = await startTriggerServer({
				nodeType: 'n8n-nodes-tencent-cloud-infinite.tencentCloudInfiniteTrigger',
				parameters: { confirm: false, deliveryRecord: 'staticData', tags: ['ImageOCR'] },
			});
			try {
				const { body, contentType } = sample(file);
				const response = await fetch(server.url, {
					method: 'POST',
					headers: { 'content-type': contentType },
					body,
				});
				expect({ status: response.status, body: await response.json() }).toEqual({
					status: 200,
					body: { status: 'ignored', reason: 'filtered out' },
				});
			} finally {
				await server.close();
			}
		},
	);
});
