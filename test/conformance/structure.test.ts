/**
 * The emulator answers in the corpus's shapes: each answer is compared, element by element, with
 * the corpus sample of the same request (test/conformance/README.md). Values differ; names,
 * nesting, order, empty placeholders and repetition must not. Headers and statuses the samples'
 * `http` lines document are checked too.
 */
import { readdirSync, statSync } from 'fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import { join, relative } from 'path';

import { makePdf, startEmulator, type Emulator } from '../../emulator';
import { textPng } from '../helpers/images';
import { send, until, xml, type Reply, type SendOptions } from '../emulator/client';
import { ManualTimers } from '../emulator/manual-timers';
import { compareJson, compareXml, CORPUS, sample, type CompareOptions } from './shape';

const clock = new ManualTimers();
let emulator: Emulator;
let receiver: Server;
let hook: string;
const callbacks: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
	emulator = await startEmulator({ engine: 'text', jobDelayMs: 1000, jobTimers: clock.timers });
	receiver = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			callbacks.push({ headers: req.headers, body });
			res.end();
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterEach(() => {
	emulator.reset();
	callbacks.length = 0;
});
afterAll(async () => {
	await emulator.close();
	await new Promise((resolve) => receiver.close(resolve));
});

const XML = { 'content-type': 'application/xml' };
const cos = (method: string, key: string, options: SendOptions = {}) =>
	send(emulator, 'cos', method, key, options);
const ci = (method: string, path: string, body?: string, query?: Record<string, string>) =>
	send(emulator, 'ci', method, path, { body, query, headers: body ? XML : {} });

/** The samples compared so far (the coverage test at the end checks every one was). */
const compared = new Set<string>();

function expectShape(file: string, answer: string, options: CompareOptions = {}): void {
	compared.add(file);
	expect({ file, differences: compareXml(sample(file).body as string, answer, options) }).toEqual({
		file,
		differences: [],
	});
}
function expectJsonShape(file: string, answer: unknown): void {
	compared.add(file);
	expect({ file, differences: compareJson(sample(file).body, answer) }).toEqual({
		file,
		differences: [],
	});
}

const ID_CARD_FRONT = [
	'姓名 张明',
	'性别 男',
	'民族 汉',
	'出生 1987/1/1',
	'住址 北京市石景山区高新技术园腾讯大楼',
	'公民身份号码 440524198701010014',
];
const TEMPLATE =
	'<Request><Tag>ImageOCR</Tag><Name>TemplateName</Name><ImageOCR><Type>general</Type><LanguageType>zh</LanguageType><IsPdf>true</IsPdf><PdfPageNumber>2</PdfPageNumber><IsWord>true</IsWord></ImageOCR></Request>';
const USER_DATA = '<UserData>This is my data.</UserData><JobLevel>0</JobLevel>';

/** A template; `plain` leaves IsWord out (the finished-job samples show no characters). */
async function template(plain = false): Promise<string> {
	const body = plain ? TEMPLATE.replace('<IsWord>true</IsWord>', '') : TEMPLATE;
	return xml(await ci('POST', 'template', body)).Template.TemplateId as string;
}
const ocrJob = (operation: string, extra = '', object = 'pic/ocr1.png') =>
	`<Request><Tag>ImageOCR</Tag><Input><Object>${object}</Object></Input><Operation>${operation}</Operation>${extra}</Request>`;
const cardJob = (cardType: string, object: string, extra = '') =>
	`<Request><Tag>ImageLicenseRec</Tag><Input><Object>${object}</Object></Input><Operation><ImageLicenseRec><CardType>${cardType}</CardType></ImageLicenseRec>${USER_DATA}</Operation>${extra}</Request>`;
