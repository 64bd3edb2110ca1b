/**
 * The node as an AI agent's tool, in the parts n8n-workflow decides without running n8n.
 *
 * What n8n tells an AI agent's model the tool variant does, for every operation and every Output
 * of Recognize Text, resolved by n8n-workflow's own `getNodeParameters` and
 * `getToolDescriptionForNode` (what n8n-core's create-node-as-tool.js calls). The tool variant is
 * the node's description renamed `<name>Tool`, as n8n's tool generation makes it
 * (n8n dist/tool-generation/ai-tools.js `convertNodeToAiTool`); test/e2e/ai-agent.test.ts checks
 * the real one, generated and run by n8n, for the default settings.
 *
 * What a failed call tells the model: n8n hands it the error message alone, so the tool variant's
 * errors carry their description (the hint) in it.
 */
import {
	NodeApiError,
	NodeHelpers,
	type INode,
	type INodeParameters,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { TencentCloudInfinite } from '../../nodes/TencentCloudInfinite/TencentCloudInfinite.node';
import {
	ciApiError,
	operationError,
	withDetailsForModel,
} from '../../nodes/TencentCloudInfinite/transport/errors';

const regular = new TencentCloudInfinite().description;
const tool: INodeTypeDescription = { ...regular, name: `${regular.name}Tool` };

function nodeOf(description: INodeTypeDescription, parameters: INodeParameters): INode {
	const node: INode = {
		id: 'a0000000-0000-4000-8000-000000000001',
		name: 'Tencent Cloud Infinite',
		type: `n8n-nodes-tencent-cloud-infinite.${description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	// As n8n's Workflow does with a node of a loaded workflow: its parameters with every default filled in.
	node.parameters =
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			true,
			false,
			node,
			description,
		) ?? {};
	return node;
}

function toolDescription(parameters: INodeParameters): string {
	return NodeHelpers.getToolDescriptionForNode(nodeOf(tool, parameters), {
		description: tool,
	} as INodeType);
}

const operations = regular.properties
	.filter((property) => property.name === 'operation')
	.flatMap((property) =>
		(property.options as INodePropertyOptions[]).map((option) => ({
			resource: String(property.displayOptions?.show?.resource?.[0]),
			operation: String(option.value),
		})),
	);

describe('the tool description', () => {
	it('is set for every operation of the tool, one of its own, and is not a parameter of the regular node', () => {
		expect(operations).toHaveLength(12);
		const descriptions = operations.map((parameters) => {
			expect(nodeOf(regular, parameters).parameters).not.toHaveProperty('toolDescription');
			const parametersOfTool = nodeOf(tool, parameters).parameters;
			expect(typeof parametersOfTool.toolDescription).toBe('string');
			const description = toolDescription(parameters);
			expect(description).toBe(parametersOfTool.toolDescription);
			// Longer than n8n's own "<action> in Tencent Cloud Infinite", and saying what to pass or what comes back.
			expect(description).toMatch(/Returns /);
			return description;
		});
		expect(new Set(descriptions).size).toBe(operations.length);
	});

	it('tells what Recognize Text returns for the Output chosen, Text Only by default', () => {
		const recognize = { resource: 'ocr', operation: 'recognizeText', source: 'object' };
		const passing =
			'Pass the file’s object key in the bucket (such as scans/invoice.png) or its http(s) URL, as the tool’s parameter asks.';
		expect(nodeOf(tool, recognize).parameters.output).toBe('text');
		expect(toolDescription(recognize)).toBe(toolDescription({ ...recognize, output: 'text' }));
		expect(toolDescription(recognize)).toContain(passing);
		expect(toolDescription(recognize)).toContain(
			'text (the lines read, separated by line breaks), page (the PDF page number; null for an image) and confidence (0 to 100)',
		);
		expect(toolDescription({ ...recognize, output: 'simplified' })).toContain(
			'lines (each with its text, confidence from 0 to 100 and position)',
		);
		expect(toolDescription({ ...recognize, output: 'raw' })).toContain(
			'TextDetections, each with DetectedText, Confidence (0 to 100) and its Polygon',
		);
		for (const output of ['text', 'simplified', 'raw'])
			expect(toolDescription({ ...recognize, output })).toMatch(
				/^Reads the text in an image or a PDF \(OCR\)\. .* A failed call returns an error saying what to change\.$/,
			);
	});

	it('is the user’s own when they write one', () => {
		expect(
			toolDescription({
				resource: 'ocr',
				operation: 'recognizeText',
				toolDescription: 'Reads our scanned delivery notes.',
			}),
		).toBe('Reads our scanned delivery notes.');
	});
});

describe('errors of the tool', () => {
	const missing = {
		status: 404,
		code: 'NoSuchKey',
		message: 'The specified key does not exist.',
		requestId: 'req-1',
	};

	it('carry their description in the message, as n8n writes it for tools (Details: ...)', () => {
		const node = nodeOf(tool, { resource: 'ocr', operation: 'recognizeText' });
		const error = withDetailsForModel(
			node,
			ciApiError(node, missing, 'cos', { input: { objectKey: 'a.png' } }),
		) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'COS error NoSuchKey for object "a.png": The specified key does not exist.\n\nDetails: No object with this key exists in the bucket. Check the key (it is case-sensitive and includes any folder prefix).\nHTTP 404, RequestId req-1',
		);
		// Once only, however often it passes through.
		expect((withDetailsForModel(node, error) as Error).message).toBe(error.message);
		const refused = withDetailsForModel(
			node,
			operationError(node, '"Object Key" is empty', { description: 'Enter the key of an object' }),
		) as Error;
		expect(refused.message).toBe('"Object Key" is empty\n\nDetails: Enter the key of an object');
	});

	it('are left as they are in the regular node, and other errors in both', () => {
		const node = nodeOf(regular, { resource: 'ocr', operation: 'recognizeText' });
		const error = withDetailsForModel(node, ciApiError(node, missing, 'cos')) as Error;
		expect(error.message).toBe('COS error NoSuchKey: The specified key does not exist.');
		const plain = new Error('boom');
		expect(withDetailsForModel(nodeOf(tool, {}), plain)).toBe(plain);
		expect(plain.message).toBe('boom');
	});
});
