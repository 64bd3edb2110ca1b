import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { simplifyField, templateFields, toolDescriptionField } from '../common.descriptions';
import { processItems } from '../../helpers/items';
import type { NodeParameters } from '../../helpers/parameters';
import { simplifyTemplate, templateRequestBody } from '../../helpers/templates';
import { ciRequest } from '../../transport/request';

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Creates an OCR template. Pass its name: letters, digits, _, - and *, at most 64 characters. Returns the template with its templateId.',
	),
	...templateFields,
	simplifyField('the service’s Template element'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['template'], operation: ['create'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const item = params.item(itemIndex);
		const xml = templateRequestBody(item);
		const simplify = item.boolean('simplify');
		const { body } = await ciRequest.call(this, {
			service: 'ci',
			method: 'POST',
			path: '/template',
			xml,
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
