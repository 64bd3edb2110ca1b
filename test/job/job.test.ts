/** Job › Submit OCR Job, Submit Card Recognition Job, Get, Get Many, waiting and callbacks, against the emulator. */
import { createServer, type IncomingMessage, type Server } from 'http';
import type { AddressInfo } from 'net';

import { useEmulator } from '../helpers/emulator-setup';
import { runWorkflow } from '../helpers/n8n';
import { jsonItems, singleNodeWorkflow } from '../helpers/workflows';

const { emulator, credential } = useEmulator({ jobDelayMs: 200 });

async function run(parameters: Record<string, unknown>, inputItems = jsonItems(1, () => ({})), node: Record<string, unknown> = {}) {
	return await runWorkflow(singleNodeWorkflow({ resource: 'job', ...parameters }, node), {
		credentials: { tencentCloudInfiniteApi: credential() },
		inputItems,
	});
}

const fast = { pollInterval: 1, timeout: 30 };
const put = (key: string, content: string) => emulator().objects.set(key, Buffer.from(content));

describe('Submit OCR Job', () => {
	it('submits, waits, and outputs the finished job in the shape Recognize Text gives', async () => {
		put('scan.txt', 'Line one\nLine two');
		const job = await run({ operation: 'submitOcrJob', source: 'object', objectKey: 'scan.txt', waitForCompletion: true, options: { ...fast, userData: 'order-42', jobLevel: 1 } });
		expect(job.error).toBeUndefined();
		const [item] = job.json('CI');
		expect(item).toMatchObject({ jobId: expect.any(String), state: 'Success', tag: 'ImageOCR', userData: 'order-42', jobLevel: 1, objectKey: 'scan.txt' });

		const sync = await runWorkflow(singleNodeWorkflow({ resource: 'ocr', operation: 'recognizeText', source: 'object', objectKey: 'scan.txt' }), {
			credentials: { tencentCloudInfiniteApi: credential() },
		});
		const recognized = sync.json('CI')[0];
		expect(item.text).toBe(recognized.text);
		expect(item.lines).toEqual(recognized.lines);
		expect(item.pageCount).toBe(recognized.pageCount);
	});

	it('returns the submitted job at once without waiting', async () => {
		put('scan.txt', 'x');
		const [item] = (await run({ operation: 'submitOcrJob', source: 'object', objectKey: 'scan.txt' })).json('CI');
		expect(item.state).toBe('Submitted');
		expect(emulator().stats.jobsSubmitted).toBe(1);
	});

	it('uses a template when one is chosen', async () => {
		put('scan.txt', 'templated');
		const created = await runWorkflow(singleNodeWorkflow({ resource: 'template', operation: 'create', name: 'jobs' }), { credentials: { tencentCloudInfiniteApi: credential() } });
		const templateId = String(created.json('CI')[0].TemplateId);
		const [item] = (
			await run({ operation: 'submitOcrJob', objectKey: 'scan.txt', settingsFrom: 'template', templateId: { __rl: true, mode: 'id', value: templateId }, waitForCompletion: true, options: fast })
		).json('CI');
		expect(item).toMatchObject({ templateId, templateName: 'jobs', text: 'templated' });
	});

	it('makes a failed job an error carrying the service’s code, or an error item under continueOnFail', async () => {
		const failed = await run({ operation: 'submitOcrJob', objectKey: 'missing.txt', waitForCompletion: true, options: fast });
		expect(failed.error?.message).toMatch(/^Job \S+ failed: \S+/);
		const continued = await run({ operation: 'submitOcrJob', objectKey: 'missing.txt', waitForCompletion: true, options: fast }, undefined, { onError: 'continueRegularOutput' });
		expect(continued.json('CI')[0].error).toMatch(/failed/);
	});
});

describe('Submit Card Recognition Job', () => {
	it('gives the card fields as a plain object with scores and locations', async () => {
		put('card.txt', 'Name: Zhang San\nGender: Male\nAddress: 1 Example Road');
		const result = await run({ operation: 'submitCardJob', objectKey: 'card.txt', cardType: 'IDCard', waitForCompletion: true, options: fast });
		expect(result.error).toBeUndefined();
		const [item] = result.json('CI');
		expect(item).toMatchObject({ state: 'Success', tag: 'ImageLicenseRec', cardType: 'IDCard' });
		expect(item.fields).toMatchObject({ Name: 'Zhang San', Gender: 'Male', Address: '1 Example Road' });
		const details = item.fieldDetails as Array<{ name: string; score: number; location: Array<{ x: number; y: number }> }>;
		expect(details[0].score).toEqual(expect.any(Number));
		expect(details[0].location).toHaveLength(4);
		expect(details[0].location[0]).toEqual({ x: expect.any(Number), y: expect.any(Number) });
	});
});

