import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	simplifyField,
	templateFields,
	templateLocator,
	toolDescriptionField,
} from '../common.descriptions';
import { processItems } from '../../helpers/items';
import type { NodeParameters } from '../../helpers/parameters';
import { simplifyTemplate, templateRequestBody } from '../../helpers/templates';
import { readTemplateId } from '../../helpers/validate';
import { ciRequest } from '../../transport/request';

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Changes an OCR template’s name and recognition settings. Pass its ID, which starts with t. Returns the updated template.',
	),
	templateLocator,
	...templateFields,
	simplifyField('the service’s Template element'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['template'], operation: ['update'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const item = params.item(itemIndex);
		const templateId = readTemplateId(item);
		const xml = templateRequestBody(item);
		const simplify = item.boolean('simplify');
		const { body } = await ciRequest.call(this, {
			service: 'ci',
			method: 'PUT',
			path: `/template/${templateId}`,
			xml,
			input: { templateId },
			itemIndex,
		});
		const template = (body.Template ?? {}) as Record<string, never>;
		return [
			{
				json: simplify
					? simplifyTemplate(template, body.RequestId)
					: { ...template, RequestId: body.RequestId ?? null },
			},
		];
	});
}
