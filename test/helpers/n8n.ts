/**
 * Real n8n execution inside jest.
 *
 * `runWorkflow()` runs workflow JSON through n8n-core's `WorkflowExecute` with this package's node
 * and credential types loaded from the BUILT package (dist/, through the package.json `n8n`
 * section and n8n-core's package loader). Credential `authenticate`, n8n's request helpers (axios
 * underneath), expressions, binary data (filesystem mode, temp folder) and `pairedItem` handling
 * are n8n's own code; only the database and the server around them are left out.
 *
 * `testCredential()` runs a credential's test the way n8n's "Test" button does.
 *
 * Build first (`npm run build`, or `npx tsc -p tsconfig.build.json`): the tests use dist/.
 *
 * @example
 * const result = await runWorkflow('test/workflows/recognize.json', {
 *   credentials: { tencentCloudInfiniteApi: { secretId, secretKey, bucket, region, cosEndpoint, ciEndpoint } },
 *   inputItems: [{ json: { key: 'a.png' }, binary: { data: inlineBinary(png, 'a.png', 'image/png') } }],
 * });
 * expect(result.error).toBeUndefined();
 * expect(result.json('Tencent Cloud Infinite')[0]).toMatchObject({ ... });
 *
 * Log output: n8n's own log lines are kept in memory (`result.logs`); set `N8N_TEST_LOG=debug`
 * (or error|warn|info) to print them while a test runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
	IPinData,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	BINARY_ENCODING,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	deepCopy,
} from 'n8n-workflow';

import { createAdditionalData } from './n8n-runtime/additional-data';
import { runCredentialTest } from './n8n-runtime/credential-tester';
import { TestCredentialsHelper } from './n8n-runtime/credentials-helper';
import {
	PACKAGE_ROOT,
	TestCredentialTypes,
	TestNodeTypes,
	loadPackageTypes,
} from './n8n-runtime/package-types';
import { disposeRuntime, getRuntime } from './n8n-runtime/runtime';
import type { LogEntry } from './n8n-runtime/test-logger';

export type { LogEntry } from './n8n-runtime/test-logger';
export { PACKAGE_ROOT } from './n8n-runtime/package-types';

// One temp folder per test file (binary data, n8n settings), removed when the file's tests end.
if (typeof afterAll === 'function') afterAll(() => disposeRuntime());

/** Workflow JSON as n8n exports it (only `nodes` and `connections` are required). */
export interface WorkflowJson {
	name?: string;
	nodes: Array<Partial<INode> & Pick<INode, 'name' | 'type'>>;
	connections: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
	staticData?: IDataObject;
}

export interface RunWorkflowOptions {
	/** Credential data per credential type, e.g. `{ tencentCloudInfiniteApi: { secretId, ... } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** More node types by the type name the workflow uses, e.g. `{ 'test.transportProbe': new TransportProbe() }`. */
	extraNodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	/** More credential types by name (the package's own are always loaded). */
	extraCredentialTypes?: Record<string, ICredentialType>;
	/**
	 * Items the start node receives (default: one `{ json: {} }`). With the Manual Trigger stand-in
	 * (`n8n-nodes-base.manualTrigger`) they come out of the trigger, inline binary data stored in
	 * n8n's binary data service on the way; any other start node gets them as its input.
	 */
	inputItems?: INodeExecutionData[];
	/** The node to start from; default: the first node without incoming connections (a trigger if there is one). */
	startNode?: string;
	/** Execution mode; default `'manual'`, as when running a workflow from the editor. */
	mode?: WorkflowExecuteMode;
}

/** n8n's execution error (`NodeOperationError`, `NodeApiError`, `ExpressionError`, ...), with the fields tests read. */
export type RunError = ExecutionError & { node?: INode; description?: string | null };

export interface WorkflowRunResult {
	/**
	 * Output items of a node: output 0 of its first run unless told otherwise. Throws (naming what
	 * did run and the workflow's error) when the node did not run or has no such output.
	 */
	items(nodeName: string, options?: { output?: number; run?: number }): INodeExecutionData[];
	/** `items(...)` mapped to their `json`. */
	json(nodeName: string, options?: { output?: number; run?: number }): IDataObject[];
	/** An item's binary content, read through n8n's binary data service (property default `data`). */
	binary(item: INodeExecutionData, property?: string): Promise<Buffer>;
	/**
	 * The error that stopped the run (a node failed without "continue on fail"): n8n's own
	 * `NodeOperationError` / `NodeApiError`, with `message`, `description` and `node`.
	 */
	error?: RunError;
	/** The error a node's run ended with. */
	nodeError(nodeName: string, run?: number): RunError | undefined;
	/** Names of the nodes that ran, in order. */
	executedNodes: string[];
	status: ExecutionStatus;
	runData: IRunData;
	/** The whole `IRun` that `WorkflowExecute` returned. */
	run: IRun;
	/** What n8n logged during this run. */
	logs: LogEntry[];
}

