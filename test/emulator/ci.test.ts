/** Templates, jobs, card recognition, job listing and callbacks on the emulator's CI port. */
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';

import { startEmulator, type Emulator } from '../../emulator';
import { errorCode, send, until, xml, type Reply, type Xml } from './client';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ engine: 'text', jobDelayMs: 100 });
});
afterEach(() => emulator.reset());
afterAll(async () => await emulator.close());

const XML = { 'content-type': 'application/xml' };
const ci = (method: string, path: string, body?: string, query?: Record<string, string>) => send(emulator, 'ci', method, path, { body, query, headers: body ? XML : {} });
const templateBody = (name: string, params = '<Type>general</Type>') => `<Request><Tag>ImageOCR</Tag><Name>${name}</Name><ImageOCR>${params}</ImageOCR></Request>`;
const ocrJob = (object: string, operation: string, extra = '') =>
	`<Request><Tag>ImageOCR</Tag><Input><Object>${object}</Object></Input><Operation>${operation}</Operation>${extra}</Request>`;
const cardJob = (object: string, cardType: string) =>
	`<Request><Tag>ImageLicenseRec</Tag><Input><Object>${object}</Object></Input><Operation><ImageLicenseRec><CardType>${cardType}</CardType></ImageLicenseRec><UserData>card</UserData></Operation></Request>`;
const detail = (reply: Reply): Xml => xml(reply).JobsDetail[0];
const CI_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0800$/;

async function finished(jobId: string): Promise<Xml> {
	await until(() => ['Success', 'Failed'].includes(emulator.jobs.byId.get(jobId)?.state ?? ''));
	return detail(await ci('GET', `jobs/${jobId}`));
}

describe('templates', () => {
	it('creates a template in the seed’s shape, with every ImageOCR parameter filled in', async () => {
		const reply = await ci('POST', 'template', templateBody('发票_OCR-1*', '<IsPdf>true</IsPdf><PdfPageNumber>2</PdfPageNumber>'));
		expect(reply.status).toBe(200);
		const response = xml(reply);
		expect(response.RequestId).toBe(reply.headers['x-ci-request-id']);
		expect(response.Template).toMatchObject({
			Tag: 'ImageOCR',
			Name: '发票_OCR-1*',
			BucketId: emulator.options.bucket,
			Category: 'Custom',
			ImageOCR: { Type: 'general', LanguageType: 'zh', IsPdf: 'true', PdfPageNumber: '2', IsWord: 'false', EnableWordPolygon: 'false' },
		});
		expect(response.Template.TemplateId).toMatch(/^t1[0-9a-f]{32}$/);
		expect(response.Template.CreateTime).toMatch(CI_TIME);
		expect(response.Template.UpdateTime).toMatch(CI_TIME);
		expect(emulator.stats.templatesCreated).toBe(1);
	});

	it('updates, lists and deletes a template; an unknown id is 400 ResourceNotFound', async () => {
		const id = xml(await ci('POST', 'template', templateBody('first'))).Template.TemplateId as string;
		const updated = xml(await ci('PUT', `template/${id}`, templateBody('renamed', '<Type>handwriting</Type>'))).Template;
		expect(updated).toMatchObject({ TemplateId: id, Name: 'renamed', ImageOCR: { Type: 'handwriting' } });
		expect(xml(await ci('GET', 'template', undefined, { tag: 'ImageOCR', ids: id })).TemplateList[0].Name).toBe('renamed');
		expect(xml(await ci('DELETE', `template/${id}`))).toMatchObject({ TemplateId: id, RequestId: expect.any(String) });
		for (const [method, body] of [['PUT', templateBody('x')], ['DELETE', undefined]] as const) {
			const reply = await ci(method, `template/${id}`, body);
			expect([reply.status, errorCode(reply)]).toEqual([400, 'ResourceNotFound']);
		}
	});

	it('pages the list (pageNumber, pageSize) and filters by name', async () => {
		for (let i = 1; i <= 12; i++) await ci('POST', 'template', templateBody(`invoice-${i}`));
		await ci('POST', 'template', templateBody('receipt'));
		const page = xml(await ci('GET', 'template', undefined, { tag: 'ImageOCR', pageNumber: '3', pageSize: '5' }));
		expect(page).toMatchObject({ TotalCount: '13', PageNumber: '3', PageSize: '5' });
		expect(page.TemplateList).toHaveLength(3);
		const defaults = xml(await ci('GET', 'template', undefined, { tag: 'ImageOCR' }));
		expect(defaults).toMatchObject({ PageNumber: '1', PageSize: '10' });
		expect(defaults.TemplateList).toHaveLength(10);
		const named = xml(await ci('GET', 'template', undefined, { tag: 'ImageOCR', name: 'invoice-1' }));
		expect(named.TemplateList.map((t: Xml) => t.Name).sort()).toEqual(['invoice-1', 'invoice-10', 'invoice-11', 'invoice-12']);
		const tooBig = await ci('GET', 'template', undefined, { tag: 'ImageOCR', pageSize: '101' });
		expect([tooBig.status, errorCode(tooBig)]).toEqual([400, 'InvalidArgument']);
	});

	it.each([
		[templateBody('x'.repeat(65)), /Request.Name/],
		[templateBody('bad name'), /Request.Name/],
		[templateBody('ok', ''), /at least one parameter/],
		[templateBody('ok', '<Type></Type>'), /at least one parameter/],
		[templateBody('ok', '<Colour>red</Colour>'), /Colour is not a parameter/],
		[templateBody('ok', '<LanguageType>xx</LanguageType>'), /LanguageType "xx"/],
		[templateBody('ok', '<IsWord>yes</IsWord>'), /IsWord must be true or false/],
		['<Request><Tag>Other</Tag><Name>n</Name></Request>', /Tag must be ImageOCR/],
	])('refuses a bad template %#', async (body, message) => {
		const reply = await ci('POST', 'template', body);
		expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidArgument']);
		expect(xml(reply, 'Error').Message).toMatch(message);
		expect(emulator.stats.templatesCreated).toBe(0);
	});
});

