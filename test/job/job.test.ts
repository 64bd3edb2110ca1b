/** Job › Submit OCR Job, Submit Card Recognition Job, Get, Get Many, waiting and callbacks, against the emulator. */
import { createServer, type IncomingMessage, type Server } from 'http';
import type { AddressInfo } from 'net';

import { useEmulator } from '../helpers/emulator-setup';
import { textPng } from '../helpers/images';
import { inlineBinary, runWorkflow } from '../helpers/n8n';
import { jsonItems, singleNodeWorkflow } from '../helpers/workflows';

const { emulator, credential } = useEmulator({ jobDelayMs: 200 });

async function run(
	parameters: Record<string, unknown>,
	inputItems = jsonItems(1, () => ({})),
	node: Record<string, unknown> = {},
) {
	return await runWorkflow(singleNodeWorkflow({ resource: 'job', ...parameters }, node), {
		credentials: { tencentCloudInfiniteApi: credential() },
		inputItems,
	});
}

const fast = { pollInterval: 1, timeout: 30 };
const put = (key: string, lines: string | string[]) => emulator().objects.set(key, textPng(lines));

describe('Submit OCR Job', () => {
	it('submits, waits, and outputs the finished job in the shape Recognize Text gives', async () => {
		put('scan.png', ['Line one', 'Line two']);
		const job = await run({
			operation: 'submitOcrJob',
			source: 'object',
			objectKey: 'scan.png',
			waitForCompletion: true,
			options: { ...fast, userData: 'order-42', jobLevel: 1 },
		});
		expect(job.error).toBeUndefined();
		const [item] = job.json('CI');
		expect(item).toMatchObject({
			jobId: expect.any(String),
			state: 'Success',
			tag: 'ImageOCR',
			userData: 'order-42',
			jobLevel: 1,
			objectKey: 'scan.png',
		});

		const sync = await runWorkflow(
			singleNodeWorkflow({
				resource: 'ocr',
				operation: 'recognizeText',
				source: 'object',
				objectKey: 'scan.png',
			}),
			{
				credentials: { tencentCloudInfiniteApi: credential() },
			},
		);
		const recognized = sync.json('CI')[0];
		expect(item.text).toBe(recognized.text);
		expect(item.lines).toEqual(recognized.lines);
		expect(item.pageCount).toBe(recognized.pageCount);
	});

	it('returns the submitted job at once without waiting', async () => {
		put('scan.png', 'x');
		const [item] = (
			await run({ operation: 'submitOcrJob', source: 'object', objectKey: 'scan.png' })
		).json('CI');
		expect(item.state).toBe('Submitted');
		expect(emulator().stats.jobsSubmitted).toBe(1);
	});

	it('uses a template when one is chosen', async () => {
		put('scan.png', 'templated');
		const created = await runWorkflow(
			singleNodeWorkflow({ resource: 'template', operation: 'create', name: 'jobs' }),
			{ credentials: { tencentCloudInfiniteApi: credential() } },
		);
		const templateId = String(created.json('CI')[0].templateId);
		const [item] = (
			await run({
				operation: 'submitOcrJob',
				objectKey: 'scan.png',
				settingsFrom: 'template',
				templateId: { __rl: true, mode: 'id', value: templateId },
				waitForCompletion: true,
				options: fast,
			})
		).json('CI');
		expect(item).toMatchObject({ templateId, templateName: 'jobs', text: 'templated' });
	});

	it('makes a failed job an error carrying the service’s code, or an error item under continueOnFail', async () => {
		const failed = await run({
			operation: 'submitOcrJob',
			objectKey: 'missing.png',
			waitForCompletion: true,
			options: fast,
		});
		expect(failed.error?.message).toMatch(/^Job \S+ failed: \S+/);
		const continued = await run(
			{
				operation: 'submitOcrJob',
				objectKey: 'missing.png',
				waitForCompletion: true,
				options: fast,
			},
			undefined,
			{ onError: 'continueRegularOutput' },
		);
		expect(continued.json('CI')[0].error).toMatch(/failed/);
	});
});

