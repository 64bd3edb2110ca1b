import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { simplifyField, templateLocator, toolDescriptionField } from '../common.descriptions';
import { processItems } from '../../helpers/items';
import type { NodeParameters } from '../../helpers/parameters';
import { listTemplates, simplifyTemplate } from '../../helpers/templates';
import { readTemplateId } from '../../helpers/validate';
import { operationError } from '../../transport/errors';

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Gets an OCR template. Pass its ID, which starts with t. Returns its templateId, name and recognition settings.',
	),
	templateLocator,
	simplifyField('the service’s Template element'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['template'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const item = params.item(itemIndex);
		const templateId = readTemplateId(item);
		const simplify = item.boolean('simplify');
		const scope = { itemIndex };
		const { templates } = await listTemplates(
			this,
			{ ids: [templateId], pageNumber: 1, pageSize: 1 },
			scope,
		);
		const template = templates.find((entry) => entry.TemplateId === templateId);
		if (!template) {
			throw operationError(
				this.getNode(),
				`No OCR template with ID "${templateId}" exists in this bucket`,
				{
					itemIndex,
					description: 'Check the ID, the bucket and the region of the credential',
					input: { templateId },
				},
			);
		}
		return [{ json: simplify ? simplifyTemplate(template) : template }];
	});
}
