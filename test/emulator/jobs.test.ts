/** OCR and card jobs on the CI port: lifecycle, results, listing, callbacks and refusals (shapes: test/conformance/structure.test.ts). */
import { readFileSync } from 'fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';

import { makePdf, startEmulator, type Emulator, type EmulatorOptions } from '../../emulator';
import { textPng } from '../helpers/images';
import { errorCode, send, until, xml, type Reply, type Xml } from './client';
import { ManualTimers } from './manual-timers';

const clock = new ManualTimers();
let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ engine: 'text', jobDelayMs: 1000, jobTimers: clock.timers });
});
afterEach(() => emulator.reset());
afterAll(async () => await emulator.close());

const XML = { 'content-type': 'application/xml' };
const ci = (
	method: string,
	path: string,
	body?: string,
	query?: Record<string, string>,
	on = emulator,
) => send(on, 'ci', method, path, { body, query, headers: body ? XML : {} });
const ocrJob = (object: string, operation: string, extra = '') =>
	`<Request><Tag>ImageOCR</Tag><Input><Object>${object}</Object></Input><Operation>${operation}</Operation>${extra}</Request>`;
const cardJob = (object: string, cardType: string, extra = '') =>
	`<Request><Tag>ImageLicenseRec</Tag><Input><Object>${object}</Object></Input><Operation><ImageLicenseRec><CardType>${cardType}</CardType></ImageLicenseRec><UserData>card</UserData></Operation>${extra}</Request>`;
const GENERAL = '<ImageOCR><Type>general</Type></ImageOCR>';
const detail = (reply: Reply): Xml => xml(reply).JobsDetail[0];
const CI_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0800$/;

async function submit(body: string, on = emulator): Promise<Xml> {
	const reply = await ci('POST', 'jobs', body, undefined, on);
	expect([reply.status, reply.text]).toEqual([200, expect.stringContaining('<JobsDetail>')]);
	return detail(reply);
}
/** Moves the jobs to their end and returns the job's JobsDetail as GET /jobs/<id> answers it. */
async function finished(jobId: string): Promise<Xml> {
	clock.advance(1000);
	await until(() => ['Success', 'Failed'].includes(emulator.jobs.byId.get(jobId)?.state ?? ''));
	return detail(await ci('GET', `jobs/${jobId}`));
}
const fields = (result: Xml) =>
	Object.fromEntries((result.IdInfo ?? []).map((info: Xml) => [info.Name, info.DetectedText]));

