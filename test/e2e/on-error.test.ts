/**
 * Node Settings › On Error, Retry On Fail and Always Output Data of the Tencent Cloud Infinite
 * node, in real n8n (`n8n start`, workflows saved and run through the REST API as the editor does).
 *
 * Every operation runs under each On Error choice with a mix of good and failing items built the
 * way users build them: rows from an Edit Fields node split into items, every node parameter an
 * expression reading the item, a No Operation node recording what reached each branch. What is
 * asserted comes from n8n's own execution data:
 * - Stop Workflow: the execution fails with the first failing item's error (message and
 *   description), and nothing after the node runs;
 * - Continue: one output, every input item answered in order, each failed item
 *   `{ error, details }` paired with its input;
 * - Continue (using error output): good items on the first output, failed ones on the second,
 *   each paired with its input and merged with that input's fields (n8n-core
 *   WorkflowExecute.handleNodeErrorOutput).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { startEmulator, type Emulator } from '../../emulator';
import { send } from '../emulator/client';
import { textPng } from '../helpers/images';
import { emulatorCredential } from '../helpers/real-n8n/examples';
import { N8nHome, NODE_TYPE, type N8nServer } from '../helpers/real-n8n/instance';

jest.setTimeout(120_000);

type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
const ON_ERROR: OnError[] = ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'];
const LABEL: Record<OnError, string> = {
	stopWorkflow: 'Stop Workflow',
	continueRegularOutput: 'Continue',
	continueErrorOutput: 'Continue (using error output)',
};

type Json = Record<string, unknown>;
type Paired = { item: number; input?: number };
interface Item {
	json: Json;
	pairedItem?: Paired | Paired[];
}
interface TaskData {
	data?: { main: Array<Item[] | null> };
	error?: Json;
}
interface Execution {
	status: string;
	data: {
		resultData: {
			runData: Record<string, TaskData[]>;
			error?: Json & { message: string; description?: string };
			lastNodeExecuted?: string;
		};
	};
}

/** What one input row must give: checks of the good item, or the failed item's message and details. */
interface Expectation {
	ok?: (json: Json) => void;
	error?: { message: string | RegExp; details: Json };
}
interface Row {
	input: Json;
	expect: Expectation;
}

interface Case {
	title: string;
	/** The rows of one run (called once per run, so each run can have its own templates and jobs). */
	rows: () => Row[] | Promise<Row[]>;
	parameters: Json;
	/** Items come from Read/Write Files from Disk reading `$json.path` instead of straight from the rows. */
	readFiles?: boolean;
	credential?: 'wrongKey';
	/** More node settings (Retry On Fail, Always Output Data). */
	settings?: Json;
}

const CI = 'Tencent Cloud Infinite';
const START = 'When clicking ‘Execute workflow’';
const ROWS = 'Rows';
const SPLIT = 'Split Out Rows';
const READ = 'Read Files';
const SUCCEEDED = 'Succeeded';
const FAILED = 'Failed';
const OUTPUT = 'Output';

const TEXT_ONE = ['Invoice 1001', 'Total 12.50'];
const TEXT_TWO = ['Invoice 1002', 'Total 99.00'];
const CARD = ['Name: Zhang San', 'Gender: Male', 'Address: 1 Example Road'];

let emulator: Emulator;
let home: N8nHome;
let server: N8nServer;
let images: { url: string; close(): Promise<void> };
const credentials = { good: '', wrongKey: '' };
const credentialName = {
	good: 'Tencent Cloud Infinite (emulator)',
	wrongKey: 'Tencent Cloud Infinite (wrong SecretKey)',
};

// ----- What the service and the node say -----

const NOT_REWRITTEN = /connection cannot be established|Forbidden by access permissions/i;

/** `details` of a service error: the hint, HTTP status, RequestId and TraceId, and the input. */
function serviceDetails(
	code: string,
	httpCode: number,
	hint: string | undefined,
	input: Json,
): Json {
	const facts = `HTTP ${httpCode}, RequestId \\S+, TraceId \\S+`;
	return {
		description: expect.stringMatching(new RegExp(`^${hint ? `${escape(hint)}\\n` : ''}${facts}`)),
		code,
		httpCode: String(httpCode),
		requestId: expect.any(String),
		traceId: expect.any(String),
		...input,
	};
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const HINT = {
	NoSuchKey:
		'No object with this key exists in the bucket. Check the key (it is case-sensitive and includes any folder prefix).',
	ResourceNotFound:
		'The template, job or queue does not exist in this bucket and region. Check the ID.',
	SignatureDoesNotMatch:
		'The service computed a different signature. Check the SecretKey (and that it belongs to the SecretId), that this computer’s clock is right, and that the COS/CI endpoint points at the bucket’s own host.',
};

const ocrTypes = '"accurate", "efficient", "fast", "general", "handwriting"';
const languages = (): string =>
	'"zh", "zh_rare", "auto", "mix", "jap", "kor", "spa", "fre", "ger", "por", "vie", "may", "rus", "ita", "hol", "swe", "fin", "dan", "nor", "hun", "tha", "hi", "ara"';

const missingKey = (key: string): Row['expect'] => ({
	error: {
		message: `COS error NoSuchKey for object "${key}": The specified key does not exist.`,
		details: serviceDetails('NoSuchKey', 404, HINT.NoSuchKey, { objectKey: key }),
	},
});

/** An unknown template: no Tencent source documents the answer, so the emulator says so (emulator/README.md). */
const undocumentedTemplate = (about: string, id: string) =>
	`Cloud Infinite error EmulatorUndocumented for ${about.startsWith('object') ? about : `template ${id}`}: The template ${id} does not exist (the emulator's answer: no Tencent source documents this case)`;

const textOf = (lines: string[]) => (json: Json) => expect(json.text).toBe(lines.join('\n'));

// ----- Emulator fixtures, made over HTTP with the official SDK's signature -----

const unknownTemplate = () => `t1${'0'.repeat(30)}${Math.random().toString(16).slice(2, 4)}`;
const unknownJob = () => `a${'0'.repeat(30)}${Math.random().toString(16).slice(2, 4)}`;

async function createTemplate(name: string): Promise<string> {
	const body = `<Request><Tag>ImageOCR</Tag><Name>${name}</Name><ImageOCR><Type>general</Type></ImageOCR></Request>`;
	const reply = await send(emulator, 'ci', 'POST', 'template', {
		body,
		headers: { 'content-type': 'application/xml' },
	});
	const id = /<TemplateId>(t\w+)<\/TemplateId>/.exec(reply.text)?.[1];
	if (reply.status !== 200 || !id)
		throw new Error(`creating template ${name}: ${reply.status} ${reply.text}`);
	return id;
}

async function submitJob(key: string): Promise<string> {
	const body = `<Request><Tag>ImageOCR</Tag><Input><Object>${key}</Object></Input><Operation><ImageOCR><Type>general</Type></ImageOCR></Operation></Request>`;
	const reply = await send(emulator, 'ci', 'POST', 'jobs', {
		body,
		headers: { 'content-type': 'application/xml' },
	});
	const id = /<JobId>(a\w+)<\/JobId>/.exec(reply.text)?.[1];
	if (reply.status !== 200 || !id)
		throw new Error(`submitting a job for ${key}: ${reply.status} ${reply.text}`);
	return id;
}

/** A loopback image server for URL sources: /invoice.png is an image, anything else is 404. */
async function startImageServer(): Promise<{ url: string; close(): Promise<void> }> {
	const png = textPng(TEXT_TWO);
	const http: Server = createServer((request, response) => {
		if (request.url === '/invoice.png') {
			response.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
			response.end(png);
			return;
		}
		response.writeHead(404, { 'content-type': 'text/plain' });
		response.end('not found');
	});
	http.keepAliveTimeout = 1;
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
		close: async () => {
			http.closeAllConnections();
			await new Promise((resolve) => http.close(resolve));
		},
	};
}

