/**
 * n8n in queue mode on loopback, as a scaled deployment runs it: PostgreSQL as the database, Redis
 * (Bull) between the processes, one main instance (editor, REST API, manual executions queued for
 * the workers), workers that run every execution, and webhook processors that receive production
 * webhooks, behind a small balancer that spreads `/webhook/` requests over them (everything else
 * goes to main), as n8n's queue-mode guide lays out a load balancer.
 *
 * Every process has its own user folder with the package installed (as Community Nodes installs
 * it); they share the encryption key, the database and Redis. Each process's log is read as it
 * comes, so a test can tell which process started and finished each execution.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

import {
	DEFAULT_OWNER,
	freePort,
	N8nHome,
	type N8nCommand,
	type N8nServer,
	type Owner,
} from './instance';
import { track } from './registry';
import {
	ensureServiceBinaries,
	startPostgres,
	startRedis,
	type Postgres,
	type Redis,
	type ServiceBinaries,
} from './services';

/** n8n 2.41's binary data modes that run without a licence: `database` (queue mode's default), `filesystem` (one folder every process reads), `default` (in memory, deprecated). */
export type BinaryDataMode = 'database' | 'filesystem' | 'default';

export interface ClusterOptions {
	workers?: number;
	webhooks?: number;
	binaryDataMode?: BinaryDataMode;
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
	/** Extra environment for the workers only. */
	workerEnv?: Record<string, string>;
	/** Preferred ports (used when free). */
	mainPort?: number;
	balancerPort?: number;
	/** Called with each process's output, line by line. */
	onLine?: (process: string, line: string) => void;
}

/** One n8n process of the cluster: its name (main, worker-1, webhook-2, ...), folder and running server. */
export class ClusterProcess {
	server?: N8nServer;
	/** Execution ids this process's log says it started / finished running (a worker's "Worker started execution N"). */
	readonly started = new Set<string>();
	readonly finished = new Set<string>();
	private pending = '';

	constructor(
		readonly name: string,
		readonly command: N8nCommand,
		readonly home: N8nHome,
		private readonly onLine?: (process: string, line: string) => void,
	) {}

	get url(): string {
		return this.home.url;
	}

	get running(): boolean {
		return Boolean(
			this.server &&
				this.server.process.exitCode === null &&
				this.server.process.signalCode === null,
		);
	}

	/** Reads the log line by line for the execution ids this process ran. */
	read(chunk: string): void {
		const lines = (this.pending + chunk).split('\n');
		this.pending = lines.pop() ?? '';
		for (const line of lines) {
			const started = /Worker started execution (\d+)/.exec(line);
			if (started) this.started.add(started[1]);
			const finished = /Worker finished execution (\d+)/.exec(line);
			if (finished) this.finished.add(finished[1]);
			this.onLine?.(this.name, line);
		}
	}

	async start(env: Record<string, string> = {}): Promise<N8nServer> {
		if (this.running) throw new Error(`${this.name} is already running`);
		this.server = await this.home.start({
			command: this.command,
			env,
			onOutput: (chunk) => this.read(chunk),
		});
		return this.server;
	}

	/** SIGTERM (n8n's graceful shutdown), SIGKILL after `graceMs`. */
	async stop(graceMs?: number): Promise<void> {
		await this.server?.stop(graceMs);
	}
}

export class N8nCluster {
	readonly main: ClusterProcess;
	readonly workers: ClusterProcess[];
	readonly webhooks: ClusterProcess[];
	binaryDataMode: BinaryDataMode;
	private balancer?: Server;
	private balancerPort = 0;
	private nextWebhook = 0;
	/** Requests the balancer sent to each webhook processor, by name. */
	readonly balanced: Record<string, number> = {};

	private readonly workerEnv: Record<string, string>;

