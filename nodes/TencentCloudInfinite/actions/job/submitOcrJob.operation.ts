import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { processItems } from '../../helpers/items';
import { submitJob, submitProperties } from '../../helpers/jobSubmit';
import { imageOcrXml, readRecognitionOptions, recognitionProperties, TYPES_WITH_PDF } from '../../helpers/recognition';
import { readTemplateId, templateIdLocator } from '../../helpers/templates';
import { checkPositiveInteger } from '../../helpers/validate';

const displayOptions: IDisplayOptions = { show: { resource: ['job'], operation: ['submitOcrJob'] } };
const inline: IDisplayOptions = { show: { ...displayOptions.show, settingsFrom: ['inline'] } };
const { input, settings } = submitProperties(displayOptions);

export const description: INodeProperties[] = [
	...input,
	{
		displayName: 'Recognition Settings',
		name: 'settingsFrom',
		type: 'options',
		default: 'inline',
		displayOptions,
		options: [
			{ name: 'Set Here', value: 'inline' },
			{ name: 'From a Template', value: 'template' },
		],
	},
	templateIdLocator({ show: { ...displayOptions.show, settingsFrom: ['template'] } }),
	...recognitionProperties(inline),
	{
		displayName: 'PDF Page',
		name: 'pdfPageNumber',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		displayOptions: { show: { ...inline.show, recognitionType: TYPES_WITH_PDF } },
		description: 'For a PDF input, the page to recognize; 0 when the input is an image',
	},
	...settings,
];

function operationXml(context: IExecuteFunctions, itemIndex: number): IDataObject {
	if (context.getNodeParameter('settingsFrom', itemIndex, 'inline') === 'template') {
		return { TemplateId: readTemplateId(context, itemIndex) };
	}
	const recognition = readRecognitionOptions(context, itemIndex);
	const page = TYPES_WITH_PDF.includes(recognition.type) ? (context.getNodeParameter('pdfPageNumber', itemIndex, 0) as number) : 0;
	const pdfPage = page ? checkPositiveInteger(context.getNode(), itemIndex, page, 'PDF Page') : undefined;
	return { ImageOCR: imageOcrXml(recognition, pdfPage) };
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => await submitJob(this, itemIndex, 'ImageOCR', operationXml(this, itemIndex)));
}
