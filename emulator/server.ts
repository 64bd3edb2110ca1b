import { constants as bufferConstants } from 'buffer';
import { setMaxListeners } from 'events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo, Server as NetServer, Socket } from 'net';

import { verifyRequest } from './auth';
import { callbackBody, deliverCallback } from './callbacks';
import { handleCos, type ObjectStore } from './cos';
import { ServiceError } from './errors';
import { MAX_BASE64_CHARS } from './formats';
import {
	errorAnswer,
	newRequestId,
	parseTarget,
	readBody,
	send,
	type Answer,
	type EmulatorRequest,
} from './http';
import type { Job } from './job';
import { Jobs } from './jobs';
import { pause } from './loopback';
import { OcrEngine } from './ocr';
import { Templates } from './templates';
import { dualServer } from './tls';
import type { EmulatorOptions, EmulatorStats, Faults, RequestRecord, Service } from './types';
import { BadXml, UnknownElement } from './xml';

export const DEFAULTS: Required<EmulatorOptions> = {
	cosPort: 0,
	ciPort: 0,
	secretId: 'AKIDEMULATOR0000000000000000000000000',
	secretKey: 'emulator-secret-key-0000000000000000',
	sessionToken: '',
	bucket: 'examplebucket-1250000000',
	region: 'ap-guangzhou',
	jobDelayMs: 500,
	engine: 'auto',
	verbose: false,
	lastPage: 'none',
	jobTimers: {
		setTimeout: (action, ms) => setTimeout(action, ms),
		clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
	},
};

/**
 * What a request body may hold. COS: an object of at most 5 GB in one PUT (the COS PUT Object
 * page), capped at the largest Buffer this Node can hold; the ID-card upload form: the image's
 * 7M-after-Base64 limit. CI: the template and job bodies are small XML and no limit is
 * documented, so 64 KiB (the emulator's number) answered with the CI table's 413 InvalidContent.
 */
function bodyLimit(
	service: Service,
	method: string,
	query: Record<string, string>,
): { bytes: number; error: () => ServiceError } {
	if (service === 'ci')
		return {
			bytes: 64 * 1024,
			error: () =>
				new ServiceError(
					413,
					'InvalidContent',
					'The request body is larger than the 64 KiB the emulator takes on the CI host (发送的包体过大).',
				),
		};
	if (method === 'PUT' && query['ci-process'] === 'IDCardOCR') {
		return {
			bytes: (MAX_BASE64_CHARS / 4) * 3,
			error: () =>
				new ServiceError(
					400,
					'LimitExceeded.TooLargeFileError',
					'文件内容太大: the image is more than 7M in Base64.',
					{},
					'ci',
				),
		};
	}
	if (method === 'PUT') {
		const bytes = Math.min(5 * 1024 ** 3, bufferConstants.MAX_LENGTH);
		return {
			bytes,
			error: () =>
				new ServiceError(
					400,
					'EntityTooLarge',
					`The object is larger than ${bytes} bytes (one PUT takes at most 5 GB).`,
				),
		};
	}
	return {
		bytes: 64 * 1024,
		error: () =>
			new ServiceError(
				400,
				'EntityTooLarge',
				'A request body of more than 64 KiB is not taken here.',
			),
	};
}

function emptyStats(): EmulatorStats {
	return {
		requests: 0,
		jobsSubmitted: 0,
		templatesCreated: 0,
		callbacksSent: 0,
		callbacksFailed: 0,
		maxConcurrentRequests: 0,
	};
}