describe('OCR jobs', () => {
	beforeEach(() => emulator.objects.set('in/a.png', textPng(['first line', 'second line'])));

	it('goes Submitted, Running, Success; a finished job has placeholders on every line and an empty Language', async () => {
		const submitted = await submit(ocrJob('in/a.png', `${GENERAL}<UserData>mine</UserData>`));
		expect(submitted).toMatchObject({
			Code: 'Success',
			Message: '',
			State: 'Submitted',
			Tag: 'ImageOCR',
			StartTime: '-',
			EndTime: '-',
		});
		expect(submitted.JobId).toMatch(/^a[0-9a-f]{32}$/);
		expect(submitted.QueueId).toMatch(/^p[0-9a-f]{32}$/);
		expect(submitted.CreationTime).toMatch(CI_TIME);
		expect(submitted.Input).toEqual({
			BucketId: emulator.options.bucket,
			Object: 'in/a.png',
			Region: emulator.options.region,
		});
		expect(submitted.Operation).toEqual({
			JobLevel: '0',
			UserData: 'mine',
			ImageOCR: { Type: 'general' },
		});
		clock.advance(500);
		const running = detail(await ci('GET', `jobs/${submitted.JobId}`));
		expect([
			running.State,
			running.StartTime,
			running.EndTime,
			running.Operation.Detection,
		]).toEqual(['Running', expect.stringMatching(CI_TIME), '-', undefined]);
		const done = await finished(submitted.JobId);
		expect([done.State, done.EndTime]).toEqual(['Success', expect.stringMatching(CI_TIME)]);
		const detection = done.Operation.Detection;
		expect(detection).toMatchObject({ Angel: '0', PdfPageSize: '0', Language: '' });
		expect(detection.TextDetections.map((d: Xml) => d.DetectedText)).toEqual([
			'first line',
			'second line',
		]);
		for (const line of detection.TextDetections) {
			expect(line.WordPolygon).toEqual(['']);
			expect(line.Words).toEqual([{ Character: '', Confidence: '0', WordCoordPoint: '' }]);
		}
	});

	it('gives characters as Words with IsWord, as WordPolygon for handwriting with EnableWordPolygon (the other a placeholder)', async () => {
		const words = await finished(
			(await submit(ocrJob('in/a.png', '<ImageOCR><IsWord>true</IsWord></ImageOCR>'))).JobId,
		);
		const line = words.Operation.Detection.TextDetections[0];
		expect(line.Words.map((w: Xml) => w.Character).join('')).toBe('firstline');
		expect(line.WordPolygon).toEqual(['']);
		const hand = await finished(
			(
				await submit(
					ocrJob(
						'in/a.png',
						'<ImageOCR><Type>handwriting</Type><EnableWordPolygon>true</EnableWordPolygon></ImageOCR>',
					),
				)
			).JobId,
		);
		const handLine = hand.Operation.Detection.TextDetections[0];
		expect(handLine.WordPolygon).toHaveLength(9);
		expect(handLine.WordPolygon[0]).toEqual({
			LeftTop: { X: '10', Y: '10' },
			RightTop: { X: '22', Y: '10' },
			RightBottom: { X: '22', Y: '34' },
			LeftBottom: { X: '10', Y: '34' },
		});
		expect(handLine.Words).toEqual([{ Character: '', Confidence: '0', WordCoordPoint: '' }]);
	});

	it('echoes an inline ImageOCR as sent; a template job names the template and keeps its parameters from submission', async () => {
		const inline = await submit(
			ocrJob('in/a.png', '<ImageOCR><IsWord>true</IsWord><Type>accurate</Type></ImageOCR>'),
		);
		expect(Object.entries(inline.Operation.ImageOCR)).toEqual([
			['IsWord', 'true'],
			['Type', 'accurate'],
		]);
		const body =
			'<Request><Tag>ImageOCR</Tag><Name>pdfpage2</Name><ImageOCR><IsPdf>true</IsPdf><PdfPageNumber>2</PdfPageNumber></ImageOCR></Request>';
		const template = xml(await ci('POST', 'template', body)).Template;
		emulator.objects.set('doc.pdf', makePdf([['one'], ['two']]));
		const submitted = await submit(
			ocrJob(
				'doc.pdf',
				`<TemplateId>${template.TemplateId}</TemplateId>${GENERAL.replace('general', 'fast')}`,
			),
		);
		expect(submitted.Operation).toEqual({
			JobLevel: '0',
			TemplateId: template.TemplateId,
			TemplateName: 'pdfpage2',
		});
		await ci(
			'PUT',
			`template/${template.TemplateId}`,
			body.replace('<IsPdf>true</IsPdf>', '<IsPdf>false</IsPdf>'),
		);
		const done = await finished(submitted.JobId);
		expect(done.Operation.Detection).toMatchObject({
			PdfPageSize: '2',
			TextDetections: [{ DetectedText: 'two' }],
		});
	});

	it('fails a job whose input is missing (ResourceNotFound), unreadable (ResourceNotSupported), and every job under failJobs', async () => {
		emulator.objects.set('notes.txt', Buffer.from('text is not an image'));
		emulator.objects.set('doc.pdf', makePdf([['x']]));
		const missing = await finished((await submit(ocrJob('nope.png', GENERAL))).JobId);
		expect(missing).toMatchObject({
			State: 'Failed',
			Code: 'ResourceNotFound',
			Message: expect.stringContaining('nope.png'),
		});
		const text = await finished((await submit(ocrJob('notes.txt', GENERAL))).JobId);
		expect(text).toMatchObject({ State: 'Failed', Code: 'ResourceNotSupported' });
		const pdf = await finished((await submit(ocrJob('doc.pdf', GENERAL))).JobId);
		expect(pdf).toMatchObject({ State: 'Failed', Code: 'EmulatorUndocumented' });
		emulator.setFaults({ failJobs: true });
		const failed = await finished((await submit(ocrJob('in/a.png', GENERAL))).JobId);
		expect(failed).toMatchObject({ State: 'Failed', Code: 'InternalError' });
		expect(failed.Operation.Detection).toBeUndefined();
	});

	it.each([
		[
			ocrJob('a', '<TemplateId>t1nosuchtemplate</TemplateId>'),
			501,
			'EmulatorUndocumented',
			/t1nosuchtemplate does not exist/,
		],
		[
			ocrJob('a', `<UserData>é</UserData>${GENERAL}`),
			400,
			'InvalidArgument',
			/UserData must be printable ASCII/,
		],
		[
			ocrJob('a', `<UserData>${'x'.repeat(1025)}</UserData>${GENERAL}`),
			400,
			'InvalidArgument',
			/UserData/,
		],
		[ocrJob('a', '<UserData>x</UserData>'), 400, 'InvalidArgument', /TemplateId or ImageOCR/],
		[
			ocrJob('a', '<ImageOCR><Type>magic</Type></ImageOCR>'),
			400,
			'InvalidArgument',
			/Type "magic"/,
		],
		[
			ocrJob('a', '<ImageOCR><Colour>red</Colour></ImageOCR>'),
			400,
			'InvalidArgument',
			/ImageOCR.Colour is not a documented element/,
		],
		[
			ocrJob('a', `${GENERAL}<Output><Object>x</Object></Output>`),
			400,
			'InvalidArgument',
			/Request.Operation.Output is not a documented element/,
		],
		[
			ocrJob('a', GENERAL, '<QueueId>p1</QueueId>'),
			400,
			'InvalidArgument',
			/Request.QueueId is not a documented element/,
		],
		[
			ocrJob('a', GENERAL).replace('<Object>a</Object>', '<Object>a</Object><Url>http://x</Url>'),
			400,
			'InvalidArgument',
			/Request.Input.Url/,
		],
		[
			ocrJob('a', GENERAL, '<CallBackFormat>YAML</CallBackFormat>'),
			400,
			'InvalidArgument',
			/CallBackFormat must be JSON or XML/,
		],
		[
			ocrJob('a', GENERAL, '<CallBack>not a url</CallBack>'),
			400,
			'InvalidArgument',
			/CallBack must be an http/,
		],
		[
			ocrJob('a', GENERAL, '<CallBackType>TDMQ</CallBackType>'),
			400,
			'InvalidArgument',
			/CallBackMqConfig.MqRegion is required/,
		],
		[
			ocrJob(
				'a',
				GENERAL,
				'<CallBackType>TDMQ</CallBackType><CallBackMqConfig><MqRegion>Guangzhou</MqRegion><MqMode>Queue</MqMode><MqName>q</MqName></CallBackMqConfig>',
			),
			400,
			'InvalidArgument',
			/MqRegion must be one of sh, bj, gz, cd, hk/,
		],
		[
			ocrJob(
				'a',
				GENERAL,
				'<CallBackMqConfig><MqRegion>bj</MqRegion><MqMode>Queue</MqMode><MqName>q</MqName></CallBackMqConfig>',
			),
			400,
			'InvalidArgument',
			/needs CallBackType TDMQ/,
		],
		[
			ocrJob(
				'a',
				GENERAL,
				'<CallBack>http://127.0.0.1/x</CallBack><CallBackType>TDMQ</CallBackType><CallBackMqConfig><MqRegion>bj</MqRegion><MqMode>Queue</MqMode><MqName>q</MqName></CallBackMqConfig>',
			),
			501,
			'EmulatorUndocumented',
			/CallBack together with CallBackType TDMQ/,
		],
		[cardJob('a', 'Passport'), 400, 'InvalidArgument', /CardType must be IDCard or DriverLicense/],
	])('refuses a bad job %#', async (body, status, code, message) => {
		const reply = await ci('POST', 'jobs', body);
		expect([reply.status, errorCode(reply)]).toEqual([status, code]);
		expect(xml(reply, 'Error').Message).toMatch(message);
		expect(emulator.stats.jobsSubmitted).toBe(0);
	});
});

