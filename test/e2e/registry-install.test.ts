/**
 * Installing the package the way an n8n user does: from an npm registry, through Settings ›
 * Community Nodes › Install (n8n's REST endpoint behind that dialog), with nothing reachable but
 * loopback. The tarball is the one the publish workflow would publish (test/helpers/release.ts),
 * published with `npm publish` to a local Verdaccio that stands in for registry.npmjs.org (see
 * test/helpers/real-n8n/npm-registry.ts for why n8n reaches it through an HTTPS proxy). Then a
 * workflow runs with the installed node, n8n restarts and still loads it, and a newer version
 * published to the registry is picked up through the update action.
 */
import {
	cpSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

import { startEmulator, type Emulator } from '../../emulator';
import { emulatorCredential } from '../helpers/real-n8n/examples';
import {
	CREDENTIAL_TYPE,
	N8nHome,
	NODE_TYPE,
	PACKAGE_NAME,
	TRIGGER_TYPE,
	type N8nServer,
} from '../helpers/real-n8n/instance';
import { LocalRegistry, NPMJS_HOST, RegistryProxy } from '../helpers/real-n8n/npm-registry';
import { track } from '../helpers/real-n8n/registry';
import { cleanNpmEnv, releaseArtifact, type ReleaseArtifact } from '../helpers/release';

jest.setTimeout(180_000);

interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	authorName?: string;
	installedNodes: Array<{ name: string; type: string; latestVersion: number }>;
	updateAvailable?: string;
	failedLoading?: boolean;
}

const WEBHOOK_PATH = 'tci-installed-from-registry';
const WEBHOOK_ID = '3f9d4c1e-6a7b-4c8d-9e0f-1a2b3c4d5e6f';

let artifact: ReleaseArtifact;
let emulator: Emulator;
let registry: LocalRegistry;
let proxy: RegistryProxy;
let home: N8nHome;
let server: N8nServer;
let scratch: string;
let untrackScratch: () => void = () => undefined;
const started = Date.now();

beforeAll(async () => {
	artifact = await releaseArtifact();
	scratch = mkdtempSync(path.join(os.tmpdir(), 'tci-registry-e2e-'));
	untrackScratch = track({ kind: 'dir', path: scratch, what: 'registry e2e scratch folder' });
	emulator = await startEmulator({ engine: 'text' });
	registry = await LocalRegistry.start();
	registry.publish(artifact.tarball);
	proxy = await RegistryProxy.start(registry);
	home = await N8nHome.create({
		name: 'registry',
		installPackage: false,
		env: {
			...proxy.env(path.join(scratch, 'npm-cache')),
			// What n8n's Community Nodes need on a self-hosted instance (both the defaults, set explicitly).
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		},
	});
	server = await home.start();
	await server.setupOwner();
}, 300_000);

afterAll(async () => {
	await home?.dispose();
	await proxy?.close();
	await registry?.stop();
	await emulator?.close();
	if (scratch) rmSync(scratch, { recursive: true, force: true });
	untrackScratch();
	process.stdout.write(`registry install e2e: ${Math.round((Date.now() - started) / 1000)} s\n`);
});

const packages = async () =>
	(await server.request('/rest/community-packages')) as InstalledPackage[];
const nodeTypeNames = async () =>
	((await server.request('/types/nodes.json')) as Array<{ name: string }>).map((node) => node.name);
const installedManifest = () =>
	JSON.parse(readFileSync(path.join(home.packageDir, 'package.json'), 'utf8')) as Record<
		string,
		unknown
	>;

/** Files below a folder, relative, sorted. */
function filesBelow(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
		.sort();
}

