/**
 * Faults, each switched on in the emulator and met by a real n8n run of the node: temporary faults
 * are retried into a correct result, lasting ones end in a clear error after the retry budget,
 * a POST that may have been handled is never repeated, and nothing in any outcome holds a secret.
 */
import type { Faults } from '../../emulator';
import { textPng } from '../helpers/images';
import { inlineBinary } from '../helpers/n8n';
import { singleNodeWorkflow } from '../helpers/workflows';
import { runScanned, useSecretEmulator } from './scanned';

const { emulator, credential } = useSecretEmulator();

const recognize = (objectKey = 'scan.png', options: Record<string, unknown> = {}) => ({
	resource: 'ocr',
	operation: 'recognizeText',
	source: 'object',
	objectKey,
	options,
});
const recognizeBinary = {
	resource: 'ocr',
	operation: 'recognizeText',
	source: 'binary',
	binaryPropertyName: 'data',
};
const binaryItem = {
	json: {},
	binary: {
		data: inlineBinary(textPng(['binary line one', 'binary line two']), 'scan.png', 'image/png'),
	},
};

async function run(parameters: Record<string, unknown>, inputItems = [{ json: {} }]) {
	return await runScanned(singleNodeWorkflow(parameters), {
		credentials: { tencentCloudInfiniteApi: credential() },
		inputItems,
	});
}

function statuses(method: string, pathPrefix = '/') {
	return emulator()
		.requests.filter((request) => request.method === method && request.path.startsWith(pathPrefix))
		.map((request) => request.status);
}

beforeEach(() => emulator().objects.set('scan.png', textPng(['first line', 'second line'])));

describe('temporary faults are retried and the result is correct', () => {
	const cases: Array<[string, Faults, string, number[]]> = [
		[
			'two 500 InternalError on GET',
			{ errorCount: 2, errorStatus: 500, errorCode: 'InternalError', match: { method: 'GET' } },
			'GET',
			[500, 500, 200],
		],
		[
			'two 503 SlowDown on GET',
			{ errorCount: 2, errorStatus: 503, errorCode: 'SlowDown', match: { method: 'GET' } },
			'GET',
			[503, 503, 200],
		],
		['a connection reset on GET', { resetCount: 1, match: { method: 'GET' } }, 'GET', [-1, 200]],
		// The emulator records a cut answer with the status it began to send.
		[
			'an answer cut off mid-body on GET',
			{ truncateCount: 1, match: { method: 'GET' } },
			'GET',
			[200, 200],
		],
	];
	it.each(cases)('%s', async (_name, faults, method, expected) => {
		emulator().setFaults(faults);
		const result = await run(recognize());
		expect(result.error).toBeUndefined();
		expect(result.json('CI')[0]).toMatchObject({
			text: 'first line\nsecond line',
			objectKey: 'scan.png',
		});
		expect(statuses(method)).toEqual(expected);
	});

	it.each([
		[
			'two 503 SlowDown on PUT (the upload)',
			{ errorCount: 2, errorStatus: 503, errorCode: 'SlowDown', match: { method: 'PUT' } },
			'PUT',
			[503, 503, 200],
		],
		[
			'a connection reset on PUT (the upload is sent again from the start)',
			{ resetCount: 1, match: { method: 'PUT' } },
			'PUT',
			[-1, 200],
		],
		[
			'two 500 on DELETE (the clean-up)',
			{ errorCount: 2, errorStatus: 500, errorCode: 'InternalError', match: { method: 'DELETE' } },
			'DELETE',
			[500, 500, 204],
		],
		[
			'a connection reset on DELETE',
			{ resetCount: 1, match: { method: 'DELETE' } },
			'DELETE',
			[-1, 204],
		],
	] as Array<[string, Faults, string, number[]]>)('%s', async (_name, faults, method, expected) => {
		emulator().setFaults(faults);
		const result = await run(recognizeBinary, [binaryItem]);
		expect(result.error).toBeUndefined();
		expect(result.json('CI')[0]).toMatchObject({ text: 'binary line one\nbinary line two' });
		expect(statuses(method)).toEqual(expected);
		// The upload arrived whole and was removed afterwards.
		expect([...emulator().objects.keys()]).toEqual(['scan.png']);
	});
});