async function submit(body: string): Promise<{ reply: Reply; id: string }> {
	const reply = await ci('POST', 'jobs', body);
	expect(reply.status).toBe(200);
	return { reply, id: xml(reply).JobsDetail[0].JobId as string };
}
/** Moves every job on to its end and waits for the recognition to finish. */
async function finishJobs(): Promise<void> {
	clock.advance(1000);
	await until(() =>
		[...emulator.jobs.byId.values()].every((job) => !['Submitted', 'Running'].includes(job.state)),
	);
}
const describeJob = (id: string) => ci('GET', `jobs/${id}`);

describe('sync OCR (sync-ocr/)', () => {
	beforeEach(() => emulator.objects.set('pic.png', textPng(['你好', '再见'])));

	it('general, without isword: no Words, no placeholders', async () => {
		expectShape(
			'sync-ocr/general.xml',
			(
				await cos('GET', 'pic.png', {
					query: { 'ci-process': 'OCR', type: 'general', 'language-type': 'zh' },
				})
			).text,
		);
	});

	it('general with isword: Words with their WordCoordPoint', async () => {
		const reply = await cos('GET', 'pic.png', {
			query: {
				'ci-process': 'OCR',
				type: 'general',
				'language-type': 'zh',
				ispdf: 'true',
				isword: 'true',
			},
		});
		expectShape('sync-ocr/general-isword.xml', reply.text);
	});

	it('handwriting with enable-word-polygon: WordPolygon per character, an empty Language', async () => {
		emulator.objects.set('hand.png', textPng('再见'));
		expectShape(
			'sync-ocr/handwriting-word-polygon.xml',
			(
				await cos('GET', 'hand.png', {
					query: { 'ci-process': 'OCR', type: 'handwriting', 'enable-word-polygon': 'true' },
				})
			).text,
		);
	});

	it('a PDF page: PdfPageSize is the page count', async () => {
		emulator.objects.set(
			'test01.pdf',
			makePdf([['one'], ['Page two', 'content'], ['three'], ['four'], ['five']]),
		);
		const query = {
			'ci-process': 'OCR',
			type: 'general',
			'language-type': 'zh',
			ispdf: 'true',
			'pdf-pagenumber': '2',
			isword: 'true',
			'enable-word-polygon': 'false',
		};
		expectShape('sync-ocr/pdf-page.xml', (await cos('GET', 'test01.pdf', { query })).text);
	});
});

describe('errors (errors/)', () => {
	const expectIds = (reply: Reply, service: 'cos' | 'ci') => {
		expect(reply.headers['content-type']).toBe('application/xml');
		expect(reply.headers[`x-${service}-request-id`]).toBe(xml(reply, 'Error').RequestId);
		expect(reply.headers[`x-${service}-trace-id`]).toBe(xml(reply, 'Error').TraceId);
		expect(xml(reply, 'Error').TraceId).not.toBe(xml(reply, 'Error').RequestId);
		expect(reply.headers[`x-${service === 'ci' ? 'cos' : 'ci'}-trace-id`]).toBeUndefined();
	};

	it('COS NoSuchKey: Code, Message, Resource, RequestId, TraceId and x-cos-trace-id', async () => {
		const reply = await cos('GET', 'test_404');
		expect(reply.status).toBe(404);
		expectShape('errors/cos-no-such-key.xml', reply.text);
		expectIds(reply, 'cos');
	});

	it('COS AccessDenied, and "Request has expired"', async () => {
		const denied = await cos('GET', 'test_404', { keyTime: '1600000000;1600000900' });
		expect([denied.status, xml(denied, 'Error').Message]).toEqual([403, 'Request has expired']);
		expectShape('errors/cos-request-expired.xml', denied.text);
		expectShape('errors/cos-access-denied.xml', denied.text);
		expectIds(denied, 'cos');
	});

	it('CI InvalidArgument: no Resource, x-ci-trace-id', async () => {
		const reply = await ci('GET', 'jobs', undefined, { tag: 'ImageOCR', size: '101' });
		expect(reply.status).toBe(400);
		expectShape('errors/ci-invalid-argument.xml', reply.text);
		expectIds(reply, 'ci');
	});

	it('CI SlowDown is 429', async () => {
		emulator.setFaults({ errorCount: 1, match: { service: 'ci' } });
		const reply = await ci('GET', 'jobs', undefined, { tag: 'ImageOCR' });
		expect(reply.status).toBe(429);
		expectShape('errors/ci-slow-down.xml', reply.text);
		expectIds(reply, 'ci');
		emulator.setFaults({ errorCount: 1, match: { service: 'cos' } });
		expect((await cos('GET', 'x')).status).toBe(503);
	});
});

