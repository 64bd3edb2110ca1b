/**
 * Tencent Cloud Infinite Trigger: its webhook against real HTTP requests (n8n's body handling,
 * n8n-core's WebhookContext), confirmed with the emulator, and a round trip from a submitted job.
 */
import { callbackBody } from '../../emulator/callbacks';
import type { Job } from '../../emulator/jobs';
import { useEmulator } from '../helpers/emulator-setup';
import { runWorkflow } from '../helpers/n8n';
import { startTriggerServer, type TriggerServer } from '../helpers/webhook';
import { singleNodeWorkflow } from '../helpers/workflows';

const TRIGGER = 'n8n-nodes-tencent-cloud-infinite.tencentCloudInfiniteTrigger';
const SECRET = 'b7f3c1d9e2a84f60';
const { emulator, credential } = useEmulator({ jobDelayMs: 100 });

let trigger: TriggerServer;
const servers: TriggerServer[] = [];

async function serve(parameters: Record<string, unknown> = {}, withCredential = true): Promise<TriggerServer> {
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

async function post(server: TriggerServer, body: string, contentType: string, token: string | null = SECRET) {
	const response = await fetch(`${server.url}${token === null ? '' : `?token=${token}`}`, { method: 'POST', headers: { 'content-type': contentType }, body });
	return { status: response.status, body: (await response.json()) as Record<string, string> };
}

async function finishedJob(content = 'callback text', extra: Record<string, unknown> = {}): Promise<Job> {
	emulator().objects.set('cb.txt', Buffer.from(content));
	const result = await runWorkflow(singleNodeWorkflow({ resource: 'job', operation: 'submitOcrJob', objectKey: 'cb.txt', waitForCompletion: true, options: { pollInterval: 1 }, ...extra }), {
		credentials: { tencentCloudInfiniteApi: credential() },
	});
	if (result.error) throw new Error(result.error.message);
	return emulator().jobs.byId.get(String(result.json('CI')[0].jobId))!;
}

const asJson = (job: Job) => callbackBody({ ...job, callback: { format: 'JSON', type: 'Url' } }).body;
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
	it.each(['JSON', 'XML'])('starts exactly one execution with the finished job (%s)', async (format) => {
		emulator().objects.set('round.txt', Buffer.from('Round trip'));
		const submitted = await runWorkflow(
			singleNodeWorkflow({ resource: 'job', operation: 'submitOcrJob', objectKey: 'round.txt', callback: { type: 'Url', url: `${trigger.url}?token=${SECRET}`, format } }),
			{ credentials: { tencentCloudInfiniteApi: credential() } },
		);
		const jobId = String(submitted.json('CI')[0].jobId);
		for (let i = 0; i < 100 && trigger.executions.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0]).toHaveLength(1);
		const item = trigger.executions[0][0].json;

		const got = await runWorkflow(singleNodeWorkflow({ resource: 'job', operation: 'get', jobIds: jobId }), { credentials: { tencentCloudInfiniteApi: credential() } });
		expect(item).toEqual(got.json('CI')[0]);
		expect(item).toMatchObject({ jobId, state: 'Success', text: 'Round trip' });
		expect(emulator().stats.callbacksSent).toBe(1);
	});
});

describe('accepted callbacks', () => {
	it('reads XML with its own tag case, not n8n’s lower-cased parse', async () => {
		const job = await finishedJob('Upper Case');
		const reply = await post(trigger, asXml(job), 'application/xml');
		expect(reply.status).toBe(200);
		const item = trigger.executions[0][0].json;
		expect(item).toMatchObject({ jobId: job.detail.JobId, state: 'Success', text: 'Upper Case', tag: 'ImageOCR' });
		expect(Object.keys(item)).not.toContain('jobsdetail');
	});

	it('accepts JobsDetail as an object or as an array, one item per job', async () => {
		const first = await finishedJob('one');
		const second = await finishedJob('two');
		const asArray = JSON.stringify({ EventName: 'TaskFinish', JobsDetail: [JSON.parse(asJson(first)).JobsDetail, JSON.parse(asJson(second)).JobsDetail] });
		expect((await post(trigger, asArray, 'application/json')).status).toBe(200);
		expect(trigger.executions[0].map((item) => item.json.text)).toEqual(['one', 'two']);
	});

	it('gives the whole normalized callback with Simplify off', async () => {
		const server = await serve({ simplify: false });
		const job = await finishedJob('raw');
		await post(server, asJson(job), 'application/json');
		const item = server.executions[0][0].json as any;
		expect(item.EventName).toBe('TaskFinish');
		expect(item.JobsDetail.Operation.Detection.TextDetections[0]).toMatchObject({ DetectedText: 'raw', Confidence: 99 });
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

describe('refused callbacks start nothing', () => {
	it.each([
		['no token', async (job: Job) => post(trigger, asJson(job), 'application/json', null), 401, /Missing or wrong token/],
		['a wrong token', async (job: Job) => post(trigger, asJson(job), 'application/json', 'guess'), 401, /Missing or wrong token/],
		['malformed JSON', async () => post(trigger, '{"EventName": "TaskFinish", "JobsDetail": {', 'application/json'), 400, /not valid JSON/],
		['truncated XML', async (job: Job) => post(trigger, asXml(job).slice(0, 200), 'application/xml'), 400, /XML body is refused/],
		['XML with entity declarations', async () => post(trigger, '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Response><EventName>&b;</EventName></Response>', 'application/xml'), 400, /DOCTYPE/],
		['no JobsDetail', async () => post(trigger, '{"EventName":"TaskFinish"}', 'application/json'), 400, /no JobsDetail/],
		['an unknown job', async (job: Job) => post(trigger, asJson(job).replace(String(job.detail.JobId), 'a00000000000000000000000000000000'), 'application/json'), 404, /Unknown job/],
		['a state the service contradicts', async (job: Job) => post(trigger, asJson(job).replace('"State":"Success"', '"State":"Failed"'), 'application/json'), 409, /is Success in the service, not Failed/],
	])('%s', async (_name, send, status, reason) => {
		const job = await finishedJob();
		const reply = await send(job);
		expect(reply.status).toBe(status);
		expect(reply.body.status).toBe('rejected');
		expect(reply.body.reason).toMatch(reason);
		expect(trigger.executions).toHaveLength(0);
	});

	it('refuses a body over the size limit with 413', async () => {
		const server = await serve({ options: { maxBodyKb: 1 } });
		const reply = await post(server, JSON.stringify({ EventName: 'TaskFinish', JobsDetail: { JobId: 'a1', Padding: 'x'.repeat(4096) } }), 'application/json');
		expect(reply.status).toBe(413);
		expect(server.executions).toHaveLength(0);
	});

	it('starts nothing for a replayed callback', async () => {
		const job = await finishedJob();
		expect((await post(trigger, asJson(job), 'application/json')).status).toBe(200);
		const replay = await post(trigger, asJson(job), 'application/json');
		expect(replay).toEqual({ status: 200, body: { status: 'ignored', reason: 'already received' } });
		expect(trigger.executions).toHaveLength(1);
	});
});
