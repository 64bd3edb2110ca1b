/** Job › Cancel in n8n-core against the emulator, and Cancel as a final state for waiting and the trigger. */
import { useEmulator } from '../helpers/emulator-setup';
import { textPng } from '../helpers/images';
import { runWorkflow } from '../helpers/n8n';
import { startTriggerServer } from '../helpers/webhook';
import { jsonItems, singleNodeWorkflow } from '../helpers/workflows';

// Jobs run for 2 s (Submitted for the first second): long enough to be cancelled before they start.
const { emulator, credential } = useEmulator({ jobDelayMs: 2000 });

async function run(parameters: Record<string, unknown>, inputItems = jsonItems(1, () => ({}))) {
	return await runWorkflow(singleNodeWorkflow({ resource: 'job', ...parameters }), {
		credentials: { tencentCloudInfiniteApi: credential() },
		inputItems,
	});
}

async function submit(count = 1): Promise<string[]> {
	emulator().objects.set('c.png', textPng('to cancel'));
	const result = await run(
		{ operation: 'submitOcrJob', objectKey: 'c.png' },
		jsonItems(count, () => ({})),
	);
	return result.json('CI').map((item) => String(item.jobId));
}

const cancels = () =>
	emulator().requests.filter(
		(request) => request.method === 'PUT' && request.path.startsWith('/jobs/'),
	);

describe('Job › Cancel', () => {
	it('cancels a job that has not started, confirmed by reading it again', async () => {
		const [jobId] = await submit();
		const [item] = (await run({ operation: 'cancel', jobIds: jobId })).json('CI');
		expect(item).toEqual({
			jobId,
			cancelled: true,
			state: 'Cancel',
			reason: null,
			tag: 'ImageOCR',
		});
		expect(emulator().jobs.byId.get(jobId)?.state).toBe('Cancel');
		expect(cancels()).toHaveLength(1);
		expect('cancel' in cancels()[0].query).toBe(true);
	});

	it('says which of several were cancelled and which could not be, one item per job, in order', async () => {
		const [first, second] = await submit(2);
		const done = emulator().jobs.byId.get(second)!;
		done.detail.State = 'Success';
		done.state = 'Success';
		const unknown = 'a00000000000000000000000000000000';
		const items = (
			await run({ operation: 'cancel', jobIds: `${first}, ${second}, ${unknown}` })
		).json('CI');
		expect(items).toEqual([
			{ jobId: first, cancelled: true, state: 'Cancel', reason: null, tag: 'ImageOCR' },
			{
				jobId: second,
				cancelled: false,
				state: 'Success',
				reason: 'It has already finished (Success)',
				tag: 'ImageOCR',
			},
			{
				jobId: unknown,
				cancelled: false,
				state: null,
				reason: 'No job with this ID exists in this bucket',
				tag: null,
			},
		]);
		// Only the job that could be cancelled was sent a cancel: what the service answers for the others is not documented.
		expect(cancels().map((request) => request.path)).toEqual([`/jobs/${first}`]);
	});

	it('keeps the service’s reason when it refuses', async () => {
		const [jobId] = await submit();
		await new Promise((resolve) => setTimeout(resolve, 1100));
		// Running: the emulator refuses (only jobs not yet executed can be cancelled), and the node says why.
		const [item] = (await run({ operation: 'cancel', jobIds: jobId })).json('CI');
		expect(item).toMatchObject({
			jobId,
			cancelled: false,
			state: 'Running',
			reason: expect.stringMatching(/^Cloud Infinite error \S+ for job /),
		});
	});

	it('refuses job IDs that are not IDs before any request', async () => {
		const result = await run({ operation: 'cancel', jobIds: 'a1, ../jobs' });
		expect(result.error?.message).toBe('"Job IDs" has "../jobs", which is not a job ID');
		expect(emulator().requests).toHaveLength(0);
	});
});

describe('Cancel is a final state', () => {
	it('ends Wait for Completion with an error saying the job was cancelled', async () => {
		emulator().objects.set('w.png', textPng('waiting'));
		const waiting = run({
			operation: 'submitOcrJob',
			objectKey: 'w.png',
			waitForCompletion: true,
			options: { pollInterval: 1, timeout: 30 },
		});
		let jobId: string | undefined;
		for (let wait = 0; !jobId && wait < 100; wait++) {
			await new Promise((resolve) => setTimeout(resolve, 20));
			jobId = [...emulator().jobs.byId.keys()][0];
		}
		await run({ operation: 'cancel', jobIds: jobId! });
		const result = await waiting;
		expect(result.error?.message).toBe(`Job ${jobId} was cancelled before it finished`);
	});

	it('is delivered by the trigger, confirmed with the service', async () => {
		const [jobId] = await submit();
		await run({ operation: 'cancel', jobIds: jobId });
		const trigger = await startTriggerServer({
			nodeType: 'n8n-nodes-tencent-cloud-infinite.tencentCloudInfiniteTrigger',
			parameters: { states: ['Cancel'] },
			credentials: { tencentCloudInfiniteApi: credential() },
		});
		try {
			const body = JSON.stringify({
				EventName: 'TaskFinish',
				JobsDetail: [{ JobId: jobId, State: 'Cancel', Tag: 'ImageOCR' }],
			});
			const response = await fetch(trigger.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body,
			});
			expect(await response.json()).toEqual({ status: 'accepted', jobs: 1 });
			expect(trigger.executions[0][0].json).toMatchObject({ jobId, state: 'Cancel' });
		} finally {
			await trigger.close();
		}
	});
});