describe('OCR jobs', () => {
	it('goes Submitted, Running, Success and answers the recognized text in Operation.Detection', async () => {
		emulator.objects.set('in/a.txt', Buffer.from('first line\nsecond line'));
		const submitted = detail(await ci('POST', 'jobs', ocrJob('in/a.txt', '<ImageOCR><IsWord>true</IsWord></ImageOCR><UserData>mine</UserData>')));
		expect(submitted).toMatchObject({ Code: 'Success', State: 'Submitted', Tag: 'ImageOCR', StartTime: '-', EndTime: '-' });
		expect(submitted.JobId).toMatch(/^a[0-9a-f]{32}$/);
		expect(submitted.QueueId).toMatch(/^p[0-9a-f]{32}$/);
		expect(submitted.CreationTime).toMatch(CI_TIME);
		expect(submitted.Input).toEqual({ BucketId: emulator.options.bucket, Object: 'in/a.txt', Region: emulator.options.region });
		expect(submitted.Operation).toMatchObject({ UserData: 'mine', JobLevel: '0', ImageOCR: { IsWord: 'true' } });
		const states = new Set<string>();
		await until(() => {
			states.add(emulator.jobs.byId.get(submitted.JobId)?.state ?? '');
			return states.has('Success');
		});
		expect([...states]).toEqual(expect.arrayContaining(['Running', 'Success']));
		const done = await finished(submitted.JobId);
		expect(done.StartTime).toMatch(CI_TIME);
		expect(done.EndTime).toMatch(CI_TIME);
		const detection = done.Operation.Detection;
		expect(detection.TextDetections.map((d: Xml) => d.DetectedText)).toEqual(['first line', 'second line']);
		expect(detection.TextDetections[0].Words).toHaveLength(10);
		expect(detection).toMatchObject({ Angel: '0', PdfPageSize: '0', Language: 'zh' });
	});

	it('uses the template’s parameters (template wins over ImageOCR) and echoes its id and name', async () => {
		const template = xml(await ci('POST', 'template', templateBody('pdfpage2', '<IsPdf>true</IsPdf><PdfPageNumber>2</PdfPageNumber>'))).Template;
		emulator.objects.set('doc.pdf', (await import('../../emulator')).makePdf([['one'], ['two']]));
		const submitted = detail(await ci('POST', 'jobs', ocrJob('doc.pdf', `<TemplateId>${template.TemplateId}</TemplateId><ImageOCR><IsPdf>false</IsPdf></ImageOCR>`)));
		expect(submitted.Operation).toMatchObject({ TemplateId: template.TemplateId, TemplateName: 'pdfpage2' });
		// A change to the template after submission does not change the job.
		await ci('PUT', `template/${template.TemplateId}`, templateBody('pdfpage2', '<IsPdf>false</IsPdf>'));
		const done = await finished(submitted.JobId);
		expect(done.State).toBe('Success');
		expect(done.Operation.Detection).toMatchObject({ PdfPageSize: '2', TextDetections: [{ DetectedText: 'two' }] });
	});

	it('fails a job whose input is missing or unreadable, and every job under failJobs', async () => {
		emulator.objects.set('blob.bin', Buffer.from([0, 1, 2]));
		emulator.objects.set('ok.txt', Buffer.from('fine'));
		const missing = await finished(detail(await ci('POST', 'jobs', ocrJob('nope.txt', '<ImageOCR><Type>general</Type></ImageOCR>'))).JobId);
		expect(missing).toMatchObject({ State: 'Failed', Code: 'NoSuchKey' });
		const binary = await finished(detail(await ci('POST', 'jobs', ocrJob('blob.bin', '<ImageOCR><Type>general</Type></ImageOCR>'))).JobId);
		expect(binary).toMatchObject({ State: 'Failed', Code: 'InvalidImage' });
		emulator.setFaults({ failJobs: true });
		const failed = await finished(detail(await ci('POST', 'jobs', ocrJob('ok.txt', '<ImageOCR><Type>general</Type></ImageOCR>'))).JobId);
		expect(failed).toMatchObject({ State: 'Failed', Code: 'InternalError' });
		expect(failed.Operation.Detection).toBeUndefined();
	});

	it.each([
		[ocrJob('a', '<TemplateId>t1nosuchtemplate</TemplateId>'), 'ResourceNotFound', /t1nosuchtemplate does not exist/],
		[ocrJob('a', '<UserData>é</UserData><ImageOCR><Type>general</Type></ImageOCR>'), 'InvalidArgument', /UserData must be printable ASCII/],
		[ocrJob('a', `<UserData>${'x'.repeat(1025)}</UserData><ImageOCR><Type>general</Type></ImageOCR>`), 'InvalidArgument', /UserData/],
		[ocrJob('a', '<UserData>x</UserData>'), 'InvalidArgument', /TemplateId or ImageOCR/],
		[ocrJob('a', '<ImageOCR><Type>magic</Type></ImageOCR>'), 'InvalidArgument', /Type "magic"/],
		[ocrJob('a', '<ImageOCR><Type>general</Type></ImageOCR>', '<CallBackFormat>YAML</CallBackFormat>'), 'InvalidArgument', /CallBackFormat must be JSON or XML/],
		[ocrJob('a', '<ImageOCR><Type>general</Type></ImageOCR>', '<CallBack>not a url</CallBack>'), 'InvalidArgument', /CallBack must be an http/],
		[ocrJob('a', '<ImageOCR><Type>general</Type></ImageOCR>', '<CallBackType>TDMQ</CallBackType>'), 'InvalidArgument', /CallBackMqConfig.MqRegion is required/],
		[cardJob('a', 'Passport'), 'InvalidArgument', /CardType must be IDCard or DriverLicense/],
	])('refuses a bad job %#', async (body, code, message) => {
		const reply = await ci('POST', 'jobs', body);
		expect([reply.status, errorCode(reply)]).toEqual([400, code]);
		expect(xml(reply, 'Error').Message).toMatch(message);
		expect(emulator.stats.jobsSubmitted).toBe(0);
	});
});