	private constructor(
		readonly encryptionKey: string,
		readonly binaries: ServiceBinaries,
		readonly postgres: Postgres,
		readonly redis: Redis,
		/** The folder all processes keep binary data in, in `filesystem` mode. */
		readonly binaryDataDir: string,
		private readonly untrackBinaryDir: () => void,
		processes: ClusterProcess[],
		options: ClusterOptions,
	) {
		this.main = processes[0];
		this.workers = processes.filter((entry) => entry.command === 'worker');
		this.webhooks = processes.filter((entry) => entry.command === 'webhook');
		this.binaryDataMode = options.binaryDataMode ?? 'database';
		this.workerEnv = options.workerEnv ?? {};
	}

	get processes(): ClusterProcess[] {
		return [this.main, ...this.workers, ...this.webhooks];
	}

	/** The folder every process's Read/Write Files node may read (main's files folder; holds `sample.png`). */
	get filesDir(): string {
		return this.main.home.filesDir;
	}

	/** The editor and REST API (main). */
	get editorUrl(): string {
		return this.main.url;
	}

	/** Where production webhooks are sent: the balancer in front of the webhook processors. */
	get webhookUrl(): string {
		return `http://127.0.0.1:${this.balancerPort}`;
	}

	/**
	 * PostgreSQL and Redis started, a user folder with the package for each process, the balancer
	 * listening; no n8n process runs yet (import, publish, then `startAll`).
	 */
	static async create(options: ClusterOptions = {}): Promise<N8nCluster> {
		const binaries = ensureServiceBinaries();
		const [postgres, redis] = await Promise.all([startPostgres(binaries), startRedis(binaries)]);
		const binaryDataDir = mkdtempSync(path.join(os.tmpdir(), 'tci-binary-data-'));
		const untrackBinaryDir = track({
			kind: 'dir',
			path: binaryDataDir,
			what: 'shared binary data folder',
		});
		const encryptionKey = randomBytes(24).toString('hex');
		const balancerPort = await freePort(options.balancerPort ?? 0);
		const mainPort = await freePort(options.mainPort ?? 0);
		const shared = (): Record<string, string> => ({
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: postgres.password,
			EXECUTIONS_MODE: 'queue',
			// n8n's default pool of 2 connections per process refused most of a 1,000-callback burst
			// here with 500 "timeout exceeded when trying to connect" (README, Queue mode).
			DB_POSTGRESDB_POOL_SIZE: '10',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// Manual executions (the editor's "Execute workflow") run on workers too: n8n 2.41 still
			// runs them on main unless this is set, and says it will become the only behaviour.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_WEBHOOK_URL: `http://127.0.0.1:${balancerPort}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${mainPort}/`,
			N8N_BINARY_DATA_STORAGE_PATH: binaryDataDir,
			...options.env,
		});
		const onLine = options.onLine;
		const processes: ClusterProcess[] = [];
		const home = async (name: string, command: N8nCommand, port = 0) => {
			// Files the Read/Write Files node reads are where every process can read them: main's files folder.
			const env = processes.length
				? { ...shared(), N8N_RESTRICT_FILE_ACCESS_TO: processes[0].home.filesDir }
				: shared();
			const created = await N8nHome.create({ name: `queue-${name}`, port, encryptionKey, env });
			processes.push(new ClusterProcess(name, command, created, onLine));
		};
		try {
			await home('main', 'start', mainPort);
			for (let index = 1; index <= (options.workers ?? 2); index++)
				await home(`worker-${index}`, 'worker');
			for (let index = 1; index <= (options.webhooks ?? 2); index++)
				await home(`webhook-${index}`, 'webhook');
		} catch (error) {
			await Promise.all(processes.map(async (entry) => await entry.home.dispose()));
			await Promise.all([postgres.stop(), redis.stop()]);
			rmSync(binaryDataDir, { recursive: true, force: true });
			untrackBinaryDir();
			throw error;
		}
		const cluster = new N8nCluster(
			encryptionKey,
			binaries,
			postgres,
			redis,
			binaryDataDir,
			untrackBinaryDir,
			processes,
			options,
		);
		await cluster.listen(balancerPort);
		return cluster;
	}

