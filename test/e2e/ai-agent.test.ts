/**
 * The node as an AI-agent tool in real n8n: n8n's AI Agent, driven by a scripted model behind n8n's
 * OpenAI Chat Model node (its credential's Base URL on loopback), calls the Tencent Cloud Infinite
 * tool n8n generates from `usableAsTool`, wired as the editor wires it: the Object Key left to the
 * model with `$fromAI(...)`. The model first passes an empty key, then a key that is not in the
 * bucket, reads each error, asks again with the right key, and answers from the text it got.
 *
 * What is checked: the tool's name and description in the `tools` the model is offered, the
 * requests the tool made to the emulator and the keys it got, the tool messages the model receives
 * (each error with its hint; Text Only output: text, page, confidence, no geometry), and the
 * agent's final answer.
 */
import { startEmulator, type Emulator } from '../../emulator';
import { textPng } from '../helpers/images';
import { emulatorCredential, EXAMPLE_CREDENTIAL } from '../helpers/real-n8n/examples';
import {
	CREDENTIAL_TYPE,
	N8nHome,
	NODE_TYPE,
	type ExecuteOutcome,
} from '../helpers/real-n8n/instance';
import {
	messageText,
	startScriptedChatModel,
	type ChatRequest,
	type ScriptedChatModel,
	type ScriptedReply,
} from '../helpers/scripted-chat-model';

jest.setTimeout(120_000);

const WORKFLOW_ID = 'tciAgentTool';
const OPENAI_CREDENTIAL = { id: 'scriptedOpenAiCred', name: 'Scripted model (loopback)' };
/** The name the editor gives the tool node when its action is picked: `<action> in <node name>`. */
const TOOL_NODE = 'Recognize text in an image or PDF in Tencent Cloud Infinite';
const TOOL_NAME = 'Recognize_text_in_an_image_or_PDF_in_Tencent_Cloud_Infinite';
const MISSING_KEY = 'scans/invoice-42.png';
const INVOICE_KEY = 'scans/2026/invoice-0042.png';
const INVOICE_LINES = [
	'ACME Trading Ltd.',
	'Invoice No. 0042',
	'Date 2026-03-14',
	'Consulting 2 h 180.00',
	'Total due EUR 214.20',
];
const QUESTION = `What is the total due on the invoice ${MISSING_KEY}?`;
const SYSTEM_MESSAGE = 'You are a helpful assistant. Read documents with the tools you have.';

/** What the scripted model does, turn by turn, from what it has been sent. */
function script(request: ChatRequest, turn: number): ScriptedReply {
	const tool = request.tools?.find((entry) => entry.function.name === TOOL_NAME);
	if (!tool)
		throw new Error(
			`turn ${turn}: the tool ${TOOL_NAME} is not offered (${request.tools?.map((entry) => entry.function.name).join(', ')})`,
		);
	const argument = Object.keys(tool.function.parameters.properties)[0];
	const toolMessages = request.messages.filter((message) => message.role === 'tool');
	const keys = ['', MISSING_KEY, INVOICE_KEY];
	if (toolMessages.length < keys.length)
		return {
			toolCalls: [{ name: TOOL_NAME, arguments: { [argument]: keys[toolMessages.length] } }],
		};
	const [page] = JSON.parse(messageText(toolMessages[keys.length - 1])) as Array<{ text: string }>;
	const total = /Total due (.+)/.exec(page.text)?.[1];
	return {
		content: `The total due is ${total ?? 'not on the invoice'} (read from ${INVOICE_KEY}).`,
	};
}

