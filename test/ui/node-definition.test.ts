/**
 * The node's UI definition, operation by operation: for every combination of the settings that
 * show or hide other fields (Source, Recognition Type, PDF Pages, Callback, Wait for Completion,
 * Return All, …, and the AI-tool variant), the operation runs in n8n-core and
 * - reads only parameters that n8n keeps for those settings (n8n drops hidden ones, so a read of
 *   a hidden parameter is a field the user cannot see steering the node), and
 * - reads every parameter that is shown, and every option set in its collections (a shown field
 *   that is never read is something the user entered being dropped silently).
 * Visibility comes from n8n's own NodeHelpers.getNodeParameters, as the editor and the workflow
 * loader apply it. Every run stops at its first request (the credential's bucket is invalid),
 * after all of its parameters have been read and checked.
 */
import path from 'node:path';

import type { INode, INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { png } from '../helpers/images';
import { inlineBinary, runWorkflow, PACKAGE_ROOT } from '../helpers/n8n';
import { NODE_TYPE } from '../helpers/workflows';

const dist = (file: string) => path.join(PACKAGE_ROOT, 'dist/nodes/TencentCloudInfinite', file);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TencentCloudInfinite } = require(dist('TencentCloudInfinite.node.js')) as {
	TencentCloudInfinite: new () => { description: INodeTypeDescription };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ItemParameters } = require(dist('helpers/parameters.js')) as {
	ItemParameters: { prototype: Record<string, (...args: never[]) => unknown> };
};

const description = new TencentCloudInfinite().description;

/** Names read through ItemParameters (`options.itemsAtOnce` for a collection's option). */
const reads = new Set<string>();
const prototype = ItemParameters.prototype as unknown as {
	raw(this: { collection?: { property: INodeProperties } }, name: string): unknown;
	locator(this: { collection?: { property: INodeProperties } }, name: string): unknown;
};
for (const method of ['raw', 'locator'] as const) {
	const original = prototype[method];
	prototype[method] = function (
		this: { collection?: { property: INodeProperties } },
		name: string,
	) {
		reads.add(this.collection ? `${this.collection.property.name}.${name}` : name);
		return original.call(this, name);
	};
}

/** Values that make every field valid, so that nothing stops an operation before its first request. */
const VALID: INodeParameters = {
	binaryPropertyName: 'data',
	objectKey: 'scans/a.png',
	url: 'https://example.com/a.png',
	name: 'template_1',
	templateId: { __rl: true, mode: 'id', value: 't1460606b9752148c4ab182f55163ba7cd' },
	jobIds: 'a3c193f288b2c11eeb60f39de2f86f409',
	callbackUrl: 'https://example.com/callback',
	mqName: 'queue',
	mqRegion: 'gz',
	pdfPages: '1-2',
};

function visibleFor(parameters: INodeParameters, tool: boolean): INodeParameters {
	const node = { typeVersion: 1, parameters } as unknown as INode;
	const described = tool ? { ...description, name: `${description.name}Tool` } : description;
	return (
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			true,
			false,
			node,
			described,
		) ?? {}
	);
}