	/** The environment a process starts with beyond its home's: its role's settings and the binary data mode. */
	private roleEnv(entry: ClusterProcess): Record<string, string> {
		const env: Record<string, string> = { N8N_DEFAULT_BINARY_DATA_MODE: this.binaryDataMode };
		if (entry.command === 'start') {
			// Production webhooks are the webhook processors' work.
			env.N8N_DISABLE_PRODUCTION_MAIN_PROCESS = 'true';
		}
		if (entry.command === 'worker') {
			Object.assign(
				env,
				{
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(entry.home.port),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				},
				this.workerEnv,
			);
		}
		return env;
	}

	/** Starts one process (its role's settings, the current binary data mode) and waits until it is ready; main signs in again. */
	async startProcess(entry: ClusterProcess): Promise<void> {
		const server = await entry.start(this.roleEnv(entry));
		if (entry === this.main && this.owner) await server.login(this.owner);
	}

	private owner?: Owner;

	/** Creates the instance owner on main (the editor needs one); main signs in with it after each restart. */
	async setupOwner(owner: Owner = DEFAULT_OWNER): Promise<void> {
		await this.main.server!.setupOwner(owner);
		this.owner = owner;
	}

	/** Main first (it runs the database migrations), then the workers and webhook processors together. */
	async startAll(): Promise<void> {
		await this.startProcess(this.main);
		await Promise.all(
			[...this.workers, ...this.webhooks].map(async (entry) => await this.startProcess(entry)),
		);
	}

	/** Stops every n8n process (the services keep running). */
	async stopAll(graceMs?: number): Promise<void> {
		await Promise.all(this.processes.map(async (entry) => await entry.stop(graceMs)));
	}

	/** Restarts every n8n process with another binary data mode (as a deployment changes N8N_DEFAULT_BINARY_DATA_MODE everywhere). */
	async switchBinaryDataMode(mode: BinaryDataMode): Promise<void> {
		await this.stopAll();
		this.binaryDataMode = mode;
		await this.startAll();
	}

	/** Which worker's log says it started and finished this execution (exactly one must). */
	ranOn(executionId: string): string[] {
		return this.processes
			.filter((entry) => entry.started.has(executionId) && entry.finished.has(executionId))
			.map((entry) => entry.name);
	}

	/** Which processes' logs say they started this execution at all. */
	startedOn(executionId: string): string[] {
		return this.processes
			.filter((entry) => entry.started.has(executionId))
			.map((entry) => entry.name);
	}

	private async listen(port: number): Promise<void> {
		this.balancer = createServer((request, response) => {
			const toWebhooks = (request.url ?? '').startsWith('/webhook/');
			const running = this.webhooks.filter((entry) => entry.running);
			let target: ClusterProcess | undefined = this.main;
			if (toWebhooks) {
				target = running.length ? running[this.nextWebhook++ % running.length] : undefined;
				if (target) this.balanced[target.name] = (this.balanced[target.name] ?? 0) + 1;
			}
			if (!target) {
				response
					.writeHead(503, { 'content-type': 'text/plain' })
					.end('no webhook processor is running');
				return;
			}
			const upstream = httpRequest(
				{
					host: '127.0.0.1',
					port: target.home.port,
					method: request.method,
					path: request.url,
					headers: request.headers,
				},
				(answer) => {
					response.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(response);
				},
			);
			upstream.on('error', (error) => {
				if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
				response.end(`balancer: ${error.message}`);
			});
			request.pipe(upstream);
		});
		this.balancer.keepAliveTimeout = 1000;
		await new Promise<void>((resolve, reject) => {
			this.balancer!.once('error', reject);
			this.balancer!.listen(port, '127.0.0.1', () => resolve());
		});
		this.balancerPort = port;
	}

	/** Stops the n8n processes, the balancer, PostgreSQL and Redis, and removes every folder. */
	async dispose(): Promise<void> {
		await Promise.all(this.processes.map(async (entry) => await entry.home.dispose()));
		if (this.balancer) {
			this.balancer.closeAllConnections();
			await new Promise((resolve) => this.balancer!.close(resolve));
		}
		await Promise.all([this.postgres.stop(), this.redis.stop()]);
		rmSync(this.binaryDataDir, { recursive: true, force: true });
		this.untrackBinaryDir();
	}
}