describe('templates (templates/)', () => {
	it('create, get (by ids), list, update and delete', async () => {
		const created = await ci('POST', 'template', TEMPLATE);
		expectShape('templates/create.xml', created.text);
		const id = xml(created).Template.TemplateId as string;
		// get.xml and list.xml order the same answer's entries differently: get is compared without order.
		expectShape(
			'templates/get.xml',
			(await ci('GET', 'template', undefined, { tag: 'ImageOCR', ids: id })).text,
			{ ordered: false },
		);
		await ci(
			'POST',
			'template',
			TEMPLATE.replace('<Type>general</Type>', '<Type>handwriting</Type>'),
		);
		expectShape(
			'templates/list.xml',
			(await ci('GET', 'template', undefined, { tag: 'ImageOCR', pageNumber: '1', pageSize: '10' }))
				.text,
		);
		expectShape('templates/update.xml', (await ci('PUT', `template/${id}`, TEMPLATE)).text);
		expectShape('templates/delete.xml', (await ci('DELETE', `template/${id}`)).text);
	});
});

describe('OCR jobs (jobs/)', () => {
	beforeEach(() => emulator.objects.set('pic/ocr1.png', textPng(['锄禾日当午', '汗滴禾下土'])));

	it('submit by template and inline; describe while running; several ids; the list', async () => {
		const id = await template();
		const byTemplate = await submit(ocrJob(`<TemplateId>${id}</TemplateId>${USER_DATA}`));
		expectShape('jobs/ocr-submit-template.xml', byTemplate.reply.text);
		clock.advance(500);
		expectShape('jobs/ocr-describe-running.xml', (await describeJob(byTemplate.id)).text);
		expectShape(
			'jobs/ocr-describe-multi.xml',
			(await describeJob(`${byTemplate.id},a00000000000000000000000000000000`)).text,
		);
		const inline = await submit(
			ocrJob(
				`<ImageOCR><Type>general</Type><LanguageType>zh</LanguageType><IsPdf>true</IsPdf><PdfPageNumber>2</PdfPageNumber><IsWord>true</IsWord></ImageOCR>${USER_DATA}`,
			),
		);
		expectShape('jobs/ocr-submit-inline.xml', inline.reply.text);
		await submit(ocrJob(`<TemplateId>${id}</TemplateId>${USER_DATA}`));
		expectShape(
			'jobs/ocr-list.xml',
			(await ci('GET', 'jobs', undefined, { tag: 'ImageOCR', orderByTime: 'Desc', size: '2' }))
				.text,
		);
	});

	it('success: placeholders on every line, an empty Language; failed: Code and Message', async () => {
		const id = await template(true);
		const done = await submit(ocrJob(`<TemplateId>${id}</TemplateId>`));
		const failed = await submit(
			ocrJob(`<TemplateId>${id}</TemplateId>${USER_DATA}`, '', 'pic/missing.png'),
		);
		await finishJobs();
		expectShape('jobs/ocr-success.xml', (await describeJob(done.id)).text);
		expectShape('jobs/ocr-failed.xml', (await describeJob(failed.id)).text);
	});
});