describe('card recognition jobs', () => {
	it('turns "Label: value" lines of an ID card into IdInfo fields with scores and locations', async () => {
		emulator.objects.set('card.txt', Buffer.from('Name: Zhang San\nGender: Male\n民族 汉\nBirth: 1990-01-01\nAddress: 1 Example Road\nIdNum: 110101199001011234\nsome other text'));
		const submitted = detail(await ci('POST', 'jobs', cardJob('card.txt', 'IDCard')));
		expect(submitted.JobId).toMatch(/^c[0-9a-f]{32}$/);
		expect(submitted.Operation).toMatchObject({ ImageLicenseRec: { CardType: 'IDCard' }, UserData: 'card', JobLevel: '0' });
		const done = await finished(submitted.JobId);
		const result = done.Operation.ImageLicenseRecResult;
		expect(result).toMatchObject({ Code: 'Success', State: 'Success', Status: '1', InputObjectName: 'card.txt', InputObjectUrl: `${emulator.cosUrl}/card.txt` });
		const fields = Object.fromEntries(result.IdInfo.map((info: Xml) => [info.Name, info.DetectedText]));
		expect(fields).toEqual({ Name: 'Zhang San', Gender: 'Male', Nationality: '汉', Birth: '1990-01-01', Address: '1 Example Road', IdNum: '110101199001011234' });
		// First line: x 10, y 10, 15 characters of 12 px, 24 high; points as the seed orders them.
		expect(result.IdInfo[0]).toMatchObject({ Score: '99', Location: { Point: ['10,10', '10,34', '190,34', '190,10'] } });
	});

	it('reads driving licence fields, and answers Status 0 when nothing is found', async () => {
		emulator.objects.set('licence.txt', Buffer.from('姓名 李四\nClass: C1\nDate of First Issue: 2010-05-01'));
		emulator.objects.set('blank.txt', Buffer.from('nothing to see'));
		const licence = await finished(detail(await ci('POST', 'jobs', cardJob('licence.txt', 'DriverLicense'))).JobId);
		const fields = Object.fromEntries(licence.Operation.ImageLicenseRecResult.IdInfo.map((info: Xml) => [info.Name, info.DetectedText]));
		expect(fields).toEqual({ Name: '李四', Class: 'C1', DateOfFirstIssue: '2010-05-01' });
		const blank = await finished(detail(await ci('POST', 'jobs', cardJob('blank.txt', 'IDCard'))).JobId);
		expect(blank.Operation.ImageLicenseRecResult).toMatchObject({ State: 'Success', Status: '0' });
		expect(blank.Operation.ImageLicenseRecResult.IdInfo).toBeUndefined();
	});

	it('answers a failed card job with a failed ImageLicenseRecResult', async () => {
		const done = await finished(detail(await ci('POST', 'jobs', cardJob('absent.png', 'IDCard'))).JobId);
		expect(done).toMatchObject({ State: 'Failed', Code: 'NoSuchKey' });
		expect(done.Operation.ImageLicenseRecResult).toMatchObject({ State: 'Failed', Code: 'NoSuchKey', Status: '0', InputObjectName: 'absent.png' });
	});
});

