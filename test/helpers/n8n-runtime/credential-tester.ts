/**
 * Tests credentials the way n8n's UI "Test" button does: a faithful port of the CLI's
 * `CredentialsTester.testCredentials` (packages/cli/src/services/credentials-tester.service.ts in
 * n8n-io/n8n), running on n8n-core's own `ExecuteContext`, `RoutingNode` and
 * `CredentialTestContext`. Differences: no user/project, no error reporting to Sentry, and
 * `n8n-nodes-base.noOp` is the harness's stand-in (only its description is used, as in n8n).
 */
import { CredentialTestContext, ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunction,
	ICredentialTestFunctions,
	ICredentialTestRequestData,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	ITaskDataConnections,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers, VersionedNodeType, Workflow, createRunExecutionData } from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import type { TestCredentialsHelper } from './credentials-helper';
import type { TestCredentialTypes, TestNodeTypes } from './package-types';

/** lodash `get`, as the CLI uses for `responseSuccessBody` keys (`a.b`, `a[0].b`). */
function getPath(object: unknown, path: string): unknown {
	return path
		.replace(/\[(\w+)\]/g, '.$1')
		.split('.')
		.filter(Boolean)
		.reduce<unknown>(
			(value, key) =>
				value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key],
			object,
		);
}

/** The CLI's `getCredentialTestFunction`: the credential's own `test`, else a node's `testedBy`. */
function getCredentialTestFunction(
	credentialType: string,
	credentialTypes: TestCredentialTypes,
	nodeTypes: TestNodeTypes,
): ICredentialTestFunction | ICredentialTestRequestData | undefined {
	const type = credentialTypes.getByName(credentialType);
	if (type.test) return { testRequest: type.test };

	for (const nodeName of nodeTypes.names) {
		const node = nodeTypes.getByName(nodeName);
		const allNodeTypes: INodeType[] =
			node instanceof VersionedNodeType ? Object.values(node.nodeVersions) : [node as INodeType];
		for (const nodeType of allNodeTypes) {
			for (const { name, testedBy } of nodeType.description.credentials ?? []) {
				if (name !== credentialType || !testedBy) continue;
				if (typeof testedBy === 'string') {
					if (node instanceof VersionedNodeType) {
						const versions = Object.keys(node.nodeVersions).sort().reverse();
						for (const version of versions) {
							const credentialTest =
								node.nodeVersions[parseInt(version, 10)].methods?.credentialTest;
							if (credentialTest && testedBy in credentialTest) return credentialTest[testedBy];
						}
					}
					return (node as INodeType).methods?.credentialTest?.[testedBy];
				}
				return { nodeType, testRequest: testedBy };
			}
		}
	}
	return undefined;
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message.toString() : String(error);
}

export async function runCredentialTest(
	credentialType: string,
	data: ICredentialDataDecryptedObject,
	deps: {
		credentialTypes: TestCredentialTypes;
		nodeTypes: TestNodeTypes;
		credentialsHelper: TestCredentialsHelper;
	},
): Promise<INodeCredentialTestResult> {
	const { credentialTypes, nodeTypes, credentialsHelper } = deps;
	const credentialTestFunction = getCredentialTestFunction(
		credentialType,
		credentialTypes,
		nodeTypes,
	);
	if (credentialTestFunction === undefined) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}

	// What the UI sends: the credential being edited, not yet saved.
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: 'test-credential',
		name: `${credentialType} (test)`,
		type: credentialType,
		data: { ...data },
	};

	try {
		credentialsDecrypted.data = await credentialsHelper.applyDefaultsAndOverwrites(
			createAdditionalData({ credentialsHelper }),
			credentialsDecrypted.data!,
			credentialType,
			'internal',
		);
	} catch (error) {
		return { status: 'Error', message: messageOf(error) };
	}

	if (typeof credentialTestFunction === 'function') {
		const context = new CredentialTestContext();
		return await (credentialTestFunction as ICredentialTestFunction).call(
			context as unknown as ICredentialTestFunctions,
			credentialsDecrypted,
		);
	}

	const nodeType: INodeType =
		credentialTestFunction.nodeType ?? nodeTypes.getByNameAndVersion('n8n-nodes-base.noOp');

	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeType.description.name,
		typeVersion: Array.isArray(nodeType.description.version)
			? nodeType.description.version.slice(-1)[0]
			: nodeType.description.version,
		position: [0, 0],
		credentials: {
			[credentialType]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name },
		},
	};

	const nodeTypeCopy: INodeType = {
		description: {
			...nodeType.description,
			credentials: [{ name: credentialType, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: credentialTestFunction.testRequest.request },
					default: '',
				},
			],
		},
	};

	const mockNodeTypes: INodeTypes = {
		getKnownTypes: () => ({}),
		getByName: (name: string): INodeType | IVersionedNodeType => {
			if (name !== nodeTypeCopy.description.name) throw new Error(`Unknown node type ${name}`);
			return nodeTypeCopy;
		},
		getByNameAndVersion: (name: string, version?: number): INodeType =>
			NodeHelpers.getVersionedNodeType(mockNodeTypes.getByName(name), version),
	};

	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: mockNodeTypes,
	});

	const inputData: ITaskDataConnections = { main: [[{ json: {} }]] };
	const connectionInputData: INodeExecutionData[] = [];
	const runExecutionData = createRunExecutionData({ resultData: { runData: {} } });
	const executeData: IExecuteData = { node, data: {}, source: null };
	const executeFunctions = new ExecuteContext(
		workflow,
		node,
		createAdditionalData({ credentialsHelper }),
		'internal',
		runExecutionData,
		0,
		connectionInputData,
		inputData,
		executeData,
		[],
	);
	const routingNode = new RoutingNode(executeFunctions, nodeTypeCopy, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const error = caught as Error & {
			cause?: { response?: { status: number; statusText?: string }; code?: string };
		};
		if (error.cause?.response) {
			const errorResponseData = {
				statusCode: error.cause.response.status,
				statusMessage: error.cause.response.statusText,
			};
			for (const rule of credentialTestFunction.testRequest.rules ?? []) {
				if (
					rule.type === 'responseCode' &&
					errorResponseData.statusCode === rule.properties.value
				) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (errorResponseData.statusCode < 199 || errorResponseData.statusCode > 299) {
				return {
					status: 'Error',
					message:
						errorResponseData.statusMessage ||
						`Received HTTP status code: ${errorResponseData.statusCode}`,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: messageOf(error) };
	}

	for (const rule of credentialTestFunction.testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const responseData = response![0][0].json;
			if (getPath(responseData, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}

	return { status: 'OK', message: 'Connection successful!' };
}
