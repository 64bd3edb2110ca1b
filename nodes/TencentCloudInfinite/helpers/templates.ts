import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ciRequest, type CiContext } from '../transport/request';
import { imageOcrXml, readRecognitionOptions, recognitionProperties, TYPES_WITH_PDF } from './recognition';
import { checkPositiveInteger, invalid } from './validate';

export const TEMPLATE_TAG = 'ImageOCR';

/** Letters (Chinese included), digits, `_`, `-` and `*`, at most 64 characters (create-ocr-template seed). */
const TEMPLATE_NAME = /^[\p{L}\p{N}_\-*]{1,64}$/u;

export function templateIdLocator(displayOptions: IDisplayOptions, required = true): INodeProperties {
	return {
		displayName: 'Template',
		name: 'templateId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchTemplates', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 't1460606b9752148c4ab182f55163ba7cd',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^t[0-9a-zA-Z]+$', errorMessage: 'A template ID starts with t, such as t1460606b9752148c4ab182f55163ba7cd' },
					},
				],
			},
		],
	};
}

export function readTemplateId(context: IExecuteFunctions, itemIndex: number): string {
	const id = String(context.getNodeParameter('templateId', itemIndex, '', { extractValue: true }) ?? '').trim();
	if (!/^t[0-9a-zA-Z]+$/.test(id)) {
		throw invalid(context.getNode(), itemIndex, `"Template" must be a template ID such as t1460606b9752148c4ab182f55163ba7cd, not "${id}"`);
	}
	return id;
}

export function checkTemplateName(context: IExecuteFunctions, itemIndex: number, name: string): string {
	if (!TEMPLATE_NAME.test(name)) {
		throw invalid(
			context.getNode(),
			itemIndex,
			`"Name" is not a valid template name: "${name}"`,
			'Use 1 to 64 letters (Chinese included), digits, _, - and *',
		);
	}
	return name;
}

/** Name and recognition options of a template, shared by Create and Update. */
export function templateFields(displayOptions: IDisplayOptions): INodeProperties[] {
	const pdfDisplay = { show: { ...displayOptions.show, recognitionType: TYPES_WITH_PDF } };
	return [
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			required: true,
			displayOptions,
			description: 'Letters (Chinese included), digits, _, - and *, at most 64 characters',
		},
		...recognitionProperties(displayOptions),
		{
			displayName: 'PDF',
			name: 'isPdf',
			type: 'boolean',
			default: false,
			displayOptions: pdfDisplay,
			description: 'Whether inputs may be PDFs (one page is recognized)',
		},
		{
			displayName: 'PDF Page',
			name: 'pdfPageNumber',
			type: 'number',
			default: 1,
			typeOptions: { minValue: 1 },
			displayOptions: { show: { ...pdfDisplay.show, isPdf: [true] } },
		},
	];
}

export function templateRequestBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const name = checkTemplateName(context, itemIndex, (context.getNodeParameter('name', itemIndex) as string).trim());
	const recognition = readRecognitionOptions(context, itemIndex);
	const isPdf = TYPES_WITH_PDF.includes(recognition.type) && (context.getNodeParameter('isPdf', itemIndex, false) as boolean);
	const page = isPdf
		? checkPositiveInteger(context.getNode(), itemIndex, context.getNodeParameter('pdfPageNumber', itemIndex, 1) as number, 'PDF Page')
		: undefined;
	return { Request: { Tag: TEMPLATE_TAG, Name: name, ImageOCR: imageOcrXml(recognition, page) } };
}

export interface TemplatePage {
	templates: IDataObject[];
	totalCount: number;
}

/** One page of `GET /template`; the service numbers pages from 1. */
export async function listTemplates(
	context: CiContext,
	filter: { name?: string; ids?: string[]; pageNumber: number; pageSize: number },
	itemIndex?: number,
): Promise<TemplatePage> {
	const { body } = await ciRequest.call(context, {
		service: 'ci',
		method: 'GET',
		path: '/template',
		query: {
			tag: TEMPLATE_TAG,
			name: filter.name || undefined,
			ids: filter.ids?.length ? filter.ids.join(',') : undefined,
			pageNumber: filter.pageNumber,
			pageSize: filter.pageSize,
		},
		itemIndex,
	});
	const templates = Array.isArray(body.TemplateList) ? (body.TemplateList as IDataObject[]) : [];
	return { templates, totalCount: typeof body.TotalCount === 'number' ? body.TotalCount : templates.length };
}
