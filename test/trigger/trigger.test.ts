/**
 * Tencent Cloud Infinite Trigger: its webhook against real HTTP requests (n8n's body handling,
 * n8n-core's WebhookContext), confirmed with the emulator, and a round trip from a submitted job.
 */
import { readFileSync } from 'fs';
import path from 'path';

import { callbackBody } from '../../emulator/callbacks';
import type { Job } from '../../emulator/jobs';
import { useEmulator } from '../helpers/emulator-setup';
import { textPng } from '../helpers/images';
import { runWorkflow } from '../helpers/n8n';
import { startTriggerServer, type TriggerServer } from '../helpers/webhook';
import { singleNodeWorkflow } from '../helpers/workflows';

const TRIGGER = 'n8n-nodes-tencent-cloud-infinite.tencentCloudInfiniteTrigger';
const SECRET = 'b7f3c1d9e2a84f60';
const { emulator, credential } = useEmulator({ jobDelayMs: 100 });

let trigger: TriggerServer;
const servers: TriggerServer[] = [];

async function serve(
	parameters: Record<string, unknown> = {},
	withCredential = true,
): Promise<TriggerServer> {
	const server = await startTriggerServer({
		nodeType: TRIGGER,
		parameters: { secretToken: SECRET, ...parameters },
		credentials: withCredential ? { tencentCloudInfiniteApi: credential() } : {},
	});
	servers.push(server);
	return server;
}

