import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { templateLocator, toolDescriptionField } from '../common.descriptions';
import { processItems } from '../../helpers/items';
import type { NodeParameters } from '../../helpers/parameters';
import { readTemplateId } from '../../helpers/validate';
import { ciRequest } from '../../transport/request';

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Deletes an OCR template. Pass its ID, which starts with t. Returns deleted: true and the templateId.',
	),
	templateLocator,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['template'], operation: ['delete'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const templateId = readTemplateId(params.item(itemIndex));
		const { body } = await ciRequest.call(this, {
			service: 'ci',
			method: 'DELETE',
			path: `/template/${templateId}`,
			input: { templateId },
			itemIndex,
		});
		return [
			{
				json: {
					deleted: true,
					templateId: String(body.TemplateId ?? templateId),
					requestId: body.RequestId ?? null,
				},
			},
		];
	});
}
