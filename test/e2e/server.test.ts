/**
 * n8n as a server (`n8n start`) with this package installed: what it lists (node types and the
 * credential, as the editor loads them), the credential's Test button, and the callback trigger's
 * production webhook receiving a finished job submitted by another n8n.
 */
import { startEmulator, type Emulator } from '../../emulator';
import {
	emulatorCredential,
	importExamples,
	seedEmulator,
	startSampleServer,
	type SampleServer,
} from '../helpers/real-n8n/examples';
import {
	CREDENTIAL_TYPE,
	N8nHome,
	NODE_TYPE,
	TRIGGER_TYPE,
	nodeItems,
	type N8nServer,
} from '../helpers/real-n8n/instance';

jest.setTimeout(120_000);

const TRIGGER_WORKFLOW = 'tciJobCallback';
const SUBMIT_WORKFLOW = 'tciJobWithCallback';
const WEBHOOK_ID = '6f0e2a55-3c1b-4a8e-9d57-1c2b3a4d5e6f';
const TOKEN = 'change-this-secret-token';

interface Property {
	name: string;
	displayName: string;
	type: string;
	default?: unknown;
	required?: boolean;
	typeOptions?: Record<string, unknown>;
	options?: Array<{ name: string; value?: unknown }>;
	displayOptions?: { show?: Record<string, unknown[]> };
}
interface NodeTypeListing {
	name: string;
	displayName: string;
	version: number | number[];
	group: string[];
	iconUrl?: { light: string; dark: string } | string;
	credentials?: Array<{ name: string; required?: boolean }>;
	webhooks?: Array<{ name: string; httpMethod: string; path: string }>;
	properties: Property[];
	codex?: { categories?: string[]; subcategories?: Record<string, string[]> };
	usableAsTool?: boolean;
}

let emulator: Emulator;
let samples: SampleServer;
let home: N8nHome;
let server: N8nServer;

beforeAll(async () => {
	emulator = await startEmulator({ jobDelayMs: 300 });
	seedEmulator(emulator);
	samples = await startSampleServer();
	home = await N8nHome.create({ name: 'server' });
	await importExamples(home, emulator, samples, {
		files: ['job-callback-trigger.json', 'recognize-text-from-url.json'],
	});
	await home.publish(TRIGGER_WORKFLOW);
	server = await home.start();
	await server.setupOwner();
}, 300_000);

afterAll(async () => {
	await home?.dispose();
	await samples?.close();
	await emulator?.close();
});

