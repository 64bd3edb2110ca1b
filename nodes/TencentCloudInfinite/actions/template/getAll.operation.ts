import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { processItems } from '../../helpers/items';
import { returnAllProperties } from '../../helpers/properties';
import { listTemplates } from '../../helpers/templates';

const displayOptions: IDisplayOptions = { show: { resource: ['template'], operation: ['getAll'] } };
const PAGE_SIZE = 100;

export const description: INodeProperties[] = [
	...returnAllProperties(displayOptions),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions,
		options: [
			{ displayName: 'Name Contains', name: 'name', type: 'string', default: '' },
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
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const ids = String(filters.ids ?? '')
			.split(',')
			.map((id) => id.trim())
			.filter(Boolean);
		const pageSize = Math.min(PAGE_SIZE, limit);
		const collected: IDataObject[] = [];
		for (let pageNumber = 1; collected.length < limit; pageNumber++) {
			const page = await listTemplates(this, { name: String(filters.name ?? ''), ids, pageNumber, pageSize }, itemIndex);
			collected.push(...page.templates);
			if (page.templates.length === 0 || pageNumber * pageSize >= page.totalCount) break;
		}
		return collected.slice(0, limit).map((template) => ({ json: template }));
	});
}
