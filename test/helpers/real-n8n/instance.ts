/**
 * Real n8n (the version scripts/n8n/install.mjs installs), run as a user runs it: the CLI for
 * imports and headless executions, `n8n start` for the editor, the REST API and webhooks.
 *
 * Each `N8nHome` is a fresh temporary N8N_USER_FOLDER with this package installed the way n8n's
 * Community Nodes installer leaves it (`.n8n/nodes/node_modules/n8n-nodes-tencent-cloud-infinite`:
 * the `npm pack` contents, package.json without dev/peer dependencies, runtime dependencies in its
 * own node_modules), so the node types are `n8n-nodes-tencent-cloud-infinite.*`.
 *
 * Every process runs in its own process group and is killed as a group (n8n starts a task runner
 * child); `dispose()` stops them and removes the folder, and anything still running when this
 * process exits is killed too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { EMULATOR_CA_PATH } from '../../../emulator/tls';
import { ensureN8n, REPO_ROOT, type N8nInstall } from './install';
import { track } from './registry';

export const PACKAGE_NAME = 'n8n-nodes-tencent-cloud-infinite';
export const NODE_TYPE = `${PACKAGE_NAME}.tencentCloudInfinite`;
export const TRIGGER_TYPE = `${PACKAGE_NAME}.tencentCloudInfiniteTrigger`;
export const CREDENTIAL_TYPE = 'tencentCloudInfiniteApi';

/** Processes started here that are still running, killed (as groups) when this process exits. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of live) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

/** Ends a process group: SIGTERM, then SIGKILL after `graceMs`; resolves when the leader has exited. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) {
		killGroup(child, 'SIGKILL'); // children it may have left behind
		live.delete(child);
		return;
	}
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killGroup(child, 'SIGTERM');
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
	// The task runner is in the same group: make sure nothing of it survives.
	killGroup(child, 'SIGKILL');
	live.delete(child);
}

/** A free port on 127.0.0.1: `preferred` when it is free, else any. */
export async function freePort(preferred = 0): Promise<number> {
	if (preferred) {
		const port = await freePort.try(preferred).catch(() => 0);
		if (port) return port;
	}
	return await freePort.try(0);
}
freePort.try = async (wanted: number): Promise<number> =>
	await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(wanted, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	/** stdout and stderr interleaved as they came. */
	output: string;
	ms: number;
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** What `n8n execute --rawOutput` prints: the run (IRun), its data under `data`. */
export interface ExecutionRun {
	status?: string;
	mode?: string;
	data: ExecutionResult;
}

export interface ExecutionResult {
	resultData: {
		runData: Record<
			string,
			Array<{
				data?: {
					main?: Array<Array<{
						json: Record<string, unknown>;
						binary?: Record<string, unknown>;
					}> | null>;
				};
				error?: { message: string; description?: string };
			}>
		>;
		lastNodeExecuted?: string;
		error?: { message: string; description?: string; node?: { name: string } };
	};
}

export interface ExecuteOutcome {
	cli: CliResult;
	/** The run's data (`IRun['data']`). */
	result?: ExecutionResult;
	/** The run's status: success, error, ... */
	status?: string;
	/** The workflow's error message, if it failed. */
	error?: string;
	/** Output items (json) of a node, output 0 of its last run. */
	json(nodeName: string): Array<Record<string, unknown>>;
}

export interface HomeOptions {
	/** Part of the temporary folder's name. */
	name?: string;
	/** Extra environment for every n8n process of this home. */
	env?: Record<string, string>;
	/** Keep the folder after dispose (for debugging). */
	keep?: boolean;
	/** The port n8n should listen on when it is free (default: any free port). */
	port?: number;
	/** Copy the built package into the user folder (default true); false leaves installing to n8n's Community Nodes installer. */
	installPackage?: boolean;
	/** N8N_ENCRYPTION_KEY (default: a new random one); the processes of one queue-mode deployment share it. */
	encryptionKey?: string;
}

/** What `start()` runs: the main instance (editor, REST API, webhooks), a queue-mode worker, or a webhook processor. */
export type N8nCommand = 'start' | 'worker' | 'webhook';

/** Quiet, offline, loopback-only settings for every n8n process (see N8N-RUNTIME.md). */
function baseEnv(): Record<string, string> {
	return {
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		// Not N8N_LICENSE_AUTO_RENEW_ENABLED=false: without a license certificate nothing is ever
		// renewed (no connection), and setting it makes n8n warn that licensed features may be lost.
		N8N_AI_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_LOG_LEVEL: 'info',
		// Set explicitly (to the future defaults) so n8n does not print deprecation notices about them.
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_TASK_TIMEOUT: '60',
		N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES: String(256 * 1024 * 1024),
		N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES: '1000',
		// Files the Read/Write Files node may read: only this home's n8n-files folder.
		N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES: 'true',
		N8N_NO_COLOR: 'true',
		NO_COLOR: '1',
	};
}

export class N8nHome {
	readonly install: N8nInstall;
	/** N8N_USER_FOLDER (n8n keeps its data in `<dir>/.n8n`). */
	readonly dir: string;
	/** The folder the Read/Write Files node may read (N8N_RESTRICT_FILE_ACCESS_TO); holds `sample.png` and `id-card.png`. */
	readonly filesDir: string;
	readonly encryptionKey: string;
	/** Where the package is installed, as n8n's Community Nodes installer would. */
	readonly packageDir: string;
	port = 0;
	brokerPort = 0;
	private readonly extraEnv: Record<string, string>;
	private readonly keep: boolean;
	private readonly preferredPort: number;
	private readonly withPackage: boolean;
	private readonly untrack: () => void;
	private servers = new Set<N8nServer>();
	private commands = new Set<ChildProcess>();

	private constructor(install: N8nInstall, options: HomeOptions) {
		this.install = install;
		this.dir = mkdtempSync(path.join(os.tmpdir(), `tci-n8n-${options.name ?? 'home'}-`));
		this.filesDir = path.join(this.dir, 'n8n-files');
		this.packageDir = path.join(this.dir, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		this.extraEnv = options.env ?? {};
		this.keep = options.keep ?? false;
		this.preferredPort = options.port ?? 0;
		this.withPackage = options.installPackage ?? true;
		this.encryptionKey = options.encryptionKey ?? randomBytes(24).toString('hex');
		this.untrack = track({ kind: 'dir', path: this.dir, what: 'n8n user folder' });
	}

	/** A new user folder with the package installed and the sample image in `filesDir`. Builds nothing: run `npm run build` first. */
	static async create(options: HomeOptions = {}): Promise<N8nHome> {
		const home = new N8nHome(ensureN8n(), options);
		mkdirSync(home.filesDir, { recursive: true });
		for (const file of ['sample.png', 'id-card.png'])
			cpSync(path.join(REPO_ROOT, 'test/fixtures', file), path.join(home.filesDir, file));
		// n8n reads its encryption key from here and must find the same one in N8N_ENCRYPTION_KEY.
		mkdirSync(path.join(home.dir, '.n8n'), { recursive: true });
		writeFileSync(
			path.join(home.dir, '.n8n', 'config'),
			JSON.stringify({ encryptionKey: home.encryptionKey }, null, '\t'),
			{ mode: 0o600 },
		);
		if (home.withPackage) installPackage(home.packageDir);
		home.port = await freePort(home.preferredPort);
		home.brokerPort = await freePort();
		return home;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	env(): NodeJS.ProcessEnv {
		// Not what jest, npm (npm_* of `npm test`: n8n's installer runs npm) or a parent n8n set for
		// themselves (NODE_ENV=test makes n8n refuse to load nodes).
		const inherited = Object.fromEntries(
			Object.entries(process.env).filter(
				([name]) => !/^(NODE_ENV|JEST_.*|N8N_.*|DB_.*|NODE_OPTIONS|npm_.*|INIT_CWD)$/i.test(name),
			),
		);
		return {
			...inherited,
			NODE_ENV: 'production',
			...baseEnv(),
			N8N_USER_FOLDER: this.dir,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_PORT: String(this.port),
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_WEBHOOK_URL: `${this.url}/`,
			N8N_EDITOR_BASE_URL: `${this.url}/`,
			N8N_RESTRICT_FILE_ACCESS_TO: this.filesDir,
			// The emulator's CI port speaks https with a test-only certificate (emulator/tls/).
			NODE_EXTRA_CA_CERTS: EMULATOR_CA_PATH,
			...this.extraEnv,
		};
	}

	/** Runs `n8n <args>` to completion (bounded by `timeoutMs`, then the group is killed). */
	async cli(args: string[], { timeoutMs = 120_000 } = {}): Promise<CliResult> {
		const started = Date.now();
		const child = spawn(this.install.nodeBin, [this.install.n8nBin, ...args], {
			cwd: this.dir,
			env: this.env(),
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		live.add(child);
		this.commands.add(child);
		const untrack = child.pid
			? track({ kind: 'group', id: child.pid, what: `n8n ${args[0]}` })
			: () => undefined;
		let stdout = '';
		let stderr = '';
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			output += chunk.toString();
		});
		child.stderr!.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			output += chunk.toString();
		});
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child, 'SIGKILL');
		}, timeoutMs);
		const code = await new Promise<number | null>((resolve, reject) => {
			child.once('error', reject);
			child.once('close', (exitCode) => resolve(exitCode));
		}).finally(() => {
			clearTimeout(timer);
			killGroup(child, 'SIGKILL'); // a task runner left behind
			live.delete(child);
			this.commands.delete(child);
			untrack();
		});
		if (timedOut)
			throw new Error(
				`n8n ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${output.slice(-4000)}`,
			);
		return { code, stdout, stderr, output, ms: Date.now() - started };
	}

	private async cliOk(args: string[], options?: { timeoutMs?: number }): Promise<CliResult> {
		const result = await this.cli(args, options);
		if (result.code !== 0)
			throw new Error(
				`n8n ${args.join(' ')} exited with ${result.code}:\n${result.output.slice(-4000)}`,
			);
		return result;
	}

	async importCredentials(credentials: CredentialImport[]): Promise<CliResult> {
		const file = path.join(this.dir, `credentials-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
		try {
			return await this.cliOk(['import:credentials', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
	}

	/** Imports workflows (each needs an `id`) with one CLI run. */
	async importWorkflows(workflows: Array<Record<string, unknown>>): Promise<CliResult> {
		const folder = mkdtempSync(path.join(this.dir, 'import-'));
		workflows.forEach((workflow, index) => {
			if (!workflow.id) throw new Error(`workflow "${String(workflow.name)}" has no id`);
			writeFileSync(path.join(folder, `${index}.json`), JSON.stringify(workflow));
		});
		try {
			return await this.cliOk(['import:workflow', '--separate', `--input=${folder}`]);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	}

	/** Publishes (activates) a workflow; n8n must not be running. */
	async publish(workflowId: string): Promise<CliResult> {
		return await this.cliOk(['publish:workflow', `--id=${workflowId}`]);
	}

	/** `n8n execute --id <id> --rawOutput`: runs the workflow from its manual trigger, headless. */
	async execute(workflowId: string, { timeoutMs = 120_000 } = {}): Promise<ExecuteOutcome> {
		const cli = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], { timeoutMs });
		const run = parseRawOutput(cli.stdout);
		const result = run?.data;
		const error =
			result?.resultData?.error?.message ??
			(cli.code !== 0
				? (lastErrorLine(cli.output) ?? `n8n execute exited with ${cli.code}`)
				: undefined);
		return {
			cli,
			result,
			status: run?.status,
			error:
				error && result?.resultData?.error?.description
					? `${error} (${result.resultData.error.description})`
					: error,
			json(nodeName) {
				if (!result?.resultData?.runData?.[nodeName]?.length) {
					const ran = Object.keys(result?.resultData?.runData ?? {}).join(', ') || 'none';
					throw new Error(
						`node "${nodeName}" did not run (ran: ${ran}; error: ${error ?? 'none'})\n${cli.output.slice(-3000)}`,
					);
				}
				return nodeItems(result, nodeName);
			},
		};
	}

	/**
	 * Starts `n8n start` (editor, REST API, webhooks), or `n8n worker` / `n8n webhook` in queue mode,
	 * and waits until it answers `/healthz/readiness` on this home's port (a worker's health server
	 * must be switched on there: QUEUE_HEALTH_CHECK_ACTIVE, QUEUE_HEALTH_CHECK_PORT).
	 */
	async start({
		readyTimeoutMs = 120_000,
		onOutput,
		command = 'start',
		env = {},
	}: {
		readyTimeoutMs?: number;
		onOutput?: (chunk: string) => void;
		command?: N8nCommand;
		env?: Record<string, string>;
	} = {}): Promise<N8nServer> {
		const server = new N8nServer(this, readyTimeoutMs, onOutput, command, env);
		this.servers.add(server);
		await server.started;
		return server;
	}

	/** Stops everything this home runs (servers, CLI commands) and removes its folder (unless `keep`). */
	async dispose(): Promise<void> {
		for (const child of this.commands) killGroup(child, 'SIGKILL');
		await Promise.all([...this.servers].map(async (server) => await server.stop()));
		this.servers.clear();
		if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
		this.untrack();
	}
}

/** The JSON that `--rawOutput` prints after n8n's log lines: from the first line that starts with `{`. */
export function parseRawOutput(stdout: string): ExecutionRun | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	if (start < 0) return undefined;
	const text = lines.slice(start).join('\n');
	try {
		return JSON.parse(text) as ExecutionRun;
	} catch {
		// Log lines after the JSON: take up to the last closing brace.
		try {
			return JSON.parse(text.slice(0, text.lastIndexOf('}') + 1)) as ExecutionRun;
		} catch {
			return undefined;
		}
	}
}

function lastErrorLine(output: string): string | undefined {
	return output
		.split('\n')
		.filter((line) => /error/i.test(line))
		.pop()
		?.trim();
}

const BROWSER_ID = 'tci-e2e-browser';

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEFAULT_OWNER: Owner = {
	email: 'owner@example.com',
	password: 'Owner-Passw0rd',
	firstName: 'Demo',
	lastName: 'Owner',
};

export class N8nServer {
	readonly url: string;
	readonly process: ChildProcess;
	/** What the server printed (last 200 kB). */
	output = '';
	readonly started: Promise<void>;
	private cookie = '';
	private exited = false;
	private readonly untrack: () => void;
	readonly exitedPromise: Promise<number | null>;

	constructor(
		readonly home: N8nHome,
		readyTimeoutMs: number,
		onOutput?: (chunk: string) => void,
		readonly command: N8nCommand = 'start',
		env: Record<string, string> = {},
	) {
		this.url = home.url;
		this.process = spawn(home.install.nodeBin, [home.install.n8nBin, command], {
			cwd: home.dir,
			env: { ...home.env(), ...env },
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		live.add(this.process);
		this.untrack = this.process.pid
			? track({ kind: 'group', id: this.process.pid, what: `n8n ${command}` })
			: () => undefined;
		const keep = (chunk: Buffer) => {
			this.output = (this.output + chunk.toString()).slice(-200_000);
			onOutput?.(chunk.toString());
		};
		this.process.stdout!.on('data', keep);
		this.process.stderr!.on('data', keep);
		this.process.once('exit', () => {
			this.exited = true;
		});
		/** Resolves when the n8n process has exited (for whatever reason). */
		this.exitedPromise = new Promise((resolve) =>
			this.process.once('exit', (code) => resolve(code)),
		);
		this.started = this.waitReady(readyTimeoutMs).catch(async (error: unknown) => {
			await this.stop();
			throw error;
		});
	}

	private async waitReady(timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.exited)
				throw new Error(
					`n8n ${this.command} exited with ${this.process.exitCode}:\n${this.output.slice(-4000)}`,
				);
			try {
				const response = await fetch(`${this.url}/healthz/readiness`, {
					signal: AbortSignal.timeout(2000),
				});
				if (response.ok) return;
			} catch {
				// not listening yet
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(`n8n was not ready within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
	}

	/** Resolves when the server output matches (polling; bounded). */
	async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!pattern.test(this.output)) {
			if (Date.now() > deadline)
				throw new Error(
					`n8n did not print ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-3000)}`,
				);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}

	/** Creates the instance owner (the editor needs one) and keeps the session cookie for `rest()`. */
	async setupOwner(owner: Owner = DEFAULT_OWNER): Promise<void> {
		const response = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify(owner),
		});
		if (!response.ok)
			throw new Error(`owner setup failed: ${response.status} ${await response.text()}`);
		this.cookie = response.headers
			.getSetCookie()
			.map((cookie) => cookie.split(';')[0])
			.join('; ');
	}

	/** Signs in as the owner (after a restart: the owner exists) and keeps the session cookie for `rest()`. */
	async login(owner: Owner = DEFAULT_OWNER): Promise<void> {
		const response = await fetch(`${this.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
		this.cookie = response.headers
			.getSetCookie()
			.map((cookie) => cookie.split(';')[0])
			.join('; ');
	}

	/** A call to n8n's internal REST API (`/rest/...`) or another path, signed in as the owner. */
	async request(
		pathname: string,
		init: { method?: string; body?: unknown } = {},
	): Promise<unknown> {
		const response = await fetch(`${this.url}${pathname}`, {
			method: init.method ?? 'GET',
			headers: {
				cookie: this.cookie,
				'browser-id': BROWSER_ID,
				...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(
				`${init.method ?? 'GET'} ${pathname}: ${response.status} ${text.slice(0, 500)}`,
			);
		const parsed = text ? (JSON.parse(text) as unknown) : undefined;
		return parsed && typeof parsed === 'object' && 'data' in parsed && pathname.startsWith('/rest/')
			? (parsed as { data: unknown }).data
			: parsed;
	}

	/** Executions of a workflow, newest first (status, mode, times; no data). */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = (await this.request(`/rest/executions?filter=${filter}`)) as {
			results: ExecutionSummary[];
		};
		return page.results;
	}

	/** One execution with its data (n8n stores it "flatted"; parsed here with n8n's own flatted). */
	async execution(id: string): Promise<ExecutionSummary & { data: ExecutionResult }> {
		const raw = (await this.request(`/rest/executions/${id}`)) as ExecutionSummary & {
			data: string;
		};
		const flatted = createRequire(this.home.install.n8nBin)('flatted') as {
			parse(text: string): unknown;
		};
		return { ...raw, data: flatted.parse(raw.data) as ExecutionResult };
	}

	/** Polls until the workflow has `count` finished executions (bounded), and returns them with data, oldest first. */
	async waitForExecutions(
		workflowId: string,
		count = 1,
		timeoutMs = 30_000,
	): Promise<Array<ExecutionSummary & { data: ExecutionResult }>> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const finished = (await this.executions(workflowId)).filter(
				(execution) => !['new', 'running', 'waiting'].includes(execution.status),
			);
			if (finished.length >= count)
				return await Promise.all(
					finished.reverse().map(async (execution) => await this.execution(execution.id)),
				);
			if (Date.now() > deadline) {
				throw new Error(
					`workflow ${workflowId} has ${finished.length} finished execution(s), not ${count}, after ${timeoutMs} ms:\n${this.output.slice(-3000)}`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}

	/** Saves a credential as the editor's credential dialog does (`POST /rest/credentials`); returns its id. */
	async createCredential(credential: Omit<CredentialImport, 'id'>): Promise<string> {
		const saved = (await this.request('/rest/credentials', {
			method: 'POST',
			body: credential,
		})) as { id: string };
		return saved.id;
	}

	/** Saves a workflow as the editor does (`POST /rest/workflows`); returns its id. */
	async createWorkflow(workflow: Record<string, unknown>): Promise<string> {
		const saved = (await this.request('/rest/workflows', { method: 'POST', body: workflow })) as {
			id: string;
		};
		return saved.id;
	}

	/**
	 * Runs a saved workflow from its trigger as the editor's "Execute workflow" button does
	 * (`POST /rest/workflows/<id>/run`), waits until it has finished (bounded) and returns the
	 * execution with its data.
	 */
	async runManually(
		workflowId: string,
		trigger: string,
		timeoutMs = 60_000,
	): Promise<ExecutionSummary & { data: ExecutionResult }> {
		const started = (await this.request(`/rest/workflows/${workflowId}/run`, {
			method: 'POST',
			body: { triggerToStartFrom: { name: trigger } },
		})) as {
			executionId?: string;
		};
		if (!started.executionId)
			throw new Error(`workflow ${workflowId} did not start: ${JSON.stringify(started)}`);
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const page = (await this.request(`/rest/executions?filter=${filter}`)) as {
				results: ExecutionSummary[];
			};
			const summary = page.results.find((execution) => execution.id === started.executionId);
			if (summary && !['new', 'running', 'waiting'].includes(summary.status))
				return await this.execution(started.executionId);
			if (Date.now() > deadline)
				throw new Error(
					`execution ${started.executionId} did not finish within ${timeoutMs} ms:\n${this.output.slice(-3000)}`,
				);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}

	/** SIGTERM to the process group, SIGKILL after `graceMs`. */
	async stop(graceMs?: number): Promise<void> {
		await stopProcess(this.process, graceMs);
		this.untrack();
	}
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	startedAt: string;
	stoppedAt: string | null;
}

/** Output items (json) of a node in an execution's data: output 0 of its last run. */
export function nodeItems(
	result: ExecutionResult,
	nodeName: string,
): Array<Record<string, unknown>> {
	const runs = result.resultData.runData[nodeName];
	if (!runs?.length)
		throw new Error(
			`node "${nodeName}" did not run (ran: ${Object.keys(result.resultData.runData).join(', ') || 'none'})`,
		);
	return (runs[runs.length - 1].data?.main?.[0] ?? []).map((item) => item.json);
}

/**
 * Installs the package into `<user folder>/.n8n/nodes/node_modules/<name>` as n8n's Community
 * Nodes installer does: the files `npm pack` would publish, package.json without dev, peer and
 * optional dependencies, and the runtime dependencies (copied from this repository's
 * node_modules, so no registry is needed).
 */
export function installPackage(target: string): void {
	const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
	});
	if (packed.status !== 0) throw new Error(`npm pack --dry-run failed: ${packed.stderr}`);
	const [{ files }] = JSON.parse(packed.stdout) as Array<{ files: Array<{ path: string }> }>;
	if (!files.some((file) => file.path.startsWith('dist/')))
		throw new Error('dist/ is missing: run npm run build first');
	rmSync(target, { recursive: true, force: true });
	for (const { path: file } of files) {
		mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
		cpSync(path.join(REPO_ROOT, file), path.join(target, file));
	}
	const manifest = JSON.parse(readFileSync(path.join(target, 'package.json'), 'utf8')) as Record<
		string,
		unknown
	>;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	delete manifest.scripts;
	writeFileSync(path.join(target, 'package.json'), JSON.stringify(manifest, null, 2));
	// Runtime dependencies and theirs, as `npm install --install-strategy=shallow` lays them out.
	const queue = Object.keys((manifest.dependencies as Record<string, string>) ?? {});
	const copied = new Set<string>();
	while (queue.length) {
		const name = queue.shift()!;
		if (copied.has(name)) continue;
		copied.add(name);
		const source = path.join(REPO_ROOT, 'node_modules', name);
		if (!existsSync(source))
			throw new Error(`runtime dependency ${name} is not in node_modules: run npm ci`);
		cpSync(source, path.join(target, 'node_modules', name), { recursive: true, dereference: true });
		const dependencies =
			(
				JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8')) as {
					dependencies?: Record<string, string>;
				}
			).dependencies ?? {};
		queue.push(...Object.keys(dependencies));
	}
}
