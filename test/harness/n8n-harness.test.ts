/**
 * Proves the n8n test harness (test/helpers/n8n.ts): real WorkflowExecute, the package's built
 * credential signing requests through n8n's request helpers, expressions, pairedItem, binary data,
 * errors, and the credential test as n8n's "Test" button runs it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { TransportProbe } from '../fixtures/nodes/TransportProbe.node';
import {
	expectedAuthorization,
	parseAuthorization,
	startSignatureServer,
	type SignatureServer,
} from '../helpers/cos-signature-server';
import {
	inlineBinary,
	packageTypes,
	runWorkflow,
	testCredential,
	type WorkflowJson,
} from '../helpers/n8n';

const SECRET_ID = 'AKIDharnessTEST0000000000000000000000';
const SECRET_KEY = 'harnessSecretKey000000000000000000';
const BUCKET = 'examplebucket-1250000000';
const REGION = 'ap-guangzhou';

let server: SignatureServer;

beforeAll(async () => {
	server = await startSignatureServer({ secretId: SECRET_ID, secretKey: SECRET_KEY });
});

afterAll(async () => {
	await server.close();
});

beforeEach(() => {
	server.requests.length = 0;
});

function credentialData(overrides: IDataObject = {}) {
	return {
		secretId: SECRET_ID,
		secretKey: SECRET_KEY,
		bucket: BUCKET,
		region: REGION,
		cosEndpoint: server.url,
		ciEndpoint: server.url,
		...overrides,
	};
}

/** Manual Trigger -> Transport Probe, the probe's parameters given. */
function probeWorkflow(parameters: IDataObject, probe: IDataObject = {}): WorkflowJson {
	return {
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Probe', type: 'test.transportProbe', parameters: parameters as never, ...probe },
		],
		connections: { Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
	};
}

const extraNodeTypes = { 'test.transportProbe': new TransportProbe() };

describe('package loading', () => {
	test('the built credential loads through the package.json "n8n" entry points', async () => {
		const types = await packageTypes();
		expect(types.packageName).toBe('n8n-nodes-tencent-cloud-infinite');
		expect(types.credentials).toContain('tencentCloudInfiniteApi');
		// Every node entry point listed in package.json loaded too.
		const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
			n8n: { nodes: string[] };
		};
		expect(types.nodes).toHaveLength(pkg.n8n.nodes.length);
		for (const name of types.nodes) expect(name).toMatch(/^n8n-nodes-tencent-cloud-infinite\.\w+$/);
	});
});