function agentWorkflow(): Record<string, unknown> {
	return {
		id: WORKFLOW_ID,
		name: 'AI agent reads an invoice with the Tencent Cloud Infinite tool',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'f0000000-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'f0000000-0000-4000-8000-000000000002',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [220, 0],
				parameters: {
					promptType: 'define',
					text: QUESTION,
					options: { systemMessage: SYSTEM_MESSAGE },
				},
			},
			{
				id: 'f0000000-0000-4000-8000-000000000003',
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [120, 220],
				parameters: {
					model: { __rl: true, mode: 'id', value: 'scripted-model' },
					responsesApiEnabled: false,
					options: {},
				},
				credentials: { openAiApi: OPENAI_CREDENTIAL },
			},
			{
				id: 'f0000000-0000-4000-8000-000000000004',
				name: TOOL_NODE,
				type: `${NODE_TYPE}Tool`,
				typeVersion: 1,
				position: [360, 220],
				// As the editor leaves it after "Let the model define this parameter" on Object Key.
				parameters: {
					source: 'object',
					objectKey:
						"={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('Object_Key', ``, 'string') }}",
				},
				credentials: { [CREDENTIAL_TYPE]: EXAMPLE_CREDENTIAL },
			},
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			[TOOL_NODE]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}

let emulator: Emulator;
let model: ScriptedChatModel;
let home: N8nHome;
let outcome: ExecuteOutcome;

beforeAll(async () => {
	emulator = await startEmulator();
	emulator.objects.set(INVOICE_KEY, textPng(INVOICE_LINES));
	model = await startScriptedChatModel(script);
	home = await N8nHome.create({ name: 'agent' });
	await home.importCredentials([
		emulatorCredential(emulator),
		{
			...OPENAI_CREDENTIAL,
			type: 'openAiApi',
			data: { apiKey: 'sk-scripted-not-a-secret', url: model.baseUrl },
		},
	]);
	await home.importWorkflows([agentWorkflow()]);
	outcome = await home.execute(WORKFLOW_ID);
}, 300_000);

afterAll(async () => {
	await home?.dispose();
	await model?.close();
	await emulator?.close();
});

/** What the tool node did in each of its runs (one per tool call): the arguments it got, what it gave back. */
function toolRuns(): Array<{ input: unknown; output: unknown; error?: string }> {
	const runs = (outcome.result?.resultData.runData[TOOL_NODE] ?? []) as unknown as Array<{
		inputOverride?: { ai_tool?: Array<Array<{ json: unknown }>> };
		data?: { ai_tool?: Array<Array<{ json: unknown }>> };
		error?: { message: string };
	}>;
	return runs.map((run) => ({
		input: run.inputOverride?.ai_tool?.[0]?.[0]?.json,
		output: run.data?.ai_tool?.[0]?.map((item) => item.json),
		error: run.error?.message,
	}));
}

function toolMessages(request: ChatRequest): string[] {
	return request.messages.filter((message) => message.role === 'tool').map(messageText);
}