// ----- Workflows as the editor saves them -----

function node(
	name: string,
	type: string,
	typeVersion: number,
	x: number,
	y: number,
	parameters: Json,
	more: Json = {},
): Json {
	return {
		id: `${name.replace(/\W+/g, '-').toLowerCase()}-${x}-${y}`,
		name,
		type,
		typeVersion,
		position: [x, y],
		parameters,
		...more,
	};
}

const link = (to: string) => [{ node: to, type: 'main', index: 0 }];

function workflowFor(testCase: Case, onError: OnError, rows: Row[]): Json {
	const credential = testCase.credential ?? 'good';
	const nodes = [
		node(START, 'n8n-nodes-base.manualTrigger', 1, 0, 0, {}),
		node(ROWS, 'n8n-nodes-base.set', 3.4, 200, 0, {
			mode: 'raw',
			jsonOutput: JSON.stringify({ rows: rows.map((row) => row.input) }, null, 2),
			options: {},
		}),
		node(SPLIT, 'n8n-nodes-base.splitOut', 1, 400, 0, { fieldToSplitOut: 'rows', options: {} }),
		...(testCase.readFiles
			? [
					node(READ, 'n8n-nodes-base.readWriteFile', 1.1, 600, 0, {
						operation: 'read',
						fileSelector: '={{ $json.path }}',
						options: {},
					}),
				]
			: []),
		node(CI, NODE_TYPE, 1, 800, 0, testCase.parameters, {
			credentials: {
				tencentCloudInfiniteApi: { id: credentials[credential], name: credentialName[credential] },
			},
			onError,
			...testCase.settings,
		}),
	];
	const connections: Json = {
		[START]: { main: [link(ROWS)] },
		[ROWS]: { main: [link(SPLIT)] },
		...(testCase.readFiles
			? { [SPLIT]: { main: [link(READ)] }, [READ]: { main: [link(CI)] } }
			: { [SPLIT]: { main: [link(CI)] } }),
	};
	if (onError === 'continueErrorOutput') {
		nodes.push(
			node(SUCCEEDED, 'n8n-nodes-base.noOp', 1, 1000, -100, {}),
			node(FAILED, 'n8n-nodes-base.noOp', 1, 1000, 100, {}),
		);
		connections[CI] = { main: [link(SUCCEEDED), link(FAILED)] };
	} else {
		const recorder = onError === 'stopWorkflow' ? SUCCEEDED : OUTPUT;
		nodes.push(node(recorder, 'n8n-nodes-base.noOp', 1, 1000, 0, {}));
		connections[CI] = { main: [link(recorder)] };
	}
	return {
		name: `${testCase.title.slice(0, 80)} — On Error: ${LABEL[onError]}`,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

interface Outcome {
	rows: Row[];
	execution: Execution;
	/** The items the node received (output of the node before it). */
	received: Item[];
}

async function run(testCase: Case, onError: OnError): Promise<Outcome> {
	const rows = await testCase.rows();
	const id = await server.createWorkflow(workflowFor(testCase, onError, rows));
	const execution = (await server.runManually(id, START)) as unknown as Execution;
	const runData = execution.data.resultData.runData;
	const inputNode = testCase.readFiles ? READ : SPLIT;
	const received = runData[inputNode]?.[0]?.data?.main[0] ?? [];
	return { rows, execution, received };
}

/** Runs `tasks` at most `limit` at a time. */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
	const results: T[] = new Array(tasks.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: limit }, async () => {
			while (next < tasks.length) {
				const index = next++;
				results[index] = await tasks[index]();
			}
		}),
	);
	return results;
}

const pairedIndex = (item: Item): number => {
	const paired = Array.isArray(item.pairedItem)
		? item.pairedItem
		: item.pairedItem
			? [item.pairedItem]
			: [];
	expect(paired).toHaveLength(1);
	return paired[0].item;
};

const outputOf = (execution: Execution, name: string, output = 0): Item[] | undefined =>
	execution.data.resultData.runData[name]?.[0]?.data?.main[output] ?? undefined;

