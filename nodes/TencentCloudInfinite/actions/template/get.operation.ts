import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { processItems } from '../../helpers/items';
import { listTemplates, readTemplateId, templateIdLocator } from '../../helpers/templates';
import { invalid } from '../../helpers/validate';

const displayOptions: IDisplayOptions = { show: { resource: ['template'], operation: ['get'] } };

export const description: INodeProperties[] = [templateIdLocator(displayOptions)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const templateId = readTemplateId(this, itemIndex);
		const { templates } = await listTemplates(this, { ids: [templateId], pageNumber: 1, pageSize: 1 }, itemIndex);
		const template = templates.find((entry) => entry.TemplateId === templateId);
		if (!template) throw invalid(this.getNode(), itemIndex, `No OCR template with ID "${templateId}" exists in this bucket`);
		return [{ json: template }];
	});
}
