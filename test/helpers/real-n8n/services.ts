/**
 * PostgreSQL and Redis from Debian's packages, for n8n's queue mode: each started on a free
 * loopback port with its data in a throwaway folder, as a child process of this one (tracked, so
 * the e2e safety net kills it if a test does not), and stopped with its folder removed.
 *
 * `ensureServiceBinaries()` installs the packages with apt-get when they are missing (as `.ci/run`
 * installs chromium: from the present package lists first, `apt-get update` only if that fails).
 * Debian's PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { freePort, stopProcess } from './instance';
import { track } from './registry';

const PACKAGES = ['postgresql', 'redis-server'];

function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((name) => existsSync(path.join(root, name, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

function onPath(command: string): boolean {
	return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

export interface ServiceBinaries {
	postgresBin: string;
	redisServer: string;
	/** Versions, as the binaries print them. */
	postgresVersion: string;
	redisVersion: string;
	/** Whether this call installed anything. */
	installed: boolean;
}

function apt(args: string[]): boolean {
	const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
	const command = [...sudo, 'apt-get', ...args];
	const result = spawnSync(command[0], command.slice(1), {
		stdio: ['ignore', 'inherit', 'inherit'],
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		timeout: 15 * 60 * 1000,
	});
	return result.status === 0;
}

/** PostgreSQL and Redis server binaries, installed from Debian's packages first if missing. */
export function ensureServiceBinaries(): ServiceBinaries {
	let installed = false;
	if (!postgresBinDir() || !onPath('redis-server')) {
		process.stderr.write(
			`queue mode: installing ${PACKAGES.join(' and ')} from Debian's packages (apt-get)\n`,
		);
		if (
			!apt(['install', '-y', '-q', ...PACKAGES]) &&
			!(apt(['update', '-q']) && apt(['install', '-y', '-q', ...PACKAGES]))
		) {
			throw new Error(
				`apt-get could not install ${PACKAGES.join(', ')}; install them by hand (they are needed for n8n's queue mode)`,
			);
		}
		installed = true;
	}
	const postgresBin = postgresBinDir();
	if (!postgresBin)
		throw new Error(
			'PostgreSQL was installed but /usr/lib/postgresql/<version>/bin/postgres is not there',
		);
	const version = (command: string, args: string[]) =>
		spawnSync(command, args, { encoding: 'utf8' }).stdout.trim();
	return {
		postgresBin,
		redisServer: 'redis-server',
		postgresVersion: version(path.join(postgresBin, 'postgres'), ['--version']),
		redisVersion: version('redis-server', ['--version']).replace(/ sha=.*/, ''),
		installed,
	};
}

/** `[command, ...args]` run as the `postgres` user when this process is root (Debian's PostgreSQL refuses root). */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
	if (process.getuid?.() !== 0) return [command, args];
	// setpriv executes the command itself (no extra parent process), so its pid is the server's.
	return [
		'setpriv',
		['--reuid=postgres', '--regid=postgres', '--clear-groups', '--', command, ...args],
	];
}