describe('n8n’s AI Agent with the Tencent Cloud Infinite tool', () => {
	it('runs to the end: four model turns, three tool calls, the answer', () => {
		if (outcome.status !== 'success')
			throw new Error(
				`the agent workflow did not succeed: ${outcome.error ?? outcome.status}\n${outcome.cli.output.slice(-3000)}`,
			);
		expect(model.failures).toEqual([]);
		// Nothing but chat completions reached the model server (no model list, no Responses API).
		expect(model.requests).toEqual(Array.from({ length: 4 }, () => 'POST /v1/chat/completions'));
		expect(model.completions.map((request) => request.model)).toEqual(
			Array.from({ length: 4 }, () => 'scripted-model'),
		);
		expect(model.completions[0].messages).toEqual([
			{ role: 'system', content: SYSTEM_MESSAGE },
			{ role: 'user', content: QUESTION },
		]);
	});

	it('offers the model the tool with a description that says what to pass and what comes back', () => {
		for (const request of model.completions) {
			expect(request.tools).toHaveLength(1);
			const [{ type, function: tool }] = request.tools!;
			expect(type).toBe('function');
			expect(tool.name).toBe(TOOL_NAME);
			expect(tool.description).toBe(
				'Reads the text in an image or a PDF (OCR). Pass the file’s object key in the bucket (such as scans/invoice.png) or its http(s) URL, as the tool’s parameter asks. ' +
					'Returns one entry per page: text (the lines read, separated by line breaks), page (the PDF page number; null for an image) and confidence (0 to 100). ' +
					'A failed call returns an error saying what to change.',
			);
			// The one parameter the editor's "Let the model define this parameter" made: Object Key.
			expect(tool.parameters).toMatchObject({
				type: 'object',
				properties: { Object_Key: { type: 'string' } },
				required: ['Object_Key'],
			});
		}
	});

	it('runs the tool with the keys the model passed, and only those requests reach the service', () => {
		expect(toolRuns().map((run) => run.input)).toEqual([
			expect.objectContaining({ Object_Key: '' }),
			expect.objectContaining({ Object_Key: MISSING_KEY }),
			expect.objectContaining({ Object_Key: INVOICE_KEY }),
		]);
		const ocr = { 'ci-process': 'OCR', type: 'general', 'language-type': 'zh', isword: 'false' };
		expect(
			emulator.requests.map(({ service, method, path, query, status }) => ({
				service,
				method,
				path,
				query,
				status,
			})),
		).toEqual([
			{ service: 'cos', method: 'GET', path: `/${MISSING_KEY}`, query: ocr, status: 404 },
			{ service: 'cos', method: 'GET', path: `/${INVOICE_KEY}`, query: ocr, status: 200 },
		]);
	});

	/** The one entry of a tool message that reports an error. */
	const errorOf = (message: string): string => {
		const [entry, ...more] = JSON.parse(message) as Array<{ error: string }>;
		expect(more).toEqual([]);
		expect(Object.keys(entry)).toEqual(['error']);
		return entry.error;
	};

	it('answers a call with an empty key with the parameter, what is wrong and what to pass, sending nothing', () => {
		const [, second] = model.completions;
		expect(toolMessages(second)).toHaveLength(1);
		const error = errorOf(toolMessages(second)[0]);
		expect(error).toBe(
			'"Object Key" is empty\n\nDetails: Enter the key of an object in the bucket, such as invoices/2026/scan.jpg',
		);
		expect(toolRuns()[0].error).toBe(error);
	});

	it('answers a call for a missing object with the error and its hint', () => {
		const [, , third] = model.completions;
		const [, failure] = toolMessages(third);
		const error = errorOf(failure);
		expect(error).toMatch(
			/^COS error NoSuchKey for object "scans\/invoice-42\.png": The specified key does not exist\.\n\nDetails: /,
		);
		expect(error).toContain(
			'No object with this key exists in the bucket. Check the key (it is case-sensitive and includes any folder prefix).',
		);
		expect(error).toMatch(/HTTP 404, RequestId \S+/);
		// The tool node's own run shows the same error (n8n's execution log of the tool call).
		expect(toolRuns()[1].error).toBe(error);
	});

	it('answers a call for an existing object with the compact Text Only output: text, page, confidence', () => {
		const [, , , fourth] = model.completions;
		const [, , success] = toolMessages(fourth);
		const pages = JSON.parse(success) as Array<Record<string, unknown>>;
		expect(pages).toEqual([
			{
				text: INVOICE_LINES.join('\n'),
				page: null,
				confidence: expect.any(Number),
				objectKey: INVOICE_KEY,
			},
		]);
		expect(pages[0].confidence).toBeGreaterThanOrEqual(0);
		expect(pages[0].confidence).toBeLessThanOrEqual(100);
		expect(success).not.toMatch(/polygon|"lines"|requestId/i);
		expect(toolRuns()[2].output).toEqual(pages);
	});

	it('gives the agent’s final answer, which the model made from the text the tool read', () => {
		expect(outcome.json('AI Agent')).toEqual([
			{ output: `The total due is EUR 214.20 (read from ${INVOICE_KEY}).` },
		]);
	});
});