describe('card jobs (jobs/)', () => {
	it('submit, running, success (ID card and driving licence) and failed', async () => {
		emulator.objects.set('input/test.jpg', textPng(ID_CARD_FRONT));
		emulator.objects.set(
			'input/driver.jpg',
			textPng([
				'证号 xxx',
				'姓名 xxx',
				'性别 xxx',
				'国籍 xxx',
				'住址 xxx',
				'出生日期 xxx',
				'初次领证日期 xxx',
				'准驾车型 xxx',
				'有效期限 xxx',
				'发证单位 xxx',
			]),
		);
		const card = await submit(cardJob('IDCard', 'input/test.jpg'));
		expectShape('jobs/card-submit.xml', card.reply.text);
		clock.advance(500);
		expectShape('jobs/card-running.xml', (await describeJob(card.id)).text);
		const licence = await submit(cardJob('DriverLicense', 'input/driver.jpg'));
		const failed = await submit(cardJob('IDCard', 'input/missing.jpg'));
		await finishJobs();
		expectShape('jobs/card-idcard-success.xml', (await describeJob(card.id)).text);
		expectShape('jobs/card-driverlicense-success.xml', (await describeJob(licence.id)).text);
		expectShape('jobs/card-failed.xml', (await describeJob(failed.id)).text);
	});
});

describe('callbacks (callbacks/)', () => {
	it('OCR and card jobs, in XML and in JSON', async () => {
		emulator.objects.set('pic/ocr1.png', textPng(['锄禾日当午', '汗滴禾下土']));
		emulator.objects.set('input/test.jpg', textPng(ID_CARD_FRONT));
		const id = await template(true);
		const ocrXml = await submit(
			ocrJob(`<TemplateId>${id}</TemplateId>`, `<CallBack>${hook}</CallBack>`),
		);
		const ocrJson = await submit(
			ocrJob(
				`<TemplateId>${id}</TemplateId>`,
				`<CallBack>${hook}</CallBack><CallBackFormat>JSON</CallBackFormat>`,
			),
		);
		const cardXml = await submit(
			cardJob(
				'IDCard',
				'input/test.jpg',
				`<CallBack>${hook}</CallBack><CallBackFormat>XML</CallBackFormat>`,
			),
		);
		const cardJson = await submit(
			cardJob(
				'IDCard',
				'input/test.jpg',
				`<CallBack>${hook}</CallBack><CallBackFormat>JSON</CallBackFormat>`,
			),
		);
		await finishJobs();
		await until(() => callbacks.length === 4);
		const body = (jobId: string) =>
			callbacks.find((c) => c.body.includes(jobId)) as {
				headers: IncomingHttpHeaders;
				body: string;
			};
		expectShape('callbacks/ocr-xml.xml', body(ocrXml.id).body);
		expectJsonShape('callbacks/ocr-json.json', JSON.parse(body(ocrJson.id).body));
		expectShape('callbacks/card-xml.xml', body(cardXml.id).body);
		expectJsonShape('callbacks/card-json.json', JSON.parse(body(cardJson.id).body));
		expect(body(ocrXml.id).headers['content-type']).toBe('application/xml');
		expect(body(ocrJson.id).headers['content-type']).toBe('application/json');
	});
});