async function waitFor(
	what: string,
	check: () => Promise<boolean>,
	child: ChildProcess,
	output: () => string,
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null)
			throw new Error(
				`${what} exited (${child.exitCode ?? child.signalCode}):\n${output().slice(-3000)}`,
			);
		if (await check().catch(() => false)) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${output().slice(-3000)}`);
}

function spawnTracked(
	command: string,
	args: string[],
	what: string,
	cwd: string,
): { child: ChildProcess; output: () => string; untrack: () => void } {
	const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	let text = '';
	const keep = (chunk: Buffer) => (text = (text + chunk.toString()).slice(-50_000));
	child.stdout!.on('data', keep);
	child.stderr!.on('data', keep);
	const untrack = child.pid ? track({ kind: 'group', id: child.pid, what }) : () => undefined;
	return { child, output: () => text, untrack };
}

export interface Postgres {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
	version: string;
	/** Runs SQL with psql against the database; returns its output (unaligned, tuples only). */
	sql(statement: string): string;
	stop(): Promise<void>;
}

/**
 * A PostgreSQL server on 127.0.0.1 with a database `n8n` (user `n8n`, trust authentication on
 * loopback only), tuned for throwaway data: no fsync.
 */
export async function startPostgres(
	binaries: ServiceBinaries = ensureServiceBinaries(),
): Promise<Postgres> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'tci-postgres-'));
	const untrackDir = track({ kind: 'dir', path: dir, what: 'PostgreSQL data folder' });
	const dataDir = path.join(dir, 'data');
	const socketDir = path.join(dir, 'socket');
	mkdirSync(socketDir);
	if (process.getuid?.() === 0) {
		chownSync(dir, postgresUid(), postgresGid());
		chownSync(socketDir, postgresUid(), postgresGid());
	}
	const bin = (name: string) => path.join(binaries.postgresBin, name);
	const [initCommand, initArgs] = asPostgresUser(bin('initdb'), [
		'-D',
		dataDir,
		'-U',
		'n8n',
		'--auth=trust',
		'-E',
		'UTF8',
		'--no-sync',
		'--no-instructions',
	]);
	const init = spawnSync(initCommand, initArgs, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
	if (init.status !== 0) {
		rmSync(dir, { recursive: true, force: true });
		untrackDir();
		throw new Error(`initdb failed (${init.status}):\n${init.stdout}\n${init.stderr}`);
	}
	const port = await freePort();
	const settings = [
		'listen_addresses=127.0.0.1',
		'fsync=off',
		'synchronous_commit=off',
		'full_page_writes=off',
		'max_connections=300',
		`unix_socket_directories=${socketDir}`,
	];
	const [command, args] = asPostgresUser(bin('postgres'), [
		'-D',
		dataDir,
		'-p',
		String(port),
		...settings.flatMap((setting) => ['-c', setting]),
	]);
	const server = spawnTracked(command, args, 'PostgreSQL', dir);
	const psql = (statement: string, database = 'n8n') =>
		spawnSync(
			bin('psql'),
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				'n8n',
				'-d',
				database,
				'-At',
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				statement,
			],
			{ encoding: 'utf8', timeout: 60_000 },
		);
	const stop = async () => {
		// SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for every client to leave).
		if (server.child.exitCode === null && server.child.pid) {
			try {
				process.kill(-server.child.pid, 'SIGINT');
			} catch {
				// gone
			}
		}
		await stopProcess(server.child, 10_000);
		server.untrack();
		rmSync(dir, { recursive: true, force: true });
		untrackDir();
	};
	try {
		await waitFor(
			'PostgreSQL',
			async () => psql('SELECT 1', 'postgres').status === 0,
			server.child,
			server.output,
			60_000,
		);
		const created = psql('CREATE DATABASE n8n', 'postgres');
		if (created.status !== 0) throw new Error(`CREATE DATABASE failed: ${created.stderr}`);
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		host: '127.0.0.1',
		port,
		user: 'n8n',
		password: 'n8n',
		database: 'n8n',
		version: binaries.postgresVersion,
		sql(statement) {
			const result = psql(statement);
			if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
			return result.stdout.trim();
		},
		stop,
	};
}

function idOf(flag: '-u' | '-g'): number {
	const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
	if (result.status !== 0)
		throw new Error('there is no postgres user (Debian’s postgresql package creates it)');
	return Number(result.stdout.trim());
}
const postgresUid = () => idOf('-u');
const postgresGid = () => idOf('-g');

export interface Redis {
	host: string;
	port: number;
	version: string;
	stop(): Promise<void>;
}

async function redisAnswers(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		socket.setTimeout(1000, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString();
			if (answer.includes('\r\n')) {
				socket.end();
				resolve(answer.startsWith('+PONG'));
			}
		});
		socket.on('error', () => resolve(false));
		socket.on('close', () => resolve(answer.startsWith('+PONG')));
	});
}

/** A Redis server on 127.0.0.1 that keeps nothing on disk. */
export async function startRedis(
	binaries: ServiceBinaries = ensureServiceBinaries(),
): Promise<Redis> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'tci-redis-'));
	const untrackDir = track({ kind: 'dir', path: dir, what: 'Redis folder' });
	const port = await freePort();
	const server = spawnTracked(
		binaries.redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--protected-mode',
			'yes',
		],
		'Redis',
		dir,
	);
	const stop = async () => {
		await stopProcess(server.child, 5000);
		server.untrack();
		rmSync(dir, { recursive: true, force: true });
		untrackDir();
	};
	try {
		await waitFor(
			'Redis',
			async () => await redisAnswers(port),
			server.child,
			server.output,
			30_000,
		);
	} catch (error) {
		await stop();
		throw error;
	}
	return { host: '127.0.0.1', port, version: binaries.redisVersion, stop };
}