beforeEach(async () => {
	trigger = await serve();
});
afterEach(async () => {
	await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function post(
	server: TriggerServer,
	body: string,
	contentType: string,
	token: string | null = SECRET,
) {
	const response = await fetch(`${server.url}${token === null ? '' : `?token=${token}`}`, {
		method: 'POST',
		headers: { 'content-type': contentType },
		body,
	});
	return { status: response.status, body: (await response.json()) as Record<string, string> };
}

async function finishedJob(
	content = 'callback text',
	extra: Record<string, unknown> = {},
): Promise<Job> {
	emulator().objects.set('cb.png', textPng(content));
	const result = await runWorkflow(
		singleNodeWorkflow({
			resource: 'job',
			operation: 'submitOcrJob',
			objectKey: 'cb.png',
			waitForCompletion: true,
			options: { pollInterval: 1 },
			...extra,
		}),
		{
			credentials: { tencentCloudInfiniteApi: credential() },
		},
	);
	if (result.error) throw new Error(result.error.message);
	return emulator().jobs.byId.get(String(result.json('CI')[0].jobId))!;
}

const asJson = (job: Job) =>
	callbackBody({ ...job, callback: { format: 'JSON', type: 'Url' } }).body;
const asXml = (job: Job) => callbackBody({ ...job, callback: { format: 'XML', type: 'Url' } }).body;

describe('webhook lifecycle', () => {
	it('keeps only its own state: exists after create, not after delete', async () => {
		expect(await trigger.lifecycle('checkExists')).toBe(false);
		expect(await trigger.lifecycle('create')).toBe(true);
		expect(await trigger.lifecycle('checkExists')).toBe(true);
		expect(await trigger.lifecycle('delete')).toBe(true);
		expect(await trigger.lifecycle('checkExists')).toBe(false);
	});
});

describe('a job submitted with the trigger’s URL as callback', () => {
	it.each(['JSON', 'XML'])(
		'starts exactly one execution with the finished job (%s)',
		async (format) => {
			emulator().objects.set('round.png', textPng('Round trip'));
			const submitted = await runWorkflow(
				singleNodeWorkflow({
					resource: 'job',
					operation: 'submitOcrJob',
					objectKey: 'round.png',
					callbackType: 'url',
					callbackUrl: `${trigger.url}?token=${SECRET}`,
					callbackFormat: format,
				}),
				{ credentials: { tencentCloudInfiniteApi: credential() } },
			);
			const jobId = String(submitted.json('CI')[0].jobId);
			for (let i = 0; i < 100 && trigger.executions.length === 0; i++)
				await new Promise((resolve) => setTimeout(resolve, 20));
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(trigger.executions).toHaveLength(1);
			expect(trigger.executions[0]).toHaveLength(1);
			const item = trigger.executions[0][0].json;

			const got = await runWorkflow(
				singleNodeWorkflow({ resource: 'job', operation: 'get', jobIds: jobId }),
				{ credentials: { tencentCloudInfiniteApi: credential() } },
			);
			expect(item).toEqual(got.json('CI')[0]);
			expect(item).toMatchObject({ jobId, state: 'Success', text: 'Round trip' });
			expect(emulator().stats.callbacksSent).toBe(1);
		},
	);
});

describe('accepted callbacks', () => {
	it('reads XML with its own tag case, not n8n’s lower-cased parse', async () => {
		const job = await finishedJob('Upper Case');
		const reply = await post(trigger, asXml(job), 'application/xml');
		expect(reply.status).toBe(200);
		const item = trigger.executions[0][0].json;
		expect(item).toMatchObject({
			jobId: job.detail.JobId,
			state: 'Success',
			text: 'Upper Case',
			tag: 'ImageOCR',
		});
		expect(Object.keys(item)).not.toContain('jobsdetail');
	});

	it('accepts JobsDetail as an object or as an array, one item per job', async () => {
		const first = await finishedJob('one');
		const second = await finishedJob('two');
		const third = await finishedJob('three');
		const entry = (job: Job) =>
			(JSON.parse(asJson(job)) as { JobsDetail: unknown[] }).JobsDetail[0];
		const asArray = JSON.stringify({
			EventName: 'TaskFinish',
			JobsDetail: [entry(first), entry(second)],
		});
		const asObject = JSON.stringify({ EventName: 'TaskFinish', JobsDetail: entry(third) });
		expect((await post(trigger, asArray, 'application/json')).status).toBe(200);
		expect(trigger.executions[0].map((item) => item.json.text)).toEqual(['one', 'two']);
		expect((await post(trigger, asObject, 'application/json')).status).toBe(200);
		expect(trigger.executions[1].map((item) => item.json.text)).toEqual(['three']);
	});

	it('gives the whole normalized callback with Simplify off', async () => {
		const server = await serve({ simplify: false });
		const job = await finishedJob('raw');
		await post(server, asJson(job), 'application/json');
		const item = server.executions[0][0].json as any;
		expect(item.EventName).toBe('TaskFinish');
		expect(item.JobsDetail.Operation.Detection.TextDetections[0]).toMatchObject({
			DetectedText: 'raw',
			Confidence: 99,
		});
		expect(Array.isArray(item.JobsDetail.Operation.Detection.TextDetections[0].Polygon)).toBe(true);
	});

	it('trusts the callback itself when no credential is set (delivery record in static data)', async () => {
		const server = await serve({ deliveryRecord: 'staticData' }, false);
		const job = await finishedJob('unconfirmed');
		expect((await post(server, asJson(job), 'application/json')).status).toBe(200);
		expect(server.executions[0][0].json.text).toBe('unconfirmed');
	});

	it('filters by job type and state without starting anything', async () => {
		const server = await serve({ tags: ['ImageLicenseRec'] });
		const job = await finishedJob();
		const reply = await post(server, asJson(job), 'application/json');
		expect(reply).toEqual({ status: 200, body: { status: 'ignored', reason: 'filtered out' } });
		const byState = await serve({ states: ['Failed'] });
		expect((await post(byState, asJson(job), 'application/json')).body.status).toBe('ignored');
		expect(server.executions.length + byState.executions.length).toBe(0);
	});
});

describe('callbacks that are not about one of our jobs', () => {
	it('answers a workflow’s WorkflowExecution notice 200 ignored, starting nothing', async () => {
		const { body } = JSON.parse(
			readFileSync(path.join(__dirname, '../conformance/callbacks/workflow-json.json'), 'utf8'),
		) as { body: unknown };
		const reply = await post(trigger, JSON.stringify(body), 'application/json');
		expect(reply).toEqual({
			status: 200,
			body: { status: 'ignored', reason: 'not a job callback' },
		});
		const xml = readFileSync(
			path.join(__dirname, '../conformance/callbacks/workflow-xml.xml'),
			'utf8',
		).replace(/^<!--[\s\S]*?-->\s*/, '');
		expect(await post(trigger, xml, 'application/xml')).toEqual({
			status: 200,
			body: { status: 'ignored', reason: 'not a job callback' },
		});
		expect(trigger.executions).toHaveLength(0);
	});
});

describe('confirming with the service', () => {
	it('reads a job again when the service is a moment behind its callback, then accepts it', async () => {
		const job = await finishedJob('behind');
		const claimed = asJson(job);
		job.detail.State = 'Running';
		setTimeout(() => (job.detail.State = 'Success'), 700);
		const reply = await post(trigger, claimed, 'application/json');
		expect(reply).toEqual({ status: 200, body: { status: 'accepted', jobs: 1 } });
		expect(trigger.executions[0][0].json).toMatchObject({ state: 'Success', text: 'behind' });
		const reads = emulator().requests.filter(
			(request) => request.path === `/jobs/${String(job.detail.JobId)}`,
		);
		expect(reads.length).toBeGreaterThan(1);
	});

	it('answers 502 when the service cannot be reached, and 500 (logged) for its own failures', async () => {
		const unreachable = await serve({}, false);
		const job = await finishedJob();
		const offline = await startTriggerServer({
			nodeType: TRIGGER,
			parameters: { secretToken: SECRET },
			credentials: { tencentCloudInfiniteApi: credential({ ciEndpoint: 'http://127.0.0.1:9' }) },
		});
		servers.push(offline);
		const down = await post(offline, asJson(job), 'application/json');
		expect(down.status).toBe(502);
		expect(down.body.reason).toMatch(
			/^The job could not be confirmed with the service: Could not reach Tencent Cloud Infinite/,
		);
		const broken = await startTriggerServer({
			nodeType: TRIGGER,
			parameters: { secretToken: SECRET },
			credentials: { tencentCloudInfiniteApi: credential({ bucket: 'Not A Bucket' }) },
		});
		servers.push(broken);
		const failed = await post(broken, asJson(job), 'application/json');
		expect(failed).toEqual({
			status: 500,
			body: {
				status: 'rejected',
				reason: 'The callback could not be processed; the n8n log has the details',
			},
		});
		expect(
			unreachable.executions.length + offline.executions.length + broken.executions.length,
		).toBe(0);
	});
});

describe('refused callbacks start nothing', () => {
	it.each([
		[
			'no token',
			async (job: Job) => post(trigger, asJson(job), 'application/json', null),
			401,
			/Missing or wrong token/,
		],
		[
			'a wrong token',
			async (job: Job) => post(trigger, asJson(job), 'application/json', 'guess'),
			401,
			/Missing or wrong token/,
		],
		[
			'malformed JSON sent as text',
			async () => post(trigger, '{"EventName": "TaskFinish", "JobsDetail": {', 'text/plain'),
			400,
			/not valid JSON/,
		],
		[
			'truncated XML sent as text',
			async (job: Job) => post(trigger, asXml(job).slice(0, 200), 'text/plain'),
			400,
			/XML body is refused/,
		],
		[
			'XML with entity declarations sent as text',
			async () =>
				post(
					trigger,
					'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Response><EventName>&b;</EventName></Response>',
					'text/plain',
				),
			400,
			/DOCTYPE/,
		],
		[
			'no JobsDetail',
			async () => post(trigger, '{"EventName":"TaskFinish"}', 'application/json'),
			400,
			/no JobsDetail/,
		],
		[
			'an unknown job',
			async (job: Job) =>
				post(
					trigger,
					asJson(job).replace(String(job.detail.JobId), 'a00000000000000000000000000000000'),
					'application/json',
				),
			404,
			/Unknown job/,
		],
		[
			'a state the service contradicts',
			async (job: Job) =>
				post(
					trigger,
					asJson(job).replace('"State":"Success"', '"State":"Failed"'),
					'application/json',
				),
			409,
			/is Success in the service, not Failed/,
		],
	])('%s', async (_name, send, status, reason) => {
		const job = await finishedJob();
		const reply = await send(job);
		expect(reply.status).toBe(status);
		expect(reply.body.status).toBe('rejected');
		expect(reply.body.reason).toMatch(reason);
		expect(trigger.executions).toHaveLength(0);
	});

	it.each([
		['malformed JSON', '{"EventName": "TaskFinish", "JobsDetail": {', 'application/json'],
		[
			'XML cut in a tag',
			'<Response><EventName>TaskFinish</EventName><JobsDetail><JobId>a1</Jo',
			'application/xml',
		],
		[
			'XML with entity declarations',
			'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Response><EventName>&b;</EventName></Response>',
			'application/xml',
		],
	])('%s is answered 422 by n8n before the trigger runs', async (_name, body, contentType) => {
		const response = await fetch(`${trigger.url}?token=${SECRET}`, {
			method: 'POST',
			headers: { 'content-type': contentType },
			body,
		});
		expect(response.status).toBe(422);
		expect(((await response.json()) as { message: string }).message).toBe(
			'Failed to parse request body',
		);
		expect(trigger.executions).toHaveLength(0);
	});

	it('refuses a body over the size limit with 413', async () => {
		const server = await serve({ options: { maxBodyKb: 1 } });
		const reply = await post(
			server,
			JSON.stringify({
				EventName: 'TaskFinish',
				JobsDetail: { JobId: 'a1', Padding: 'x'.repeat(4096) },
			}),
			'application/json',
		);
		expect(reply.status).toBe(413);
		expect(server.executions).toHaveLength(0);
	});

	it('starts nothing for a replayed callback', async () => {
		const job = await finishedJob();
		expect((await post(trigger, asJson(job), 'application/json')).status).toBe(200);
		const replay = await post(trigger, asJson(job), 'application/json');
		expect(replay).toEqual({
			status: 200,
			body: { status: 'ignored', reason: 'already received' },
		});
		expect(trigger.executions).toHaveLength(1);
	});
});