describe('Submit from a binary file', () => {
	const image = (lines: string[]) => [
		{ json: {}, binary: { data: inlineBinary(textPng(lines), 'scan.png', 'image/png') } },
	];

	it('uploads the file, waits, and deletes the upload once the job has finished', async () => {
		const result = await run(
			{
				operation: 'submitOcrJob',
				source: 'binary',
				binaryPropertyName: 'data',
				waitForCompletion: true,
				options: fast,
			},
			image(['from a file']),
		);
		expect(result.error).toBeUndefined();
		const [item] = result.json('CI');
		expect(item).toMatchObject({
			state: 'Success',
			text: 'from a file',
			fileName: 'scan.png',
			uploadKept: false,
		});
		expect(String(item.objectKey)).toMatch(/^n8n-ocr-uploads\/[0-9a-f-]{36}\/scan\.png$/);
		expect(emulator().objects.size).toBe(0);
	});

	it('keeps the upload when told to, or when not waiting (the job reads it later)', async () => {
		const kept = await run(
			{
				operation: 'submitOcrJob',
				source: 'binary',
				binaryPropertyName: 'data',
				waitForCompletion: true,
				deleteUpload: false,
				options: fast,
			},
			image(['kept']),
		);
		expect(kept.json('CI')[0]).toMatchObject({ state: 'Success', uploadKept: true });
		const submitted = await run(
			{ operation: 'submitOcrJob', source: 'binary', binaryPropertyName: 'data' },
			image(['later']),
		);
		expect(submitted.json('CI')[0]).toMatchObject({ state: 'Submitted', uploadKept: true });
		expect(emulator().objects.size).toBe(2);
	});

	it('deletes the upload of a job that failed, and the item says which job and file', async () => {
		emulator().setFaults({ failJobs: true });
		const result = await run(
			{
				operation: 'submitOcrJob',
				source: 'binary',
				binaryPropertyName: 'data',
				waitForCompletion: true,
				options: fast,
			},
			image(['fails']),
			{ onError: 'continueRegularOutput' },
		);
		const [item] = result.json('CI');
		expect(item.error).toMatch(/^Job \S+ failed: InternalError/);
		expect(item.details).toMatchObject({ jobId: expect.any(String) });
		expect(emulator().objects.size).toBe(0);
	});

	it('refuses a file the service cannot read before uploading it', async () => {
		const result = await run(
			{ operation: 'submitCardJob', source: 'binary', binaryPropertyName: 'data' },
			[
				{
					json: {},
					binary: { data: inlineBinary(Buffer.from('%PDF-1.4'), 'card.pdf', 'application/pdf') },
				},
			],
		);
		expect(result.error?.message).toBe(
			'"card.pdf" is application/pdf; the service reads only PNG, JPG, JPEG or BMP',
		);
		expect(emulator().requests).toHaveLength(0);
	});
});

describe('several items at once', () => {
	it('submits and waits for several jobs concurrently, keeping order and pairing', async () => {
		for (let index = 0; index < 6; index++) put(`c/${index}.png`, `job ${index}`);
		const items = jsonItems(6, (index) => ({ key: `c/${index}.png` }));
		const result = await run(
			{
				operation: 'submitOcrJob',
				objectKey: '={{ $json.key }}',
				waitForCompletion: true,
				options: { ...fast, itemsAtOnce: 6 },
			},
			items,
		);
		expect(result.error).toBeUndefined();
		expect(result.json('CI').map((item) => item.text)).toEqual(
			items.map((_, index) => `job ${index}`),
		);
		expect(result.items('CI').map((item) => item.pairedItem)).toEqual(
			items.map((_, index) => ({ item: index })),
		);
		const submits = emulator().requests.filter(
			(request) => request.method === 'POST' && request.path === '/jobs',
		);
		expect(submits).toHaveLength(6);
		// All six were submitted before the first finished (200 ms): they ran at once, not in turn.
		const jobs = [...emulator().jobs.byId.values()].map((job) => job.createdAt);
		expect(Math.max(...jobs) - Math.min(...jobs)).toBeLessThan(200);
	});
});

describe('Output', () => {
	it('gives a finished OCR job as text, page and confidence with Text Only', async () => {
		put('t.png', ['compact', 'text']);
		const [item] = (
			await run({
				operation: 'submitOcrJob',
				objectKey: 't.png',
				waitForCompletion: true,
				output: 'text',
				options: fast,
			})
		).json('CI');
		expect(item).toEqual({
			jobId: expect.any(String),
			state: 'Success',
			text: 'compact\ntext',
			page: null,
			confidence: expect.any(Number),
		});
	});

	it('gives the service’s whole JobsDetail with Raw', async () => {
		put('r.png', 'raw');
		const [item] = (
			await run({
				operation: 'submitOcrJob',
				objectKey: 'r.png',
				waitForCompletion: true,
				output: 'raw',
				options: fast,
			})
		).json('CI');
		expect(item).toMatchObject({
			JobId: expect.any(String),
			State: 'Success',
			Tag: 'ImageOCR',
			Operation: { Detection: { TextDetections: [{ DetectedText: 'raw' }] } },
		});
	});
});

describe('Submit Card Recognition Job', () => {
	it('gives the card fields as a plain object with scores and locations', async () => {
		put('card.png', ['Name: Zhang San', 'Gender: Male', 'Address: 1 Example Road']);
		const result = await run({
			operation: 'submitCardJob',
			objectKey: 'card.png',
			cardType: 'IDCard',
			waitForCompletion: true,
			options: fast,
		});
		expect(result.error).toBeUndefined();
		const [item] = result.json('CI');
		expect(item).toMatchObject({ state: 'Success', tag: 'ImageLicenseRec', cardType: 'IDCard' });
		expect(item.fields).toEqual({ name: 'Zhang San', sex: 'Male', address: '1 Example Road' });
		const details = item.fieldDetails as Array<{
			field: string;
			label: string;
			score: number;
			location: Array<{ x: number; y: number }>;
		}>;
		expect(details.map((detail) => [detail.field, detail.label])).toEqual([
			['name', '姓名'],
			['sex', '性别'],
			['address', '住址'],
		]);
		expect(item.result).toEqual({ state: 'Success', code: 'Success', message: null });
		expect(details[0].score).toEqual(expect.any(Number));
		expect(details[0].location).toHaveLength(4);
		expect(details[0].location[0]).toEqual({ x: expect.any(Number), y: expect.any(Number) });
	});
});

