import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { deleteObject, inputBinary, uploadBinary } from '../../helpers/binary';
import { mapConcurrently, processItems } from '../../helpers/items';
import { DEFAULT_UPLOAD_PREFIX, requestTimeoutOption, simplifyProperty, sourceProperties, uploadKeyPrefixOption } from '../../helpers/properties';
import { readRecognitionOptions, recognitionProperties, syncOcrQuery, TYPES_WITH_PDF, type RecognitionOptions } from '../../helpers/recognition';
import { simplifyDetection, type SimplifiedDetection } from '../../helpers/simplify';
import { checkHttpUrl, checkObjectKey, checkPositiveInteger, invalid, parsePageList } from '../../helpers/validate';
import { ciRequest } from '../../transport/request';
import type { Query } from '../../transport/url';

const displayOptions: IDisplayOptions = { show: { resource: ['ocr'], operation: ['recognizeText'] } };
const pdfDisplay = { show: { ...displayOptions.show, recognitionType: TYPES_WITH_PDF } };

export const description: INodeProperties[] = [
	...sourceProperties(displayOptions, ['binary', 'object', 'url'], {
		binaryHint: 'The name of the input binary field containing the image or PDF',
		objectPlaceholder: 'invoices/2026/scan.jpg',
	}),
	...recognitionProperties(displayOptions),
	{
		displayName: 'PDF Pages',
		name: 'pdfMode',
		type: 'options',
		default: 'off',
		displayOptions: pdfDisplay,
		options: [
			{ name: 'Not a PDF', value: 'off' },
			{ name: 'One Page', value: 'page' },
			{ name: 'Pages or Ranges', value: 'pages' },
			{ name: 'All Pages', value: 'all' },
		],
		description: 'Whether the file is a PDF, and which pages to read',
	},
	{
		displayName: 'Page',
		name: 'pdfPage',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { ...pdfDisplay.show, pdfMode: ['page'] } },
	},
	{
		displayName: 'Pages',
		name: 'pdfPages',
		type: 'string',
		default: '1',
		placeholder: '1-3,7',
		displayOptions: { show: { ...pdfDisplay.show, pdfMode: ['pages'] } },
		description: 'Page numbers and ranges, separated by commas',
	},
	{
		displayName: 'PDF Output',
		name: 'pdfOutput',
		type: 'options',
		default: 'perPage',
		displayOptions: { show: { ...pdfDisplay.show, pdfMode: ['pages', 'all'] } },
		options: [
			{ name: 'One Item per Page', value: 'perPage' },
			{ name: 'One Merged Item', value: 'merged' },
		],
	},
	simplifyProperty(displayOptions, 'the whole response of the service'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Items at Once',
				name: 'itemsAtOnce',
				type: 'number',
				default: 5,
				typeOptions: { minValue: 1, maxValue: 50 },
				description: 'How many items (and PDF pages) are recognized at the same time',
			},
			{
				displayName: 'Keep Uploaded File',
				name: 'keepUpload',
				type: 'boolean',
				default: false,
				description: 'Whether to keep the uploaded binary file in the bucket after recognition',
			},
			{
				displayName: 'One Item per Line',
				name: 'splitLines',
				type: 'boolean',
				default: false,
				description: 'Whether to output each recognized line as its own item',
			},
			requestTimeoutOption,
			uploadKeyPrefixOption,
		],
	},
];

type PdfSelection = { mode: 'off' } | { mode: 'page'; page: number } | { mode: 'pages'; pages: number[] } | { mode: 'all' };

interface Target {
	path: string;
	query: Query;
	source: IDataObject;
}

interface PageResult {
	page: number | null;
	response: IDataObject;
}

function readPdfSelection(context: IExecuteFunctions, itemIndex: number, recognition: RecognitionOptions): PdfSelection {
	if (!TYPES_WITH_PDF.includes(recognition.type)) return { mode: 'off' };
	const node = context.getNode();
	const mode = context.getNodeParameter('pdfMode', itemIndex, 'off') as PdfSelection['mode'];
	if (mode === 'page') {
		return { mode, page: checkPositiveInteger(node, itemIndex, context.getNodeParameter('pdfPage', itemIndex, 1) as number, 'Page') };
	}
	if (mode === 'pages') {
		return { mode, pages: parsePageList(node, itemIndex, context.getNodeParameter('pdfPages', itemIndex, '') as string) };
	}
	return mode === 'all' ? { mode } : { mode: 'off' };
}

