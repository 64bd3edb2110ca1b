/**
 * What the publish workflow would publish (test/helpers/release.ts builds it with the workflow's
 * own commands, from what git tracks), checked as n8n checks it before verification: its file
 * list, its package.json, n8n's scanner on the source and on the tarball, and loading it as n8n
 * loads an installed package. The e2e suite (test/e2e/registry-install.test.ts) installs this same
 * tarball from a registry through n8n's Community Nodes installer.
 */
import { spawnSync } from 'node:child_process';
import {
	cpSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { cleanNpmEnv, REPO_ROOT, releaseArtifact, type ReleaseArtifact } from '../helpers/release';

jest.setTimeout(120_000);

let artifact: ReleaseArtifact;
beforeAll(async () => {
	artifact = await releaseArtifact();
}, 600_000);

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

interface Manifest {
	name: string;
	version: string;
	license: string;
	author: { name: string; email: string; url?: string };
	homepage: string;
	repository: { type: string; url: string };
	bugs: { url: string };
	scripts: Record<string, string>;
	dependencies?: Record<string, string>;
	peerDependencies: Record<string, string>;
	n8n: { n8nNodesApiVersion: number; strict: boolean; nodes: string[]; credentials: string[] };
}

describe('the publish workflow builds what the tests test', () => {
	it('publish.yml: on a version tag, with an OIDC token for provenance, npm ci then npm run release', () => {
		const workflow = readFileSync(path.join(REPO_ROOT, '.github/workflows/publish.yml'), 'utf8');
		expect(workflow).toMatch(/on:\s+push:\s+tags:\s+(#.*\s+)*- '\*\.\*\.\*'/);
		expect(workflow).toMatch(/permissions:\s+(#.*\s+)*id-token: write\s+(#.*\s+)*contents: read/);
		const runs = [...workflow.matchAll(/^\s+run: (?:'([^']+)'|\|\n((?:\s{10}.*\n?)+))/gm)].map(
			(match) => (match[1] ?? match[2]).trim(),
		);
		expect(runs[0]).toBe('npm ci');
		expect(runs[1].split('\n').pop()?.trim()).toBe('npm run release');
		expect(workflow).toContain('NPM_TOKEN: ${{ secrets.NPM_TOKEN }}');
	});

	it('npm run release is n8n-node release, which inside GitHub Actions lints, builds and publishes with provenance', () => {
		expect(readJson<Manifest>(path.join(REPO_ROOT, 'package.json')).scripts.release).toBe(
			'n8n-node release',
		);
		// The CLI's own CI branch (node_modules/@n8n/node-cli/dist/commands/release.js), which the helper runs.
		const cli = readFileSync(
			path.join(REPO_ROOT, 'node_modules/@n8n/node-cli/dist/commands/release.js'),
			'utf8',
		);
		const ciBranch = cli.slice(
			cli.indexOf('if (isCI) {'),
			cli.indexOf('return;', cli.indexOf('if (isCI) {')),
		);
		expect(ciBranch).toContain("['run', 'lint']");
		expect(ciBranch).toContain("['run', 'build']");
		expect(ciBranch).toContain("['publish']");
		expect(ciBranch).toContain("NPM_CONFIG_PROVENANCE: 'true'");
	});

	it('the release run linted, built (bundling fast-xml-parser) and went as far as publishing', () => {
		expect(artifact.releaseLog).toContain('> n8n-node lint');
		expect(artifact.releaseLog).toMatch(
			/bundled fast-xml-parser into dist\/nodes\/TencentCloudInfinite\/transport\/xml\.js/,
		);
		expect(artifact.releaseLog).toContain(`+ ${artifact.name}@${artifact.version}`);
		expect(artifact.releaseLog).toContain('(dry-run)');
		process.stdout.write(
			`release artifact: ${path.relative(REPO_ROOT, artifact.tarball)}, ${artifact.files.length} files, built in ${artifact.buildSeconds} s\n`,
		);
	});
});

describe('the tarball', () => {
	/** Tracked sources of the published folders, from the checkout the artifact was built from. */
	const sources = () =>
		readdirSync(artifact.sourceDir, { recursive: true, withFileTypes: true })
			.filter((entry) => entry.isFile())
			.map((entry) => path.relative(artifact.sourceDir, path.join(entry.parentPath, entry.name)))
			.filter((file) => /^(nodes|credentials)\//.test(file));

	it('holds package.json, README, LICENSE and dist/ only: each source compiled (with declarations and maps), icons and codex files', () => {
		const expected = ['package.json', 'README.md', 'LICENSE'];
		for (const file of sources()) {
			if (file.endsWith('.ts'))
				expected.push(
					...['.js', '.d.ts', '.js.map'].map(
						(extension) => `dist/${file.slice(0, -3)}${extension}`,
					),
				);
			else if (/^nodes\/.*\.(png|svg|json)$|^credentials\/.*\.(png|svg)$/.test(file))
				expected.push(`dist/${file}`);
		}
		expect(artifact.files).toEqual(expected.sort());
		const unwanted = (file: string) =>
			/(^|\/)(test|tests|__tests__|emulator|fixtures|bench|demo|examples|scripts)\//.test(file) ||
			/\.(test|spec)\.|(?<!\.d)\.ts$/.test(file);
		expect(artifact.files.filter(unwanted)).toEqual([]);
	});

	it('has source maps of the published sources only (and of the bundled library)', () => {
		const mapped = artifact.files
			.filter((file) => file.endsWith('.map'))
			.flatMap((file) =>
				readJson<{ sources: string[] }>(path.join(artifact.packageDir, file)).sources.map(
					(source) => path.normalize(path.join(path.dirname(file), source)),
				),
			);
		expect(mapped.length).toBeGreaterThan(30);
		expect(
			mapped.filter(
				(source) =>
					!/^(nodes|credentials)\/.*\.ts$/.test(source) &&
					source !== 'node_modules/fast-xml-parser/lib/fxp.cjs',
			),
		).toEqual([]);
	});

	it('package.json as published: no dependencies, n8n-workflow as peer, entry points present, one real repository everywhere', () => {
		const published = readJson<Manifest>(path.join(artifact.packageDir, 'package.json'));
		expect(published.dependencies).toBeUndefined();
		expect(published.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		for (const entry of [...published.n8n.nodes, ...published.n8n.credentials])
			expect(artifact.files).toContain(entry);
		const repository = /^git\+https:\/\/github\.com\/([\w.-]+)\/([\w.-]+)\.git$/.exec(
			published.repository.url,
		);
		expect(repository).not.toBeNull();
		const [, owner, repo] = repository!;
		expect(repo).toBe(published.name);
		expect(published.homepage).toBe(`https://github.com/${owner}/${repo}#readme`);
		expect(published.bugs.url).toBe(`https://github.com/${owner}/${repo}/issues`);
		expect(published.author.name).toBeTruthy();
		expect(published.author.email).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);
		expect(published.license).toBe('MIT');
		expect(readFileSync(path.join(artifact.packageDir, 'LICENSE'), 'utf8')).toMatch(
			/^MIT License\n\nCopyright \(c\) \d{4} /,
		);
	});
});

interface ScanPass {
	files: number;
	errorCount: number;
	warningCount: number;
	verdict?: { passed: boolean; message: string | null };
	messages: Array<{
		file: string;
		line: number;
		ruleId: string;
		severity: string;
		message: string;
	}>;
}

function scan(args: string[]): Record<string, ScanPass> {
	// Not jest's NODE_ENV=test: eslint-plugin-n8n-nodes-base then takes every file for a node file.
	const result = spawnSync(
		process.execPath,
		[path.join(REPO_ROOT, 'scripts/release/scan.mjs'), ...args],
		{ encoding: 'utf8', timeout: 120_000, env: cleanNpmEnv() },
	);
	if (!result.stdout.trim().startsWith('{'))
		throw new Error(`scan.mjs failed (${result.status}): ${result.stderr}`);
	return JSON.parse(result.stdout) as Record<string, ScanPass>;
}

describe("n8n's community-package scanner, offline, with its own pinned rules", () => {
	let passes: Record<string, ScanPass>;
	beforeAll(() => {
		passes = scan([
			'--source',
			artifact.sourceDir,
			'--package',
			artifact.packageDir,
			'--template',
			artifact.sourceDir,
		]);
	});

	it('source pass (package.json, nodes/, credentials/ of the checkout): passed, 0 errors, 0 warnings', () => {
		expect(passes.source.messages).toEqual([]);
		expect(passes.source).toMatchObject({
			verdict: { passed: true },
			errorCount: 0,
			warningCount: 0,
		});
		expect(passes.source.files).toBeGreaterThan(30);
	});

	it('tarball pass (its JavaScript, the bundled parser included, and package.json): passed, 0 errors, 0 warnings', () => {
		expect(passes.package.messages).toEqual([]);
		expect(passes.package).toMatchObject({
			verdict: { passed: true },
			errorCount: 0,
			warningCount: 0,
		});
		expect(passes.package.files).toBe(
			artifact.files.filter((file) => file.endsWith('.js') || file === 'package.json').length,
		);
	});

	it("n8n-node's template eslint config with cloud support, unmodified, over the published sources: 0 errors, 0 warnings", () => {
		expect(passes.template.messages).toEqual([]);
		expect(passes.template.files).toBeGreaterThan(30);
	});

	it('refuses what it refused before this package bundled its parser (a control: the passes can fail)', () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'tci-scan-control-'));
		try {
			const manifest = readJson<Manifest & { devDependencies: unknown }>(
				path.join(artifact.packageDir, 'package.json'),
			);
			writeFileSync(
				path.join(dir, 'package.json'),
				JSON.stringify(
					{ ...manifest, dependencies: { 'fast-xml-parser': '^5.3.0' }, devDependencies: {} },
					null,
					2,
				),
			);
			mkdirSync(path.join(dir, 'nodes/Control'), { recursive: true });
			writeFileSync(
				path.join(dir, 'nodes/Control/request.ts'),
				"import type { Readable } from 'stream';\nexport type Body = Readable;\n",
			);
			writeFileSync(
				path.join(dir, 'nodes/Control/xml.js'),
				"const { XMLParser } = require('fast-xml-parser');\nmodule.exports = { XMLParser };\n",
			);
			const control = scan(['--source', dir, '--package', dir]);
			const rules = (pass: ScanPass) =>
				pass.messages.map((message) => `${message.file} ${message.ruleId}`).sort();
			expect(control.source.verdict?.passed).toBe(false);
			expect(rules(control.source)).toEqual(
				expect.arrayContaining([
					'nodes/Control/request.ts @n8n/community-nodes/no-restricted-imports',
					'package.json @n8n/community-nodes/no-runtime-dependencies',
				]),
			);
			expect(rules(control.package)).toEqual(
				expect.arrayContaining(['nodes/Control/xml.js @n8n/community-nodes/no-restricted-imports']),
			);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('the tarball loads as n8n loads an installed package, with nothing beside it but n8n-workflow', () => {
	it('lists and instantiates both nodes and the credential, and reads and writes XML with the bundled parser', () => {
		const root = mkdtempSync(path.join(os.tmpdir(), 'tci-installed-'));
		try {
			const modules = path.join(root, 'nodes', 'node_modules');
			const installed = path.join(modules, artifact.name);
			mkdirSync(modules, { recursive: true });
			cpSync(artifact.packageDir, installed, { recursive: true });
			symlinkSync(
				path.join(REPO_ROOT, 'node_modules/n8n-workflow'),
				path.join(modules, 'n8n-workflow'),
				'dir',
			);
			const result = spawnSync(
				process.execPath,
				[path.join(__dirname, 'load-installed.js'), installed],
				{ encoding: 'utf8', timeout: 60_000 },
			);
			if (result.status !== 0)
				throw new Error(`loading the installed package failed:\n${result.stderr}`);
			const loaded = JSON.parse(result.stdout) as {
				packageName: string;
				nodes: Array<{ name: string; displayName: string; properties: number }>;
				credentials: Array<{ name: string; displayName: string }>;
				parsed: unknown;
				written: string;
				resolvable: Record<string, boolean>;
			};
			expect(loaded.resolvable).toEqual({ 'n8n-workflow': true, 'fast-xml-parser': false });
			expect(loaded.packageName).toBe(artifact.name);
			expect(
				loaded.nodes
					.map(({ name, displayName }) => ({ name, displayName }))
					.sort((a, b) => a.name.localeCompare(b.name)),
			).toEqual([
				{ name: 'tencentCloudInfinite', displayName: 'Tencent Cloud Infinite' },
				{ name: 'tencentCloudInfiniteTrigger', displayName: 'Tencent Cloud Infinite Trigger' },
			]);
			for (const node of loaded.nodes) expect(node.properties).toBeGreaterThan(3);
			expect(loaded.credentials).toEqual([
				{ name: 'tencentCloudInfiniteApi', displayName: 'Tencent Cloud Infinite API' },
			]);
			expect(loaded.parsed).toEqual({
				root: 'Response',
				body: { TextDetections: [{ DetectedText: 'Hello', Confidence: 99 }] },
			});
			expect(loaded.written).toBe(
				'<Request><Tag>ImageOCR</Tag><Input><Object>a&amp;b.png</Object></Input></Request>',
			);
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});
});