describe('card recognition jobs', () => {
	it('labels ID-card fields in Chinese, with scores and locations; CardType is in the Operation while running', async () => {
		emulator.objects.set(
			'card.png',
			textPng([
				'姓名 张三',
				'性别：男',
				'Nationality: Han',
				'出生 1990年1月1日',
				'Address: 1 Example Road',
				'公民身份号码 440300199001011234',
				'Some other text',
				'Remark: none',
			]),
		);
		const submitted = await submit(cardJob('card.png', 'IDCard'));
		expect(submitted.JobId).toMatch(/^a[0-9a-f]{32}$/);
		expect(submitted.Operation).toEqual({
			ImageLicenseRec: { CardType: 'IDCard' },
			UserData: 'card',
			JobLevel: '0',
		});
		clock.advance(500);
		const running = detail(await ci('GET', `jobs/${submitted.JobId}`));
		expect([running.State, running.Operation]).toEqual([
			'Running',
			{ ImageLicenseRec: { CardType: 'IDCard' }, UserData: 'card', JobLevel: '0' },
		]);
		const result = (await finished(submitted.JobId)).Operation.ImageLicenseRecResult;
		expect(result).toMatchObject({
			Code: 'Success',
			State: 'Success',
			Status: '1',
			InputObjectName: 'card.png',
			InputObjectUrl: `${emulator.cosUrl}/card.png`,
		});
		expect(result.Message).toBeUndefined();
		expect(fields(result)).toEqual({
			姓名: '张三',
			性别: '男',
			民族: 'Han',
			出生: '1990年1月1日',
			住址: '1 Example Road',
			公民身份号码: '440300199001011234',
		});
		// First line: x 10, y 10, 5 characters of 12 px, 24 high; points top-left, bottom-left, bottom-right, top-right.
		expect(result.IdInfo[0]).toMatchObject({
			Score: '99',
			Location: { Point: ['10,10', '10,34', '70,34', '70,10'] },
		});
	});

	it('reads the English card of test/fixtures/id-card.png with tesseract into the Chinese labels', async () => {
		const auto = await startEmulator({ engine: 'auto', jobDelayMs: 20 });
		try {
			auto.objects.set('id-card.png', readFileSync(join(__dirname, '../fixtures/id-card.png')));
			const { JobId } = await submit(cardJob('id-card.png', 'IDCard'), auto);
			await until(() => auto.jobs.byId.get(JobId)?.state === 'Success', 30000);
			const result = detail(await ci('GET', `jobs/${JobId}`, undefined, undefined, auto)).Operation
				.ImageLicenseRecResult;
			expect(fields(result)).toEqual({
				姓名: 'Zhang San',
				性别: 'Male',
				民族: 'Han',
				出生: '1990-01-01',
				住址: '1 Example Road',
				公民身份号码: '440300199001011234',
			});
			expect(result.IdInfo.every((info: Xml) => Number(info.Score) > 60)).toBe(true);
		} finally {
			await auto.close();
		}
	}, 60000);

	it('labels driving-licence fields; Status 0 when nothing is found', async () => {
		emulator.objects.set(
			'licence.png',
			textPng([
				'证号 110101199001011234',
				'Name: 李四',
				'Class: C1',
				'Date of First Issue: 2010-05-01',
				'有效期限 2010-05-01至2016-05-01',
				'Issuing Authority: 北京市公安局',
			]),
		);
		emulator.objects.set('blank.png', textPng('nothing to see'));
		const licence = await finished((await submit(cardJob('licence.png', 'DriverLicense'))).JobId);
		expect(fields(licence.Operation.ImageLicenseRecResult)).toEqual({
			证号: '110101199001011234',
			姓名: '李四',
			准驾车型: 'C1',
			初次领证日期: '2010-05-01',
			有效期限: '2010-05-01至2016-05-01',
			发证单位: '北京市公安局',
		});
		const blank = await finished((await submit(cardJob('blank.png', 'IDCard'))).JobId);
		expect(blank.Operation.ImageLicenseRecResult).toMatchObject({ State: 'Success', Status: '0' });
		expect(blank.Operation.ImageLicenseRecResult.IdInfo).toBeUndefined();
	});

	it('answers a failed card job with a failed ImageLicenseRecResult: Code, State, Message, no Status', async () => {
		emulator.objects.set('card.pdf', makePdf([['姓名 张三']]));
		const missing = await finished((await submit(cardJob('absent.png', 'IDCard'))).JobId);
		expect(missing).toMatchObject({ State: 'Failed', Code: 'ResourceNotFound' });
		expect(missing.Operation.ImageLicenseRecResult).toEqual({
			Code: 'ResourceNotFound',
			State: 'Failed',
			Message: missing.Message,
			InputObjectName: 'absent.png',
			InputObjectUrl: `${emulator.cosUrl}/absent.png`,
		});
		const pdf = await finished((await submit(cardJob('card.pdf', 'IDCard'))).JobId);
		expect(pdf).toMatchObject({
			State: 'Failed',
			Code: 'ResourceNotSupported',
			Operation: { ImageLicenseRecResult: { Code: 'ResourceNotSupported', State: 'Failed' } },
		});
	});
});