async function recognizePages(
	context: IExecuteFunctions,
	itemIndex: number,
	target: Target,
	recognition: RecognitionOptions,
	pdf: PdfSelection,
	limit: number,
): Promise<PageResult[]> {
	const recognize = async (page?: number): Promise<PageResult> => {
		const { body } = await ciRequest.call(context, {
			service: 'cos',
			method: 'GET',
			path: target.path,
			query: { ...syncOcrQuery(recognition, page), ...target.query },
			itemIndex,
		});
		return { page: page ?? null, response: body };
	};
	if (pdf.mode === 'off') return [await recognize()];
	if (pdf.mode === 'page') return [await recognize(pdf.page)];

	const wanted = pdf.mode === 'pages' ? pdf.pages : [1];
	const first = await recognize(wanted[0]);
	const pageCount = typeof first.response.PdfPageSize === 'number' ? first.response.PdfPageSize : 1;
	const pages = pdf.mode === 'all' ? Array.from({ length: Math.max(pageCount, 1) }, (_, i) => i + 1) : wanted;
	const beyond = pages.filter((page) => page > Math.max(pageCount, 1));
	if (beyond.length) {
		throw invalid(
			context.getNode(),
			itemIndex,
			`"Pages" asks for page ${beyond[0]}, but the PDF has ${pageCount} page${pageCount === 1 ? '' : 's'}`,
			`Choose pages from 1 to ${pageCount}`,
		);
	}
	const rest = await mapConcurrently(pages.length - 1, limit, async (index) => await recognize(pages[index + 1]));
	return [first, ...rest];
}

function simplifiedItems(results: PageResult[], source: IDataObject, merged: boolean, splitLines: boolean): IDataObject[] {
	const pages: SimplifiedDetection[] = results.map(({ page, response }) => simplifyDetection(response, page));
	if (splitLines) {
		return pages.flatMap((detection) =>
			detection.lines.map((line, lineIndex) => ({ ...line, lineIndex, page: detection.page, ...source })),
		);
	}
	if (!merged) return pages.map((detection) => ({ ...detection, ...source }));
	return [
		{
			text: pages.map((detection) => detection.text).join('\n\n'),
			lines: pages.flatMap((detection) => detection.lines.map((line) => ({ ...line, page: detection.page }))),
			language: pages[0]?.language ?? null,
			angle: pages[0]?.angle ?? null,
			pageCount: pages[0]?.pageCount ?? 0,
			pages: pages.map(({ page, text, language, angle, requestId }) => ({ page, text, language, angle, requestId })),
			...source,
		},
	];
}

/** Runs `work`, then deletes the uploaded object; a failure of the work wins over one of the delete. */
async function removeUploadAfter<T>(context: IExecuteFunctions, itemIndex: number, key: string | undefined, work: () => Promise<T>): Promise<T> {
	if (!key) return await work();
	const outcome = await work().then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
	if (!outcome.ok) {
		await deleteObject(context, itemIndex, key).catch(() => undefined);
		throw outcome.error;
	}
	await deleteObject(context, itemIndex, key);
	return outcome.value;
}

async function recognizeItem(context: IExecuteFunctions, itemIndex: number, limit: number): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const source = context.getNodeParameter('source', itemIndex) as 'binary' | 'object' | 'url';
	const recognition = readRecognitionOptions(context, itemIndex);
	const pdf = readPdfSelection(context, itemIndex, recognition);
	const simplify = context.getNodeParameter('simplify', itemIndex, true) as boolean;
	const merged = pdf.mode !== 'off' && pdf.mode !== 'page' && context.getNodeParameter('pdfOutput', itemIndex, 'perPage') === 'merged';
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;

	let target: Target;
	let uploadedKey: string | undefined;
	if (source === 'url') {
		const url = checkHttpUrl(node, itemIndex, context.getNodeParameter('url', itemIndex) as string);
		target = { path: '/', query: { 'detect-url': url }, source: { url } };
	} else if (source === 'object') {
		const key = checkObjectKey(node, itemIndex, context.getNodeParameter('objectKey', itemIndex) as string);
		target = { path: `/${key}`, query: {}, source: { objectKey: key } };
	} else {
		const binary = inputBinary(context, itemIndex, context.getNodeParameter('binaryPropertyName', itemIndex) as string);
		if (binary.mimeType === 'application/pdf' && pdf.mode === 'off') {
			throw invalid(
				node,
				itemIndex,
				`"PDF Pages" is "Not a PDF", but ${binary.fileName ?? 'the file'} is a PDF`,
				TYPES_WITH_PDF.includes(recognition.type)
					? 'Choose One Page, Pages or Ranges, or All Pages'
					: 'PDFs can be read with the General or Fast recognition types: choose one of them, then the pages',
			);
		}
		uploadedKey = await uploadBinary(context, itemIndex, binary, String(options.keyPrefix ?? DEFAULT_UPLOAD_PREFIX));
		target = { path: `/${uploadedKey}`, query: {}, source: { objectKey: uploadedKey, fileName: binary.fileName ?? null } };
	}

	const results = await removeUploadAfter(context, itemIndex, options.keepUpload === true ? undefined : uploadedKey, async () =>
		await recognizePages(context, itemIndex, target, recognition, pdf, limit),
	);

	const json: IDataObject[] = simplify
		? simplifiedItems(results, target.source, merged, options.splitLines === true)
		: merged
			? [{ pages: results.map(({ page, response }) => ({ page, ...response })), ...target.source }]
			: results.map(({ page, response }) => ({ ...response, page, ...target.source }));
	return json.map((entry) => ({ json: entry }));
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const limit = checkPositiveInteger(this.getNode(), 0, Number(this.getNodeParameter('options.itemsAtOnce', 0, 5)), 'Items at Once');
	return await processItems(this, limit, async (itemIndex) => await recognizeItem(this, itemIndex, limit));
}