/** The failed item's JSON: exactly `{ error, details }`, checked against the row's expectation. */
function expectErrorJson(json: Json, expected: NonNullable<Expectation['error']>): void {
	expect(Object.keys(json).sort()).toEqual(['details', 'error']);
	if (typeof expected.message === 'string') expect(json.error).toBe(expected.message);
	else expect(json.error).toMatch(expected.message);
	expect(json.error).not.toMatch(NOT_REWRITTEN);
	expect(json.details).toEqual(expected.details);
	const details = json.details as Json;
	if (details.requestId)
		expect(details.description).toContain(`RequestId ${String(details.requestId)}`);
	if (details.traceId) expect(details.description).toContain(`TraceId ${String(details.traceId)}`);
}

function checkStop({ rows, execution }: Outcome): void {
	const first = rows.findIndex((row) => row.expect.error);
	expect(first).toBeGreaterThanOrEqual(0);
	const expected = rows[first].expect.error!;
	expect(execution.status).toBe('error');
	const { error, lastNodeExecuted, runData } = execution.data.resultData;
	expect(lastNodeExecuted).toBe(CI);
	expect(error).toBeDefined();
	if (typeof expected.message === 'string') expect(error!.message).toBe(expected.message);
	else expect(error!.message).toMatch(expected.message);
	expect(error!.message).not.toMatch(NOT_REWRITTEN);
	expect(error!.description).toEqual((expected.details as { description?: unknown }).description);
	expect(error!.context).toMatchObject({ itemIndex: first });
	expect(runData[CI][0].error).toMatchObject({ message: error!.message });
	expect(runData[SUCCEEDED]).toBeUndefined();
}

/** Every input answered once, in order, each output paired with its input; failed items as `{ error, details }`. */
function checkContinue({ rows, execution }: Outcome): void {
	expect(execution.status).toBe('success');
	const items = outputOf(execution, CI) ?? [];
	expect(execution.data.resultData.runData[CI][0].data!.main).toHaveLength(1);
	expect(items.map(pairedIndex)).toEqual(rows.map((_, index) => index));
	items.forEach((item, index) => {
		const { error, ok } = rows[index].expect;
		if (error) expectErrorJson(item.json, error);
		else {
			expect(item.json.error).toBeUndefined();
			ok?.(item.json);
		}
	});
	expect((outputOf(execution, OUTPUT) ?? []).map((item) => item.json)).toEqual(
		items.map((item) => item.json),
	);
}

/** Good items on output 0, failed ones on output 1 merged with their input's fields, each paired with its input. */
function checkErrorOutput({ rows, execution, received }: Outcome): void {
	expect(execution.status).toBe('success');
	const main = execution.data.resultData.runData[CI][0].data!.main;
	expect(main).toHaveLength(2);
	const [good, failed] = [main[0] ?? [], main[1] ?? []];
	const failing = rows.flatMap((row, index) => (row.expect.error ? [index] : []));
	expect(failed.map(pairedIndex)).toEqual(failing);
	expect(good.map(pairedIndex)).toEqual(
		rows.flatMap((row, index) => (row.expect.error ? [] : [index])),
	);
	for (const item of failed) {
		const index = pairedIndex(item);
		const { error, details, ...rest } = item.json;
		expect(rest).toEqual(received[index].json);
		expectErrorJson({ error, details }, rows[index].expect.error!);
	}
	for (const item of good) {
		expect(item.json.error).toBeUndefined();
		rows[pairedIndex(item)].expect.ok?.(item.json);
	}
	// The recorders got exactly what each branch carried (n8n runs no node for an empty branch).
	expect((outputOf(execution, SUCCEEDED) ?? []).map((item) => item.json)).toEqual(
		good.map((item) => item.json),
	);
	expect((outputOf(execution, FAILED) ?? []).map((item) => item.json)).toEqual(
		failed.map((item) => item.json),
	);
	if (!good.length) expect(execution.data.resultData.runData[SUCCEEDED]).toBeUndefined();
}

const CHECK: Record<OnError, (outcome: Outcome) => void> = {
	stopWorkflow: checkStop,
	continueRegularOutput: checkContinue,
	continueErrorOutput: checkErrorOutput,
};

// ----- The operations, each with good and failing items -----

const keyExpression = '={{ $json.key }}';
const idLocator = (expression: string) => ({ __rl: true, mode: 'id', value: expression });