describe('Job › Get and Get Many', () => {
	async function submit(count: number) {
		put('g.txt', 'g');
		const result = await run({ operation: 'submitOcrJob', objectKey: 'g.txt' }, jsonItems(count, () => ({})));
		return result.json('CI').map((item) => String(item.jobId));
	}

	it('gets several jobs by ID, and reports unknown IDs', async () => {
		const ids = await submit(2);
		const both = await run({ operation: 'get', jobIds: ids.join(', ') });
		expect(both.json('CI').map((item) => item.jobId)).toEqual(ids);
		const unknown = await run({ operation: 'get', jobIds: `${ids[0]},a00000000000000000000000000000000` });
		expect(unknown.error?.message).toMatch(/No job with ID "a0+" exists/);
	});

	it('lists jobs over more than one page with Return All, or up to a limit', async () => {
		await submit(55);
		const all = await run({ operation: 'getAll', tag: 'ImageOCR', returnAll: true });
		expect(all.json('CI')).toHaveLength(55);
		expect(emulator().requests.filter((request) => request.path === '/jobs' && request.method === 'GET').length).toBeGreaterThan(1);
		const some = await run({ operation: 'getAll', tag: 'ImageOCR', returnAll: false, limit: 3, filters: { states: ['Submitted', 'Running', 'Success'], orderByTime: 'Asc' } });
		expect(some.json('CI')).toHaveLength(3);
	});
});

describe('callbacks', () => {
	let server: Server;
	let url: string;
	const received: Array<{ contentType: string; body: string }> = [];
	beforeAll(async () => {
		server = createServer((request: IncomingMessage, response) => {
			let body = '';
			request.on('data', (chunk) => (body += chunk));
			request.on('end', () => {
				received.push({ contentType: String(request.headers['content-type']), body });
				response.end('ok');
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	it.each([
		['JSON', /application\/json/, /"EventName":"TaskFinish"/],
		['XML', /application\/xml/, /<EventName>TaskFinish<\/EventName>/],
	])('delivers the finished job as %s to the callback URL', async (format, contentType, body) => {
		received.length = 0;
		put('cb.txt', 'callback text');
		const result = await run({ operation: 'submitOcrJob', objectKey: 'cb.txt', waitForCompletion: true, callback: { type: 'Url', url, format }, options: fast });
		expect(result.error).toBeUndefined();
		for (let wait = 0; wait < 50 && received.length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 50));
		expect(received).toHaveLength(1);
		expect(received[0].contentType).toMatch(contentType);
		expect(received[0].body).toMatch(body);
		expect(received[0].body).toContain(String(result.json('CI')[0].jobId));
	});
});

describe('bad input is refused before any request', () => {
	it.each([
		['non-printable user data', { options: { userData: 'tab\there' } }, /"User Data" contains "\\t", which is not printable ASCII/],
		['user data over 1024', { options: { userData: 'x'.repeat(1025) } }, /"User Data" is 1025 characters long; at most 1024/],
		['a job level of 3', { options: { jobLevel: 3 } }, /"Job Level" must be 0, 1 or 2, not 3/],
		['a callback URL that is not http', { callback: { type: 'Url', url: 'ftp://example.com/x' } }, /"Callback URL" must use http or https/],
		['an empty callback URL', { callback: { type: 'Url', url: '' } }, /"Callback URL" is empty/],
		['a TDMQ callback without a name', { callback: { type: 'TDMQ', mqRegion: 'gz' } }, /"TDMQ Name" is required/],
		['an empty object key (from an expression)', { objectKey: '={{ "" }}' }, /"Object Key" is empty/],
		['a zero poll interval', { waitForCompletion: true, options: { pollInterval: 0 } }, /"Poll Interval \(Seconds\)" must be a whole number from 1/],
	])('%s', async (_name, parameters, message) => {
		const result = await run({ operation: 'submitOcrJob', objectKey: 'x.txt', ...parameters });
		expect(result.error?.message).toMatch(message);
		expect(emulator().requests).toHaveLength(0);
	});

	it('refuses job IDs that are not IDs', async () => {
		const result = await run({ operation: 'get', jobIds: '../template' });
		expect(result.error?.message).toMatch(/"Job IDs" has "..\/template", which is not a job ID/);
		expect(emulator().requests).toHaveLength(0);
	});
});