describe('what n8n lists (the node-types listing the editor loads)', () => {
	let nodes: NodeTypeListing[];
	beforeAll(async () => {
		nodes = (await server.request('/types/nodes.json')) as NodeTypeListing[];
	});
	const byName = (name: string) => {
		const found = nodes.filter((node) => node.name === name);
		expect(found).toHaveLength(1);
		return found[0];
	};
	const property = (node: NodeTypeListing, name: string) => {
		const found = node.properties.find((entry) => entry.name === name);
		if (!found) throw new Error(`${node.name} has no parameter "${name}"`);
		return found;
	};

	it('lists the Tencent Cloud Infinite node with its resources, operations and parameters', () => {
		const node = byName(NODE_TYPE);
		expect(node).toMatchObject({
			displayName: 'Tencent Cloud Infinite',
			version: 1,
			group: ['transform'],
		});
		expect(node.credentials).toEqual([
			expect.objectContaining({ name: CREDENTIAL_TYPE, required: true }),
		]);
		// n8n adds "Custom API Call" (an HTTP Request signed by this credential) to nodes whose credential can authenticate requests.
		expect(property(node, 'resource').options!.map((option) => option.value)).toEqual([
			'job',
			'ocr',
			'template',
			'__CUSTOM_API_CALL__',
		]);
		const operations = node.properties.filter((entry) => entry.name === 'operation');
		const byResource = Object.fromEntries(
			operations.map((entry) => [
				String(entry.displayOptions?.show?.resource),
				entry
					.options!.map((option) => option.value)
					.filter((value) => value !== '__CUSTOM_API_CALL__'),
			]),
		);
		expect(byResource).toEqual({
			ocr: ['recognizeIdCard', 'recognizeText'],
			job: expect.arrayContaining(['submitOcrJob', 'submitCardJob', 'get', 'getAll', 'cancel']),
			template: expect.arrayContaining(['create', 'get', 'getAll', 'update', 'delete']),
		});
		expect(property(node, 'source').options!.map((option) => option.value)).toEqual([
			'binary',
			'object',
			'url',
		]);
		expect(property(node, 'recognitionType').options!.map((option) => option.value)).toEqual(
			expect.arrayContaining(['general', 'accurate', 'efficient', 'fast', 'handwriting']),
		);
		for (const name of [
			'binaryPropertyName',
			'objectKey',
			'url',
			'languageType',
			'pdfMode',
			'output',
			'simplify',
			'settingsFrom',
			'templateId',
			'cardType',
			'callbackType',
			'callbackUrl',
			'waitForCompletion',
			'deleteUpload',
		]) {
			expect(property(node, name)).toBeDefined();
		}
		expect(property(node, 'templateId').type).toBe('resourceLocator');
	});

	it('lists the trigger with its production webhook and parameters', () => {
		const trigger = byName(TRIGGER_TYPE);
		expect(trigger).toMatchObject({
			displayName: 'Tencent Cloud Infinite Trigger',
			version: 1,
			group: ['trigger'],
		});
		expect(trigger.webhooks).toEqual([
			expect.objectContaining({ name: 'default', httpMethod: 'POST', path: 'callback' }),
		]);
		expect(trigger.properties.map((entry) => entry.name)).toEqual(
			expect.arrayContaining(['secretToken', 'confirm', 'tags', 'states', 'simplify', 'options']),
		);
		expect(property(trigger, 'secretToken').typeOptions).toMatchObject({ password: true });
	});

	it('lists the node as an AI-agent tool too, and serves the icons', async () => {
		byName(`${NODE_TYPE}Tool`);
		const icon = byName(NODE_TYPE).iconUrl as { light: string; dark: string };
		for (const url of [icon.light, icon.dark]) {
			const response = await fetch(`${server.url}/${url}`);
			expect(response.status).toBe(200);
			expect(await response.text()).toMatch(/<svg/);
		}
	});

	it('lists the credential with its fields in order', async () => {
		const credentials = (await server.request('/types/credentials.json')) as Array<{
			name: string;
			displayName: string;
			properties: Property[];
		}>;
		const credential = credentials.find((entry) => entry.name === CREDENTIAL_TYPE);
		expect(credential?.displayName).toBe('Tencent Cloud Infinite API');
		// n8n appends its own domain restrictions to credentials the HTTP Request node can use.
		expect(credential?.properties.map((entry) => entry.name)).toEqual([
			'secretId',
			'secretKey',
			'sessionToken',
			'bucket',
			'region',
			'cosEndpoint',
			'ciEndpoint',
			'allowedHttpRequestDomains',
			'allowedDomains',
		]);
		const fields = Object.fromEntries(credential!.properties.map((entry) => [entry.name, entry]));
		expect(fields.secretKey.typeOptions).toMatchObject({ password: true });
		expect(fields.sessionToken.typeOptions).toMatchObject({ password: true });
		expect(fields.region.default).toBe('ap-guangzhou');
		for (const name of ['secretId', 'secretKey', 'bucket', 'region'])
			expect(fields[name].required).toBe(true);
	});

	it('files the nodes where the editor’s node search finds them', () => {
		// n8n 2.x's node panel leaves out of its search every node whose codex categories include
		// "AI" unless its AI subcategories include "Root Nodes" (agents, chains); such a node can
		// only be found by browsing the AI panel. The tool variant is n8n's own and is meant for agents.
		for (const name of [NODE_TYPE, TRIGGER_TYPE]) {
			const { codex } = byName(name);
			const hiddenFromSearch = Boolean(
				codex?.categories?.includes('AI') && !codex.subcategories?.AI?.includes('Root Nodes'),
			);
			expect({ node: name, categories: codex?.categories, hiddenFromSearch }).toEqual({
				node: name,
				categories: codex?.categories,
				hiddenFromSearch: false,
			});
		}
	});
});