describe('describing and listing jobs', () => {
	const submitOcr = async (key: string) => {
		emulator.objects.set(key, textPng(key));
		return (await submit(ocrJob(key, GENERAL))).JobId as string;
	};
	const listing = async (query: Record<string, string>, on = emulator) =>
		xml(await ci('GET', 'jobs', undefined, { tag: 'ImageOCR', ...query }, on));
	const ids = (response: Xml): string[] => (response.JobsDetail ?? []).map((d: Xml) => d.JobId);

	it('describes several jobs at once and names the unknown ones, with no RequestId element', async () => {
		const [a, b] = [await submitOcr('a.png'), await submitOcr('b.png')];
		const response = xml(await ci('GET', `jobs/${a},nosuchjob,${b},other`));
		expect(ids(response)).toEqual([a, b]);
		expect(response.NonExistJobIds).toEqual(['nosuchjob', 'other']);
		expect(response.RequestId).toBeUndefined();
		const unknownOnly = xml(await ci('GET', 'jobs/nosuchjob'));
		expect([unknownOnly.JobsDetail, unknownOnly.NonExistJobIds]).toEqual([
			undefined,
			['nosuchjob'],
		]);
	});

	it('pages with size (up to 100) and NextToken, newest first by default; the last page has no NextToken', async () => {
		const submitted: string[] = [];
		for (let i = 0; i < 5; i++) submitted.push(await submitOcr(`job${i}.png`));
		emulator.objects.set('card.png', textPng('x'));
		await submit(cardJob('card.png', 'IDCard'));
		const seen: string[] = [];
		let nextToken: string | undefined = '';
		let pages = 0;
		do {
			const response = await listing({ size: '2', ...(nextToken ? { nextToken } : {}) });
			expect(response.RequestId).toBeUndefined();
			seen.push(...ids(response));
			nextToken = response.NextToken;
			pages++;
		} while (nextToken);
		expect(pages).toBe(3);
		expect(seen).toEqual([...submitted].reverse());
		expect(ids(await listing({ orderByTime: 'Asc', size: '100', nextToken: '' }))).toEqual(
			submitted,
		);
		for (const size of ['0', '101', 'ten'])
			expect(errorCode(await ci('GET', 'jobs', undefined, { tag: 'ImageOCR', size }))).toBe(
				'InvalidArgument',
			);
	});

	it.each([
		['empty', (response: Xml) => expect(response.NextToken).toBe('')],
		['extraPage', (response: Xml) => expect(response.NextToken).toMatch(/./)],
	] as const)('marks the last page with lastPage %s', async (lastPage, check) => {
		const other = await startEmulator({
			engine: 'text',
			lastPage: lastPage as EmulatorOptions['lastPage'],
		});
		try {
			other.objects.set('a.png', textPng('a'));
			await submit(ocrJob('a.png', GENERAL), other);
			const last = await listing({ size: '1' }, other);
			expect(ids(last)).toHaveLength(1);
			check(last);
			if (lastPage === 'extraPage') {
				const extra = await listing({ size: '1', nextToken: last.NextToken }, other);
				expect([extra.JobsDetail, extra.NextToken]).toEqual([undefined, undefined]);
			}
		} finally {
			await other.close();
		}
	});

	it('filters by states, inputObject (exact), queueId; workflowId and inventoryTriggerJobId match no direct job', async () => {
		const done = await submitOcr('scans/a.png');
		await finished(done);
		const pending = await submitOcr('scans/a.png.bak');
		expect(ids(await listing({ states: 'Success,Failed' }))).toEqual([done]);
		expect(ids(await listing({ states: 'All' }))).toEqual([pending, done]);
		expect(ids(await listing({ inputObject: 'scans/a.png' }))).toEqual([done]);
		expect(ids(await listing({ inputObject: 'scans/' }))).toEqual([]);
		const queueId = emulator.jobs.byId.get(done)?.queueId as string;
		expect(ids(await listing({ queueId }))).toEqual([pending, done]);
		expect(ids(await listing({ queueId: 'pother' }))).toEqual([]);
		// "和 queueId 不同时生效，同时存在时 queueId 优先"
		expect(ids(await listing({ queueId, queueType: 'SpeedTranscoding' }))).toEqual([pending, done]);
		expect(ids(await listing({ workflowId: 'w1' }))).toEqual([]);
		expect(ids(await listing({ inventoryTriggerJobId: 'b1' }))).toEqual([]);
	});

	it('answers what no source documents with 501: queueType alone, states All with others', async () => {
		const queries: Array<Record<string, string>> = [
			{ queueType: 'SpeedTranscoding' },
			{ states: 'All,Success' },
		];
		for (const query of queries) {
			const reply = await ci('GET', 'jobs', undefined, { tag: 'ImageOCR', ...query });
			expect([reply.status, errorCode(reply)]).toEqual([501, 'EmulatorUndocumented']);
		}
	});

	it('filters by creation time, both bounds exclusive, in the documented format only', async () => {
		const id = await submitOcr('t.png');
		const created = emulator.jobs.byId.get(id)?.creationTime as string;
		const shift = (seconds: number) => {
			const utc = Date.parse(created.replace(/(\d{2})(\d{2})$/, '$1:$2')) + seconds * 1000;
			return `${new Date(utc + 8 * 3600_000).toISOString().slice(0, 19)}+0800`;
		};
		expect(ids(await listing({ startCreationTime: shift(-1), endCreationTime: shift(1) }))).toEqual(
			[id],
		);
		expect(ids(await listing({ startCreationTime: created }))).toEqual([]);
		expect(ids(await listing({ endCreationTime: created }))).toEqual([]);
		// The same instant in another offset.
		const utc = `${new Date(Date.parse(created.replace(/(\d{2})(\d{2})$/, '$1:$2')) - 1000).toISOString().slice(0, 19)}+0000`;
		expect(ids(await listing({ startCreationTime: utc }))).toEqual([id]);
		for (const bad of [
			'2022-02-01T12:00:00+08:00',
			'2022-02-01 12:00:00+0800',
			'2022-02-01T12:00:00Z',
			'2022-02-01',
			'1643688000',
			'2022-02-30T12:00:00+0800',
			'2022-13-01T12:00:00+0800',
		]) {
			const reply = await ci('GET', 'jobs', undefined, { tag: 'ImageOCR', startCreationTime: bad });
			expect([bad, reply.status, errorCode(reply)]).toEqual([bad, 400, 'InvalidArgument']);
		}
	});

	it('validates tag, states, orderByTime and unknown parameters', async () => {
		const queries: Array<Record<string, string>> = [
			{},
			{ tag: 'Transcode' },
			{ tag: 'ImageOCR', states: 'Done' },
			{ tag: 'ImageOCR', orderByTime: 'Up' },
			{ tag: 'ImageOCR', jobId: 'a1' },
			{ tag: 'ImageOCR', nextToken: 'bogus' },
		];
		for (const query of queries) {
			const reply = await ci('GET', 'jobs', undefined, query);
			expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidArgument']);
		}
	});
});

