/**
 * The trigger's delivery record in the bucket (Record Deliveries In: Bucket): a marker object per
 * delivered job, created with `x-cos-forbid-overwrite: true` against the emulator, which refuses a
 * second PUT of an existing key with 409 (test/conformance/objects/). What one process forgets,
 * the marker still knows; a PUT whose answer was lost is told apart from another process's marker;
 * a marker that cannot be written starts nothing and asks the sender to try again.
 * (Several real webhook processors at once: test/e2e/queue-mode.test.ts.)
 */
import { finishedOcrJobs, xml } from '../emulator/client';
import { useEmulator } from '../helpers/emulator-setup';
import { startTriggerServer, type TriggerServer } from '../helpers/webhook';

const TRIGGER = 'n8n-nodes-tencent-cloud-infinite.tencentCloudInfiniteTrigger';
const TOKEN = 'delivery-record-token';
// The test server's workflow (a new id for each server) and trigger node ids (test/helpers/webhook.ts).
const MARKERS = /^n8n-trigger-deliveries\/trigger-workflow-\d+\/trigger\//;
const markerOf = (jobId: string, state = 'Success') =>
	[...emulator().objects.keys()].find(
		(key) => MARKERS.test(key) && key.endsWith(`/${jobId}/${state}`),
	);
const { emulator, credential } = useEmulator({ jobDelayMs: 20 });

const servers: TriggerServer[] = [];
afterEach(
	async () => await Promise.all(servers.splice(0).map(async (server) => await server.close())),
);

async function serve(
	parameters: Record<string, unknown> = {},
	withCredential = true,
): Promise<TriggerServer> {
	const server = await startTriggerServer({
		nodeType: TRIGGER,
		parameters: { secretToken: TOKEN, ...parameters },
		credentials: withCredential ? { tencentCloudInfiniteApi: credential() } : {},
	});
	servers.push(server);
	return server;
}

async function finishedJob(): Promise<string> {
	const [jobId] = await finishedOcrJobs(emulator(), 1, { text: 'delivered once' });
	return jobId;
}

