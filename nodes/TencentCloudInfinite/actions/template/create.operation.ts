import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { processItems } from '../../helpers/items';
import { templateFields, templateRequestBody } from '../../helpers/templates';
import { ciRequest } from '../../transport/request';

const displayOptions: IDisplayOptions = { show: { resource: ['template'], operation: ['create'] } };

export const description: INodeProperties[] = templateFields(displayOptions);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const { body } = await ciRequest.call(this, {
			service: 'ci',
			method: 'POST',
			path: '/template',
			xml: templateRequestBody(this, itemIndex),
			itemIndex,
		});
		return [{ json: { ...(body.Template as object), requestId: body.RequestId ?? null } }];
	});
}
