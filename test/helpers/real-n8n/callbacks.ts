/**
 * Callback floods against the trigger in a running n8n (one process or several webhook
 * processors): finished jobs in the emulator, a workflow that reports each job it runs to a
 * collector on loopback, and a sender that posts callbacks and retries server errors.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Emulator } from '../../../emulator';
import { finishedOcrJobs } from '../../emulator/client';
import { EXAMPLE_CREDENTIAL } from './examples';
import { CREDENTIAL_TYPE, TRIGGER_TYPE } from './instance';

export interface Collector {
	url: string;
	/** Job IDs reported by executions, in arrival order (a job twice: it ran twice). */
	reported: string[];
	/** The reports of these jobs, in arrival order. */
	reportsOf(jobIds: string[]): string[];
	/** Waits until each of these jobs was reported at least once (bounded); the error names how many are missing. */
	waitForJobs(jobIds: string[], timeoutMs: number): Promise<void>;
	/** Waits until no report has arrived for `quietMs` (at most `maxMs`), so that late duplicates are in. */
	settle(quietMs?: number, maxMs?: number): Promise<void>;
	close(): Promise<void>;
}

export async function startCollector(): Promise<Collector> {
	const reported: string[] = [];
	let lastReportAt = Date.now();
	const server: Server = createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			reported.push(String((JSON.parse(body) as { jobId: string }).jobId));
			lastReportAt = Date.now();
			response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const reportsOf = (jobIds: string[]) => {
		const wanted = new Set(jobIds);
		return reported.filter((id) => wanted.has(id));
	};
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		reported,
		reportsOf,
		async waitForJobs(jobIds, timeoutMs) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const seen = new Set(reportsOf(jobIds));
				if (seen.size === new Set(jobIds).size) return;
				if (Date.now() > deadline)
					throw new Error(`${seen.size} of ${jobIds.length} jobs reported within ${timeoutMs} ms`);
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		},
		async settle(quietMs = 3000, maxMs = 60_000) {
			const deadline = Date.now() + maxMs;
			while (Date.now() - lastReportAt < quietMs && Date.now() < deadline)
				await new Promise((resolve) => setTimeout(resolve, 200));
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/** How many times each job was reported, for those reported more than once. */
export function duplicates(reported: string[]): Record<string, number> {
	const counts = new Map<string, number>();
	for (const id of reported) counts.set(id, (counts.get(id) ?? 0) + 1);
	return Object.fromEntries([...counts].filter(([, count]) => count > 1));
}

/** A published trigger (the examples' credential) whose workflow reports each job to the collector. */
export function floodWorkflow(options: {
	id: string;
	webhookId: string;
	token: string;
	collectorUrl: string;
	name?: string;
	triggerParameters?: Record<string, unknown>;
}) {
	return {
		id: options.id,
		name: options.name ?? 'Callback flood',
		active: false,
		nodes: [
			{
				id: `${options.id}-trigger`,
				name: 'When a job finishes',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: options.webhookId,
				parameters: {
					secretToken: options.token,
					confirm: true,
					options: {},
					...options.triggerParameters,
				},
				credentials: { [CREDENTIAL_TYPE]: EXAMPLE_CREDENTIAL },
			},
			{
				id: `${options.id}-report`,
				name: 'Report',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				// A collector slow to answer on a loaded machine must not lose a report.
				retryOnFail: true,
				maxTries: 5,
				waitBetweenTries: 1000,
				parameters: {
					method: 'POST',
					url: `${options.collectorUrl}/seen`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ jobId: $json.jobId }) }}',
					options: {},
				},
			},
		],
		connections: {
			'When a job finishes': { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Submits `count` OCR jobs (no callback of their own) and waits until they all succeeded. */
export async function finishedJobs(emulator: Emulator, count: number): Promise<string[]> {
	return await finishedOcrJobs(emulator, count, { text: 'flood' });
}

export interface CallbackAnswer {
	status: number;
	body: unknown;
}

/**
 * Posts callbacks for finished jobs like a sender that retries server errors (bounded, with
 * backoff): n8n's own 503 "Database is not ready!" and 500s from its database pool come before the
 * trigger runs, and the trigger answers 502 when it could not confirm or record a job, so nothing
 * started in any of them. Each retried answer is counted, to be reported.
 */
export class CallbackSender {
	/** `status message` → how many times it was answered and retried. */
	readonly retried: Record<string, number> = {};

	constructor(private readonly token: string) {}

	get retriedCount(): number {
		return Object.values(this.retried).reduce((sum, count) => sum + count, 0);
	}

	async send(webhookUrl: string, jobId: string): Promise<CallbackAnswer> {
		const giveUpAt = Date.now() + 180_000;
		for (let attempt = 1; ; attempt++) {
			const response = await fetch(`${webhookUrl}?token=${this.token}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					EventName: 'TaskFinish',
					JobsDetail: [{ JobId: jobId, State: 'Success', Tag: 'ImageOCR' }],
				}),
				signal: AbortSignal.timeout(240_000),
			});
			const text = await response.text();
			let body: unknown = text;
			try {
				body = JSON.parse(text);
			} catch {
				// kept as text
			}
			const answer = { status: response.status, body };
			if (answer.status < 500 || Date.now() > giveUpAt) return answer;
			const message =
				typeof body === 'object' && body
					? String(
							(body as { message?: unknown; reason?: unknown }).message ??
								(body as { reason?: unknown }).reason ??
								'',
						)
					: text.slice(0, 100);
			const kind = `${answer.status} ${message}`;
			this.retried[kind] = (this.retried[kind] ?? 0) + 1;
			const backoff = Math.min(250 * 2 ** (attempt - 1), 4000);
			await new Promise((resolve) =>
				setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)),
			);
		}
	}
}

/** Maps `items` with at most `limit` calls of `task` in flight (in order of the items). */
export async function inFlight<T, R>(
	items: T[],
	limit: number,
	task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results: R[] = new Array<R>(items.length);
	let next = 0;
	const lane = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await task(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
	return results;
}

/** `{ answer JSON: count }` of a set of answers, to compare with what is expected in one go. */
export function tally(answers: CallbackAnswer[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const answer of answers)
		counts[JSON.stringify(answer)] = (counts[JSON.stringify(answer)] ?? 0) + 1;
	return counts;
}

export const ACCEPTED = JSON.stringify({ status: 200, body: { status: 'accepted', jobs: 1 } });
export const IGNORED = JSON.stringify({
	status: 200,
	body: { status: 'ignored', reason: 'already received' },
});