const CASES: Case[] = [
	{
		title: 'OCR › Recognize Text from COS objects: 4 keys, 2 of them missing',
		parameters: {
			resource: 'ocr',
			operation: 'recognizeText',
			source: 'object',
			objectKey: keyExpression,
			output: 'text',
		},
		rows: () => [
			{ input: { key: 'e2e/ocr/one.png', row: 1 }, expect: { ok: textOf(TEXT_ONE) } },
			{
				input: { key: 'e2e/ocr/missing-1.png', row: 2 },
				expect: missingKey('e2e/ocr/missing-1.png'),
			},
			{ input: { key: 'e2e/ocr/two.png', row: 3 }, expect: { ok: textOf(TEXT_TWO) } },
			{
				input: { key: 'e2e/ocr/missing-2.png', row: 4 },
				expect: missingKey('e2e/ocr/missing-2.png'),
			},
		],
	},
	{
		title: 'OCR › Recognize Text from URLs: one the server does not have, one not http',
		parameters: {
			resource: 'ocr',
			operation: 'recognizeText',
			source: 'url',
			url: '={{ $json.address }}',
			output: 'text',
		},
		rows: () => [
			{ input: { address: `${images.url}/invoice.png` }, expect: { ok: textOf(TEXT_TWO) } },
			{
				input: { address: `${images.url}/missing.png` },
				expect: {
					error: {
						message: `COS error InvalidArgument for URL ${images.url}/missing.png: detect-url answered HTTP 404.`,
						details: serviceDetails('InvalidArgument', 400, undefined, {
							url: `${images.url}/missing.png`,
						}),
					},
				},
			},
			{
				input: { address: 'ftp://files.example.com/scan.png' },
				expect: {
					error: {
						message: '"URL" must use http or https, not ftp',
						details: {
							description:
								'Use an http:// or https:// address that the service can reach, without a user name or password in it',
						},
					},
				},
			},
		],
	},
	{
		title: 'OCR › Recognize Text from binary files: a text file and an empty file among images',
		readFiles: true,
		parameters: {
			resource: 'ocr',
			operation: 'recognizeText',
			source: 'binary',
			binaryPropertyName: 'data',
			output: 'text',
		},
		rows: () => [
			{
				input: { path: path.join(home.filesDir, 'e2e-invoice-1.png') },
				expect: {
					ok: (json) =>
						expect(json).toMatchObject({
							text: TEXT_ONE.join('\n'),
							fileName: 'e2e-invoice-1.png',
						}),
				},
			},
			{
				input: { path: path.join(home.filesDir, 'e2e-notes.txt') },
				expect: {
					error: {
						message:
							'"e2e-notes.txt" is text/plain; the service reads only PNG, JPG, JPEG, BMP or PDF',
						details: {
							description:
								'Convert the file first, or pick another binary field (https://cloud.tencent.com/document/product/460/37071)',
							fileName: 'e2e-notes.txt',
						},
					},
				},
			},
			{
				input: { path: path.join(home.filesDir, 'e2e-invoice-2.png') },
				expect: {
					ok: (json) =>
						expect(json).toMatchObject({
							text: TEXT_TWO.join('\n'),
							fileName: 'e2e-invoice-2.png',
						}),
				},
			},
			{
				input: { path: path.join(home.filesDir, 'e2e-empty.png') },
				expect: {
					error: { message: '"e2e-empty.png" is empty', details: { fileName: 'e2e-empty.png' } },
				},
			},
		],
	},
	{
		title: 'OCR › Recognize Text with a wrong SecretKey',
		readFiles: true,
		credential: 'wrongKey',
		parameters: {
			resource: 'ocr',
			operation: 'recognizeText',
			source: 'binary',
			binaryPropertyName: 'data',
			output: 'text',
		},
		rows: () =>
			['e2e-invoice-1.png', 'e2e-invoice-2.png'].map((file) => ({
				input: { path: path.join(home.filesDir, file) },
				expect: {
					error: {
						message: new RegExp(`^COS error SignatureDoesNotMatch for file "${escape(file)}": `),
						details: serviceDetails('SignatureDoesNotMatch', 403, HINT.SignatureDoesNotMatch, {
							fileName: file,
						}),
					},
				},
			})),
	},
	{
		title: 'Template › Create: a name with a space, a type an expression writes in capitals',
		parameters: {
			resource: 'template',
			operation: 'create',
			name: '={{ $json.name }}',
			recognitionType: '={{ $json.type }}',
		},
		rows: () => {
			const stamp = Date.now().toString(36);
			return [
				{
					input: { name: `e2e-create-${stamp}-1`, type: 'general' },
					expect: {
						ok: (json) =>
							expect(json).toMatchObject({
								templateId: expect.stringMatching(/^t1/),
								name: `e2e-create-${stamp}-1`,
							}),
					},
				},
				{
					input: { name: 'invoice template', type: 'general' },
					expect: {
						error: {
							message: '"Name" is not a valid template name: "invoice template"',
							details: {
								description: 'Use 1 to 64 letters (Chinese included), digits, _, - and *',
							},
						},
					},
				},
				{
					input: { name: `e2e-create-${stamp}-3`, type: 'GENERAL' },
					expect: {
						error: {
							message: `"Recognition Type" is "GENERAL", which is not one of ${ocrTypes}`,
							details: { description: `Allowed: ${ocrTypes}` },
						},
					},
				},
				{
					input: { name: `e2e-create-${stamp}-4`, type: 'accurate' },
					expect: { ok: (json) => expect(json).toMatchObject({ recognitionType: 'accurate' }) },
				},
			];
		},
	},
	{
		title: 'Template › Get: an unknown ID and one that is not a template ID',
		parameters: {
			resource: 'template',
			operation: 'get',
			templateId: idLocator('={{ $json.templateId }}'),
		},
		rows: async () => {
			const [one, two] = [await createTemplate('e2e-get-one'), await createTemplate('e2e-get-two')];
			const missing = unknownTemplate();
			return [
				{
					input: { templateId: one },
					expect: {
						ok: (json) => expect(json).toMatchObject({ templateId: one, name: 'e2e-get-one' }),
					},
				},
				{
					input: { templateId: missing },
					expect: {
						error: {
							message: `No OCR template with ID "${missing}" exists in this bucket`,
							details: {
								description: 'Check the ID, the bucket and the region of the credential',
								templateId: missing,
							},
						},
					},
				},
				{
					input: { templateId: two },
					expect: { ok: (json) => expect(json).toMatchObject({ templateId: two }) },
				},
				{
					input: { templateId: 'tpl-42' },
					expect: {
						error: {
							message:
								'"Template" must be a template ID such as t1460606b9752148c4ab182f55163ba7cd, not "tpl-42"',
							details: {},
						},
					},
				},
			];
		},
	},
	{
		title: 'Template › Get Many: a limit of 0 and a category in lower case',
		parameters: {
			resource: 'template',
			operation: 'getAll',
			limit: '={{ $json.limit }}',
			filters: { namePrefix: 'e2e-list', category: '={{ $json.category }}' },
		},
		rows: () => [
			{
				input: { category: 'Custom', limit: 1 },
				expect: { ok: (json) => expect(json.name).toMatch(/^e2e-list/) },
			},
			{
				input: { category: 'Custom', limit: 0 },
				expect: { error: { message: '"Limit" must be a whole number from 1, not 0', details: {} } },
			},
			{
				input: { category: 'Custom', limit: 1 },
				expect: { ok: (json) => expect(json.name).toMatch(/^e2e-list/) },
			},
			{
				input: { category: 'custom', limit: 1 },
				expect: {
					error: {
						message: '"Category" is "custom", which is not one of "Custom", "Official"',
						details: { description: 'Allowed: "Custom", "Official"' },
					},
				},
			},
		],
	},
	{
		title: 'Template › Update: a template that does not exist, a name with a space',
		parameters: {
			resource: 'template',
			operation: 'update',
			templateId: idLocator('={{ $json.templateId }}'),
			name: '={{ $json.name }}',
		},
		rows: async () => {
			const [one, two] = [
				await createTemplate('e2e-update-one'),
				await createTemplate('e2e-update-two'),
			];
			const missing = unknownTemplate();
			return [
				{
					input: { templateId: one, name: 'e2e-renamed-one' },
					expect: {
						ok: (json) => expect(json).toMatchObject({ templateId: one, name: 'e2e-renamed-one' }),
					},
				},
				{
					input: { templateId: missing, name: 'e2e-renamed-missing' },
					expect: {
						error: {
							message: undocumentedTemplate('template', missing),
							details: serviceDetails('EmulatorUndocumented', 501, undefined, {
								templateId: missing,
							}),
						},
					},
				},
				{
					input: { templateId: two, name: 'renamed two' },
					expect: {
						error: {
							message: '"Name" is not a valid template name: "renamed two"',
							details: {
								description: 'Use 1 to 64 letters (Chinese included), digits, _, - and *',
							},
						},
					},
				},
			];
		},
	},
	{
		title: 'Template › Delete: 4 IDs, 2 of them unknown',
		parameters: {
			resource: 'template',
			operation: 'delete',
			templateId: idLocator('={{ $json.templateId }}'),
		},
		rows: async () => {
			const [one, two] = [
				await createTemplate('e2e-delete-one'),
				await createTemplate('e2e-delete-two'),
			];
			const notFound = (id: string): Row['expect'] => ({
				error: {
					message: undocumentedTemplate('template', id),
					details: serviceDetails('EmulatorUndocumented', 501, undefined, { templateId: id }),
				},
			});
			const [missing1, missing2] = [unknownTemplate(), unknownTemplate()];
			return [
				{
					input: { templateId: one },
					expect: { ok: (json) => expect(json).toMatchObject({ deleted: true, templateId: one }) },
				},
				{ input: { templateId: missing1 }, expect: notFound(missing1) },
				{
					input: { templateId: two },
					expect: { ok: (json) => expect(json).toMatchObject({ deleted: true, templateId: two }) },
				},
				{ input: { templateId: missing2 }, expect: notFound(missing2) },
			];
		},
	},
	{
		title: 'Job › Submit OCR Job: an unknown template, a language an expression spells out',
		parameters: {
			resource: 'job',
			operation: 'submitOcrJob',
			source: 'object',
			objectKey: keyExpression,
			settingsFrom: '={{ $json.template ? "template" : "inline" }}',
			templateId: idLocator('={{ $json.template }}'),
			languageType: '={{ $json.language }}',
		},
		rows: async () => {
			const template = await createTemplate('e2e-submit');
			const missing = unknownTemplate();
			const submitted = (key: string) => (json: Json) =>
				expect(json).toMatchObject({
					jobId: expect.stringMatching(/^a\w{32}$/),
					state: 'Submitted',
					objectKey: key,
				});
			return [
				{
					input: { key: 'e2e/ocr/one.png', template },
					expect: { ok: submitted('e2e/ocr/one.png') },
				},
				{
					input: { key: 'e2e/ocr/one.png', template: missing },
					expect: {
						error: {
							message: undocumentedTemplate('object "e2e/ocr/one.png"', missing),
							details: serviceDetails('EmulatorUndocumented', 501, undefined, {
								objectKey: 'e2e/ocr/one.png',
								templateId: missing,
							}),
						},
					},
				},
				{
					input: { key: 'e2e/ocr/two.png', language: 'zh' },
					expect: { ok: submitted('e2e/ocr/two.png') },
				},
				{
					input: { key: 'e2e/ocr/two.png', language: 'english' },
					expect: {
						error: {
							message: `"Language" is "english", which is not one of ${languages()}`,
							details: { description: `Allowed: ${languages()}` },
						},
					},
				},
			];
		},
	},
	{
		title: 'Job › Submit OCR Job with Wait for Completion: a job on a missing object',
		parameters: {
			resource: 'job',
			operation: 'submitOcrJob',
			source: 'object',
			objectKey: keyExpression,
			waitForCompletion: true,
			output: 'text',
			options: { pollInterval: 1 },
		},
		rows: () => [
			{
				input: { key: 'e2e/ocr/one.png' },
				expect: {
					ok: (json) => expect(json).toMatchObject({ state: 'Success', text: TEXT_ONE.join('\n') }),
				},
			},
			{ input: { key: 'e2e/jobs/missing.png' }, expect: failedJob('e2e/jobs/missing.png') },
			{
				input: { key: 'e2e/ocr/two.png' },
				expect: {
					ok: (json) => expect(json).toMatchObject({ state: 'Success', text: TEXT_TWO.join('\n') }),
				},
			},
		],
	},
	{
		title: 'Job › Submit Card Recognition Job: a card type that does not exist, an empty key',
		parameters: {
			resource: 'job',
			operation: 'submitCardJob',
			source: 'object',
			objectKey: keyExpression,
			cardType: '={{ $json.card }}',
		},
		rows: () => {
			const submitted = (json: Json) =>
				expect(json).toMatchObject({
					jobId: expect.stringMatching(/^a\w{32}$/),
					state: 'Submitted',
					tag: 'ImageLicenseRec',
				});
			return [
				{ input: { key: 'e2e/cards/id.png', card: 'IDCard' }, expect: { ok: submitted } },
				{
					input: { key: 'e2e/cards/id.png', card: 'Passport' },
					expect: {
						error: {
							message: '"Card Type" is "Passport", which is not one of "IDCard", "DriverLicense"',
							details: { description: 'Allowed: "IDCard", "DriverLicense"' },
						},
					},
				},
				// Accepted: the service reads the object only when the job runs.
				{
					input: { key: 'e2e/cards/missing.png', card: 'DriverLicense' },
					expect: { ok: submitted },
				},
				{
					input: { key: '', card: 'IDCard' },
					expect: {
						error: {
							message: '"Object Key" is empty',
							details: {
								description:
									'Enter the key of an object in the bucket, such as invoices/2026/scan.jpg',
							},
						},
					},
				},
			];
		},
	},
	{
		title: 'Job › Submit Card Recognition Job with Wait for Completion: a job on a missing object',
		parameters: {
			resource: 'job',
			operation: 'submitCardJob',
			source: 'object',
			objectKey: keyExpression,
			waitForCompletion: true,
			options: { pollInterval: 1 },
		},
		rows: () => [
			{
				input: { key: 'e2e/cards/missing.png' },
				expect: failedJob('e2e/cards/missing.png'),
			},
			{
				input: { key: 'e2e/cards/id.png' },
				expect: {
					ok: (json) =>
						expect(json).toMatchObject({
							state: 'Success',
							cardType: 'IDCard',
							fields: expect.objectContaining({ name: 'Zhang San' }),
						}),
				},
			},
		],
	},
	{
		title: 'Job › Get: an unknown job and one that is not a job ID',
		parameters: { resource: 'job', operation: 'get', jobIds: '={{ $json.jobId }}' },
		rows: async () => {
			const [one, two] = [await submitJob('e2e/ocr/one.png'), await submitJob('e2e/ocr/two.png')];
			const missing = unknownJob();
			return [
				{
					input: { jobId: one },
					expect: {
						ok: (json) => expect(json).toMatchObject({ jobId: one, objectKey: 'e2e/ocr/one.png' }),
					},
				},
				{
					input: { jobId: missing },
					expect: {
						error: {
							message: `No job with ID "${missing}" exists in this bucket`,
							details: {
								description: 'Check the IDs, the bucket and the region of the credential',
								jobId: missing,
							},
						},
					},
				},
				{
					input: { jobId: two },
					expect: {
						ok: (json) => expect(json).toMatchObject({ jobId: two, objectKey: 'e2e/ocr/two.png' }),
					},
				},
				{
					input: { jobId: 'job#1' },
					expect: {
						error: {
							message: '"Job IDs" has "job#1", which is not a job ID',
							details: {
								description:
									'Job IDs are letters and digits, such as a3c193f288b2c11eeb60f39de2f86f409',
							},
						},
					},
				},
			];
		},
	},
	{
		title: 'Job › Get Many: creation times that are not dates',
		parameters: {
			resource: 'job',
			operation: 'getAll',
			limit: 1,
			filters: { startCreationTime: '={{ $json.after }}' },
		},
		rows: () => {
			const listed = (json: Json) =>
				expect(json).toMatchObject({ jobId: expect.stringMatching(/^a\w{32}$/), tag: 'ImageOCR' });
			const notADate = (value: string): Row['expect'] => ({
				error: {
					message: `"Created After" is not a date and time: "${value}"`,
					details: { description: 'Use an ISO 8601 date and time such as 2026-01-31T08:00:00Z' },
				},
			});
			return [
				{ input: { after: '2020-01-01T00:00:00Z' }, expect: { ok: listed } },
				{ input: { after: 'yesterday' }, expect: notADate('yesterday') },
				{ input: { after: '2021-06-01T08:00:00+08:00' }, expect: { ok: listed } },
				{ input: { after: '31/12/2020' }, expect: notADate('31/12/2020') },
			];
		},
	},
];

