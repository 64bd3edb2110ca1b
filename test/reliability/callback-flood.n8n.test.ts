/**
 * The callback trigger in a running n8n (`n8n start`, loopback only) under 1,000 concurrent
 * callbacks for 1,000 real jobs: every callback is answered, each job starts exactly one
 * execution (the workflow reports each job it ran to a collector in this test), and replays of
 * them afterwards — a quarter of them, all at once, as a retrying sender would — start nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { XMLBuilder } from 'fast-xml-parser';

import { startEmulator, type Emulator } from '../../emulator';
import { send, xml } from '../emulator/client';
import { emulatorCredential } from '../helpers/real-n8n/examples';
import { CREDENTIAL_TYPE, N8nHome, TRIGGER_TYPE, type N8nServer } from '../helpers/real-n8n/instance';
import { textPng } from '../helpers/images';

jest.setTimeout(300_000);

const JOBS = 1000;
const WORKFLOW_ID = 'tciCallbackFlood';
const WEBHOOK_ID = '0d7c1e2a-6b5f-4c3d-9e8a-7f6b5a4c3d2e';
const TOKEN = 'flood-test-token';

let emulator: Emulator;
let home: N8nHome;
let server: N8nServer;
let collector: Server;
const reported: string[] = [];

async function startCollector(): Promise<string> {
	collector = createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			reported.push(String((JSON.parse(body) as { jobId: string }).jobId));
			response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
		});
	});
	await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
}

function floodWorkflow(collectorUrl: string) {
	return {
		id: WORKFLOW_ID,
		name: 'Callback flood',
		active: false,
		nodes: [
			{
				id: 'f1',
				name: 'When a job finishes',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				parameters: { secretToken: TOKEN, confirm: true, options: {} },
				credentials: { [CREDENTIAL_TYPE]: { id: 'tciEmulatorCred', name: 'Tencent Cloud Infinite (local emulator)' } },
			},
			{
				id: 'f2',
				name: 'Report',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				parameters: {
					method: 'POST',
					url: `${collectorUrl}/seen`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ jobId: $json.jobId }) }}',
					options: {},
				},
			},
		],
		connections: { 'When a job finishes': { main: [[{ node: 'Report', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

async function submitJobs(count: number): Promise<string[]> {
	emulator.objects.set('flood.png', textPng('flood'));
	const body = new XMLBuilder({}).build({
		Request: { Tag: 'ImageOCR', Input: { Object: 'flood.png' }, Operation: { ImageOCR: { Type: 'general' } }, CallBack: 'no' },
	}) as string;
	const ids: string[] = [];
	for (let start = 0; start < count; start += 50) {
		const batch = await Promise.all(Array.from({ length: Math.min(50, count - start) }, async () => await send(emulator, 'ci', 'POST', 'jobs', { body })));
		ids.push(...batch.map((reply) => String(xml(reply).JobsDetail[0].JobId)));
	}
	const deadline = Date.now() + 60_000;
	while (ids.some((id) => emulator.jobs.byId.get(id)?.state !== 'Success')) {
		if (Date.now() > deadline) throw new Error('the emulator’s jobs did not finish');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return ids;
}

/**
 * n8n itself (not the trigger) answers 503 "Database is not ready!" while its database health
 * ping is timing out, which SQLite's pool of 3 connections can do for a few seconds under this
 * load; nothing has run then. The test sends like a sender that retries 5xx, and counts them.
 */
const N8N_BUSY = JSON.stringify({ code: 503, message: 'Database is not ready!' });
let busyAnswers = 0;

async function callback(jobId: string): Promise<{ status: number; body: unknown }> {
	const giveUpAt = Date.now() + 180_000;
	for (let attempt = 1; ; attempt++) {
		const response = await fetch(`${server.url}/webhook/${WEBHOOK_ID}/callback?token=${TOKEN}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ EventName: 'TaskFinish', JobsDetail: [{ JobId: jobId, State: 'Success', Tag: 'ImageOCR' }] }),
			signal: AbortSignal.timeout(240_000),
		});
		const answer = { status: response.status, body: (await response.json()) as unknown };
		if (answer.status !== 503 || JSON.stringify(answer.body) !== N8N_BUSY || Date.now() > giveUpAt) return answer;
		busyAnswers++;
		const backoff = Math.min(250 * 2 ** (attempt - 1), 4000);
		await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)));
	}
}

async function waitForReports(count: number, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (reported.length < count) {
		if (Date.now() > deadline) throw new Error(`${reported.length} of ${count} executions reported within ${timeoutMs} ms:\n${server.output.slice(-3000)}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

beforeAll(async () => {
	emulator = await startEmulator({ jobDelayMs: 50, engine: 'text' });
	const collectorUrl = await startCollector();
	home = await N8nHome.create({ name: 'flood' });
	await home.importCredentials([emulatorCredential(emulator)]);
	await home.importWorkflows([floodWorkflow(collectorUrl)]);
	await home.publish(WORKFLOW_ID);
	server = await home.start();
}, 300_000);

afterAll(async () => {
	await home?.dispose();
	await emulator?.close();
	await new Promise((resolve) => collector?.close(resolve));
});

describe('1,000 concurrent callbacks against a running n8n', () => {
	let jobIds: string[] = [];

	it('answers every one, and runs the workflow exactly once per job', async () => {
		jobIds = await submitJobs(JOBS);
		const answers = await Promise.all(jobIds.map(async (id) => await callback(id)));
		const byAnswer = new Map<string, number>();
		for (const answer of answers) {
			const key = JSON.stringify(answer);
			byAnswer.set(key, (byAnswer.get(key) ?? 0) + 1);
		}
		expect(Object.fromEntries(byAnswer)).toEqual({ [JSON.stringify({ status: 200, body: { status: 'accepted', jobs: 1 } })]: JOBS });
		if (busyAnswers > 0) process.stdout.write(`n8n answered ${busyAnswers} callbacks with 503 "Database is not ready!" first; each was accepted on a retry\n`);

		await waitForReports(JOBS, 180_000);
		// A little longer, so that a duplicate execution would have time to report too.
		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(reported).toHaveLength(JOBS);
		expect(new Set(reported)).toEqual(new Set(jobIds));
	});

	it('starts nothing when they are sent again at once (every fourth job)', async () => {
		if (jobIds.length !== JOBS) throw new Error('the flood above did not run');
		const replayed = jobIds.filter((_id, index) => index % 4 === 0);
		const answers = await Promise.all(replayed.map(async (id) => await callback(id)));
		const ignored = answers.filter((answer) => JSON.stringify(answer) === JSON.stringify({ status: 200, body: { status: 'ignored', reason: 'already received' } }));
		expect(ignored).toHaveLength(replayed.length);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(reported).toHaveLength(JOBS);
	});
});
