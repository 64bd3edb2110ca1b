import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	callbackFields,
	deleteUploadField,
	outputFields,
	pdfTypes,
	recognitionFields,
	showWhen,
	sourceFields,
	submitOptions,
	templateLocator,
	toolDescriptionField,
	waitForCompletionField,
} from '../common.descriptions';
import { processItemsAtOnce } from '../../helpers/items';
import type { ItemParameters, NodeParameters } from '../../helpers/parameters';
import {
	imageOcrXml,
	OCR_FILE_RULE,
	readRecognitionOptions,
	TYPES_WITH_PDF,
} from '../../helpers/recognition';
import { readSubmitPlan, submitJob } from '../../helpers/submit';
import { readTemplateId } from '../../helpers/validate';

const inline = { settingsFrom: ['inline'] };

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Starts an OCR job that reads the text of an image or PDF. Pass the file’s object key in the bucket. Returns the job with its jobId and state; when the tool waits for completion, the text read.',
	),
	...sourceFields(['object', 'binary'], {
		binaryHint:
			'The file is uploaded under the "Upload Key Prefix" option, since the job reads it from the bucket',
		objectPlaceholder: 'scans/2026/invoice.jpg',
	}),
	{
		displayName: 'Recognition Settings',
		name: 'settingsFrom',
		type: 'options',
		default: 'inline',
		options: [
			{ name: 'Set Here', value: 'inline' },
			{ name: 'From a Template', value: 'template' },
		],
	},
	showWhen(templateLocator, { settingsFrom: ['template'] }),
	...recognitionFields.map((field) => showWhen(field, inline)),
	showWhen(
		{
			displayName: 'PDF Page',
			name: 'pdfPageNumber',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description: 'For a PDF input, the page to recognize; 0 when the input is an image',
		},
		{ ...inline, ...pdfTypes.show },
	),
	...callbackFields,
	waitForCompletionField,
	deleteUploadField,
	...outputFields,
	submitOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['job'], operation: ['submitOcrJob'] } },
	properties,
);

function operationXml(params: ItemParameters): IDataObject {
	if (params.option('settingsFrom') === 'template') return { TemplateId: readTemplateId(params) };
	const recognition = readRecognitionOptions(params);
	const page = TYPES_WITH_PDF.includes(recognition.type) ? params.integer('pdfPageNumber') : 0;
	return { ImageOCR: imageOcrXml(recognition, page || undefined) };
}

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItemsAtOnce(this, params, async (itemIndex) => {
		const item = params.item(itemIndex);
		const operation = operationXml(item);
		const plan = await readSubmitPlan(this, item, OCR_FILE_RULE);
		return [await submitJob(this, plan, 'ImageOCR', operation)];
	});
}