function failedJob(key: string, jobId = /^a\w{32}$/): Row['expect'] {
	// The job's own code (test/conformance/jobs/ocr-failed.xml): ResourceNotFound, which contains ENOTFOUND.
	const message = `The input object ${key} does not exist (指定的输入资源不存在).`;
	return {
		error: {
			message: new RegExp(`^Job a\\w{32} failed: ResourceNotFound ${escape(message)}$`),
			details: {
				description: `State Failed, code ResourceNotFound, message ${message}`,
				jobId: expect.stringMatching(jobId),
				objectKey: key,
			},
		},
	};
}

// ----- Retry On Fail and Always Output Data -----

const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };

const EXTRA: Record<string, { testCase: Case; onError: OnError }> = {
	retryStop: {
		onError: 'stopWorkflow',
		testCase: {
			title: 'Retry On Fail, Stop Workflow: a missing object',
			settings: RETRY,
			parameters: {
				resource: 'ocr',
				operation: 'recognizeText',
				source: 'object',
				objectKey: keyExpression,
				output: 'text',
			},
			rows: () => [
				{ input: { key: 'e2e/retry/missing.png' }, expect: missingKey('e2e/retry/missing.png') },
			],
		},
	},
	retryRecovers: {
		onError: 'stopWorkflow',
		testCase: {
			title: 'Retry On Fail, Stop Workflow: the service refuses the first try only',
			settings: RETRY,
			parameters: {
				resource: 'ocr',
				operation: 'recognizeText',
				source: 'object',
				objectKey: keyExpression,
				output: 'text',
			},
			rows: () => [{ input: { key: 'e2e/retry/flaky.png' }, expect: { ok: textOf(TEXT_ONE) } }],
		},
	},
	retryContinueFirstFails: {
		onError: 'continueRegularOutput',
		testCase: {
			title: 'Retry On Fail, Continue: the first item fails',
			settings: RETRY,
			parameters: {
				resource: 'ocr',
				operation: 'recognizeText',
				source: 'object',
				objectKey: keyExpression,
				output: 'text',
			},
			rows: () => [
				{
					input: { key: 'e2e/retry/missing-first.png' },
					expect: missingKey('e2e/retry/missing-first.png'),
				},
				{ input: { key: 'e2e/retry/good-a.png' }, expect: { ok: textOf(TEXT_ONE) } },
			],
		},
	},
	retryContinueLaterFails: {
		onError: 'continueErrorOutput',
		testCase: {
			title: 'Retry On Fail, Continue (using error output): a later item fails',
			settings: RETRY,
			parameters: {
				resource: 'ocr',
				operation: 'recognizeText',
				source: 'object',
				objectKey: keyExpression,
				output: 'text',
			},
			rows: () => [
				{ input: { key: 'e2e/retry/good-b.png' }, expect: { ok: textOf(TEXT_ONE) } },
				{
					input: { key: 'e2e/retry/missing-last.png' },
					expect: missingKey('e2e/retry/missing-last.png'),
				},
			],
		},
	},
	alwaysTemplates: {
		onError: 'stopWorkflow',
		testCase: {
			title: 'Always Output Data: Template › Get Many finds nothing',
			settings: { alwaysOutputData: true },
			parameters: {
				resource: 'template',
				operation: 'getAll',
				filters: { namePrefix: '={{ $json.prefix }}' },
			},
			rows: () => [
				{ input: { prefix: 'e2e-nothing-a' }, expect: {} },
				{ input: { prefix: 'e2e-nothing-b' }, expect: {} },
			],
		},
	},
	alwaysJobs: {
		onError: 'continueErrorOutput',
		testCase: {
			title: 'Always Output Data: Job › Get Many finds no paused job',
			settings: { alwaysOutputData: true },
			parameters: {
				resource: 'job',
				operation: 'getAll',
				limit: 10,
				filters: { states: ['Pause'] },
			},
			rows: () => [{ input: { page: 1 }, expect: {} }],
		},
	},
	alwaysAllFail: {
		onError: 'continueErrorOutput',
		testCase: {
			title: 'Always Output Data, Continue (using error output): every item fails',
			settings: { alwaysOutputData: true },
			parameters: {
				resource: 'template',
				operation: 'get',
				templateId: idLocator('={{ $json.templateId }}'),
			},
			rows: () =>
				[unknownTemplate(), unknownTemplate()].map((id) => ({
					input: { templateId: id },
					expect: {
						error: {
							message: `No OCR template with ID "${id}" exists in this bucket`,
							details: {
								description: 'Check the ID, the bucket and the region of the credential',
								templateId: id,
							},
						},
					},
				})),
		},
	},
	emptyWithout: {
		onError: 'stopWorkflow',
		testCase: {
			title: 'Without Always Output Data: Template › Get Many finds nothing',
			parameters: {
				resource: 'template',
				operation: 'getAll',
				filters: { namePrefix: 'e2e-nothing' },
			},
			rows: () => [{ input: { prefix: 'e2e-nothing' }, expect: {} }],
		},
	},
};