describe('callbacks', () => {
	let receiver: Server;
	let hook: string;
	let status = 200;
	const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
	beforeAll(async () => {
		receiver = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				received.push({ headers: req.headers, body });
				res.writeHead(status).end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});
	beforeEach(() => {
		received.length = 0;
		status = 200;
		emulator.objects.set('cb.png', textPng('callback text'));
	});
	afterAll(async () => await new Promise((resolve) => receiver.close(resolve)));

	const submitWith = async (extra: string, object = 'cb.png') =>
		(await submit(ocrJob(object, GENERAL, extra))).JobId as string;

	it('posts XML by default: <Response><EventName>TaskFinish</EventName><JobsDetail>', async () => {
		const jobId = await submitWith(`<CallBack>${hook}</CallBack>`);
		await finished(jobId);
		await until(() => received.length === 1);
		expect(received[0].headers['content-type']).toBe('application/xml');
		const event = xml(received[0].body);
		expect(event.EventName).toBe('TaskFinish');
		expect(event.JobsDetail[0]).toMatchObject({
			JobId: jobId,
			State: 'Success',
			Operation: { Detection: { TextDetections: [{ DetectedText: 'callback text' }] } },
		});
		await until(() => emulator.stats.callbacksSent === 1);
		expect(emulator.stats.callbacksFailed).toBe(0);
	});

	it('posts JSON in the documented conventions: JobsDetail an array, strings, empty elements left out', async () => {
		const jobId = await submitWith(
			`<CallBack>${hook}</CallBack><CallBackFormat>JSON</CallBackFormat>`,
		);
		await finished(jobId);
		await until(() => received.length === 1);
		expect(received[0].headers['content-type']).toBe('application/json');
		const event = JSON.parse(received[0].body);
		expect(Object.keys(event)).toEqual(['EventName', 'JobsDetail']);
		expect(event.JobsDetail).toHaveLength(1);
		const job = event.JobsDetail[0];
		expect(job).toMatchObject({ JobId: jobId, State: 'Success', Operation: { JobLevel: '0' } });
		expect('Message' in job).toBe(false);
		// One line: an object, not an array; the placeholder Words reduced to its one non-empty child.
		expect(job.Operation.Detection.TextDetections).toMatchObject({
			DetectedText: 'callback text',
			Confidence: '99',
			Words: { Confidence: '0' },
		});
		expect(job.Operation.Detection.TextDetections.Polygon).toHaveLength(4);
		expect(
			'Language' in job.Operation.Detection ||
				'WordPolygon' in job.Operation.Detection.TextDetections,
		).toBe(false);
	});

	it('tries three times when the receiver answers 5xx, then counts a failure', async () => {
		status = 503;
		await finished(await submitWith(`<CallBack>${hook}</CallBack>`));
		await until(() => emulator.stats.callbacksFailed === 1);
		expect(received).toHaveLength(3);
		expect(emulator.stats.callbacksSent).toBe(0);
	});

	it('never calls a non-loopback URL, nor "no"; records TDMQ callbacks instead of sending them', async () => {
		const remote = await submitWith('<CallBack>http://callback.demo.com/hook</CallBack>');
		const none = await submitWith('<CallBack>no</CallBack>');
		const mq = await submitWith(
			'<CallBackType>TDMQ</CallBackType><CallBackFormat>JSON</CallBackFormat><CallBackMqConfig><MqRegion>gz</MqRegion><MqMode>Queue</MqMode><MqName>jobs</MqName></CallBackMqConfig>',
		);
		for (const id of [remote, none, mq]) await finished(id);
		await until(() => emulator.mqMessages.length === 1 && emulator.stats.callbacksFailed === 1);
		expect(received).toHaveLength(0);
		expect(emulator.mqMessages[0]).toMatchObject({
			jobId: mq,
			format: 'JSON',
			config: { MqRegion: 'gz', MqMode: 'Queue', MqName: 'jobs' },
		});
		expect(JSON.parse(emulator.mqMessages[0].body)).toMatchObject({
			EventName: 'TaskFinish',
			JobsDetail: [{ JobId: mq }],
		});
	});
});

