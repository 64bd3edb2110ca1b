import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { processItems } from '../../helpers/items';
import { readTemplateId, templateIdLocator } from '../../helpers/templates';
import { ciRequest } from '../../transport/request';

const displayOptions: IDisplayOptions = { show: { resource: ['template'], operation: ['delete'] } };

export const description: INodeProperties[] = [templateIdLocator(displayOptions)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const templateId = readTemplateId(this, itemIndex);
		const { body } = await ciRequest.call(this, { service: 'ci', method: 'DELETE', path: `/template/${templateId}`, itemIndex });
		return [{ json: { deleted: true, templateId: body.TemplateId ?? templateId, requestId: body.RequestId ?? null } }];
	});
}
