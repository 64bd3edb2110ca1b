/**
 * The shared transport (`ciRequest`) against the emulator, through real n8n: signing by the
 * credential, retries of safe requests, no second POST, clock-skew correction, error mapping.
 */
import { CiRequestProbe } from '../fixtures/nodes/CiRequestProbe.node';
import { useEmulator } from '../helpers/emulator-setup';
import { textPng } from '../helpers/images';
import { runWorkflow, type WorkflowJson } from '../helpers/n8n';

const { emulator, credential } = useEmulator();
const extraNodeTypes = { 'test.ciRequestProbe': new CiRequestProbe() };

function probe(
	parameters: Record<string, unknown>,
	node: Record<string, unknown> = {},
): WorkflowJson {
	return {
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Probe', type: 'test.ciRequestProbe', parameters: parameters as never, ...node },
		],
		connections: { Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
	};
}

async function run(parameters: Record<string, unknown>, credentialOverrides = {}) {
	return await runWorkflow(probe(parameters), {
		credentials: { tencentCloudInfiniteApi: credential(credentialOverrides) },
		extraNodeTypes,
	});
}

const ocrOf = (key: string) => ({
	service: 'cos',
	method: 'GET',
	path: `/${key}`,
	query: JSON.stringify({ 'ci-process': 'OCR' }),
});

function requestsTo(path: string, method = 'GET') {
	return emulator().requests.filter(
		(request) => request.path === path && request.method === method,
	);
}

describe('ciRequest against the emulator', () => {
	it('signs requests the service accepts, for keys with spaces, unicode, + and brackets', async () => {
		const key = "发票 扫描/a+b (1)'!.txt";
		const put = await run({
			service: 'cos',
			method: 'PUT',
			path: `/${key}`,
			body: 'first line\nsecond line',
		});
		expect(put.error).toBeUndefined();
		expect(emulator().objects.get(key)?.toString()).toBe('first line\nsecond line');
		emulator().objects.set(key, textPng(['first line', 'second line']));

		const ocr = await run(ocrOf(key));
		expect(ocr.error).toBeUndefined();
		const body = ocr.json('Probe')[0].body as { TextDetections: Array<{ DetectedText: string }> };
		expect(body.TextDetections.map((line) => line.DetectedText)).toEqual([
			'first line',
			'second line',
		]);
	});

	it('retries a GET that meets SlowDown and 503 and then succeeds', async () => {
		emulator().objects.set('a.png', textPng('hello'));
		emulator().setFaults({
			errorStatus: 503,
			errorCode: 'SlowDown',
			errorCount: 2,
			match: { method: 'GET' },
		});
		const result = await run(ocrOf('a.png'));
		expect(result.error).toBeUndefined();
		expect(requestsTo('/a.png')).toHaveLength(3);
	});

	it('ends with a clear error after the retry budget when the fault persists', async () => {
		emulator().objects.set('a.png', textPng('hello'));
		emulator().setFaults({
			errorStatus: 500,
			errorCode: 'InternalError',
			errorCount: 10,
			match: { method: 'GET' },
		});
		const result = await run(ocrOf('a.png'));
		expect(result.error?.message).toMatch(/^COS error InternalError/);
		expect(result.error?.description).toMatch(/HTTP 500/);
		expect(requestsTo('/a.png')).toHaveLength(3);
	});

	it('retries a GET after a connection reset', async () => {
		emulator().objects.set('a.png', textPng('hello'));
		emulator().setFaults({ resetCount: 1, match: { method: 'GET' } });
		const result = await run(ocrOf('a.png'));
		expect(result.error).toBeUndefined();
	});

	it('treats an answer cut off mid-body as a failure, never as a half result', async () => {
		emulator().objects.set('a.png', textPng('hello'));
		emulator().setFaults({ truncateCount: 1, match: { method: 'GET' } });
		const retried = await run(ocrOf('a.png'));
		expect(retried.error).toBeUndefined();
		expect(requestsTo('/a.png')).toHaveLength(2);

		emulator().setFaults({ truncateCount: 3, match: { method: 'GET' } });
		const failed = await run(ocrOf('a.png'));
		expect(failed.error?.message).toMatch(
			/^Could not reach Tencent Cloud Infinite at \S+ after 3 attempts/,
		);
		expect(() => failed.json('Probe')).toThrow();
	});

	it('never sends a POST twice, even when the connection resets after the job was created', async () => {
		emulator().objects.set('in.png', textPng('hello'));
		emulator().setFaults({
			resetCount: 1,
			resetMode: 'after',
			match: { method: 'POST', path: '/jobs' },
		});
		const result = await run({
			service: 'ci',
			method: 'POST',
			path: '/jobs',
			xml: JSON.stringify({
				Request: {
					Tag: 'ImageOCR',
					Input: { Object: 'in.png' },
					Operation: { ImageOCR: { Type: 'general' } },
				},
			}),
		});
		expect(result.error?.message).toMatch(
			/Could not reach Tencent Cloud Infinite at \S+: the connection was reset/,
		);
		expect(emulator().stats.jobsSubmitted).toBe(1);
		expect(requestsTo('/jobs', 'POST')).toHaveLength(1);
		expect(result.error?.description).toMatch(/was not sent again/);
	});

	it('maps SignatureDoesNotMatch to an API error with code, status, RequestId and a hint, without secrets', async () => {
		const result = await run(ocrOf('a.png'), { secretKey: 'a-wrong-secret-key' });
		const error = result.error!;
		expect(error.message).toMatch(/^COS error SignatureDoesNotMatch/);
		expect(error.description).toMatch(/Check the SecretKey/);
		expect(error.description).toMatch(/HTTP 403, RequestId \S+/);
		expect((error as unknown as { httpCode: string }).httpCode).toBe('403');
		const everything = JSON.stringify({
			message: error.message,
			description: error.description,
			context: (error as any).context,
			cause: (error as any).cause,
		});
		expect(everything).not.toContain('a-wrong-secret-key');
		expect(everything).not.toContain(emulator().options.secretKey);
		expect(everything).not.toContain('q-signature=');
	});

	it('corrects a skewed clock once from the service’s Date and succeeds', async () => {
		emulator().objects.set('a.png', textPng('hello'));
		emulator().setFaults({ clockOffsetSeconds: -1200 });
		const result = await run(ocrOf('a.png'));
		expect(result.error).toBeUndefined();
		const statuses = requestsTo('/a.png').map((request) => request.status);
		expect(statuses).toEqual([403, 200]);
	});

	it('rejects a malformed region before any request, naming the field', async () => {
		const result = await run(ocrOf('a.png'), { region: 'AP Guangzhou' });
		expect(result.error?.message).toMatch(
			/Credential field "region": Region "AP Guangzhou" is not valid/,
		);
		expect(emulator().requests).toHaveLength(0);
	});
});