/** A seeded sequence in [0, 1), so that an error rate fails the same requests on every run. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

export class Emulator implements ObjectStore {
	readonly options: Required<EmulatorOptions>;
	readonly objects = new Map<string, Buffer>();
	readonly contentTypes = new Map<string, string>();
	readonly requests: RequestRecord[] = [];
	/** TDMQ callbacks, recorded instead of sent: the body is in the job's CallBackFormat. */
	readonly mqMessages: Array<{
		jobId: string;
		config: unknown;
		format: 'JSON' | 'XML';
		body: string;
	}> = [];
	stats: EmulatorStats = emptyStats();
	cosUrl = '';
	/** https: the CI host speaks TLS only (emulator/README.md). */
	ciUrl = '';
	/** The same port in plain http: every request is refused with 301 PermanentRedirect. */
	ciHttpUrl = '';
	readonly templates: Templates;
	readonly jobs: Jobs;
	private faults: Faults = {};
	private random = seededRandom(1);
	private inFlight = 0;
	private readonly engine: OcrEngine;
	private readonly servers: Server[] = [];
	private readonly fronts: NetServer[] = [];
	private readonly ciSockets: Set<Socket>[] = [];
	/**
	 * Aborted by close(): ends latency waits, detect-url downloads and callbacks in flight. Each of
	 * those listens while it lasts, so there may be many at once (no listener limit).
	 */
	private readonly shutdown = (() => {
		const controller = new AbortController();
		setMaxListeners(0, controller.signal);
		return controller;
	})();

	constructor(options: EmulatorOptions = {}) {
		this.options = {
			...DEFAULTS,
			...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
		};
		this.engine = new OcrEngine(this.options.engine);
		this.templates = new Templates(this.options.bucket, () => this.stats.templatesCreated++);
		this.jobs = new Jobs(
			{
				bucket: this.options.bucket,
				region: this.options.region,
				cosUrl: () => this.cosUrl,
				jobDelayMs: this.options.jobDelayMs,
				timers: this.options.jobTimers,
				lastPage: this.options.lastPage,
				failJobs: () => this.faults.failJobs === true,
				onSubmit: () => this.stats.jobsSubmitted++,
				onFinish: (job) => void this.jobFinished(job),
			},
			this.templates,
			this,
			this.engine,
		);
	}

	async start(): Promise<this> {
		this.cosUrl = await this.listen('cos', this.options.cosPort);
		const port = await this.listenCi(this.options.ciPort);
		this.ciUrl = `https://127.0.0.1:${port}`;
		this.ciHttpUrl = `http://127.0.0.1:${port}`;
		return this;
	}

	setFaults(faults: Partial<Faults>): void {
		this.faults = { ...faults };
		this.random = seededRandom(1);
	}

	clearFaults(): void {
		this.setFaults({});
	}

	/** Forgets objects, templates, jobs, logs, stats and faults. */
	reset(): void {
		this.objects.clear();
		this.contentTypes.clear();
		this.templates.byId.clear();
		this.jobs.clear();
		this.requests.length = 0;
		this.mqMessages.length = 0;
		this.stats = emptyStats();
		this.clearFaults();
	}

	async close(): Promise<void> {
		this.shutdown.abort();
		this.jobs.clear();
		for (const sockets of this.ciSockets) for (const socket of sockets) socket.destroy();
		await Promise.all([
			...this.fronts.map((front) => new Promise<void>((resolve) => front.close(() => resolve()))),
			...this.servers.map(
				(server) =>
					new Promise<void>((resolve) => {
						if (server.listening) server.close(() => resolve());
						else resolve();
						server.closeAllConnections();
					}),
			),
		]);
		await this.engine.close();
	}

	/** Per-request lines, with --verbose only. */
	private log(line: string): void {
		if (this.options.verbose) process.stderr.write(`emulator: ${line}\n`);
	}

	/** Callback failures and internal errors: always on stderr. */
	private warn(line: string): void {
		process.stderr.write(`emulator: ${line}\n`);
	}

	private serverNowSeconds(): number {
		return Date.now() / 1000 + (this.faults.clockOffsetSeconds ?? 0);
	}

	private listen(service: Service, port: number): Promise<string> {
		const server = createServer((request, response) => void this.serve(service, request, response));
		server.keepAliveTimeout = 1000;
		this.servers.push(server);
		return new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () =>
				resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
			);
		});
	}

	/** The CI port: TLS for the API, plain http answered with the refusal (emulator/tls.ts). */
	private listenCi(port: number): Promise<number> {
		const { front, servers, sockets } = dualServer(
			(request, response) => void this.serve('ci', request, response),
			(request, response) => this.refusePlainHttp(request, response),
		);
		for (const server of servers) server.keepAliveTimeout = 1000;
		this.servers.push(...servers);
		this.fronts.push(front);
		this.ciSockets.push(sockets);
		return new Promise((resolve, reject) => {
			front.once('error', reject);
			front.listen(port, '127.0.0.1', () => resolve((front.address() as AddressInfo).port));
		});
	}

	/**
	 * Plain http to the CI host. The corpus documents no such answer; the one permanent redirect
	 * the CI error table documents is 301 PermanentRedirect, "请利用 HTTP Location 响应头部来重定向到正确的新位置"
	 * (errors/error-codes.json). PROTOCOL.md's 308 has no source in the corpus.
	 */
	private refusePlainHttp(incoming: IncomingMessage, response: ServerResponse): void {
		const requestId = newRequestId();
		const target = incoming.url ?? '/';
		const path = target.split('?')[0];
		this.requests.push({
			service: 'ci',
			method: incoming.method ?? 'GET',
			path,
			query: {},
			status: 301,
		});
		this.stats.requests++;
		const error = new ServiceError(
			301,
			'PermanentRedirect',
			'The CI host takes https only: send the request to the Location.',
		);
		const answer = errorAnswer(error, { service: 'ci', pathname: path, requestId });
		const host = incoming.headers.host ?? response.req.socket.localAddress ?? '127.0.0.1';
		this.log(`ci ${incoming.method} ${path} over plain http -> 301`);
		response.shouldKeepAlive = false;
		send(
			response,
			{
				...answer,
				headers: { ...answer.headers, location: `https://${host}${target}`, connection: 'close' },
			},
			this.commonHeaders('ci', requestId),
		);
	}

	private commonHeaders(ids: Service, requestId: string): Record<string, string> {
		return {
			date: new Date(this.serverNowSeconds() * 1000).toUTCString(),
			server: 'tencent-ci-emulator',
			[`x-${ids}-request-id`]: requestId,
		};
	}

	private matches(request: EmulatorRequest): boolean {
		const match = this.faults.match;
		if (!match) return true;
		return (
			(!match.service || match.service === request.service) &&
			(!match.method || match.method.toUpperCase() === request.method) &&
			(!match.path || request.pathname.startsWith(match.path))
		);
	}

	/** Takes one from a counted fault; true when this request is hit. */
	private take(name: 'errorCount' | 'resetCount' | 'truncateCount'): boolean {
		const left = this.faults[name] ?? 0;
		if (left <= 0) return false;
		this.faults[name] = left - 1;
		return true;
	}

	private async serve(
		service: Service,
		incoming: IncomingMessage,
		response: ServerResponse,
	): Promise<void> {
		this.inFlight++;
		this.stats.maxConcurrentRequests = Math.max(this.stats.maxConcurrentRequests, this.inFlight);
		response.on('close', () => this.inFlight--);
		const requestId = newRequestId();
		let request: EmulatorRequest = {
			service,
			method: incoming.method ?? 'GET',
			pathname: '/',
			query: {},
			headers: incoming.headers,
			body: Buffer.alloc(0),
			requestId,
		};
		const record: RequestRecord = {
			service,
			method: request.method,
			path: '/',
			query: {},
			status: 0,
		};
		let answer: Answer;
		let truncate = false;
		try {
			const target = parseTarget(incoming.url ?? '/');
			request = { ...request, ...target };
			Object.assign(record, { path: target.pathname, query: target.query });
			this.requests.push(record);
			this.stats.requests++;
			request.body = await readBody(incoming, bodyLimit(service, request.method, target.query));
			const hit = this.matches(request);
			if (hit && this.faults.latencyMs) await pause(this.faults.latencyMs, this.shutdown.signal);
			if (this.shutdown.signal.aborted) {
				incoming.socket.destroy();
				return;
			}
			const reset = hit && this.take('resetCount');
			if (reset && this.faults.resetMode !== 'after') {
				record.status = -1;
				incoming.socket.destroy();
				return;
			}
			const injected =
				hit && (this.take('errorCount') || (this.faults.errorRate ?? 0) > this.random());
			if (injected) {
				const code = this.faults.errorCode ?? 'SlowDown';
				// errors/ci-slow-down.xml: SlowDown is 429 on the CI host, 503 on COS.
				const status =
					this.faults.errorStatus ?? (code === 'SlowDown' && service === 'ci' ? 429 : 503);
				throw new ServiceError(status, code, 'Injected fault: please reduce your request rate.');
			}
			verifyRequest(request, {
				secretId: this.options.secretId,
				secretKey: this.options.secretKey,
				sessionToken: this.options.sessionToken || undefined,
				tokenExpired: this.faults.tokenExpired === true,
				serverNowSeconds: this.serverNowSeconds(),
			});
			answer = await this.route(request);
			if (reset) {
				record.status = -1;
				incoming.socket.destroy();
				return;
			}
			truncate = hit && this.take('truncateCount');
		} catch (error) {
			answer = errorAnswer(this.asServiceError(error, service), request);
		}
		if (truncate && (answer.body === undefined || answer.body.length === 0)) {
			// Half of nothing is a complete answer: an empty body is cut by dropping the connection.
			record.status = -1;
			incoming.socket.destroy();
			return;
		}
		record.status = answer.status;
		this.log(`${service} ${request.method} ${request.pathname} -> ${answer.status}`);
		send(response, answer, this.commonHeaders(answer.ids ?? service, requestId), truncate);
	}

	/** Codes of the table of the host that answers (errors/SILENT.md): COS codes on COS, CI codes on CI. */
	private asServiceError(error: unknown, service: Service): ServiceError {
		if (error instanceof ServiceError) return error;
		const ci = service === 'ci';
		if (error instanceof BadXml)
			return ci
				? new ServiceError(400, 'InvalidContent', error.message)
				: new ServiceError(400, 'MalformedXML', error.message);
		if (error instanceof UnknownElement)
			return new ServiceError(400, 'InvalidArgument', error.message);
		if (error instanceof URIError) {
			const message = 'The request path or query is not valid percent-encoding.';
			return ci
				? new ServiceError(404, 'InvalidUrl', message)
				: new ServiceError(400, 'InvalidURI', message);
		}
		this.warn(`internal error: ${(error as Error).stack ?? String(error)}`);
		return new ServiceError(
			500,
			'InternalError',
			'We encountered an internal error. Please try again.',
		);
	}

	private async route(request: EmulatorRequest): Promise<Answer> {
		if (request.service === 'cos')
			return await handleCos(request, this, this.engine, this.shutdown.signal);
		if (request.pathname === '/template' || request.pathname.startsWith('/template/'))
			return this.templates.handle(request);
		if (request.pathname === '/jobs' || request.pathname.startsWith('/jobs/'))
			return await this.jobs.handle(request);
		throw new ServiceError(
			404,
			'InvalidUrl',
			`${request.method} ${request.pathname} is not an API of this emulator.`,
		);
	}

	private async jobFinished(job: Job): Promise<void> {
		if (job.callback?.type === 'TDMQ') {
			this.mqMessages.push({
				jobId: job.id,
				config: job.callback.mq,
				format: job.callback.format,
				body: callbackBody(job).body,
			});
			return;
		}
		if (!job.callback?.url) return;
		const delivered = await deliverCallback(job, (line) => this.warn(line), this.shutdown.signal);
		if (this.shutdown.signal.aborted) return;
		if (delivered) this.stats.callbacksSent++;
		else this.stats.callbacksFailed++;
	}
}