describe('ID-card recognition (idcard/)', () => {
	const idCard = (key: string, query: Record<string, string>) =>
		cos('GET', key, { query: { 'ci-process': 'IDCardOCR', ...query } });
	const config = (keys: string[]) =>
		JSON.stringify(Object.fromEntries(keys.map((key) => [key, true])));

	beforeEach(() => {
		emulator.objects.set('front.png', textPng(ID_CARD_FRONT));
		emulator.objects.set(
			'back.png',
			textPng(['签发机关 赵县公安局', '有效期限 2010.07.21-2020.07.21']),
		);
		emulator.objects.set('warned.png', textPng([...ID_CARD_FRONT, 'COPY', 'REMAKE']));
		emulator.objects.set('receipt.png', textPng(['Total 12.00 EUR']));
	});

	it('front and back sides, without Config: IdInfo only, no RequestId element, x-ci-request-id', async () => {
		const front = await idCard('front.png', { CardSide: 'FRONT' });
		expectShape('idcard/front.xml', front.text);
		expect(front.headers['x-ci-request-id']).toBeTruthy();
		expectShape('idcard/back.xml', (await idCard('back.png', { CardSide: 'BACK' })).text);
	});

	it('crops, warnings, quality', async () => {
		const crops = (
			await idCard('front.png', {
				CardSide: 'FRONT',
				Config: config(['CropIdCard', 'CropPortrait']),
			})
		).text;
		expectShape('idcard/front-crops-doc-example.xml', crops);
		expectShape('idcard/front-crops-go-test.xml', crops);
		const warned = await idCard('warned.png', {
			Config: config(['CropIdCard', 'CropPortrait', 'CopyWarn', 'ReshootWarn']),
		});
		expectShape('idcard/advanced-crops-warnings.xml', warned.text);
		expectShape(
			'idcard/quality.xml',
			(await idCard('front.png', { Config: config(['Quality', 'BorderCheckWarn']) })).text,
		);
	});

	it('an image without an ID card: FailedOperation.ImageNoIdCard in the CI envelope', async () => {
		const reply = await idCard('receipt.png', {});
		expectShape('idcard/error-no-idcard.xml', reply.text);
		expect(reply.headers['x-ci-trace-id']).toBe(xml(reply, 'Error').TraceId);
	});
});

describe('cancel (cancel/)', () => {
	it('an empty 200 with x-ci-request-id, no body and no Content-Type', async () => {
		emulator.objects.set('pic/ocr1.png', textPng('x'));
		const { id } = await submit(ocrJob('<ImageOCR><Type>general</Type></ImageOCR>'));
		const reply = await send(emulator, 'ci', 'PUT', `jobs/${id}`, {
			query: { cancel: '' },
			rawSearch: 'cancel',
		});
		compared.add('cancel/success.json');
		expect(sample('cancel/success.json').body).toBe('');
		expect([
			reply.status,
			reply.text,
			reply.headers['content-length'],
			reply.headers['content-type'],
		]).toEqual([200, '', '0', undefined]);
		expect(reply.headers['x-ci-request-id']).toBeTruthy();
	});
});

/** Samples the emulator has no request for, with the reason; every other sample must be compared above. */
const NOT_EMULATED: Record<string, string> = {
	'sync-ocr/general-isword-go-fixture.xml':
		'a hand-written SDK mock that returns Words without isword; the emulator follows the doc (general.xml)',
	'errors/cos-bucket-already-exists.xml':
		'the emulator has no bucket API (its shape is that of cos-no-such-key.xml)',
	'callbacks/noisereduction-json-object.json': 'a media job, not a job type the emulator runs',
	'callbacks/picprocess-json-array.json': 'a picture-processing job started by a workflow',
	'callbacks/translation-json-array.json': 'a translation job',
	'callbacks/wordsgeneralize-json-wrapped.json': 'a word-segmentation job',
	'callbacks/workflow-go-sdk.xml': 'workflow callbacks: the emulator has no workflows',
	'callbacks/workflow-json.json': 'workflow callbacks: the emulator has no workflows',
	'callbacks/workflow-xml.xml': 'workflow callbacks: the emulator has no workflows',
};

describe('coverage of the corpus', () => {
	it('compares every answer sample, or names why the emulator has none (runs last)', () => {
		const files = (dir: string): string[] =>
			readdirSync(dir).flatMap((name) =>
				statSync(join(dir, name)).isDirectory()
					? files(join(dir, name))
					: [relative(CORPUS, join(dir, name))],
			);
		// Requests, tables of codes and parameter lists are not answers.
		const answers = files(CORPUS).filter(
			(file) =>
				/^(sync-ocr|errors|templates|jobs|callbacks|idcard|cancel)\//.test(file) &&
				/\.(xml|json)$/.test(file) &&
				!/(codes|parameters)\.json$/.test(file),
		);
		const missing = answers.filter((file) => !NOT_EMULATED[file] && !compared.has(file));
		expect(missing).toEqual([]);
		expect(answers.length).toBeGreaterThan(40);
	});
});
