/**
 * An npm registry on loopback for n8n's Community Nodes installer, and the way n8n reaches it.
 *
 * The registry is Verdaccio (a devDependency, run with the Node 24 that n8n runs on), with no
 * uplinks: it knows only what a test publishes to it with `npm publish`.
 *
 * n8n 2.41 asks npm for packages at `N8N_COMMUNITY_PACKAGES_REGISTRY`, but any value other than
 * https://registry.npmjs.org needs an enterprise licence (`feat:communityNodes:customRegistry`;
 * CommunityPackagesService.getNpmRegistry throws FeatureNotLicensedError otherwise). So n8n keeps
 * its default registry and runs as behind a TLS-inspecting corporate proxy: HTTPS_PROXY points at
 * `RegistryProxy`, which answers CONNECTs to registry.npmjs.org:443 itself, with a certificate of a
 * throwaway CA that n8n (NODE_EXTRA_CA_CERTS) and its npm (npm_config_cafile) trust, and serves
 * them from the local registry; every other host is refused and recorded. Nothing of n8n is
 * changed: its installer, its npm commands and its registry requests run as for any user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
	createServer as createHttpServer,
	request as httpRequest,
	type IncomingMessage,
	type Server,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { EMULATOR_CA_PATH } from '../../../emulator/tls';
import { cleanNpmEnv } from '../release';
import { ensureN8n, REPO_ROOT } from './install';
import { freePort, stopProcess } from './instance';
import { track } from './registry';

export const NPMJS_HOST = 'registry.npmjs.org';

export class LocalRegistry {
	readonly url: string;
	private token = '';
	private output = '';

	private constructor(
		readonly dir: string,
		readonly port: number,
		private readonly process: ChildProcess,
		private readonly untrack: () => void,
		private readonly untrackDir: () => void,
	) {
		this.url = `http://127.0.0.1:${port}`;
		const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
		process.stdout?.on('data', keep);
		process.stderr?.on('data', keep);
	}

	/** Starts Verdaccio on a free loopback port with an empty storage, and registers a publisher. */
	static async start(): Promise<LocalRegistry> {
		const { nodeBin } = ensureN8n();
		const dir = mkdtempSync(path.join(os.tmpdir(), 'tci-npm-registry-'));
		const untrackDir = track({ kind: 'dir', path: dir, what: 'local npm registry' });
		const port = await freePort();
		const config = path.join(dir, 'config.yaml');
		writeFileSync(
			config,
			[
				`storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
				'auth:',
				'  htpasswd:',
				`    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
				'    max_users: 1',
				'uplinks: {}',
				'packages:',
				"  '**':",
				'    access: $all',
				'    publish: $authenticated',
				'    unpublish: $authenticated',
				'web:',
				'  enable: false',
				'middlewares:',
				'  audit:',
				'    enabled: false',
				'logs: { type: stdout, format: pretty, level: warn }',
				'',
			].join('\n'),
		);
		const child = spawn(
			nodeBin,
			[
				path.join(REPO_ROOT, 'node_modules/verdaccio/bin/verdaccio'),
				'--config',
				config,
				'--listen',
				`127.0.0.1:${port}`,
			],
			{
				cwd: dir,
				env: cleanNpmEnv({ VERDACCIO_HANDLE_KILL_SIGNALS: 'true' }),
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		const untrack = child.pid
			? track({ kind: 'group', id: child.pid, what: 'verdaccio' })
			: () => undefined;
		const registry = new LocalRegistry(dir, port, child, untrack, untrackDir);
		try {
			await registry.waitReady();
			await registry.addPublisher();
		} catch (error) {
			await registry.stop();
			throw error;
		}
		return registry;
	}

	private async waitReady(timeoutMs = 30_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.process.exitCode !== null)
				throw new Error(`verdaccio exited with ${this.process.exitCode}:\n${this.output}`);
			try {
				if ((await fetch(`${this.url}/-/ping`, { signal: AbortSignal.timeout(2000) })).ok) return;
			} catch {
				// not listening yet
			}
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		throw new Error(`verdaccio was not ready within ${timeoutMs} ms:\n${this.output}`);
	}

	/** `npm adduser`'s request: a user that may publish, and its token. */
	private async addPublisher(): Promise<void> {
		const response = await fetch(`${this.url}/-/user/org.couchdb.user:publisher`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				name: 'publisher',
				password: 'publisher-passw0rd',
				type: 'user',
				roles: [],
				date: new Date().toISOString(),
			}),
		});
		const body = (await response.json()) as { token?: string };
		if (!response.ok || !body.token)
			throw new Error(
				`verdaccio refused the publisher: ${response.status} ${JSON.stringify(body)}`,
			);
		this.token = body.token;
	}

	/** `npm publish <tarball>` to this registry (the command the publish workflow runs, without provenance). */
	publish(tarball: string): string {
		const result = spawnSync(
			'npm',
			[
				'publish',
				tarball,
				`--registry=${this.url}/`,
				`--//127.0.0.1:${this.port}/:_authToken=${this.token}`,
				'--ignore-scripts',
				'--provenance=false',
			],
			{
				cwd: this.dir,
				env: cleanNpmEnv({
					npm_config_update_notifier: 'false',
					npm_config_cache: path.join(this.dir, 'npm-cache'),
				}),
				encoding: 'utf8',
				timeout: 60_000,
			},
		);
		if (result.status !== 0)
			throw new Error(
				`npm publish ${path.basename(tarball)} failed:\n${result.stdout}\n${result.stderr}`,
			);
		return `${result.stdout}${result.stderr}`;
	}

	/** The registry's document for a package (versions, dist-tags). */
	async packument(name: string): Promise<{
		'dist-tags': Record<string, string>;
		versions: Record<string, { dist: { integrity: string; tarball: string } }>;
	}> {
		const response = await fetch(`${this.url}/${name}`);
		if (!response.ok) throw new Error(`GET /${name}: ${response.status}`);
		return (await response.json()) as never;
	}

	async stop(): Promise<void> {
		await stopProcess(this.process, 5000);
		this.untrack();
		rmSync(this.dir, { recursive: true, force: true });
		this.untrackDir();
	}
}