describe('the credential’s Test button', () => {
	const test = async (data: Record<string, unknown>) =>
		(await server.request('/rest/credentials/test', {
			method: 'POST',
			body: {
				credentials: {
					id: 'tciEmulatorCred',
					name: 'Tencent Cloud Infinite (local emulator)',
					type: CREDENTIAL_TYPE,
					data,
				},
			},
		})) as {
			status: string;
			message: string;
		};

	it('says OK for the emulator’s keys, and explains a wrong SecretKey', async () => {
		const { data } = emulatorCredential(emulator);
		expect(await test(data)).toMatchObject({ status: 'OK' });
		const wrong = await test({ ...data, secretKey: 'wrong' });
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toMatch(/403|SecretKey/);
	});
});

describe('the callback trigger (job-callback-trigger.json, published)', () => {
	const callbackUrl = () => `${server.url}/webhook/${WEBHOOK_ID}/callback`;
	let submitter: N8nHome | undefined;
	let jobId: string | undefined;
	afterAll(async () => await submitter?.dispose());

	const post = async (query: string, body: unknown) => {
		const response = await fetch(`${callbackUrl()}${query}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// n8n's own answer for a started workflow is not always JSON
		}
		return { status: response.status, body: parsed };
	};
	const callback = (id: string) => ({
		EventName: 'TaskFinish',
		JobsDetail: [{ JobId: id, State: 'Success', Tag: 'ImageOCR' }],
	});

	it('runs its workflow with the finished job when another n8n submits a job with its production URL as callback', async () => {
		submitter = await N8nHome.create({ name: 'submitter' });
		const [submit] = await importExamples(submitter, emulator, samples, {
			files: ['submit-ocr-job-with-callback.json'],
			n8nBase: server.url,
		});
		expect(JSON.stringify(submit.nodes)).toContain(`${callbackUrl()}?token=${TOKEN}`);

		const outcome = await submitter.execute(SUBMIT_WORKFLOW);
		expect(outcome.error).toBeUndefined();
		const [submitted] = outcome.json('Submit OCR Job');
		expect(submitted).toMatchObject({
			jobId: expect.any(String),
			state: 'Submitted',
			userData: 'n8n-callback-example',
		});
		jobId = String(submitted.jobId);

		const [execution] = await server.waitForExecutions(TRIGGER_WORKFLOW, 1, 30_000);
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
		const [job] = nodeItems(execution.data, 'When a job finishes');
		expect(job).toMatchObject({
			jobId,
			state: 'Success',
			tag: 'ImageOCR',
			objectKey: 'samples/sample.png',
			text: 'Tencent Cloud Infinite\nOCR sample 2026\nHello n8n',
		});
		expect(nodeItems(execution.data, 'Job summary')).toEqual([
			{
				jobId,
				state: 'Success',
				objectKey: 'samples/sample.png',
				text: 'Tencent Cloud Infinite\nOCR sample 2026\nHello n8n',
				userData: 'n8n-callback-example',
			},
		]);
		expect(emulator.stats.callbacksSent).toBe(1);
		expect(emulator.stats.callbacksFailed).toBe(0);
	});

	it('refuses a wrong token and a job the service does not know, starting nothing', async () => {
		const before = (await server.executions(TRIGGER_WORKFLOW)).length;
		expect(
			(await post('?token=wrong', callback(jobId ?? 'a0000000000000000000000000000000e'))).status,
		).toBe(401);
		expect(
			await post(`?token=${TOKEN}`, callback('a0000000000000000000000000000000f')),
		).toMatchObject({ status: 404, body: { status: 'rejected' } });
		expect(await server.executions(TRIGGER_WORKFLOW)).toHaveLength(before);
	});

	it('starts nothing when the same finished job is reported again', async () => {
		// The trigger remembers delivered jobs in the workflow's static data. n8n 2.41 saves what a
		// webhook changed there only if the node answered the request itself (noWebhookResponse):
		// when n8n answers an "onReceived" webhook, it first prepares the execution, which wraps the
		// same static data and resets its changed flag, and the change is lost.
		if (!jobId) throw new Error('the round trip above did not run');
		const before = (await server.executions(TRIGGER_WORKFLOW)).length;
		const replay = await post(`?token=${TOKEN}`, callback(jobId));
		expect(replay).toEqual({
			status: 200,
			body: { status: 'ignored', reason: 'already received' },
		});
		expect(await server.executions(TRIGGER_WORKFLOW)).toHaveLength(before);
	});
});