describe('describing and listing jobs', () => {
	const submitText = async (key: string, tag = 'ImageOCR') => {
		emulator.objects.set(key, Buffer.from(key));
		return detail(await ci('POST', 'jobs', tag === 'ImageOCR' ? ocrJob(key, '<ImageOCR><Type>general</Type></ImageOCR>') : cardJob(key, 'IDCard'))).JobId as string;
	};

	it('describes several jobs at once and names the unknown ones', async () => {
		const [a, b] = [await submitText('a.txt'), await submitText('b.txt')];
		const response = xml(await ci('GET', `jobs/${a},nosuchjob,${b}`));
		expect(response.JobsDetail.map((d: Xml) => d.JobId)).toEqual([a, b]);
		expect(response.NonExistJobIds).toEqual(['nosuchjob']);
	});

	it('pages with size and NextToken, newest first by default', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push(await submitText(`job${i}.txt`));
		await submitText('card.txt', 'ImageLicenseRec');
		const seen: string[] = [];
		let nextToken = '';
		let pages = 0;
		do {
			const response = xml(await ci('GET', 'jobs', undefined, { tag: 'ImageOCR', size: '2', ...(nextToken ? { nextToken } : {}) }));
			seen.push(...response.JobsDetail.map((d: Xml) => d.JobId));
			nextToken = response.NextToken;
			pages++;
		} while (nextToken);
		expect(pages).toBe(3);
		expect(seen).toEqual([...ids].reverse());
		const ascending = xml(await ci('GET', 'jobs', undefined, { tag: 'ImageOCR', orderByTime: 'Asc', size: '50' }));
		expect(ascending.JobsDetail.map((d: Xml) => d.JobId)).toEqual(ids);
		expect(ascending.NextToken).toBe('');
	});

	it('filters by states and creation time, and validates its parameters', async () => {
		const id = await submitText('s.txt');
		await finished(id);
		await submitText('pending.txt');
		const success = xml(await ci('GET', 'jobs', undefined, { tag: 'ImageOCR', states: 'Success,Failed' }));
		expect(success.JobsDetail.map((d: Xml) => d.JobId)).toEqual([id]);
		const future = xml(await ci('GET', 'jobs', undefined, { tag: 'ImageOCR', startCreationTime: '2099-01-01T00:00:00+0800' }));
		expect(future.JobsDetail).toBeUndefined();
		const bad: Array<Record<string, string>> = [{}, { tag: 'ImageOCR', size: '51' }, { tag: 'ImageOCR', states: 'Done' }, { tag: 'ImageOCR', orderByTime: 'Up' }];
		for (const query of bad) {
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
		emulator.objects.set('cb.txt', Buffer.from('callback text'));
	});
	afterAll(async () => await new Promise((resolve) => receiver.close(resolve)));

	const submitWith = async (extra: string) => detail(await ci('POST', 'jobs', ocrJob('cb.txt', '<ImageOCR><Type>general</Type></ImageOCR>', extra))).JobId as string;

	it('posts XML by default: <Response><EventName>TaskFinish</EventName><JobsDetail>', async () => {
		const jobId = await submitWith(`<CallBack>${hook}</CallBack>`);
		await until(() => received.length === 1);
		expect(received[0].headers['content-type']).toBe('application/xml');
		const event = xml(received[0].body);
		expect(event.EventName).toBe('TaskFinish');
		expect(event.JobsDetail[0]).toMatchObject({ JobId: jobId, State: 'Success', Operation: { Detection: { TextDetections: [{ DetectedText: 'callback text' }] } } });
		// The sender counts the delivery once the receiver's answer is read, just after the receiver saw the body.
		await until(() => emulator.stats.callbacksSent === 1);
		expect(emulator.stats.callbacksFailed).toBe(0);
	});

	it('posts JSON when CallBackFormat is JSON', async () => {
		const jobId = await submitWith(`<CallBack>${hook}</CallBack><CallBackFormat>JSON</CallBackFormat>`);
		await until(() => received.length === 1);
		expect(received[0].headers['content-type']).toBe('application/json');
		expect(JSON.parse(received[0].body)).toMatchObject({ EventName: 'TaskFinish', JobsDetail: { JobId: jobId, State: 'Success' } });
		await until(() => emulator.stats.callbacksSent === 1);
	});

	it('tries three times when the receiver answers 5xx, then counts a failure', async () => {
		status = 503;
		await submitWith(`<CallBack>${hook}</CallBack>`);
		await until(() => emulator.stats.callbacksFailed === 1);
		expect(received).toHaveLength(3);
		expect(emulator.stats.callbacksSent).toBe(0);
	});

	it('never calls a non-loopback URL, nor "no"; records TDMQ callbacks instead of sending them', async () => {
		const remote = await submitWith('<CallBack>http://callback.demo.com/hook</CallBack>');
		const none = await submitWith('<CallBack>no</CallBack>');
		const mq = await submitWith(
			'<CallBackType>TDMQ</CallBackType><CallBackFormat>JSON</CallBackFormat><CallBackMqConfig><MqRegion>Guangzhou</MqRegion><MqMode>Queue</MqMode><MqName>jobs</MqName></CallBackMqConfig>',
		);
		for (const id of [remote, none, mq]) await finished(id);
		await until(() => emulator.mqMessages.length === 1 && emulator.stats.callbacksFailed === 1);
		expect(received).toHaveLength(0);
		expect(emulator.mqMessages[0]).toMatchObject({ jobId: mq, format: 'JSON', config: { MqRegion: 'Guangzhou', MqMode: 'Queue', MqName: 'jobs' } });
		expect(JSON.parse(emulator.mqMessages[0].body)).toMatchObject({ EventName: 'TaskFinish', JobsDetail: { JobId: mq } });
	});
});