describe('lasting faults end in a clear error after the retry budget', () => {
	it('503 SlowDown on every GET: three attempts, then the service’s code with a hint', async () => {
		emulator().setFaults({
			errorCount: 100,
			errorStatus: 503,
			errorCode: 'SlowDown',
			match: { method: 'GET' },
		});
		const result = await run(recognize());
		expect(result.error?.message).toMatch(/^COS error SlowDown/);
		expect(result.error?.description).toMatch(/limiting the request rate/);
		expect(statuses('GET')).toEqual([503, 503, 503]);
	});

	it('connection resets on every PUT: three attempts, then a network error naming the reset', async () => {
		emulator().setFaults({ resetCount: 100, match: { method: 'PUT' } });
		const result = await run(recognizeBinary, [binaryItem]);
		expect(result.error?.message).toMatch(
			/^Could not reach Tencent Cloud Infinite at https?:\/\/127\.0\.0\.1:\d+ after 3 attempts: the connection was reset$/,
		);
		expect(statuses('PUT')).toEqual([-1, -1, -1]);
		expect(statuses('GET')).toEqual([]);
	});

	it('answers cut off mid-body on every GET: an error, never a half result', async () => {
		emulator().setFaults({ truncateCount: 100, match: { method: 'GET' } });
		const result = await run(recognize());
		expect(result.error?.message).toMatch(/the answer was cut off/);
		expect(() => result.json('CI')).toThrow();
		expect(statuses('GET')).toEqual([200, 200, 200]);
	});
});

describe('a POST that may have been handled is never sent twice', () => {
	it('a reset after POST /jobs was handled: one job, and an error saying to check before repeating', async () => {
		emulator().setFaults({
			resetCount: 1,
			resetMode: 'after',
			match: { service: 'ci', method: 'POST', path: '/jobs' },
		});
		const result = await run({
			resource: 'job',
			operation: 'submitOcrJob',
			source: 'object',
			objectKey: 'scan.png',
		});
		expect(result.error?.message).toMatch(
			/^Could not reach Tencent Cloud Infinite at https?:\/\/127\.0\.0\.1:\d+: the connection was reset$/,
		);
		expect(result.error?.description).toMatch(/not sent again.*Job › Get Many/s);
		expect(emulator().stats.jobsSubmitted).toBe(1);
		expect(statuses('POST', '/jobs')).toEqual([-1]);
	});

	it('a 503 on POST /jobs is not retried either (the service may have queued it)', async () => {
		emulator().setFaults({
			errorCount: 1,
			errorStatus: 503,
			errorCode: 'SlowDown',
			match: { service: 'ci', method: 'POST', path: '/jobs' },
		});
		const result = await run({
			resource: 'job',
			operation: 'submitOcrJob',
			source: 'object',
			objectKey: 'scan.png',
		});
		expect(result.error?.message).toMatch(/^Cloud Infinite error SlowDown/);
		expect(statuses('POST', '/jobs')).toEqual([503]);
	});

	it('a reset after POST /template was handled: one template', async () => {
		emulator().setFaults({
			resetCount: 1,
			resetMode: 'after',
			match: { service: 'ci', method: 'POST', path: '/template' },
		});
		const result = await run({ resource: 'template', operation: 'create', name: 'once' });
		expect(result.error?.message).toMatch(
			/^Could not reach Tencent Cloud Infinite at https?:\/\/127\.0\.0\.1:\d+: the connection was reset$/,
		);
		expect(emulator().stats.templatesCreated).toBe(1);
		expect(statuses('POST', '/template')).toEqual([-1]);
	});
});

describe('time', () => {
	it('a slow server meets the Request Timeout option: a clear error naming it, no long wait', async () => {
		emulator().setFaults({ latencyMs: 4000, match: { method: 'GET' } });
		const result = await run(recognize('scan.png', { requestTimeout: 1 }));
		expect(result.error?.message).toMatch(
			/^Could not reach Tencent Cloud Infinite at https?:\/\/127\.0\.0\.1:\d+: no answer within 1 s \(Request Timeout option\)$/,
		);
		// A stalled request is not sent again: that would only multiply the wait. (Status 0: the client left.)
		expect(statuses('GET')).toEqual([0]);
	});

	it('expired temporary credentials: ExpiredToken with a hint to renew them, not retried', async () => {
		emulator().setFaults({ tokenExpired: true });
		const result = await run(recognize());
		expect(result.error?.message).toMatch(/^COS error ExpiredToken/);
		expect(result.error?.description).toMatch(/temporary credentials have expired.*Session Token/);
		expect(statuses('GET')).toEqual([400]);
	});

	// The clock cases come last: the offset they teach is kept for the rest of the process.
	it('a clock 10 minutes ahead of the service’s is corrected once from its Date, and the request succeeds', async () => {
		emulator().setFaults({ clockOffsetSeconds: -600 });
		const result = await run(recognize());
		expect(result.error).toBeUndefined();
		expect(result.json('CI')[0].text).toBe('first line\nsecond line');
		expect(statuses('GET')).toEqual([403, 200]);
		expect(emulator().requests[0]).toMatchObject({ status: 403 });
		// The offset is kept: the next request is signed right the first time.
		const again = await run(recognize());
		expect(again.error).toBeUndefined();
		expect(statuses('GET')).toEqual([403, 200, 200]);
	});

	it('a clock far behind (the signature has already expired for the service) is corrected the same way', async () => {
		emulator().setFaults({ clockOffsetSeconds: 1200 });
		const result = await run(recognize());
		expect(result.error).toBeUndefined();
		expect(statuses('GET')).toEqual([403, 200]);
	});
});
