/**
 * The package in n8n's queue mode, on loopback: PostgreSQL and Redis from Debian's packages, one
 * main instance, two workers and two webhook processors (each with the package installed in its
 * own user folder), a balancer spreading production webhooks over the webhook processors.
 *
 * - every example workflow runs on a worker (the main's execution record, matched to the one
 *   worker whose log says it started and finished that execution), the callback example through
 *   a webhook processor; a file posted to a webhook is received by a webhook processor and
 *   recognized on a worker, in every binary data mode n8n 2.41 runs without a licence;
 * - a Submit OCR Job that waits runs beside ten short executions on the same worker; a worker
 *   stopped during a wait finishes it within n8n's drain window, or, stopped for good, leaves the
 *   execution `crashed` (never `running` for ever, never `success`);
 * - the credential test, the template picker and the editor work on main;
 * - 1,000 callbacks spread over both webhook processors each start one execution, and replays
 *   across the processors start nothing (delivery record in the bucket); the same measured for
 *   the static-data record, whose duplicates are reported.
 *
 * Figures go to stdout and test-artifacts/queue-mode.json.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { startEmulator, type Emulator } from '../../emulator';
import {
	ACCEPTED,
	CallbackSender,
	duplicates,
	finishedJobs,
	floodWorkflow,
	IGNORED,
	inFlight,
	startCollector,
	tally,
	type Collector,
} from '../helpers/real-n8n/callbacks';
import { N8nCluster, type BinaryDataMode, type ClusterProcess } from '../helpers/real-n8n/cluster';
import {
	EXAMPLE_CREDENTIAL,
	emulatorCredential,
	importExamples,
	seedEmulator,
	startSampleServer,
	type ExampleWorkflow,
	type SampleServer,
} from '../helpers/real-n8n/examples';
import { REPO_ROOT } from '../helpers/real-n8n/install';
import {
	CREDENTIAL_TYPE,
	NODE_TYPE,
	nodeItems,
	type ExecutionResult,
	type ExecutionSummary,
} from '../helpers/real-n8n/instance';
import { textPng } from '../helpers/images';

jest.setTimeout(180_000);

const SAMPLE_TEXT = 'Tencent Cloud Infinite\nOCR sample 2026\nHello n8n';
const MANUAL_TRIGGER = 'When clicking ‘Execute workflow’';
const TOKEN = 'queue-mode-token';
const FLOOD_JOBS = 1000;
const MEASURED_JOBS = 100;
const REPLAYS = 250;
/** Callbacks in flight at once: CI reports jobs as they finish, not all at the same instant. */
const IN_FLIGHT = 100;
/** Workers drain for at most this long after SIGTERM, then n8n exits them (N8N_GRACEFUL_SHUTDOWN_TIMEOUT). */
const WORKER_DRAIN_SECONDS = 8;

type Execution = ExecutionSummary & { data: ExecutionResult };

let emulator: Emulator;
let samples: SampleServer;
let collector: Collector;
let cluster: N8nCluster;
let examples: ExampleWorkflow[] = [];
const figures: Record<string, unknown> = {};
/** Multiplies the emulator's job durations (300 ms) while a long job is being submitted. */
const jobTime = { scale: 1 };

