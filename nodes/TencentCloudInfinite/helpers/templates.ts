import type { IDataObject } from 'n8n-workflow';

import { ciRequest, type CiContext } from '../transport/request';
import type { RequestScope } from './binary';
import type { ItemParameters } from './parameters';
import { imageOcrXml, readRecognitionOptions, TYPES_WITH_PDF } from './recognition';

export const TEMPLATE_TAG = 'ImageOCR';

/** Letters (Chinese included), digits, `_`, `-` and `*`, at most 64 characters (创建文字识别模板, product 460). */
const TEMPLATE_NAME = /^[\p{L}\p{N}_\-*]{1,64}$/u;

/** The `<Request>` of Template › Create and Update: name and recognition options. */
export function templateRequestBody(params: ItemParameters): IDataObject {
	const name = params.string('name', { required: true });
	if (!TEMPLATE_NAME.test(name)) {
		params.fail(
			'name',
			`is not a valid template name: "${name}"`,
			'Use 1 to 64 letters (Chinese included), digits, _, - and *',
		);
	}
	const recognition = readRecognitionOptions(params);
	const isPdf = TYPES_WITH_PDF.includes(recognition.type) && params.boolean('isPdf');
	const page = isPdf ? params.integer('pdfPageNumber') : undefined;
	return { Request: { Tag: TEMPLATE_TAG, Name: name, ImageOCR: imageOcrXml(recognition, page) } };
}

const text = (value: unknown): string | null =>
	value === undefined || value === null || value === '' ? null : String(value);
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);

/** A `Template` as an item, its recognition options under the names the node's fields use. */
export function simplifyTemplate(template: IDataObject, requestId?: unknown): IDataObject {
	const ocr = (template.ImageOCR ?? {}) as IDataObject;
	return {
		templateId: text(template.TemplateId),
		name: text(template.Name),
		tag: text(template.Tag),
		category: text(template.Category),
		bucketId: text(template.BucketId),
		createTime: text(template.CreateTime),
		updateTime: text(template.UpdateTime),
		recognitionType: text(ocr.Type),
		languageType: text(ocr.LanguageType),
		returnCharacters: flag(ocr.IsWord),
		characterPolygons: flag(ocr.EnableWordPolygon),
		isPdf: flag(ocr.IsPdf),
		pdfPageNumber: typeof ocr.PdfPageNumber === 'number' ? ocr.PdfPageNumber : null,
		...(requestId === undefined ? {} : { requestId: text(requestId) }),
	};
}

export interface TemplateFilter {
	/** The service matches names that start with this (查询模板, product 460). */
	namePrefix?: string;
	category?: 'Custom' | 'Official';
	ids?: string[];
	pageNumber: number;
	pageSize: number;
}

export interface TemplatePage {
	templates: IDataObject[];
	totalCount: number;
}

/** One page of `GET /template`; the service numbers pages from 1. */
export async function listTemplates(
	context: CiContext,
	filter: TemplateFilter,
	scope: Partial<RequestScope> = {},
): Promise<TemplatePage> {
	const { body } = await ciRequest.call(context, {
		service: 'ci',
		method: 'GET',
		path: '/template',
		query: {
			tag: TEMPLATE_TAG,
			category: filter.category,
			name: filter.namePrefix || undefined,
			ids: filter.ids?.length ? filter.ids.join(',') : undefined,
			pageNumber: filter.pageNumber,
			pageSize: filter.pageSize,
		},
		...scope,
	});
	const templates = Array.isArray(body.TemplateList) ? (body.TemplateList as IDataObject[]) : [];
	return {
		templates,
		totalCount: typeof body.TotalCount === 'number' ? body.TotalCount : templates.length,
	};
}