/** GET requests the emulator received for an object, with their statuses. */
const getsOf = (key: string) =>
	emulator.requests
		.filter(
			(request) =>
				request.service === 'cos' && request.method === 'GET' && request.path === `/${key}`,
		)
		.map((request) => request.status);

// ----- Setup: one emulator, one n8n for the whole file -----

const outcomes = new Map<string, Promise<Outcome>>();
const outcome = (testCase: Case, onError: OnError) => outcomes.get(`${testCase.title}|${onError}`)!;
const extra = (name: keyof typeof EXTRA) => outcome(EXTRA[name].testCase, EXTRA[name].onError);

beforeAll(async () => {
	emulator = await startEmulator({ jobDelayMs: 300 });
	images = await startImageServer();
	home = await N8nHome.create({ name: 'on-error' });
	emulator.objects.set('e2e/ocr/one.png', textPng(TEXT_ONE));
	emulator.objects.set('e2e/ocr/two.png', textPng(TEXT_TWO));
	emulator.objects.set('e2e/cards/id.png', textPng(CARD));
	for (const key of ['e2e/retry/flaky.png', 'e2e/retry/good-a.png', 'e2e/retry/good-b.png'])
		emulator.objects.set(key, textPng(TEXT_ONE));
	// The first read of flaky.png is refused; only Retry On Fail gets past it (the node itself repeats only 5xx and SlowDown).
	emulator.setFaults({
		errorCount: 1,
		errorStatus: 403,
		errorCode: 'AccessDenied',
		match: { service: 'cos', method: 'GET', path: '/e2e/retry/flaky.png' },
	});
	writeFileSync(path.join(home.filesDir, 'e2e-invoice-1.png'), textPng(TEXT_ONE));
	writeFileSync(path.join(home.filesDir, 'e2e-invoice-2.png'), textPng(TEXT_TWO));
	writeFileSync(path.join(home.filesDir, 'e2e-notes.txt'), 'Invoice 1003\nTotal 5.00\n');
	writeFileSync(path.join(home.filesDir, 'e2e-empty.png'), Buffer.alloc(0));
	await createTemplate('e2e-list-anchor');
	server = await home.start();
	await server.setupOwner();
	const good = emulatorCredential(emulator);
	credentials.good = await server.createCredential({
		name: credentialName.good,
		type: good.type,
		data: good.data,
	});
	credentials.wrongKey = await server.createCredential({
		name: credentialName.wrongKey,
		type: good.type,
		data: { ...good.data, secretKey: 'not-the-secret-key' },
	});

	// Every case under every On Error choice, and the extra cases, a few at a time; the tests below read the results.
	const runs = [
		...CASES.flatMap((testCase) => ON_ERROR.map((onError) => ({ testCase, onError }))),
		...Object.values(EXTRA),
	];
	const tasks = runs.map(({ testCase, onError }) => {
		let resolve!: (value: Outcome) => void;
		let reject!: (error: unknown) => void;
		const promise = new Promise<Outcome>((ok, fail) => ((resolve = ok), (reject = fail)));
		promise.catch(() => undefined);
		outcomes.set(`${testCase.title}|${onError}`, promise);
		return async () => await run(testCase, onError).then(resolve, reject);
	});
	const started = Date.now();
	await pool(tasks, 3);
	process.stderr.write(
		`on-error: ${tasks.length} executions in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
	);
}, 600_000);

afterAll(async () => {
	await home?.dispose();
	await images?.close();
	await emulator?.close();
});

describe.each(CASES)('$title', (testCase) => {
	it.each(ON_ERROR)('On Error: %s', async (onError) => {
		CHECK[onError](await outcome(testCase, onError));
	});
});

describe('no service message is rewritten by n8n', () => {
	// n8n-workflow NodeError.setDescriptiveErrorMessage replaces any message containing ENOTFOUND
	// (case-insensitively: "ResourceNotFound" does) with "The connection cannot be established…".
	// A job on a missing object fails with the code ResourceNotFound (test/conformance/jobs/ocr-failed.xml).
	const notFoundCases = CASES.filter((testCase) =>
		/a job on a missing object/.test(testCase.title),
	);

	it('keeps ResourceNotFound and its description in the failed items and in the stopped execution’s error (both submit operations, waiting)', async () => {
		expect(notFoundCases.map((testCase) => testCase.title.split(':')[0])).toEqual([
			'Job › Submit OCR Job with Wait for Completion',
			'Job › Submit Card Recognition Job with Wait for Completion',
		]);
		const seen: string[] = [];
		for (const testCase of notFoundCases) {
			for (const onError of ON_ERROR) {
				const { execution } = await outcome(testCase, onError);
				const main = execution.data.resultData.runData[CI][0].data?.main ?? [];
				const errors =
					onError === 'stopWorkflow'
						? [execution.data.resultData.error!]
						: main.flat().flatMap((item) =>
								item?.json.error
									? [
											{
												message: item.json.error,
												description: (item.json.details as Json).description,
											},
										]
									: [],
							);
				for (const error of errors.filter((entry) =>
					/ResourceNotFound/.test(String(entry.message)),
				)) {
					expect(error.message).toMatch(
						/^Job a\w{32} failed: ResourceNotFound The input object .+ does not exist \(指定的输入资源不存在\)\.$/,
					);
					expect(error.message).not.toMatch(NOT_REWRITTEN);
					expect(error.description).toMatch(/^State Failed, code ResourceNotFound, message /);
					seen.push(`${testCase.title.split(':')[0]} / ${onError}`);
				}
			}
		}
		// Every case under every setting showed it (Stop Workflow: the first failing item is the ResourceNotFound one).
		expect(new Set(seen).size).toBe(notFoundCases.length * ON_ERROR.length);
	});
});

describe('Retry On Fail', () => {
	it('runs a failing node Max Tries times under Stop Workflow, then stops with the error', async () => {
		const result = await extra('retryStop');
		checkStop(result);
		expect(getsOf('e2e/retry/missing.png')).toEqual([404, 404, 404]);
	});

	it('gets past a refusal of the first try', async () => {
		const { execution } = await extra('retryRecovers');
		expect(execution.status).toBe('success');
		expect(getsOf('e2e/retry/flaky.png')).toEqual([403, 200]);
		expect(outputOf(execution, CI)!.map((item) => item.json.text)).toEqual([TEXT_ONE.join('\n')]);
		expect(outputOf(execution, SUCCEEDED)).toHaveLength(1);
	});

	it('under Continue, retries the whole node when its first item failed (n8n checks only the first output item), then routes as usual', async () => {
		const result = await extra('retryContinueFirstFails');
		checkContinue(result);
		expect(getsOf('e2e/retry/missing-first.png')).toEqual([404, 404, 404]);
		expect(getsOf('e2e/retry/good-a.png')).toEqual([200, 200, 200]);
	});

	it('under Continue (using error output), does not retry when only a later item failed', async () => {
		const result = await extra('retryContinueLaterFails');
		checkErrorOutput(result);
		expect(getsOf('e2e/retry/good-b.png')).toEqual([200]);
		expect(getsOf('e2e/retry/missing-last.png')).toEqual([404]);
	});
});

describe('Always Output Data', () => {
	it('gives one empty item paired with every input when Template › Get Many finds nothing', async () => {
		const { execution } = await extra('alwaysTemplates');
		expect(execution.status).toBe('success');
		expect(outputOf(execution, CI)).toEqual([
			{
				json: {},
				pairedItem: [
					{ item: 0, input: 0 },
					{ item: 1, input: 0 },
				],
			},
		]);
		expect(outputOf(execution, SUCCEEDED)!.map((item) => item.json)).toEqual([{}]);
	});

	it('gives one empty item on the success output when Job › Get Many finds nothing', async () => {
		const { execution } = await extra('alwaysJobs');
		expect(execution.status).toBe('success');
		const main = execution.data.resultData.runData[CI][0].data!.main;
		expect(main).toEqual([[{ json: {}, pairedItem: [{ item: 0, input: 0 }] }], []]);
		expect(outputOf(execution, SUCCEEDED)!.map((item) => item.json)).toEqual([{}]);
		expect(execution.data.resultData.runData[FAILED]).toBeUndefined();
	});

	it('under Continue (using error output), also puts an empty item on the success output when every item failed', async () => {
		// n8n-core WorkflowExecute: ensureAlwaysOutputData looks at output 0 after handleNodeErrorOutput has moved the failed items away.
		const result = await extra('alwaysAllFail');
		const main = result.execution.data.resultData.runData[CI][0].data!.main;
		expect(main[0]).toEqual([
			{
				json: {},
				pairedItem: [
					{ item: 0, input: 0 },
					{ item: 1, input: 0 },
				],
			},
		]);
		expect(main[1]!.map(pairedIndex)).toEqual([0, 1]);
		main[1]!.forEach((item, index) => {
			const { error, details } = item.json;
			expectErrorJson({ error, details }, result.rows[index].expect.error!);
		});
		expect(outputOf(result.execution, SUCCEEDED)!.map((item) => item.json)).toEqual([{}]);
		expect(outputOf(result.execution, FAILED)).toHaveLength(2);
	});

	it('without it, an empty result runs nothing after the node', async () => {
		const { execution } = await extra('emptyWithout');
		expect(execution.status).toBe('success');
		expect(execution.data.resultData.runData[CI][0].data!.main).toEqual([[]]);
		expect(execution.data.resultData.runData[SUCCEEDED]).toBeUndefined();
	});
});
