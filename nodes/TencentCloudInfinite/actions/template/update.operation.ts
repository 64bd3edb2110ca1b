import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { processItems } from '../../helpers/items';
import { readTemplateId, templateFields, templateIdLocator, templateRequestBody } from '../../helpers/templates';
import { ciRequest } from '../../transport/request';

const displayOptions: IDisplayOptions = { show: { resource: ['template'], operation: ['update'] } };

export const description: INodeProperties[] = [templateIdLocator(displayOptions), ...templateFields(displayOptions)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const templateId = readTemplateId(this, itemIndex);
		const { body } = await ciRequest.call(this, {
			service: 'ci',
			method: 'PUT',
			path: `/template/${templateId}`,
			xml: templateRequestBody(this, itemIndex),
			itemIndex,
		});
		return [{ json: { ...(body.Template as object), requestId: body.RequestId ?? null } }];
	});
}