describe('faults on job submission', () => {
	it('creates the job when the connection is reset after handling (resetMode after), and not before', async () => {
		emulator.objects.set('r.png', textPng('r'));
		const body = ocrJob('r.png', GENERAL);
		emulator.setFaults({ resetCount: 1, match: { service: 'ci', method: 'POST', path: '/jobs' } });
		await expect(ci('POST', 'jobs', body)).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(emulator.stats.jobsSubmitted).toBe(0);
		emulator.setFaults({
			resetCount: 1,
			resetMode: 'after',
			match: { service: 'ci', method: 'POST', path: '/jobs' },
		});
		await expect(ci('POST', 'jobs', body)).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(emulator.stats.jobsSubmitted).toBe(1);
		expect((await ci('GET', 'jobs', undefined, { tag: 'ImageOCR' })).status).toBe(200);
	});

	it('injects errors only where match says, and cuts an empty answer by dropping the connection', async () => {
		emulator.setFaults({
			errorCount: 2,
			errorStatus: 500,
			errorCode: 'InternalError',
			match: { service: 'ci', path: '/template' },
		});
		expect((await send(emulator, 'cos', 'GET', 'template')).status).toBe(404);
		expect(errorCode(await ci('GET', 'template', undefined, { tag: 'ImageOCR' }))).toBe(
			'InternalError',
		);
		expect(errorCode(await ci('GET', 'template', undefined, { tag: 'ImageOCR' }))).toBe(
			'InternalError',
		);
		expect((await ci('GET', 'template', undefined, { tag: 'ImageOCR' })).status).toBe(200);
		emulator.setFaults({ truncateCount: 1, match: { method: 'PUT' } });
		await expect(send(emulator, 'cos', 'PUT', 'p.txt', { body: 'x' })).rejects.toThrow(
			/socket hang up|ECONNRESET|aborted/,
		);
	});

	it('refuses a CI body above 64 KiB with 413 InvalidContent, and paths that are no API with InvalidUrl', async () => {
		const reply = await ci(
			'POST',
			'jobs',
			ocrJob('a', `<UserData>${'x'.repeat(70 * 1024)}</UserData>`),
		);
		expect([reply.status, errorCode(reply)]).toEqual([413, 'InvalidContent']);
		const unknown = await ci('GET', 'queue');
		expect([unknown.status, errorCode(unknown)]).toEqual([404, 'InvalidUrl']);
	});
});