/**
 * Makes inline binary data (`IBinaryData` with base64 `data`), as for `inputItems`:
 * `{ json: {}, binary: { data: inlineBinary(buffer, 'a.png', 'image/png') } }`.
 */
export function inlineBinary(
	content: Buffer | string,
	fileName?: string,
	mimeType = 'application/octet-stream',
): IBinaryData {
	const buffer = typeof content === 'string' ? Buffer.from(content) : content;
	const extension = fileName?.includes('.') ? fileName.split('.').pop() : undefined;
	return {
		data: buffer.toString(BINARY_ENCODING),
		mimeType,
		...(fileName && { fileName }),
		...(extension && { fileExtension: extension }),
		fileSize: `${buffer.length} B`,
		bytes: buffer.length,
	};
}

function readWorkflow(workflow: WorkflowJson | string): WorkflowJson {
	if (typeof workflow !== 'string') return deepCopy(workflow);
	const file = path.isAbsolute(workflow) ? workflow : path.join(PACKAGE_ROOT, workflow);
	return JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
}

function latestVersion(type: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in type) return type.currentVersion;
	const { version } = type.description;
	return Array.isArray(version) ? version[version.length - 1] : version;
}

/** Fills what n8n's editor always writes (id, position, parameters, typeVersion) and credential references. */
function completeNodes(
	json: WorkflowJson,
	nodeTypes: TestNodeTypes,
	credentials: Record<string, unknown>,
): INode[] {
	return json.nodes.map((partial, index) => {
		const type = nodeTypes.getByName(partial.type);
		const node: INode = {
			id: partial.id ?? `node-${index}`,
			position: partial.position ?? [index * 200, 0],
			parameters: partial.parameters ?? {},
			typeVersion: partial.typeVersion ?? latestVersion(type),
			...partial,
		} as INode;
		const described =
			NodeHelpers.getVersionedNodeType(type, node.typeVersion).description.credentials ?? [];
		for (const { name } of described) {
			if (name in credentials && !node.credentials?.[name]) {
				node.credentials = { ...node.credentials, [name]: { id: name, name } };
			}
		}
		return node;
	});
}

function pickStartNode(
	workflow: Workflow,
	nodes: INode[],
	nodeTypes: TestNodeTypes,
	name?: string,
): INode {
	if (name) {
		const node = workflow.getNode(name);
		if (!node) throw new Error(`startNode "${name}" is not in the workflow`);
		return node;
	}
	const roots = nodes.filter(
		(node) => !node.disabled && workflow.getParentNodes(node.name, 'main', 1).length === 0,
	);
	const trigger = roots.find((node) => {
		const { group } = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
		return group.includes('trigger');
	});
	const start = trigger ?? roots[0];
	if (!start) throw new Error('The workflow has no node to start from; pass `startNode`.');
	return start;
}

let executionCounter = 0;