/** Parameters that show or hide others (`/name` inside collections included). */
function driverNames(): string[] {
	const names = new Set<string>();
	const collect = (properties: INodeProperties[]) => {
		for (const property of properties) {
			for (const key of Object.keys({
				...property.displayOptions?.show,
				...property.displayOptions?.hide,
			}))
				names.add(key.replace(/^\//, ''));
			if (property.type === 'collection') collect(property.options as INodeProperties[]);
		}
	};
	collect(description.properties);
	return [...names].filter(
		(name) => !['resource', 'operation', '@tool', '@version'].includes(name),
	);
}

/** The values to try for a driver: those of its definition shown for these settings. */
function valuesOf(name: string, parameters: INodeParameters): unknown[] {
	const node = { typeVersion: 1, parameters } as unknown as INode;
	const shown = description.properties.find(
		(property) =>
			property.name === name &&
			NodeHelpers.displayParameter(parameters, property, node, description),
	);
	if (!shown) return [];
	if (shown.type === 'boolean') return [false, true];
	return (shown.options ?? []).map((option) => (option as { value: unknown }).value);
}

/** Every combination of the drivers that matter for an operation, following what each choice shows. */
function combinations(base: INodeParameters): INodeParameters[] {
	const names = driverNames();
	const results = new Map<string, INodeParameters>();
	const walk = (parameters: INodeParameters, decided: Set<string>) => {
		const visible = visibleFor(parameters, false);
		const next = names.find((name) => !decided.has(name) && name in visible);
		if (!next) {
			// Settings that leave the same fields shown with the same values are one case.
			results.set(JSON.stringify(visible), parameters);
			return;
		}
		for (const value of valuesOf(next, parameters))
			walk({ ...parameters, [next]: value as never }, new Set([...decided, next]));
	};
	walk(base, new Set());
	return [...results.values()];
}

/** The collections shown for these settings (several operations have one named `options`). */
function shownCollections(parameters: INodeParameters, tool: boolean): INodeProperties[] {
	const node = { typeVersion: 1, parameters } as unknown as INode;
	const described = tool ? { ...description, name: `${description.name}Tool` } : description;
	return description.properties.filter(
		(property) =>
			property.type === 'collection' &&
			NodeHelpers.displayParameter(parameters, property, node, described),
	);
}

/** Every option of the shown collections, at its default, so that each counts as set by the user. */
function allOptions(parameters: INodeParameters, tool: boolean): INodeParameters {
	const withCollections = { ...parameters };
	for (const property of shownCollections(parameters, tool)) {
		withCollections[property.name] = Object.fromEntries(
			(property.options as INodeProperties[]).map((option) => [option.name, option.default]),
		);
	}
	return withCollections;
}

const operations = description.properties
	.filter((property) => property.name === 'operation')
	.flatMap((property) =>
		(property.displayOptions!.show!.resource as string[]).flatMap((resource) =>
			(property.options ?? []).map((option) => ({
				resource,
				operation: String((option as { value: string }).value),
			})),
		),
	);

const cases = operations.flatMap(({ resource, operation }) =>
	[false, true].flatMap((tool) =>
		combinations({ resource, operation, ...VALID }).map((parameters) => {
			const shown = Object.entries(parameters)
				.filter(([name]) => !(name in VALID) && name !== 'resource' && name !== 'operation')
				.map(([name, value]) => `${name}=${String(value)}`)
				.join(' ');
			return [
				`${resource} › ${operation}${tool ? ' (AI tool)' : ''} ${shown}`.trim(),
				{ parameters, tool },
			] as const;
		}),
	),
);

const toolType = `${NODE_TYPE}Tool`;
const toolNode = Object.assign(Object.create(new TencentCloudInfinite()) as object, {
	description: { ...description, name: `${description.name}Tool` },
});

describe('every parameter an operation reads is shown for it, and every shown one is read', () => {
	it('covers every operation, in both variants', () => {
		expect(operations.map(({ resource, operation }) => `${resource}.${operation}`)).toEqual(
			expect.arrayContaining([
				'ocr.recognizeText',
				'job.submitOcrJob',
				'job.submitCardJob',
				'job.get',
				'job.getAll',
				'template.create',
				'template.get',
				'template.getAll',
				'template.update',
				'template.delete',
			]),
		);
		expect(cases.length).toBeGreaterThan(operations.length * 2);
	});

	it.each(cases)('%s', async (_name, { parameters, tool }) => {
		const complete = allOptions(parameters, tool);
		reads.clear();
		const result = await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
					{ name: 'CI', type: tool ? toolType : NODE_TYPE, parameters: complete as never },
				],
				connections: { Start: { main: [[{ node: 'CI', type: 'main', index: 0 }]] } },
			},
			{
				credentials: {
					tencentCloudInfiniteApi: {
						secretId: 'AKIDUI',
						secretKey: 'ui-secret',
						bucket: 'NOT_A_BUCKET',
						region: 'ap-guangzhou',
					},
				},
				inputItems: [{ json: {}, binary: { data: inlineBinary(png(), 'scan.png', 'image/png') } }],
				extraNodeTypes: { [toolType]: toolNode as never },
			},
		);
		// The run reached its first request: everything before it was read and accepted.
		expect(result.error?.message).toMatch(/^Credential field "bucket"/);

		const visible = visibleFor(complete, tool);
		// toolDescription is n8n's: it hands it to the model, the node never reads it.
		const shownTop = Object.keys(visible).filter(
			(name) => !['resource', 'operation', 'toolDescription'].includes(name),
		);
		const topReads = [...reads].filter((name) => !name.includes('.'));
		expect(topReads.filter((name) => !(name in visible))).toEqual([]);
		expect(shownTop.filter((name) => !reads.has(name))).toEqual([]);
		const collections = shownCollections(complete, tool);
		expect(
			collections.every(
				(property) =>
					Object.keys(complete[property.name] as object).length === (property.options ?? []).length,
			),
		).toBe(true);
		for (const { name: collection } of collections) {
			const value = visible[collection] as object;
			expect(Object.keys(value).filter((option) => !reads.has(`${collection}.${option}`))).toEqual(
				[],
			);
		}
		// An option n8n drops for these settings, read anyway, would give its default silently.
		const optionReads = [...reads].filter((name) => name.includes('.'));
		expect(
			optionReads.filter((name) => {
				const [collection, option] = name.split('.');
				return !(collection in visible) || !(option in (visible[collection] as object));
			}),
		).toEqual([]);
	});
});