describe('a node request signed by the credential through n8n', () => {
	test('reaches the server with a signature the official SDK verifies; expressions and pairedItem work', async () => {
		const result = await runWorkflow(
			probeWorkflow({
				key: '={{ $json.key }}',
				query: '={{ { "ci-process": "probe", "note": $json.note } }}',
			}),
			{
				credentials: { tencentCloudInfiniteApi: credentialData() },
				extraNodeTypes,
				inputItems: [
					{ json: { key: 'photos/a b+c.png', note: 'first one' } },
					{ json: { key: 'second.txt', note: 'x&y=z' } },
				],
			},
		);

		expect(result.error).toBeUndefined();
		expect(result.executedNodes).toEqual(['Start', 'Probe']);
		const items = result.items('Probe');
		expect(items).toHaveLength(2);
		expect(server.requests).toHaveLength(2);

		const expected = [
			{ pathname: '/photos/a b+c.png', note: 'first one' },
			{ pathname: '/second.txt', note: 'x&y=z' },
		];
		items.forEach((item, index) => {
			const seen = item.json as {
				method: string;
				pathname: string;
				query: Record<string, string>;
				headers: Record<string, string>;
			};
			// The expressions were evaluated per item.
			expect(seen.pathname).toBe(expected[index].pathname);
			expect(seen.query).toEqual({ 'ci-process': 'probe', note: expected[index].note });
			// Paired with its input item.
			expect(item.pairedItem).toEqual({ item: index });

			// The header is a COS sha1 signature by our SecretId...
			const header = seen.headers.authorization;
			expect(header).toMatch(
				new RegExp(
					`^q-sign-algorithm=sha1&q-ak=${SECRET_ID}&q-sign-time=\\d+;\\d+&q-key-time=\\d+;\\d+&`,
				),
			);
			const auth = parseAuthorization(header);
			expect(auth['q-header-list'].split(';')).toContain('host');
			expect(auth['q-url-param-list']).toBe('ci-process;note');
			// ...that the official SDK computes identically from what the server received.
			expect(
				expectedAuthorization(
					seen,
					SECRET_ID,
					SECRET_KEY,
					auth['q-key-time'],
					auth['q-header-list'].split(';'),
				),
			).toBe(header);
			expect(server.requests[index].signatureError).toBeUndefined();
		});
	});

	test('runs a workflow JSON file as n8n exports it, with n8n’s credential defaults applied', async () => {
		const { region: _omitted, ...withoutRegion } = credentialData();
		const result = await runWorkflow('test/harness/probe.workflow.json', {
			credentials: { tencentCloudInfiniteApi: withoutRegion },
			extraNodeTypes,
			inputItems: [{ json: { folder: 'scans', name: 'page 1.pdf' } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.executedNodes).toEqual(['When clicking ‘Execute workflow’', 'Probe']);
		expect(result.json('Probe')[0]).toMatchObject({
			pathname: '/scans/page 1.pdf',
			query: { 'ci-process': 'probe' },
		});
		expect(server.requests[0].signatureError).toBeUndefined();
		// n8n's log lines stay out of the jest output but come back with the run.
		expect(Array.isArray(result.logs)).toBe(true);
	});

	test('signs a body read from binary data stored by n8n (filesystem mode)', async () => {
		const result = await runWorkflow(
			probeWorkflow({ method: 'PUT', key: '={{ $json.key }}', binaryProperty: 'data' }),
			{
				credentials: { tencentCloudInfiniteApi: credentialData() },
				extraNodeTypes,
				inputItems: [
					{
						json: { key: 'upload.txt' },
						binary: { data: inlineBinary('hello binary', 'upload.txt', 'text/plain') },
					},
				],
			},
		);

		expect(result.error).toBeUndefined();
		// The trigger stand-in stored the inline data with n8n's binary data service.
		const [started] = result.items('Start');
		expect(started.binary?.data.id).toMatch(/^filesystem(-v2)?:/);
		expect((await result.binary(started)).toString()).toBe('hello binary');

		// The probe read it with getBinaryDataBuffer (the body) and getBinaryStream.
		expect(result.json('Probe')[0].streamedBytes).toBe('hello binary'.length);
		const [request] = server.requests;
		expect(request.signatureError).toBeUndefined();
		expect(request.method).toBe('PUT');
		expect(request.body).toBe('hello binary');
		const auth = parseAuthorization(request.headers.authorization!);
		expect(auth['q-header-list'].split(';')).toEqual(
			expect.arrayContaining(['content-length', 'content-type', 'host']),
		);
	});

	test('a refused signature fails the node with n8n’s error, or becomes json.error under continue-on-fail', async () => {
		const credentials = {
			tencentCloudInfiniteApi: credentialData({ secretKey: 'wrong-secret-key' }),
		};
		const failed = await runWorkflow(probeWorkflow({ key: 'a.txt' }), {
			credentials,
			extraNodeTypes,
		});
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toMatch(/403|Forbidden|denied/i);
		expect(failed.error?.node?.name).toBe('Probe');
		expect(failed.nodeError('Probe')?.message).toBe(failed.error?.message);
		expect(() => failed.items('Probe')).toThrow(/Node "Probe" failed/);

		const continued = await runWorkflow(
			probeWorkflow({ key: 'a.txt' }, { onError: 'continueRegularOutput' }),
			{
				credentials,
				extraNodeTypes,
				inputItems: [{ json: {} }, { json: {} }],
			},
		);
		expect(continued.error).toBeUndefined();
		const items = continued.items('Probe');
		expect(items).toHaveLength(2);
		expect(items[0].json.error).toMatch(/403|Forbidden|denied/i);
		expect(items[1].pairedItem).toEqual({ item: 1 });
	});

	test('a bad credential field fails with an error naming it, before any request', async () => {
		const result = await runWorkflow(probeWorkflow({ key: 'a.txt' }), {
			credentials: { tencentCloudInfiniteApi: credentialData({ bucket: 'Bad_Bucket' }) },
			extraNodeTypes,
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Bucket "Bad_Bucket" is not valid/);
		expect(server.requests).toHaveLength(0);
	});
});

describe('testCredential (n8n’s credential test path)', () => {
	test('OK with good data', async () => {
		await expect(testCredential('tencentCloudInfiniteApi', credentialData())).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0]).toMatchObject({
			method: 'GET',
			pathname: '/template',
			query: { tag: 'ImageOCR', pageNumber: '1', pageSize: '1' },
			signatureError: undefined,
		});
	});

	test('Error with the 403 rule’s message for a wrong SecretKey', async () => {
		const result = await testCredential(
			'tencentCloudInfiniteApi',
			credentialData({ secretKey: 'wrong-secret-key' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Access denied \(403\): check SecretId and SecretKey/);
	});

	test('Error naming the field for a bad bucket, with no request sent', async () => {
		const result = await testCredential(
			'tencentCloudInfiniteApi',
			credentialData({ bucket: 'Bad_Bucket' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Bucket "Bad_Bucket" is not valid/);
		expect(server.requests).toHaveLength(0);
	});
});