/** Runs a workflow (object or path to its JSON, relative to the package root) through n8n's `WorkflowExecute`. */
export async function runWorkflow(
	workflow: WorkflowJson | string,
	options: RunWorkflowOptions = {},
): Promise<WorkflowRunResult> {
	const runtime = await getRuntime();
	const pkg = await loadPackageTypes();
	const json = readWorkflow(workflow);
	const credentials = options.credentials ?? {};
	const nodeTypes = new TestNodeTypes(pkg, options.extraNodeTypes);
	const credentialsHelper = new TestCredentialsHelper(
		new TestCredentialTypes(pkg, options.extraCredentialTypes),
		{ ...credentials },
	);

	const nodes = completeNodes(json, nodeTypes, credentials);
	const workflowId = 'test-workflow';
	const executionId = String(++executionCounter);
	const mode = options.mode ?? 'manual';
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...json.settings };
	const name = json.name ?? 'Test workflow';
	const workflowInstance = new Workflow({
		id: workflowId,
		name,
		nodes,
		connections: json.connections,
		active: false,
		nodeTypes,
		settings,
		staticData: json.staticData,
		pinData: json.pinData,
	});

	const startNode = pickStartNode(workflowInstance, nodes, nodeTypes, options.startNode);
	const workflowData = {
		id: workflowId,
		name,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: json.connections,
		settings,
	} satisfies IWorkflowBase;

	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executedNodes: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executedNodes.push(nodeName);
	});

	const additionalData = createAdditionalData({
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
	});
	const runExecutionData = createRunExecutionData({
		resultData: { runData: {}, pinData: json.pinData },
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: [deepCopy(options.inputItems ?? [{ json: {} }])] },
					source: null,
				},
			],
		},
	});

	const logMark = runtime.logger.mark();
	const run = await new WorkflowExecute(
		additionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(workflowInstance);
	const { runData } = run.data.resultData;
	const error = run.data.resultData.error as RunError | undefined;

	const describeRun = () =>
		`Nodes that ran: ${executedNodes.join(', ') || 'none'}.` +
		(error
			? ` The run failed: ${error.message}${error.description ? ` (${error.description})` : ''}`
			: '');

	const items = (nodeName: string, { output = 0, run: runIndex = 0 } = {}) => {
		const task = runData[nodeName]?.[runIndex];
		if (!task) throw new Error(`Node "${nodeName}" has no run ${runIndex}. ${describeRun()}`);
		if (task.error)
			throw new Error(`Node "${nodeName}" failed: ${task.error.message}. ${describeRun()}`);
		const outputs = task.data?.main ?? [];
		if (output >= outputs.length) {
			throw new Error(`Node "${nodeName}" has ${outputs.length} output(s), not output ${output}.`);
		}
		return outputs[output] ?? [];
	};

	return {
		items,
		json: (nodeName, where) => items(nodeName, where).map((item) => item.json),
		binary: async (item, property = 'data') => {
			const data = item.binary?.[property];
			if (!data)
				throw new Error(
					`The item has no binary property "${property}" (has: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`,
				);
			return await runtime.binaryDataService.getAsBuffer(data);
		},
		error,
		nodeError: (nodeName, runIndex = 0) =>
			runData[nodeName]?.[runIndex]?.error as RunError | undefined,
		executedNodes,
		status: run.status,
		runData,
		run,
		logs: runtime.logger.since(logMark),
	};
}

export interface TestCredentialOptions {
	extraNodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	extraCredentialTypes?: Record<string, ICredentialType>;
}

/**
 * Tests credential data as n8n's credential "Test" button does (the CLI's `CredentialsTester`):
 * for a credential with a declarative `test`, its request goes through n8n-core's `RoutingNode`
 * and request helpers, signed by the credential's `authenticate`, and the outcome is mapped with
 * its `rules`. Returns n8n's `{ status: 'OK' | 'Error', message }`.
 */
export async function testCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
	options: TestCredentialOptions = {},
): Promise<INodeCredentialTestResult> {
	await getRuntime();
	const pkg = await loadPackageTypes();
	const credentialTypes = new TestCredentialTypes(pkg, options.extraCredentialTypes);
	return await runCredentialTest(type, data, {
		credentialTypes,
		nodeTypes: new TestNodeTypes(pkg, options.extraNodeTypes),
		credentialsHelper: new TestCredentialsHelper(credentialTypes, { [type]: data }),
	});
}

/** The package's node type names (`<package>.<name>`) and credential type names, as loaded from dist/. */
export async function packageTypes(): Promise<{
	packageName: string;
	nodes: string[];
	credentials: string[];
}> {
	await getRuntime();
	const pkg = await loadPackageTypes();
	return {
		packageName: pkg.packageName,
		nodes: pkg.nodeTypeNames,
		credentials: pkg.credentialTypeNames,
	};
}

/**
 * Runs a node's list search (a resource locator's "From List" mode) as the editor does: the
 * CLI's dynamic-parameters service calls `methods.listSearch[method]` with a `LoadOptionsContext`.
 */
export async function searchList(
	nodeType: string,
	parameters: Record<string, unknown>,
	method: string,
	options: {
		credentials: Record<string, ICredentialDataDecryptedObject>;
		filter?: string;
		paginationToken?: string;
	},
): Promise<INodeListSearchResult> {
	await getRuntime();
	const pkg = await loadPackageTypes();
	const nodeTypes = new TestNodeTypes(pkg);
	const credentialsHelper = new TestCredentialsHelper(new TestCredentialTypes(pkg), {
		...options.credentials,
	});
	const [node] = completeNodes(
		{ nodes: [{ name: 'Node', type: nodeType, parameters: parameters as never }], connections: {} },
		nodeTypes,
		options.credentials,
	);
	const workflow = new Workflow({
		id: 'search',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
	});
	const context = new LoadOptionsContext(
		workflow,
		node,
		createAdditionalData({ credentialsHelper }),
		'parameters',
	);
	const type = NodeHelpers.getVersionedNodeType(
		nodeTypes.getByName(nodeType),
		node.typeVersion,
	) as INodeType;
	const search = type.methods?.listSearch?.[method];
	if (!search) throw new Error(`${nodeType} has no list search "${method}"`);
	return await search.call(context, options.filter, options.paginationToken);
}