export interface ProxyEvent {
	/** `CONNECT host:port` or, for a plain proxied request, its absolute URL. */
	target: string;
	allowed: boolean;
}

/**
 * An HTTPS proxy that stands in for registry.npmjs.org: CONNECTs to it end here, are decrypted with
 * a certificate of its own CA and forwarded to the local registry; anything else is refused.
 */
export class RegistryProxy {
	readonly url: string;
	/** Every CONNECT or proxied request, in order. */
	readonly events: ProxyEvent[] = [];
	/** Requests served for registry.npmjs.org: `GET /n8n-nodes-…`. */
	readonly served: string[] = [];

	private constructor(
		readonly caFile: string,
		private readonly dir: string,
		private readonly proxy: Server,
		private readonly tls: Server,
		private readonly untrackDir: () => void,
	) {
		this.url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
	}

	static async start(registry: LocalRegistry): Promise<RegistryProxy> {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'tci-registry-proxy-'));
		const untrackDir = track({ kind: 'dir', path: dir, what: 'registry proxy certificates' });
		let certificates: ReturnType<typeof makeCertificates>;
		try {
			certificates = makeCertificates(dir);
		} catch (error) {
			rmSync(dir, { recursive: true, force: true });
			untrackDir();
			throw error;
		}
		const { caFile, key, cert } = certificates;
		let self: RegistryProxy | undefined;
		const tls = createHttpsServer({ key, cert }, (request, response) => {
			self?.served.push(`${request.method} ${request.url}`);
			const upstream = httpRequest(
				`${registry.url}${request.url}`,
				// The registry writes tarball URLs for the host and protocol it was asked on.
				{
					method: request.method,
					headers: { ...request.headers, host: NPMJS_HOST, 'x-forwarded-proto': 'https' },
				},
				(answer: IncomingMessage) => {
					response.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(response);
				},
			);
			upstream.on('error', (error) => {
				response.writeHead(502, { 'content-type': 'text/plain' });
				response.end(`local registry: ${error.message}`);
			});
			request.pipe(upstream);
		});
		const proxy = createHttpServer((request, response) => {
			self?.events.push({ target: request.url ?? '', allowed: false });
			response.writeHead(403, { 'content-type': 'text/plain' });
			response.end('this proxy only serves https://registry.npmjs.org');
		});
		proxy.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => {
			const target = request.url ?? '';
			const allowed = target === `${NPMJS_HOST}:443`;
			self?.events.push({ target, allowed });
			socket.on('error', () => undefined);
			if (!allowed) {
				socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
				return;
			}
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length > 0) socket.unshift(head);
			tls.emit('connection', socket);
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		self = new RegistryProxy(caFile, dir, proxy, tls, untrackDir);
		return self;
	}

	/**
	 * The environment that sends an n8n (and the npm it runs) through this proxy: HTTPS only (n8n's
	 * loopback traffic stays direct), the CA trusted by Node and by npm, npm's cache in `npmCache`.
	 */
	private trustedFile(): string {
		const file = path.join(this.dir, 'trusted.pem');
		writeFileSync(
			file,
			`${readFileSync(this.caFile, 'utf8')}\n${readFileSync(EMULATOR_CA_PATH, 'utf8')}`,
		);
		return file;
	}

	env(npmCache: string): Record<string, string> {
		return {
			HTTPS_PROXY: this.url,
			https_proxy: this.url,
			NO_PROXY: 'localhost,127.0.0.1,::1',
			no_proxy: 'localhost,127.0.0.1,::1',
			// Node reads one extra CA file: this proxy's CA and the emulator's (for the workflows the test runs).
			NODE_EXTRA_CA_CERTS: this.trustedFile(),
			npm_config_cafile: this.caFile,
			npm_config_https_proxy: this.url,
			npm_config_noproxy: 'localhost,127.0.0.1,::1',
			npm_config_cache: npmCache,
			npm_config_update_notifier: 'false',
			npm_config_fund: 'false',
			npm_config_audit: 'false',
		};
	}

	async close(): Promise<void> {
		this.proxy.closeAllConnections();
		this.tls.closeAllConnections();
		await Promise.all([
			new Promise((resolve) => this.proxy.close(resolve)),
			new Promise((resolve) => this.tls.close(resolve)),
		]);
		rmSync(this.dir, { recursive: true, force: true });
		this.untrackDir();
	}
}