describe('faults on job submission', () => {
	it('creates the job when the connection is reset after handling (resetMode after), and not before', async () => {
		emulator.objects.set('r.txt', Buffer.from('r'));
		const body = ocrJob('r.txt', '<ImageOCR><Type>general</Type></ImageOCR>');
		emulator.setFaults({ resetCount: 1, match: { service: 'ci', method: 'POST', path: '/jobs' } });
		await expect(ci('POST', 'jobs', body)).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(emulator.stats.jobsSubmitted).toBe(0);
		emulator.setFaults({ resetCount: 1, resetMode: 'after', match: { service: 'ci', method: 'POST', path: '/jobs' } });
		await expect(ci('POST', 'jobs', body)).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(emulator.stats.jobsSubmitted).toBe(1);
		expect((await ci('GET', 'jobs', undefined, { tag: 'ImageOCR' })).status).toBe(200);
	});

	it('injects errors only where match says, and cuts an empty answer by dropping the connection', async () => {
		emulator.setFaults({ errorCount: 2, errorStatus: 500, errorCode: 'InternalError', match: { service: 'ci', path: '/template' } });
		expect((await send(emulator, 'cos', 'GET', 'template')).status).toBe(404);
		expect(errorCode(await ci('GET', 'template', undefined, { tag: 'ImageOCR' }))).toBe('InternalError');
		expect(errorCode(await ci('GET', 'template', undefined, { tag: 'ImageOCR' }))).toBe('InternalError');
		expect((await ci('GET', 'template', undefined, { tag: 'ImageOCR' })).status).toBe(200);
		emulator.setFaults({ truncateCount: 1, match: { method: 'PUT' } });
		await expect(send(emulator, 'cos', 'PUT', 'p.txt', { body: 'x' })).rejects.toThrow(/socket hang up|ECONNRESET|aborted/);
	});
});