async function callback(server: TriggerServer, jobId: string) {
	const response = await fetch(`${server.url}?token=${TOKEN}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			EventName: 'TaskFinish',
			JobsDetail: [{ JobId: jobId, State: 'Success', Tag: 'ImageOCR' }],
		}),
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const ACCEPTED = { status: 200, body: { status: 'accepted', jobs: 1 } };
const IGNORED = { status: 200, body: { status: 'ignored', reason: 'already received' } };
const markerRequests = () =>
	emulator()
		.requests.filter((request) => request.service === 'cos' && MARKERS.test(request.path.slice(1)))
		.map((request) => `${request.method} ${request.status}`);
/** Forgets everything the process and the workflow's static data know, as another process or a re-activation would. */
async function forgetLocally(server: TriggerServer): Promise<void> {
	await server.lifecycle('delete');
	await server.lifecycle('create');
	expect(server.staticData().seen).toBeUndefined();
}

describe('Record Deliveries In: Bucket (the default)', () => {
	it('creates one marker per delivered job, refused if it exists, holding the job and a claim token', async () => {
		const server = await serve();
		const jobId = await finishedJob();
		expect(await callback(server, jobId)).toEqual(ACCEPTED);
		expect(markerRequests()).toEqual(['PUT 200']);
		const marker =
			emulator()
				.objects.get(markerOf(jobId) ?? '')
				?.toString('utf8') ?? '';
		expect(xml(marker, 'Delivery')).toMatchObject({
			JobId: jobId,
			State: 'Success',
			Tag: 'ImageOCR',
			WorkflowId: server.workflowId,
			Node: 'Trigger',
			Claim: expect.stringMatching(/^[0-9a-f-]{36}$/),
		});
		// Known to this process: a replay costs no request.
		expect(await callback(server, jobId)).toEqual(IGNORED);
		expect(markerRequests()).toEqual(['PUT 200']);
		expect(server.executions).toHaveLength(1);
	});

	it('drops a replay that this process and the static data no longer know: the marker exists (409), and it is another claim', async () => {
		const server = await serve();
		const jobId = await finishedJob();
		expect(await callback(server, jobId)).toEqual(ACCEPTED);
		await forgetLocally(server);
		expect(await callback(server, jobId)).toEqual(IGNORED);
		expect(markerRequests()).toEqual(['PUT 200', 'PUT 409', 'GET 200']);
		expect(server.executions).toHaveLength(1);
	});

	it('delivers a job once when the answer to its marker PUT is lost and the PUT is sent again (refused by its own first attempt)', async () => {
		const server = await serve();
		const jobId = await finishedJob();
		emulator().setFaults({
			resetCount: 1,
			resetMode: 'after',
			match: { service: 'cos', method: 'PUT' },
		});
		expect(await callback(server, jobId)).toEqual(ACCEPTED);
		// The first PUT was handled and its connection dropped (-1), the retry refused, the marker read: this request's claim.
		expect(markerRequests()).toEqual(['PUT -1', 'PUT 409', 'GET 200']);
		expect(server.executions).toHaveLength(1);
		emulator().clearFaults();
		await forgetLocally(server);
		expect(await callback(server, jobId)).toEqual(IGNORED);
		expect(server.executions).toHaveLength(1);
	});

	it('tries again after a 409 with no marker behind it (a concurrent write that did not land either)', async () => {
		const server = await serve();
		const jobId = await finishedJob();
		emulator().setFaults({
			errorCount: 1,
			errorStatus: 409,
			errorCode: 'PathConflict',
			match: { service: 'cos', method: 'PUT' },
		});
		expect(await callback(server, jobId)).toEqual(ACCEPTED);
		expect(markerRequests()).toEqual(['PUT 409', 'GET 404', 'PUT 200']);
		expect(server.executions).toHaveLength(1);
	});

	it('starts nothing and answers 502 when the marker cannot be written; the sender’s next try delivers', async () => {
		const server = await serve();
		const jobId = await finishedJob();
		emulator().setFaults({
			errorCount: 3,
			errorStatus: 500,
			errorCode: 'InternalError',
			match: { service: 'cos', method: 'PUT' },
		});
		const refused = await callback(server, jobId);
		expect(refused.status).toBe(502);
		expect(refused.body).toEqual({
			status: 'rejected',
			reason: expect.stringMatching(
				/^The delivery could not be recorded in the bucket \(COS error InternalError: .*\); nothing was started$/,
			),
		});
		expect(server.executions).toHaveLength(0);
		expect(markerOf(jobId)).toBeUndefined();
		emulator().clearFaults();
		expect(await callback(server, jobId)).toEqual(ACCEPTED);
		expect(server.executions).toHaveLength(1);
	});

	it('puts the markers under the Marker Prefix option', async () => {
		const server = await serve({ options: { markerPrefix: '/audit/n8n/' } });
		const jobId = await finishedJob();
		expect(await callback(server, jobId)).toEqual(ACCEPTED);
		expect([...emulator().objects.keys()].filter((key) => key.includes(jobId))).toEqual([
			`audit/n8n/${server.workflowId}/trigger/${jobId}/Success`,
		]);
	});

	it('refuses a job ID that could not be one of the service’s before it names an object (Confirm off)', async () => {
		const server = await serve({ confirm: false });
		expect(await callback(server, '../../other/key')).toEqual({
			status: 400,
			body: {
				status: 'rejected',
				reason: 'Job ID "../../other/key" or state "Success" is not one the service gives',
			},
		});
		expect(server.executions).toHaveLength(0);
		expect(markerRequests()).toEqual([]);
	});

	it('without a credential: refuses activation and every callback, naming the parameter and the way out', async () => {
		const server = await serve({}, false);
		const reason =
			'"Record Deliveries In" is Bucket, which needs the Tencent Cloud Infinite API credential: set the credential, or choose Workflow Static Data (one n8n process)';
		await expect(server.lifecycle('create')).rejects.toThrow(reason);
		const jobId = await finishedJob();
		expect(await callback(server, jobId)).toEqual({
			status: 500,
			body: { status: 'rejected', reason },
		});
		expect(server.executions).toHaveLength(0);
	});
});

describe('Record Deliveries In: Workflow Static Data', () => {
	it('sends no request for the record, and delivers again once this process’s record is gone', async () => {
		const server = await serve({ deliveryRecord: 'staticData' });
		const jobId = await finishedJob();
		expect(await callback(server, jobId)).toEqual(ACCEPTED);
		expect(await callback(server, jobId)).toEqual(IGNORED);
		expect(server.staticData().seen).toEqual({ [jobId]: 'Success' });
		await forgetLocally(server);
		// What a second webhook processor that loaded the static data before this one saved it would do.
		expect(await callback(server, jobId)).toEqual(ACCEPTED);
		expect(server.executions).toHaveLength(2);
		expect(markerRequests()).toEqual([]);
	});
});
