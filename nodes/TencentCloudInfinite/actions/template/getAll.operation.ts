import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { returnAllFields, simplifyField, toolDescriptionField } from '../common.descriptions';
import { processItems } from '../../helpers/items';
import type { NodeParameters } from '../../helpers/parameters';
import { listTemplates, simplifyTemplate } from '../../helpers/templates';

/** The service's largest page (查询模板: pageSize at most 100). */
const PAGE_SIZE = 100;

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Lists OCR templates. Returns each with its templateId, name and recognition settings.',
	),
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Category',
				name: 'category',
				type: 'options',
				default: 'Custom',
				options: [
					{ name: 'Custom (Created in This Bucket)', value: 'Custom' },
					{ name: 'Official (Provided by Cloud Infinite)', value: 'Official' },
				],
				description: 'Which templates to list; the service lists Custom ones unless told otherwise',
			},
			{
				displayName: 'Name Starts With',
				name: 'namePrefix',
				type: 'string',
				default: '',
				description:
					'Only templates whose name begins with this text (the service matches a prefix)',
			},
			{
				displayName: 'Template IDs',
				name: 'ids',
				type: 'string',
				default: '',
				placeholder: 't1a2b3..., t4c5d6...',
				description: 'Comma-separated template IDs',
			},
		],
	},
	simplifyField('the service’s Template elements'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['template'], operation: ['getAll'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const item = params.item(itemIndex);
		const returnAll = item.boolean('returnAll');
		const limit = returnAll ? Infinity : item.integer('limit');
		const filters = item.collectionOf('filters');
		const simplify = item.boolean('simplify');
		const filter = {
			category: filters.has('category')
				? filters.option<'Custom' | 'Official'>('category')
				: undefined,
			namePrefix: filters.string('namePrefix'),
			ids: filters
				.string('ids')
				.split(',')
				.map((id) => id.trim())
				.filter(Boolean),
		};
		const pageSize = Math.min(PAGE_SIZE, limit);
		const collected: IDataObject[] = [];
		for (let pageNumber = 1; collected.length < limit; pageNumber++) {
			const page = await listTemplates(this, { ...filter, pageNumber, pageSize }, { itemIndex });
			collected.push(...page.templates);
			if (page.templates.length === 0 || pageNumber * pageSize >= page.totalCount) break;
		}
		return collected
			.slice(0, limit)
			.map((template) => ({ json: simplify ? simplifyTemplate(template) : template }));
	});
}
