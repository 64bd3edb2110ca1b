/**
 * Every error code Tencent documents, through the node's error path in n8n: the message the user
 * sees is the service's code and message (with our hint in the description), never n8n's generic
 * network text. n8n-workflow's NodeError replaces any message containing a Node.js error code,
 * case-insensitively (ResourceNotFound contains ENOTFOUND), so each code is checked end to end.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startSampleServer, type Sample, type SampleServer } from '../conformance/samples';
import { runWorkflow } from '../helpers/n8n';
import { singleNodeWorkflow } from '../helpers/workflows';

interface Documented {
	status: number;
	code: string;
	description: string;
	service: 'cos' | 'ci';
}

const corpus = (file: string) =>
	JSON.parse(readFileSync(path.join(__dirname, '../conformance', file), 'utf8')) as {
		body: unknown[];
	};
const documented = corpus('errors/error-codes.json').body as Documented[];
// The ID-card page documents codes without their HTTP status: they are CI's 400s (test/conformance/idcard/SILENT.md).
const idCard = (
	corpus('idcard/error-codes.json').body as Array<{ Code: string; 描述: string }>
).map(
	(entry): Documented => ({
		status: 400,
		code: entry.Code,
		description: entry.描述,
		service: 'ci',
	}),
);
const processing = corpus('errors/processing-error-codes.json').body as Array<{
	code: string;
	description: string;
}>;

/** An `<Error>` as the service writes it (errors/cos-no-such-key.xml, errors/ci-invalid-argument.xml). */
function errorSample(entry: Documented): Sample {
	const body =
		`<Error><Code>${entry.code}</Code><Message>${entry.description.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message>` +
		(entry.service === 'cos'
			? '<Resource>test-1234567890.cos.ap-chongqing.myqcloud.com/a.png</Resource>'
			: '') +
		'<RequestId>NjA3OGY4NGFfNjJkMmMwYl8</RequestId><TraceId>OGVmYzZiMmQzYjA2OWNh</TraceId></Error>';
	return {
		file: `${entry.code}.xml`,
		header: {},
		body,
		contentType: 'application/xml',
		status: entry.status,
	};
}

let server: SampleServer;
beforeAll(async () => {
	server = await startSampleServer();
});
afterAll(async () => await server.close());

const credential = () => ({
	secretId: 'AKIDCODES',
	secretKey: 'codes-secret',
	bucket: 'test-1234567890',
	region: 'ap-chongqing',
	cosEndpoint: server.url,
	ciEndpoint: server.url,
});

const run = async (parameters: Record<string, unknown>) =>
	await runWorkflow(singleNodeWorkflow(parameters), {
		credentials: { tencentCloudInfiniteApi: credential() },
	});

describe('every documented error code keeps its message', () => {
	it.each(
		[...documented, ...idCard].map(
			(entry) => [`${entry.service} ${entry.status} ${entry.code}`, entry] as const,
		),
	)('%s', async (_name, entry) => {
		server.answer(errorSample(entry));
		const result =
			entry.service === 'cos'
				? await run({
						resource: 'ocr',
						operation: 'recognizeText',
						source: 'object',
						objectKey: 'a.png',
					})
				: await run({
						resource: 'template',
						operation: 'delete',
						templateId: { __rl: true, mode: 'id', value: 't1460606b9752148c4ab182f55163ba7cd' },
					});
		const about =
			entry.service === 'cos'
				? ' for object "a.png"'
				: ' for template t1460606b9752148c4ab182f55163ba7cd';
		expect(result.error?.message).toBe(
			`${entry.service === 'cos' ? 'COS' : 'Cloud Infinite'} error ${entry.code}${about}: ${entry.description}`,
		);
		expect(result.error?.description).toContain(
			`HTTP ${entry.status}, RequestId NjA3OGY4NGFfNjJkMmMwYl8, TraceId OGVmYzZiMmQzYjA2OWNh`,
		);
	});
});

describe('every documented processing code of a failed job keeps its message', () => {
	const submitted: Sample = {
		file: 'submitted.xml',
		header: {},
		body: '<Response><JobsDetail><Code>Success</Code><JobId>a3c193f288b2c11eeb60f39de2f86f409</JobId><State>Submitted</State><Tag>ImageOCR</Tag></JobsDetail></Response>',
		contentType: 'application/xml',
		status: 200,
	};
	const failed = (code: string, message: string): Sample => ({
		...submitted,
		body: `<Response><JobsDetail><Code>${code}</Code><Message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message><JobId>a3c193f288b2c11eeb60f39de2f86f409</JobId><State>Failed</State><Tag>ImageOCR</Tag></JobsDetail></Response>`,
	});

	it.each(processing.map((entry) => [entry.code, entry] as const))('%s', async (_code, entry) => {
		server.answer(failed(entry.code, entry.description));
		server.answerMethod('POST', submitted);
		const result = await run({
			resource: 'job',
			operation: 'submitOcrJob',
			objectKey: 'a.png',
			waitForCompletion: true,
			options: { pollInterval: 1 },
		});
		expect(result.error?.message).toBe(
			`Job a3c193f288b2c11eeb60f39de2f86f409 failed: ${entry.code} ${entry.description}`,
		);
	});
});

describe('messages that contain a Node.js error code are not rewritten either', () => {
	it.each(['ResourceNotFound', 'TemplateNotFound', 'EACCESSDenied'])('%s', async (code) => {
		server.answer(
			errorSample({
				status: 400,
				code,
				description: `${code}: ENOTFOUND ECONNREFUSED EPERM`,
				service: 'ci',
			}),
		);
		const result = await run({
			resource: 'template',
			operation: 'delete',
			templateId: { __rl: true, mode: 'id', value: 't1460606b9752148c4ab182f55163ba7cd' },
		});
		expect(result.error?.message).toBe(
			`Cloud Infinite error ${code} for template t1460606b9752148c4ab182f55163ba7cd: ${code}: ENOTFOUND ECONNREFUSED EPERM`,
		);
	});
});
