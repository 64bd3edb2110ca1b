/**
 * Forged callbacks at the trigger, which confirms each job with the service (the emulator, with
 * temporary credentials): an unknown job, a state the service contradicts, a wrong or missing
 * secret, and the replay of an old callback start nothing; the genuine one starts exactly one
 * execution. No answer holds a secret.
 */
import { finishedOcrJobs } from '../emulator/client';
import { startTriggerServer, type TriggerServer } from '../helpers/webhook';
import { leaksIn, useSecretEmulator } from './scanned';

const TRIGGER = 'n8n-nodes-tencent-cloud-infinite.tencentCloudInfiniteTrigger';
const TOKEN = 'forged-callbacks-token';
const { emulator, credential } = useSecretEmulator({ jobDelayMs: 20 });

let trigger: TriggerServer;
const answers: string[] = [];

beforeEach(async () => {
	trigger = await startTriggerServer({
		nodeType: TRIGGER,
		parameters: { secretToken: TOKEN },
		credentials: { tencentCloudInfiniteApi: credential() },
	});
});
afterEach(async () => await trigger.close());
afterAll(() => expect({ leaks: leaksIn(answers) }).toEqual({ leaks: [] }));

async function finishedJob(): Promise<string> {
	const unsignedHeaders = { 'x-ci-security-token': String(credential().sessionToken) };
	const [jobId] = await finishedOcrJobs(emulator(), 1, { text: 'genuine', unsignedHeaders });
	return jobId;
}

async function callback(jobId: string, state = 'Success', token: string | null = TOKEN) {
	const body = JSON.stringify({
		EventName: 'TaskFinish',
		JobsDetail: [{ JobId: jobId, State: state, Tag: 'ImageOCR' }],
	});
	const response = await fetch(
		`${trigger.url}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`,
		{ method: 'POST', headers: { 'content-type': 'application/json' }, body },
	);
	const text = await response.text();
	answers.push(text);
	return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

describe('forged callbacks start nothing', () => {
	it('a job the service does not know: 404', async () => {
		expect(await callback('a00000000000000000000000000000000')).toEqual({
			status: 404,
			body: { status: 'rejected', reason: 'Unknown job a00000000000000000000000000000000' },
		});
		expect(trigger.executions).toHaveLength(0);
	});

	it('a real job claimed in a state the service contradicts: 409', async () => {
		const jobId = await finishedJob();
		expect(await callback(jobId, 'Failed')).toEqual({
			status: 409,
			body: { status: 'rejected', reason: `Job ${jobId} is Success in the service, not Failed` },
		});
		expect(trigger.executions).toHaveLength(0);
	});

	it.each([
		['a wrong secret', 'not-the-token'],
		['a secret differing in its last character', `${TOKEN.slice(0, -1)}X`],
		['no secret', null],
	])('%s: 401', async (_name, token) => {
		const jobId = await finishedJob();
		expect(await callback(jobId, 'Success', token)).toEqual({
			status: 401,
			body: { status: 'rejected', reason: 'Missing or wrong token' },
		});
		expect(trigger.executions).toHaveLength(0);
	});

	it('the replay of an old, genuine callback: answered, but only the first starts an execution', async () => {
		const jobId = await finishedJob();
		expect(await callback(jobId)).toEqual({ status: 200, body: { status: 'accepted', jobs: 1 } });
		for (let replay = 0; replay < 3; replay++) {
			expect(await callback(jobId)).toEqual({
				status: 200,
				body: { status: 'ignored', reason: 'already received' },
			});
		}
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0][0].json).toMatchObject({
			jobId,
			state: 'Success',
			text: 'genuine',
		});
	});
});