/** A throwaway CA and a certificate for registry.npmjs.org signed by it (openssl, EC P-256, valid 2 days). */
function makeCertificates(dir: string): { caFile: string; key: string; cert: string } {
	const openssl = (args: string[]) => {
		const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
		if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
	};
	const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
	openssl([
		'req',
		'-x509',
		...ec,
		'-keyout',
		'ca.key',
		'-out',
		'ca.pem',
		'-days',
		'2',
		'-subj',
		'/CN=n8n-nodes-tencent-cloud-infinite test registry CA',
		'-addext',
		'basicConstraints=critical,CA:TRUE',
		'-addext',
		'keyUsage=critical,keyCertSign,cRLSign',
	]);
	openssl(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${NPMJS_HOST}`]);
	writeFileSync(
		path.join(dir, 'leaf.ext'),
		`subjectAltName=DNS:${NPMJS_HOST}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
	);
	openssl([
		'x509',
		'-req',
		'-in',
		'leaf.csr',
		'-CA',
		'ca.pem',
		'-CAkey',
		'ca.key',
		'-CAcreateserial',
		'-out',
		'leaf.pem',
		'-days',
		'2',
		'-extfile',
		'leaf.ext',
	]);
	return {
		caFile: path.join(dir, 'ca.pem'),
		key: readFileSync(path.join(dir, 'leaf.key'), 'utf8'),
		cert: readFileSync(path.join(dir, 'leaf.pem'), 'utf8'),
	};
}