/** Runs the workflow through its production webhook; the answer is the Template › Create item. */
async function createTemplateThroughWebhook(name: string): Promise<Record<string, unknown>> {
	const started = Date.now();
	for (;;) {
		const response = await fetch(`${server.url}/webhook/${WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name }),
		});
		const text = await response.text();
		if (response.status === 200) {
			process.stdout.write(`webhook answered after ${Date.now() - started} ms\n`);
			return JSON.parse(text) as Record<string, unknown>;
		}
		if (response.status !== 404 || Date.now() - started > 15_000)
			throw new Error(
				`webhook answered ${response.status}: ${text}\n${server.output.slice(-3000)}`,
			);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

describe('Settings › Community Nodes › Install, from an npm registry', () => {
	it('installs the published tarball: no dependencies installed, the nodes loaded at once', async () => {
		expect(await packages()).toEqual([]);
		expect(await nodeTypeNames()).not.toContain(NODE_TYPE);

		// The install dialog's request (editor-ui: POST /community-packages { name, verify, version }).
		const installed = (await server.request('/rest/community-packages', {
			method: 'POST',
			body: { name: PACKAGE_NAME, verify: false },
		})) as InstalledPackage;
		expect(installed).toMatchObject({
			packageName: PACKAGE_NAME,
			installedVersion: artifact.version,
			authorName: 'n8n-tci',
		});
		expect(installed.installedNodes.map((node) => node.type).sort()).toEqual([
			NODE_TYPE,
			TRIGGER_TYPE,
		]);
		expect(await nodeTypeNames()).toEqual(
			expect.arrayContaining([NODE_TYPE, TRIGGER_TYPE, `${NODE_TYPE}Tool`]),
		);

		// What n8n unpacked is the tested tarball, and npm installed nothing beside it.
		expect(filesBelow(home.packageDir)).toEqual(artifact.files);
		expect(installedManifest()).toMatchObject({ name: PACKAGE_NAME, version: artifact.version });
		expect(installedManifest().dependencies).toBeUndefined();
		expect(existsSync(path.join(home.packageDir, 'node_modules'))).toBe(false);
		expect(existsSync(path.join(path.dirname(home.packageDir), 'fast-xml-parser'))).toBe(false);

		// Fetched from the registry (through the stand-in for registry.npmjs.org), nothing else reached.
		expect(proxy.served).toEqual(
			expect.arrayContaining([
				`GET /${PACKAGE_NAME}`,
				`GET /${PACKAGE_NAME}/-/${PACKAGE_NAME}-${artifact.version}.tgz`,
			]),
		);
		expect(
			proxy.events
				.filter((event) => event.allowed)
				.every((event) => event.target === `${NPMJS_HOST}:443`),
		).toBe(true);
		process.stdout.write(
			`registry install e2e: hosts n8n tried beyond the registry (refused): ${[...new Set(proxy.events.filter((event) => !event.allowed).map((event) => event.target))].join(', ') || 'none'}\n`,
		);
	});

	it('runs a workflow with the installed node (credential and workflow made through the REST API, as in the editor)', async () => {
		const { data } = emulatorCredential(emulator);
		const credential = (await server.request('/rest/credentials', {
			method: 'POST',
			body: { name: 'Tencent Cloud Infinite (emulator)', type: CREDENTIAL_TYPE, data },
		})) as { id: string; name: string };
		const workflow = (await server.request('/rest/workflows', {
			method: 'POST',
			body: {
				name: 'Template from a webhook (installed from the registry)',
				active: false,
				settings: { executionOrder: 'v1' },
				connections: { Webhook: { main: [[{ node: 'Create Template', type: 'main', index: 0 }]] } },
				nodes: [
					{
						id: 'b1c2d3e4-0000-4000-8000-000000000001',
						name: 'Webhook',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2,
						position: [0, 0],
						webhookId: WEBHOOK_ID,
						parameters: {
							httpMethod: 'POST',
							path: WEBHOOK_PATH,
							responseMode: 'lastNode',
							options: {},
						},
					},
					{
						id: 'b1c2d3e4-0000-4000-8000-000000000002',
						name: 'Create Template',
						type: NODE_TYPE,
						typeVersion: 1,
						position: [220, 0],
						parameters: {
							resource: 'template',
							operation: 'create',
							name: '={{ $json.body.name }}',
							recognitionType: 'general',
							languageType: 'auto',
						},
						credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
					},
				],
			},
		})) as { id: string; versionId: string };
		await server.request(`/rest/workflows/${workflow.id}/activate`, {
			method: 'POST',
			body: { versionId: workflow.versionId },
		});

		const template = await createTemplateThroughWebhook('installed_from_registry');
		expect(template).toMatchObject({
			name: 'installed_from_registry',
			templateId: expect.any(String),
		});
		// Signed, sent as XML built by the bundled fast-xml-parser, and the answer read by it.
		expect(emulator.templates.get(String(template.templateId))).toMatchObject({
			Name: 'installed_from_registry',
		});
	});

	it('still loads it after n8n restarts, from its own records, and runs the workflow again', async () => {
		await server.stop();
		server = await home.start();
		await server.login();
		const [record] = await packages();
		expect(record).toMatchObject({
			packageName: PACKAGE_NAME,
			installedVersion: artifact.version,
			failedLoading: false,
		});
		expect(record.updateAvailable).toBeUndefined();
		expect(await nodeTypeNames()).toEqual(expect.arrayContaining([NODE_TYPE, TRIGGER_TYPE]));
		expect(await createTemplateThroughWebhook('after_restart')).toMatchObject({
			name: 'after_restart',
		});
	});

	it('offers a newer version published to the registry and installs it with the update action', async () => {
		const next = nextPatch(artifact.version);
		registry.publish(repackWithVersion(artifact.packageDir, next, scratch));
		expect((await registry.packument(PACKAGE_NAME))['dist-tags'].latest).toBe(next);

		// The list the Community Nodes page shows (n8n runs `npm outdated` for it).
		const [listed] = await packages();
		expect(listed).toMatchObject({ installedVersion: artifact.version, updateAvailable: next });

		// The page's Update button for an unverified package (editor-ui: PATCH /community-packages { name }).
		const updated = (await server.request('/rest/community-packages', {
			method: 'PATCH',
			body: { name: PACKAGE_NAME },
		})) as InstalledPackage;
		expect(updated).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: next });
		expect(installedManifest()).toMatchObject({ version: next });
		const [after] = await packages();
		expect(after).toMatchObject({ installedVersion: next, failedLoading: false });
		expect(after.updateAvailable).toBeUndefined();
		expect(proxy.served).toContain(`GET /${PACKAGE_NAME}/-/${PACKAGE_NAME}-${next}.tgz`);
		expect(await createTemplateThroughWebhook('after_update')).toMatchObject({
			name: 'after_update',
		});
	});

	it('on an instance set to verified packages only: keeps running it, but refuses to install it until n8n has verified it', async () => {
		await server.stop();
		server = await home.start({ env: { N8N_UNVERIFIED_PACKAGES_ENABLED: 'false' } });
		await server.login();
		expect((await packages())[0]).toMatchObject({
			packageName: PACKAGE_NAME,
			failedLoading: false,
		});
		expect(await createTemplateThroughWebhook('verified_only_instance')).toMatchObject({
			name: 'verified_only_instance',
		});

		await server.request(`/rest/community-packages?name=${PACKAGE_NAME}`, { method: 'DELETE' });
		expect(await packages()).toEqual([]);
		// The install dialog (unverified packages): refused before npm is asked.
		const served = proxy.served.length;
		await expect(
			server.request('/rest/community-packages', {
				method: 'POST',
				body: { name: PACKAGE_NAME, verify: false },
			}),
		).rejects.toThrow(/Installation of unverified community packages is forbidden/);
		// The node panel's install of a verified node: this package is not (yet) on n8n's list.
		await expect(
			server.request('/rest/community-packages', {
				method: 'POST',
				body: { name: PACKAGE_NAME, verify: true },
			}),
		).rejects.toThrow(/not vetted/);
		expect(proxy.served.slice(served)).toEqual([]);
	});
});

function nextPatch(version: string): string {
	const [major, minor, patch] = version.split('-')[0].split('.').map(Number);
	return `${major}.${minor}.${patch + 1}`;
}

/** The same package under a newer version: the unpacked tarball with its version changed, packed again. */
function repackWithVersion(packageDir: string, version: string, scratchDir: string): string {
	const copy = path.join(scratchDir, `package-${version}`);
	cpSync(packageDir, copy, { recursive: true });
	const manifestFile = path.join(copy, 'package.json');
	writeFileSync(
		manifestFile,
		JSON.stringify(
			{ ...(JSON.parse(readFileSync(manifestFile, 'utf8')) as object), version },
			null,
			2,
		),
	);
	const packed = spawnSync(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', scratchDir],
		{ cwd: copy, encoding: 'utf8', env: cleanNpmEnv() },
	);
	if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{
		filename: string;
	}>;
	return path.join(scratchDir, filename);
}