function scanByWebhook() {
	return {
		id: 'tciQueueScanHook',
		name: 'Queue mode: recognize a file posted to a webhook',
		active: false,
		nodes: [
			{
				id: 'q1',
				name: 'Scan received',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'tci-queue-scan',
				parameters: {
					httpMethod: 'POST',
					path: 'tci-queue-scan',
					responseMode: 'lastNode',
					responseData: 'firstEntryJson',
					options: {},
				},
			},
			{
				id: 'q2',
				name: 'Recognize Text',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'ocr',
					operation: 'recognizeText',
					source: 'binary',
					binaryPropertyName: 'data',
					recognitionType: 'general',
					languageType: 'auto',
					simplify: true,
					options: {},
				},
				credentials: { [CREDENTIAL_TYPE]: EXAMPLE_CREDENTIAL },
			},
		],
		connections: {
			'Scan received': { main: [[{ node: 'Recognize Text', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

function manualWorkflow(
	id: string,
	name: string,
	nodeName: string,
	parameters: Record<string, unknown>,
) {
	return {
		id,
		name,
		active: false,
		nodes: [
			{
				id: `${id}-start`,
				name: MANUAL_TRIGGER,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-node`,
				name: nodeName,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters,
				credentials: { [CREDENTIAL_TYPE]: EXAMPLE_CREDENTIAL },
			},
		],
		connections: { [MANUAL_TRIGGER]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

const waitingJob = () =>
	manualWorkflow('tciQueueWait', 'Queue mode: submit an OCR job and wait', 'Submit and Wait', {
		resource: 'job',
		operation: 'submitOcrJob',
		source: 'object',
		objectKey: 'queue/long.png',
		settingsFrom: 'inline',
		recognitionType: 'general',
		languageType: 'auto',
		waitForCompletion: true,
		simplify: true,
		options: { pollInterval: 1, timeout: 300 },
	});

const shortOcr = () =>
	manualWorkflow('tciQueueShort', 'Queue mode: a short recognition', 'Recognize Text', {
		resource: 'ocr',
		operation: 'recognizeText',
		source: 'object',
		objectKey: 'queue/short.png',
		recognitionType: 'general',
		languageType: 'auto',
		simplify: true,
		options: {},
	});

const FLOOD = { id: 'tciQueueFlood', webhookId: '3f7c2b1a-9d8e-4c6b-a5f4-e3d2c1b0a987' };
const FLOOD_STATIC = {
	id: 'tciQueueFloodStatic',
	webhookId: '8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d',
};

async function runManually(workflowId: string): Promise<string> {
	const answer = (await cluster.main.server!.request(`/rest/workflows/${workflowId}/run`, {
		method: 'POST',
		body: { triggerToStartFrom: { name: MANUAL_TRIGGER } },
	})) as { executionId?: string };
	if (!answer.executionId)
		throw new Error(`n8n did not start ${workflowId}: ${JSON.stringify(answer)}`);
	return answer.executionId;
}

async function finished(executionId: string, timeoutMs = 120_000): Promise<Execution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await cluster.main.server!.execution(executionId);
		if (!['new', 'running', 'waiting'].includes(execution.status)) return execution;
		if (Date.now() > deadline)
			throw new Error(
				`execution ${executionId} is still ${execution.status} after ${timeoutMs} ms`,
			);
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
}

async function until(
	what: string,
	check: () => boolean | Promise<boolean>,
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** The one worker that ran an execution, from the workers' own logs. */
function workerOf(executionId: string): string {
	const ran = cluster.ranOn(executionId);
	expect({ executionId, ranOn: ran, startedOn: cluster.startedOn(executionId) }).toEqual({
		executionId,
		ranOn: [expect.stringMatching(/^worker-\d$/)],
		startedOn: ran,
	});
	return ran[0];
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

beforeAll(async () => {
	const started = Date.now();
	emulator = await startEmulator({
		jobDelayMs: 300,
		jobTimers: {
			setTimeout: (action, ms) => setTimeout(action, ms * jobTime.scale),
			clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
		},
	});
	seedEmulator(emulator);
	emulator.objects.set('queue/short.png', textPng(['Short item', 'Queue mode']));
	emulator.objects.set('queue/long.png', textPng(['A long wait', 'On a worker']));
	samples = await startSampleServer();
	collector = await startCollector();
	cluster = await N8nCluster.create({
		// Bull's job lock and stall check made short enough to watch a worker's death here (defaults:
		// 60 s and 30 s). Not N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL (180 minutes): at 15 s, its check
		// marked 8 of 1,000 flood executions crashed while they were being queued, and the workers
		// then skipped them (README, Queue mode).
		env: {
			QUEUE_WORKER_LOCK_DURATION: '10000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
		},
		workerEnv: { N8N_GRACEFUL_SHUTDOWN_TIMEOUT: String(WORKER_DRAIN_SECONDS) },
	});
	const home = cluster.main.home;
	examples = await importExamples(home, emulator, samples, { n8nBase: cluster.webhookUrl });
	await home.importWorkflows([
		scanByWebhook(),
		waitingJob(),
		shortOcr(),
		floodWorkflow({
			...FLOOD,
			token: TOKEN,
			collectorUrl: collector.url,
			name: 'Queue mode: flood (bucket record)',
		}),
		floodWorkflow({
			...FLOOD_STATIC,
			token: TOKEN,
			collectorUrl: collector.url,
			name: 'Queue mode: flood (static data record)',
			triggerParameters: { deliveryRecord: 'staticData' },
		}),
	]);
	for (const id of ['tciJobCallback', 'tciQueueScanHook', FLOOD.id, FLOOD_STATIC.id])
		await home.publish(id);
	const up = Date.now();
	await cluster.startAll();
	await cluster.setupOwner();
	figures.processes = {
		main: 1,
		workers: cluster.workers.length,
		webhookProcessors: cluster.webhooks.length,
		taskRunnersOnePerProcess: cluster.processes.length,
		postgres: 1,
		redis: 1,
	};
	figures.versions = {
		n8n: home.install.n8nVersion,
		node: home.install.nodeVersion,
		postgres: cluster.postgres.version,
		redis: cluster.redis.version,
	};
	figures.setupSeconds = { total: seconds(started), startAllProcesses: seconds(up) };
}, 600_000);

afterAll(async () => {
	figures.balancedWebhookRequests = cluster?.balanced;
	const report = `queue-mode: ${JSON.stringify(figures)}\n`;
	process.stdout.write(report);
	mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
	writeFileSync(
		path.join(REPO_ROOT, 'test-artifacts/queue-mode.json'),
		`${JSON.stringify(figures, null, 2)}\n`,
	);
	await cluster?.dispose();
	await collector?.close();
	await samples?.close();
	await emulator?.close();
}, 120_000);

describe('the examples in queue mode', () => {
	it('run on the workers, never on main, with the results they give in one process', async () => {
		const manual = examples.filter((example) =>
			example.nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger'),
		);
		expect(manual.map((example) => example.id).sort()).toEqual([
			'tciCancelJob',
			'tciIdCardJob',
			'tciIdCardKyc',
			'tciJobWithCallback',
			'tciOcrBinaryFile',
			'tciOcrCosObject',
			'tciOcrFromUrl',
			'tciTemplateAndJob',
		]);
		// Jobs of 2 s, as in the one-process examples test: long enough for tciCancelJob to cancel its
		// job while it is still Submitted (it starts half-way).
		jobTime.scale = 2000 / 300;
		const runs = await (async () => {
			try {
				const ids = await Promise.all(manual.map(async (example) => await runManually(example.id)));
				return await Promise.all(ids.map(async (id) => await finished(id)));
			} finally {
				jobTime.scale = 1;
			}
		})();
		const byWorkflow = Object.fromEntries(runs.map((run, index) => [manual[index].id, run]));
		for (const run of runs)
			expect({
				workflow: run.workflowId,
				status: run.status,
				error: run.data.resultData.error?.message,
			}).toEqual({ workflow: run.workflowId, status: 'success', error: undefined });
		figures.examplesRanOn = Object.fromEntries(
			runs.map((run) => [run.workflowId, workerOf(run.id)]),
		);

		const binary = nodeItems(byWorkflow.tciOcrBinaryFile.data, 'Recognize Text');
		expect(binary).toEqual([
			expect.objectContaining({ text: SAMPLE_TEXT, fileName: 'sample.png' }),
		]);
		expect(nodeItems(byWorkflow.tciOcrFromUrl.data, 'Recognize Text')).toEqual([
			expect.objectContaining({ text: SAMPLE_TEXT }),
		]);
		expect(
			nodeItems(byWorkflow.tciOcrCosObject.data, 'Recognize Text').map((item) => item.text),
		).toEqual(SAMPLE_TEXT.split('\n'));
		expect(nodeItems(byWorkflow.tciTemplateAndJob.data, 'Submit OCR Job and Wait')).toEqual([
			expect.objectContaining({ state: 'Success', text: SAMPLE_TEXT, userData: 'n8n-example' }),
		]);
		expect(nodeItems(byWorkflow.tciIdCardJob.data, 'Submit ID Card Job')).toEqual([
			expect.objectContaining({ state: 'Success', cardType: 'IDCard' }),
		]);
		const [submittedToCancel] = nodeItems(byWorkflow.tciCancelJob.data, 'Submit OCR Job');
		expect(nodeItems(byWorkflow.tciCancelJob.data, 'Cancel Job')).toEqual([
			{
				jobId: submittedToCancel.jobId,
				cancelled: true,
				state: 'Cancel',
				reason: null,
				tag: 'ImageOCR',
			},
		]);
		expect(nodeItems(byWorkflow.tciIdCardKyc.data, 'Recognize ID Card')).toEqual([
			expect.objectContaining({
				fileName: 'id-card.png',
				fields: expect.objectContaining({ name: 'Zhang San' }),
			}),
		]);
		expect(nodeItems(byWorkflow.tciIdCardKyc.data, 'Accepted')).toEqual([
			expect.objectContaining({ decision: 'accepted' }),
		]);
		const [submitted] = nodeItems(byWorkflow.tciJobWithCallback.data, 'Submit OCR Job');

		// The job's callback goes to the balancer, a webhook processor runs the trigger, a worker the workflow.
		const trigger = await cluster.main.server!.waitForExecutions('tciJobCallback', 1, 60_000);
		expect(trigger).toHaveLength(1);
		expect(trigger[0]).toMatchObject({ status: 'success', mode: 'webhook' });
		expect(nodeItems(trigger[0].data, 'Job summary')).toEqual([
			{
				jobId: submitted.jobId,
				state: 'Success',
				objectKey: 'samples/sample.png',
				text: SAMPLE_TEXT,
				userData: 'n8n-callback-example',
			},
		]);
		figures.examplesRanOn = {
			...(figures.examplesRanOn as object),
			tciJobCallback: workerOf(trigger[0].id),
		};
		expect(Object.values(cluster.balanced).reduce((sum, count) => sum + count, 0)).toBe(1);
		expect(cluster.main.started.size).toBe(0);
	});
});

describe('what runs on main', () => {
	it('the credential test, the template picker and the editor', async () => {
		const main = cluster.main.server!;
		const tested = (await main.request('/rest/credentials/test', {
			method: 'POST',
			body: {
				credentials: {
					...EXAMPLE_CREDENTIAL,
					type: CREDENTIAL_TYPE,
					data: emulatorCredential(emulator).data,
				},
			},
		})) as { status: string };
		expect(tested).toMatchObject({ status: 'OK' });
		const picked = (await main.request('/rest/dynamic-node-parameters/resource-locator-results', {
			method: 'POST',
			body: {
				path: 'parameters.templateId',
				nodeTypeAndVersion: { name: NODE_TYPE, version: 1 },
				currentNodeParameters: {
					resource: 'job',
					operation: 'submitOcrJob',
					settingsFrom: 'template',
					templateId: { __rl: true, mode: 'list', value: '' },
				},
				methodName: 'searchTemplates',
				filter: 'n8n-example-',
				credentials: { [CREDENTIAL_TYPE]: EXAMPLE_CREDENTIAL },
			},
		})) as { results: Array<{ name: string; value: string }> };
		// The template the create-template example made (on a worker) is in the picker (on main).
		expect(picked.results).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ name: expect.stringMatching(/^n8n-example-\d+ \(t\w+\)$/) }),
			]),
		);
		const editor = await fetch(`${cluster.editorUrl}/`);
		expect(editor.status).toBe(200);
		expect(await editor.text()).toMatch(/<title>n8n/);
		expect(cluster.main.started.size).toBe(0);
	});
});

describe('a job that waits, on a worker', () => {
	/** Starts the waiting workflow with a job of `jobMs`, and waits until a worker runs it and the job exists. */
	async function startWait(
		jobMs: number,
	): Promise<{ id: string; worker: ClusterProcess; startedAt: number }> {
		const submittedBefore = emulator.stats.jobsSubmitted;
		jobTime.scale = jobMs / 300;
		try {
			const id = await runManually('tciQueueWait');
			await until(
				'the waiting job was submitted',
				() => emulator.stats.jobsSubmitted > submittedBefore,
				30_000,
			);
			await until(
				'a worker runs the waiting execution',
				() => cluster.startedOn(id).length === 1,
				30_000,
			);
			return {
				id,
				worker: cluster.processes.find((entry) => entry.name === cluster.startedOn(id)[0])!,
				startedAt: Date.now(),
			};
		} finally {
			jobTime.scale = 1;
		}
	}

	it('runs beside ten short executions on the same worker, and all of them are right', async () => {
		const other = cluster.workers[1];
		await other.stop();
		try {
			const long = await startWait(15_000);
			expect(long.worker.name).toBe(cluster.workers[0].name);
			const shortIds = await Promise.all(
				Array.from({ length: 10 }, async () => await runManually('tciQueueShort')),
			);
			const shorts = await Promise.all(shortIds.map(async (id) => await finished(id, 60_000)));
			const shortsDoneAt = Date.now();
			const waited = await finished(long.id, 120_000);
			for (const run of shorts) {
				expect(run.status).toBe('success');
				expect(nodeItems(run.data, 'Recognize Text')).toEqual([
					expect.objectContaining({ text: 'Short item\nQueue mode', objectKey: 'queue/short.png' }),
				]);
				expect(workerOf(run.id)).toBe(long.worker.name);
				expect(new Date(run.stoppedAt!).getTime()).toBeLessThan(
					new Date(waited.stoppedAt!).getTime(),
				);
			}
			expect(waited.status).toBe('success');
			expect(nodeItems(waited.data, 'Submit and Wait')).toEqual([
				expect.objectContaining({ state: 'Success', text: 'A long wait\nOn a worker' }),
			]);
			expect(workerOf(waited.id)).toBe(long.worker.name);
			figures.waitBesideShort = {
				shortExecutions: 10,
				allShortDoneSecondsAfterWaitStarted: (shortsDoneAt - long.startedAt) / 1000,
				waitSeconds:
					(new Date(waited.stoppedAt!).getTime() - new Date(waited.startedAt).getTime()) / 1000,
			};
		} finally {
			await cluster.startProcess(other);
		}
	});

	it('finishes within the drain window when its worker is stopped (SIGTERM) during the wait', async () => {
		const wait = await startWait(3_000);
		const stopped = Date.now();
		await wait.worker.stop((WORKER_DRAIN_SECONDS + 30) * 1000);
		const exitSeconds = seconds(stopped);
		const run = await finished(wait.id);
		expect(run.status).toBe('success');
		expect(nodeItems(run.data, 'Submit and Wait')).toEqual([
			expect.objectContaining({ state: 'Success', text: 'A long wait\nOn a worker' }),
		]);
		expect(cluster.ranOn(wait.id)).toEqual([wait.worker.name]);
		expect(exitSeconds).toBeLessThan(WORKER_DRAIN_SECONDS);
		figures.stopDuringShortWait = {
			worker: wait.worker.name,
			workerExitedAfterSeconds: exitSeconds,
			execution: run.status,
		};
		await cluster.startProcess(wait.worker);
	});

	it('ends with an error, not left running, when its worker is stopped for good during a longer wait; the job is not submitted again', async () => {
		const wait = await startWait(40_000);
		const jobsBefore = emulator.stats.jobsSubmitted;
		const stopped = Date.now();
		await wait.worker.stop((WORKER_DRAIN_SECONDS + 30) * 1000);
		const exitSeconds = seconds(stopped);
		expect(wait.worker.server!.output).toMatch(
			new RegExp(`Shutdown timed out after ${WORKER_DRAIN_SECONDS} seconds`),
		);
		expect((await cluster.main.server!.execution(wait.id)).status).toBe('running');
		const run = await finished(wait.id, 90_000);
		// n8n 2.41: main, which queued it and waits for the job, gets Bull's "job stalled" once the
		// dead worker's lock expires (another worker's stall check), and fails the execution with
		// MaxStalledCountError. (Nobody waiting: main's recovery check marks it crashed, at start
		// and every N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL.)
		const message = run.data.resultData.error?.message ?? '';
		expect({ status: run.status, message }).toEqual({
			status: 'error',
			message: expect.stringMatching(
				/^This execution failed to be processed too many times and will no longer retry/,
			),
		});
		expect(cluster.startedOn(wait.id)).toEqual([wait.worker.name]);
		// The job was submitted once and is not submitted again by another worker.
		expect(emulator.stats.jobsSubmitted).toBe(jobsBefore);
		figures.stopDuringLongWait = {
			worker: wait.worker.name,
			workerExitedAfterSeconds: exitSeconds,
			execution: run.status,
			error: message,
			endedAfterSeconds: seconds(stopped),
		};
		await cluster.startProcess(wait.worker);
	}, 240_000);
});

describe('callbacks over two webhook processors', () => {
	const sender = new CallbackSender(TOKEN);
	const urlAt = (processor: ClusterProcess, webhookId: string) =>
		`${processor.url}/webhook/${webhookId}/callback`;
	const [first, second] = [() => cluster.webhooks[0], () => cluster.webhooks[1]];

	/** Waits for a report of every job, then for late ones; if some never come, says what the database holds for them. */
	async function reportsFor(
		workflowId: string,
		jobIds: string[],
		timeoutMs: number,
	): Promise<string[]> {
		try {
			await collector.waitForJobs(jobIds, timeoutMs);
		} catch (error) {
			const reported = new Set(collector.reported);
			const missing = jobIds.filter((id) => !reported.has(id));
			const sql = (query: string) => cluster.postgres.sql(query).replace(/\n/g, ', ');
			const statuses = sql(
				`SELECT status || ' ' || count(*) FROM execution_entity WHERE "workflowId" = '${workflowId}' GROUP BY status`,
			);
			const found = missing.slice(0, 10).map((id) => {
				const executions = sql(
					`SELECT e.id || ' ' || e.status FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = '${workflowId}' AND d.data LIKE '%${id}%'`,
				);
				return `${id}: ${executions || 'no execution'}`;
			});
			throw new Error(
				`${(error as Error).message}; executions of ${workflowId} by status: ${statuses}; ${found.join('; ')}`,
			);
		}
		await collector.settle();
		return collector.reportsOf(jobIds);
	}

	it(`${FLOOD_JOBS} callbacks spread over both: each job runs exactly once`, async () => {
		const jobIds = await finishedJobs(emulator, FLOOD_JOBS);
		const started = Date.now();
		const answers = await inFlight(
			jobIds,
			IN_FLIGHT,
			async (id, index) =>
				await sender.send(urlAt(index % 2 ? second() : first(), FLOOD.webhookId), id),
		);
		const answeredSeconds = seconds(started);
		expect(tally(answers)).toEqual({ [ACCEPTED]: FLOOD_JOBS });
		const reported = await reportsFor(FLOOD.id, jobIds, 240_000);
		expect(reported).toHaveLength(FLOOD_JOBS);
		expect(new Set(reported)).toEqual(new Set(jobIds));
		figures.flood = {
			callbacks: FLOOD_JOBS,
			inFlight: IN_FLIGHT,
			answeredSeconds,
			allRanSeconds: seconds(started),
			serverErrorsRetried: { ...sender.retried },
		};

		// Every fourth job's callback again, at the processor that did not receive it.
		const replayedIds = jobIds
			.filter((_id, index) => index % 4 === 0 || index % 4 === 1)
			.slice(0, REPLAYS);
		const replayStarted = Date.now();
		const replayed = await inFlight(
			replayedIds,
			IN_FLIGHT,
			async (id) =>
				await sender.send(urlAt(jobIds.indexOf(id) % 2 ? first() : second(), FLOOD.webhookId), id),
		);
		const replaySeconds = seconds(replayStarted);
		expect(tally(replayed)).toEqual({ [IGNORED]: REPLAYS });
		await collector.settle();
		expect(collector.reportsOf(jobIds)).toHaveLength(FLOOD_JOBS);
		figures.crossProcessorReplays = {
			bucket: { replays: REPLAYS, executionsStarted: 0, seconds: replaySeconds },
		};
	}, 600_000);

	/** Each job's callback at both processors at the same moment, as a sender retrying elsewhere would. */
	async function atBothAtOnce(workflowId: string, webhookId: string, jobIds: string[]) {
		const pairs = await inFlight(
			jobIds,
			IN_FLIGHT / 2,
			async (id) =>
				await Promise.all(
					[first(), second()].map(
						async (processor) => await sender.send(urlAt(processor, webhookId), id),
					),
				),
		);
		return { answers: pairs.flat(), executions: await reportsFor(workflowId, jobIds, 120_000) };
	}

	/** Each job delivered once (alternating processors), then its callback replayed at the other processor. */
	async function replayedAtTheOther(workflowId: string, webhookId: string, jobIds: string[]) {
		await inFlight(
			jobIds,
			IN_FLIGHT,
			async (id, index) => await sender.send(urlAt(index % 2 ? second() : first(), webhookId), id),
		);
		const delivered = await reportsFor(workflowId, jobIds, 120_000);
		const answers = await inFlight(
			jobIds,
			IN_FLIGHT,
			async (id, index) => await sender.send(urlAt(index % 2 ? first() : second(), webhookId), id),
		);
		await collector.settle();
		return {
			delivered,
			answers,
			replayExecutions: collector.reportsOf(jobIds).length - delivered.length,
		};
	}

	const rate = (part: number, whole: number) => `${Math.round((part / whole) * 1000) / 10}%`;

	it(`Bucket record: ${MEASURED_JOBS} jobs, each delivered at both processors at once: one execution each`, async () => {
		const jobIds = await finishedJobs(emulator, MEASURED_JOBS);
		const { answers, executions } = await atBothAtOnce(FLOOD.id, FLOOD.webhookId, jobIds);
		expect(tally(answers)).toEqual({ [ACCEPTED]: MEASURED_JOBS, [IGNORED]: MEASURED_JOBS });
		expect(duplicates(executions)).toEqual({});
		expect(new Set(executions)).toEqual(new Set(jobIds));
		figures.simultaneousAtBoth = {
			bucket: {
				jobs: MEASURED_JOBS,
				executions: executions.length,
				duplicates: executions.length - MEASURED_JOBS,
			},
		};
	}, 300_000);

	it(`Workflow Static Data record, measured the same ways (${MEASURED_JOBS} jobs each): every job runs, the duplicates are reported`, async () => {
		const replayJobs = await finishedJobs(emulator, MEASURED_JOBS);
		const replayed = await replayedAtTheOther(FLOOD_STATIC.id, FLOOD_STATIC.webhookId, replayJobs);
		expect(replayed.delivered).toHaveLength(MEASURED_JOBS);
		expect(new Set(replayed.delivered)).toEqual(new Set(replayJobs));
		const atOnceJobs = await finishedJobs(emulator, MEASURED_JOBS);
		const atOnce = await atBothAtOnce(FLOOD_STATIC.id, FLOOD_STATIC.webhookId, atOnceJobs);
		expect(new Set(atOnce.executions)).toEqual(new Set(atOnceJobs));
		const measured = {
			replayedAtTheOtherProcessor: {
				jobs: MEASURED_JOBS,
				replays: MEASURED_JOBS,
				executionsStarted: replayed.replayExecutions,
				rate: rate(replayed.replayExecutions, MEASURED_JOBS),
			},
			deliveredAtBothAtOnce: {
				jobs: MEASURED_JOBS,
				executions: atOnce.executions.length,
				duplicates: atOnce.executions.length - MEASURED_JOBS,
				rate: rate(atOnce.executions.length - MEASURED_JOBS, MEASURED_JOBS),
			},
		};
		figures.crossProcessorReplays = {
			...(figures.crossProcessorReplays as object),
			staticData: measured.replayedAtTheOtherProcessor,
		};
		figures.simultaneousAtBoth = {
			...(figures.simultaneousAtBoth as object),
			staticData: measured.deliveredAtBothAtOnce,
		};
		process.stdout.write(
			`queue-mode: static-data record over two webhook processors: ${JSON.stringify(measured)}\n`,
		);
	}, 300_000);
});

describe('binary data', () => {
	async function scan(): Promise<{ answer: Record<string, unknown>; execution: Execution }> {
		const before = new Set(
			(await cluster.main.server!.executions('tciQueueScanHook')).map((execution) => execution.id),
		);
		const response = await fetch(`${cluster.webhookUrl}/webhook/tci-queue-scan`, {
			method: 'POST',
			headers: {
				'content-type': 'image/png',
				'content-disposition': 'attachment; filename="scan.png"',
			},
			body: readFileSync(path.join(REPO_ROOT, 'test/fixtures/sample.png')),
		});
		const answer = (await response.json()) as Record<string, unknown>;
		expect(response.status).toBe(200);
		const [summary] = (await cluster.main.server!.executions('tciQueueScanHook')).filter(
			(execution) => !before.has(execution.id),
		);
		return { answer, execution: await finished(summary.id) };
	}

	/** The binary data reference the webhook stored, as the execution record keeps it. */
	function storedBinary(execution: Execution): { id?: string; data?: string } {
		const runs = execution.data.resultData.runData['Scan received'];
		return (runs[0].data!.main![0]![0].binary!.data ?? {}) as { id?: string; data?: string };
	}

	const checkMode = async (mode: BinaryDataMode) => {
		if (cluster.binaryDataMode !== mode) {
			const restarted = Date.now();
			await cluster.switchBinaryDataMode(mode);
			figures[`restartAllSeconds(${mode})`] = seconds(restarted);
		}
		// Received by a webhook processor, stored there, read by the worker that recognizes it.
		const { answer, execution } = await scan();
		expect(answer).toMatchObject({ text: SAMPLE_TEXT, fileName: 'scan.png' });
		const ranOn = workerOf(execution.id);
		const stored = storedBinary(execution);
		if (mode === 'default')
			expect({ id: stored.id, inline: Boolean(stored.data && stored.data.length > 1000) }).toEqual({
				id: undefined,
				inline: true,
			});
		else expect(stored.id).toMatch(mode === 'database' ? /^database:/ : /^filesystem-v2:/);
		// Read from a file on the worker, uploaded, recognized, deleted.
		const binaryExample = await finished(await runManually('tciOcrBinaryFile'));
		expect(nodeItems(binaryExample.data, 'Recognize Text')).toEqual([
			expect.objectContaining({ text: SAMPLE_TEXT }),
		]);
		(figures.binaryModes as Record<string, unknown>)[mode] = {
			webhookBinary: stored.id?.split(':')[0] ?? 'inline',
			scanRanOn: ranOn,
			exampleRanOn: workerOf(binaryExample.id),
		};
	};
	figures.binaryModes = {};

	it('database (queue mode’s default): a file posted to a webhook processor is recognized on a worker', async () =>
		await checkMode('database'));

	it('filesystem, one folder all processes share: the same', async () => {
		await checkMode('filesystem');
		expect(readdirSync(cluster.binaryDataDir).length).toBeGreaterThan(0);
	}, 240_000);

	it(
		'default (in memory, deprecated): the same, the file travelling inside the execution record',
		async () => await checkMode('default'),
		240_000,
	);

	it('s3 needs a licence: a worker refuses to start with it, naming the setting', async () => {
		const spare = cluster.workers[1];
		await spare.stop();
		await expect(
			spare.home.start({
				command: 'worker',
				env: {
					N8N_DEFAULT_BINARY_DATA_MODE: 's3',
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(spare.home.port),
				},
			}),
		).rejects.toThrow(
			/S3 binary data storage requires a valid license\. Either set `N8N_DEFAULT_BINARY_DATA_MODE` to something else/,
		);
	}, 120_000);
});
