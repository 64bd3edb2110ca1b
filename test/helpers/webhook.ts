/**
 * Serves a trigger node's webhook on 127.0.0.1 the way n8n's webhook server does, for tests:
 * n8n's raw-body reader (`req.rawBody`) and body parsers (JSON, and XML through xml2js with
 * lower-cased tags, exactly as n8n configures it) run first, then the node's `webhook()` runs in
 * n8n-core's real `WebhookContext`. Returned `workflowData` is recorded as an execution and
 * answered as n8n answers "onReceived" webhooks; `noWebhookResponse` leaves the answer to the node.
 * The webhook lifecycle (`checkExists`, `create`, `delete`) runs in n8n-core's `HookContext`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HookContext, WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	INodeExecutionData,
	INodeType,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

// n8n-workflow's own dependency, configured below as n8n's webhook server configures it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseStringPromise } = require('xml2js') as {
	parseStringPromise(xml: string, options: object): Promise<unknown>;
};

import { createAdditionalData } from './n8n-runtime/additional-data';
import { TestCredentialsHelper } from './n8n-runtime/credentials-helper';
import { TestCredentialTypes, TestNodeTypes, loadPackageTypes } from './n8n-runtime/package-types';
import { getRuntime } from './n8n-runtime/runtime';

export interface TriggerServer {
	/** The URL callbacks are sent to (the node's production webhook path on this server). */
	url: string;
	/** The id of the workflow this server is (a new one for each server). */
	workflowId: string;
	/** Items of each execution the trigger started, in order. */
	executions: INodeExecutionData[][];
	staticData: () => Record<string, unknown>;
	lifecycle(step: 'checkExists' | 'create' | 'delete'): Promise<boolean>;
	close(): Promise<void>;
}

/**
 * n8n's `parseBody` (n8n/dist/middlewares/body-parser.js), as it runs before a webhook: for the
 * content types it parses (exactly application/json, any type ending in /xml or +xml), a body that does not
 * parse is answered `422 Failed to parse request body` and the node never runs. Returns that
 * message, or undefined when the node may run.
 */
async function parseLikeN8n(
	request: IncomingMessage & { body?: unknown },
): Promise<string | undefined> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	request.rawBody = Buffer.concat(chunks);
	const type = String(request.headers['content-type'] ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	const text = request.rawBody.toString('utf8').replace(/^\uFEFF/, '');
	if (!request.rawBody.length) return undefined;
	try {
		if (type === 'application/json') request.body = JSON.parse(text);
		else if (type.endsWith('/xml') || type.endsWith('+xml')) {
			request.body = await parseStringPromise(text, {
				async: true,
				normalize: true,
				normalizeTags: true,
				explicitArray: false,
			});
		} else if (type === 'text/plain') request.body = text;
	} catch (error) {
		return (error as Error).message;
	}
	return undefined;
}

/** Each server is a workflow of its own, as two workflows with triggers are in n8n. */
let servedWorkflows = 0;

export async function startTriggerServer(options: {
	nodeType: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
}): Promise<TriggerServer> {
	await getRuntime();
	const pkg = await loadPackageTypes();
	const nodeTypes = new TestNodeTypes(pkg);
	const credentials = options.credentials ?? {};
	const credentialsHelper = new TestCredentialsHelper(new TestCredentialTypes(pkg), {
		...credentials,
	});
	const node = {
		id: 'trigger',
		name: 'Trigger',
		type: options.nodeType,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		webhookId: 'e6b0a3c2-5d1f-4c1e-9f57-0d7c3c1a2b10',
		parameters: options.parameters as never,
		credentials: Object.fromEntries(
			Object.keys(credentials).map((type) => [type, { id: type, name: type }]),
		),
	};
	const workflow = new Workflow({
		id: `trigger-workflow-${++servedWorkflows}`,
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: {},
	});
	const nodeType = NodeHelpers.getVersionedNodeType(
		nodeTypes.getByName(options.nodeType),
		1,
	) as INodeType;
	const executions: INodeExecutionData[][] = [];
	// The production webhook as n8n registers it: path `<webhookId>/<path>`.
	const webhookOf = (additionalData: IWorkflowExecuteAdditionalData): IWebhookData => ({
		httpMethod: 'POST',
		node: 'Trigger',
		path: `${node.webhookId}/${nodeType.description.webhooks![0].path as string}`,
		webhookDescription: nodeType.description.webhooks![0],
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: false,
	});

	const server: Server = createServer((request, response) => {
		void (async () => {
			const unparsable = await parseLikeN8n(request);
			if (unparsable !== undefined) {
				response.writeHead(422, { 'content-type': 'application/json' });
				response.end(
					JSON.stringify({ code: 422, message: 'Failed to parse request body', hint: unparsable }),
				);
				return;
			}
			const url = new URL(request.url ?? '/', 'http://127.0.0.1');
			Object.assign(request, { query: Object.fromEntries(url.searchParams) });
			const additionalData = {
				...createAdditionalData({ credentialsHelper }),
				httpRequest: request,
				httpResponse: response,
			} as never;
			const webhookData = webhookOf(additionalData);
			const context = new WebhookContext(
				workflow,
				workflow.getNode('Trigger')!,
				additionalData,
				'webhook',
				webhookData,
				[],
				null,
			);
			try {
				const result = await nodeType.webhook!.call(context);
				if (result.workflowData) executions.push(result.workflowData[0]);
				if (!result.noWebhookResponse) {
					// n8n's "onReceived" answer: `webhookResponse` only when no workflow starts.
					const body = result.workflowData
						? { message: 'Workflow was started' }
						: (result.webhookResponse ?? {});
					response.writeHead(200, { 'content-type': 'application/json' });
					response.end(JSON.stringify(body));
				}
			} catch (error) {
				response.writeHead(500, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ message: (error as Error).message }));
			}
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const webhook = webhookOf(createAdditionalData({ credentialsHelper }));

	return {
		url: `${base}/webhook/${webhook.path}`,
		workflowId: workflow.id,
		executions,
		staticData: () =>
			workflow.getStaticData('node', workflow.getNode('Trigger')!) as Record<string, unknown>,
		lifecycle: async (step) => {
			const context = new HookContext(
				workflow,
				workflow.getNode('Trigger')!,
				createAdditionalData({ credentialsHelper }),
				'trigger',
				'activate',
				webhook,
			);
			const method = nodeType.webhookMethods?.default?.[step];
			if (!method) throw new Error(`the trigger has no ${step}`);
			return await method.call(context);
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