describe('Job › Get and Get Many', () => {
	async function submit(count: number) {
		put('g.png', 'g');
		const result = await run(
			{ operation: 'submitOcrJob', objectKey: 'g.png' },
			jsonItems(count, () => ({})),
		);
		return result.json('CI').map((item) => String(item.jobId));
	}

	it('gets several jobs by ID, and reports unknown IDs', async () => {
		const ids = await submit(2);
		const both = await run({ operation: 'get', jobIds: ids.join(', ') });
		expect(both.json('CI').map((item) => item.jobId)).toEqual(ids);
		const unknown = await run({
			operation: 'get',
			jobIds: `${ids[0]},a00000000000000000000000000000000`,
		});
		expect(unknown.error?.message).toMatch(/No job with ID "a0+" exists/);
	});

	it('lists jobs over more than one page with Return All, or up to a limit', async () => {
		await submit(105);
		const all = await run({ operation: 'getAll', tag: 'ImageOCR', returnAll: true });
		expect(all.json('CI')).toHaveLength(105);
		expect(
			emulator().requests.filter((request) => request.path === '/jobs' && request.method === 'GET')
				.length,
		).toBeGreaterThan(1);
		const some = await run({
			operation: 'getAll',
			tag: 'ImageOCR',
			returnAll: false,
			limit: 3,
			filters: { states: ['Submitted', 'Running', 'Success'], orderByTime: 'Asc' },
		});
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
		put('cb.png', 'callback text');
		const result = await run({
			operation: 'submitOcrJob',
			objectKey: 'cb.png',
			waitForCompletion: true,
			callbackType: 'url',
			callbackUrl: url,
			callbackFormat: format,
			options: fast,
		});
		expect(result.error).toBeUndefined();
		for (let wait = 0; wait < 50 && received.length === 0; wait++)
			await new Promise((resolve) => setTimeout(resolve, 50));
		expect(received).toHaveLength(1);
		expect(received[0].contentType).toMatch(contentType);
		expect(received[0].body).toMatch(body);
		expect(received[0].body).toContain(String(result.json('CI')[0].jobId));
	});
});

describe('bad input is refused before any request', () => {
	it.each([
		[
			'non-printable user data',
			{ options: { userData: 'tab\there' } },
			/"User Data" contains "\\t", which is not printable ASCII/,
		],
		[
			'user data over 1024',
			{ options: { userData: 'x'.repeat(1025) } },
			/"User Data" is 1025 characters long; at most 1024/,
		],
		[
			'a job level of 3',
			{ options: { jobLevel: 3 } },
			/^"Job Level" is 3, which is not one of 0, 1, 2$/,
		],
		[
			'a callback URL that is not http',
			{ callbackType: 'url', callbackUrl: 'ftp://example.com/x' },
			/^"Callback URL" must use http or https/,
		],
		[
			'an empty callback URL (from an expression)',
			{ callbackType: 'url', callbackUrl: '={{ "" }}' },
			/^"Callback URL" is empty$/,
		],
		[
			'a TDMQ callback without a name (from an expression)',
			{ callbackType: 'tdmq', mqRegion: 'gz', mqName: '={{ " " }}' },
			/^"TDMQ Name" is empty$/,
		],
		[
			'a TDMQ callback without a region (from an expression)',
			{ callbackType: 'tdmq', mqName: 'q', mqRegion: '={{ "" }}' },
			/^"TDMQ Region" is empty$/,
		],
		[
			'a callback type from an expression that does not exist',
			{
				callbackType: '={{ "Url" }}',
				callbackUrl: 'https://example.com/cb',
				mqName: 'q',
				mqRegion: 'gz',
			},
			/^"Callback" is "Url", which is not one of "queue", "url", "tdmq", "none"$/,
		],
		[
			'an empty object key (from an expression)',
			{ objectKey: '={{ "" }}' },
			/"Object Key" is empty/,
		],
		[
			'a zero poll interval',
			{ waitForCompletion: true, options: { pollInterval: 0 } },
			/^"Poll Interval \(Seconds\)" must be a whole number from 1, not 0$/,
		],
	])('%s', async (_name, parameters, message) => {
		const result = await run({ operation: 'submitOcrJob', objectKey: 'x.png', ...parameters });
		expect(result.error?.message).toMatch(message);
		expect(emulator().requests).toHaveLength(0);
	});

	it('refuses job IDs that are not IDs', async () => {
		const result = await run({ operation: 'get', jobIds: '../template' });
		expect(result.error?.message).toMatch(/"Job IDs" has "..\/template", which is not a job ID/);
		expect(emulator().requests).toHaveLength(0);
	});
});
