/**
 * The release artifact: the tarball .github/workflows/publish.yml would publish, built as it builds
 * it, from what git tracks.
 *
 * The workflow checks out the commit, runs `npm ci`, then `npm run release`, which is `n8n-node
 * release`: inside GitHub Actions that runs `npm run lint`, `npm run build` and `npm publish` with
 * provenance. Here: the tracked files (and new files git does not ignore) are copied into a fresh
 * folder, `node_modules` is linked from this repository (installed by `npm ci` from the same lock
 * file), and the same `npm run release` runs with GITHUB_ACTIONS=true and npm's dry run, so lint,
 * build and publish run for real except for the upload (and provenance, which needs GitHub's OIDC
 * token). Then `npm pack` writes the tarball publish would upload (the same file list) and it is
 * unpacked as n8n and n8n's scanner unpack it (`tar -xzf --strip-components=1`).
 *
 * Built once per content: the folder test-artifacts/release/<hash of the files>/ is reused by every
 * test and later runs until a file changes; concurrent callers (jest workers) wait for one build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	closeSync,
	cpSync,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..', '..');
export const RELEASE_CACHE = path.join(REPO_ROOT, 'test-artifacts', 'release');

export interface ReleaseArtifact {
	/** This build's folder. */
	dir: string;
	/** The tracked files as a checkout has them, never built: what the scanner's source pass reads. */
	sourceDir: string;
	/** The tarball. */
	tarball: string;
	/** The tarball unpacked. */
	packageDir: string;
	/** Paths in the tarball, as `npm pack --json` lists them. */
	files: string[];
	name: string;
	version: string;
	/** The tarball's `sha512-...` integrity, as the registry records it. */
	integrity: string;
	/** Output of `npm run release` (lint, build, dry-run publish). */
	releaseLog: string;
	/** Seconds the release commands and the pack took. */
	buildSeconds: number;
}

/** Files a commit of the working tree would hold: tracked ones still present, and new ones git does not ignore. */
export function committableFiles(root = REPO_ROOT): string[] {
	const listed = spawnSync(
		'git',
		['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
		{ cwd: root, encoding: 'utf8' },
	);
	if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
	return [...new Set(listed.stdout.split('\0').filter(Boolean))]
		.filter((file) => existsSync(path.join(root, file)) && statSync(path.join(root, file)).isFile())
		.sort();
}

function contentHash(files: string[]): string {
	const hash = createHash('sha256');
	for (const file of files)
		hash
			.update(file)
			.update('\0')
			.update(readFileSync(path.join(REPO_ROOT, file)))
			.update('\0');
	return hash.digest('hex').slice(0, 16);
}

function copyFiles(files: string[], target: string): void {
	for (const file of files) {
		mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
		cpSync(path.join(REPO_ROOT, file), path.join(target, file));
	}
}

/** The environment without what npm gives the scripts it runs (this may run under `npm test`). */
export function cleanNpmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) =>
				!/^npm_/i.test(name) && !/^(INIT_CWD|NODE_ENV|JEST_WORKER_ID|NODE_OPTIONS)$/.test(name),
		),
	);
	return { ...env, ...extra };
}

async function run(
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<string> {
	return await new Promise((resolve, reject) => {
		const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.once('error', reject);
		child.once('close', (code) =>
			code === 0
				? resolve(output)
				: reject(
						new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-6000)}`),
					),
		);
	});
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

async function withLock<T>(lockFile: string, work: () => Promise<T>): Promise<T> {
	const deadline = Date.now() + 10 * 60_000;
	for (;;) {
		try {
			const fd = openSync(lockFile, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const holder = Number(readFileSync(lockFile, 'utf8').trim() || 0);
			if (holder && !pidAlive(holder)) {
				rmSync(lockFile, { force: true });
				continue;
			}
			if (Date.now() > deadline)
				throw new Error(`gave up waiting for the release build of process ${holder} (${lockFile})`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
	try {
		return await work();
	} finally {
		rmSync(lockFile, { force: true });
	}
}

/** Builds the artifact for the working tree's files, or returns the one built for the same files. */
export async function releaseArtifact(): Promise<ReleaseArtifact> {
	const files = committableFiles();
	const hash = contentHash(files);
	const dir = path.join(RELEASE_CACHE, hash);
	const recordFile = path.join(dir, 'artifact.json');
	mkdirSync(RELEASE_CACHE, { recursive: true });
	return await withLock(path.join(RELEASE_CACHE, `${hash}.lock`), async () => {
		if (existsSync(recordFile))
			return JSON.parse(readFileSync(recordFile, 'utf8')) as ReleaseArtifact;
		const staging = `${dir}.staging-${process.pid}`;
		rmSync(staging, { recursive: true, force: true });
		const checkout = path.join(staging, 'checkout');
		const sourceDir = path.join(staging, 'source');
		copyFiles(files, checkout);
		copyFiles(files, sourceDir);
		symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');

		const started = Date.now();
		// Nothing leaves the machine: the dry run's registry is a closed loopback port, asked once.
		const env = cleanNpmEnv({
			GITHUB_ACTIONS: 'true',
			npm_config_dry_run: 'true',
			npm_config_registry: 'http://127.0.0.1:9/',
			npm_config_fetch_retries: '0',
			npm_config_update_notifier: 'false',
		});
		// The log without npm's line per packed file (the file list is kept in `files`).
		const releaseLog = (await run('npm', ['run', 'release'], { cwd: checkout, env }))
			.split('\n')
			.filter((line) => !/^npm notice [\d.]+k?B /.test(line))
			.join('\n');
		const packed = await run('npm', ['pack', '--json', '--pack-destination', staging], {
			cwd: checkout,
			env: cleanNpmEnv(),
		});
		const [info] = JSON.parse(packed.slice(packed.indexOf('['))) as Array<{
			name: string;
			version: string;
			filename: string;
			integrity: string;
			files: Array<{ path: string }>;
		}>;
		const buildSeconds = Math.round((Date.now() - started) / 100) / 10;
		const packageDir = path.join(staging, 'package');
		mkdirSync(packageDir);
		const tar = spawnSync('tar', [
			'-xzf',
			path.join(staging, info.filename),
			'-C',
			packageDir,
			'--strip-components=1',
		]);
		if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
		rmSync(checkout, { recursive: true, force: true });

		rmSync(dir, { recursive: true, force: true });
		renameSync(staging, dir);
		const artifact: ReleaseArtifact = {
			dir,
			sourceDir: path.join(dir, 'source'),
			tarball: path.join(dir, info.filename),
			packageDir: path.join(dir, 'package'),
			files: info.files.map((file) => file.path).sort(),
			name: info.name,
			version: info.version,
			integrity: info.integrity,
			releaseLog,
			buildSeconds,
		};
		writeFileSync(recordFile, JSON.stringify(artifact, null, 2));
		pruneOldBuilds(hash);
		return artifact;
	});
}

/** Removes builds of other contents older than an hour (this folder would otherwise grow with every change). */
function pruneOldBuilds(keep: string): void {
	for (const entry of readdirSync(RELEASE_CACHE)) {
		if (entry.startsWith(keep)) continue;
		const full = path.join(RELEASE_CACHE, entry);
		if (entry.endsWith('.lock')) continue;
		if (Date.now() - statSync(full).mtimeMs > 60 * 60_000)
			rmSync(full, { recursive: true, force: true });
	}
}
