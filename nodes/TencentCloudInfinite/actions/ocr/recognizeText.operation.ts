import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	itemsAtOnceOption,
	outputFields,
	pdfTypes,
	recognitionFields,
	requestTimeoutOption,
	showWhen,
	sourceFields,
	toolDescriptionField,
	uploadKeyPrefixOption,
} from '../common.descriptions';
import { deleteAfter, inputFile, uploadFile, type RequestScope } from '../../helpers/binary';
import { mapConcurrently, processItemsAtOnce } from '../../helpers/items';
import type { OutputMode } from '../../helpers/jobs';
import type { ItemParameters, NodeParameters } from '../../helpers/parameters';
import {
	OCR_FILE_RULE,
	readRecognitionOptions,
	syncOcrQuery,
	TYPES_WITH_PDF,
	type RecognitionOptions,
} from '../../helpers/recognition';
import { simplifyDetection, textOnly, type SimplifiedDetection } from '../../helpers/simplify';
import { checkHttpUrl, checkObjectKey, parsePageList } from '../../helpers/validate';
import { operationError, type InputRef } from '../../transport/errors';
import { ciRequest } from '../../transport/request';
import type { Query } from '../../transport/url';

const WHAT_TO_PASS =
	'Reads the text in an image or a PDF (OCR). Pass the file’s object key in the bucket (such as scans/invoice.png) or its http(s) URL, as the tool’s parameter asks.';
const WHAT_COMES_BACK: Record<OutputMode, string> = {
	text: 'Returns one entry per page: text (the lines read, separated by line breaks), page (the PDF page number; null for an image) and confidence (0 to 100).',
	simplified:
		'Returns one entry per page: text (the lines read, separated by line breaks), lines (each with its text, confidence from 0 to 100 and position), language, angle and page.',
	raw: 'Returns the service’s whole answer per page: TextDetections, each with DetectedText, Confidence (0 to 100) and its Polygon.',
};

const properties: INodeProperties[] = [
	...(Object.keys(WHAT_COMES_BACK) as OutputMode[]).map((output) =>
		toolDescriptionField(
			`${WHAT_TO_PASS} ${WHAT_COMES_BACK[output]} A failed call returns an error saying what to change.`,
			{ output: [output] },
		),
	),
	...sourceFields(['binary', 'object', 'url'], {
		binaryHint: 'The name of the input binary field containing the image or PDF',
		objectPlaceholder: 'invoices/2026/scan.jpg',
	}),
	...recognitionFields,
	showWhen(
		{
			displayName: 'PDF Pages',
			name: 'pdfMode',
			type: 'options',
			default: 'off',
			options: [
				{ name: 'Not a PDF', value: 'off' },
				{ name: 'One Page', value: 'page' },
				{ name: 'Pages or Ranges', value: 'pages' },
				{ name: 'All Pages', value: 'all' },
			],
			description: 'Whether the file is a PDF, and which pages to read',
		},
		pdfTypes.show,
	),
	showWhen(
		{
			displayName: 'Page',
			name: 'pdfPage',
			type: 'number',
			default: 1,
			typeOptions: { minValue: 1 },
		},
		{ ...pdfTypes.show, pdfMode: ['page'] },
	),
	showWhen(
		{
			displayName: 'Pages',
			name: 'pdfPages',
			type: 'string',
			default: '1',
			placeholder: '1-3,7',
			description: 'Page numbers and ranges, separated by commas',
		},
		{ ...pdfTypes.show, pdfMode: ['pages'] },
	),
	showWhen(
		{
			displayName: 'PDF Output',
			name: 'pdfOutput',
			type: 'options',
			default: 'perPage',
			options: [
				{ name: 'One Item per Page', value: 'perPage' },
				{ name: 'One Merged Item', value: 'merged' },
			],
		},
		{ ...pdfTypes.show, pdfMode: ['pages', 'all'] },
	),
	...outputFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			itemsAtOnceOption,
			{
				displayName: 'Keep Uploaded File',
				name: 'keepUpload',
				type: 'boolean',
				default: false,
				description: 'Whether to keep the uploaded binary file in the bucket after recognition',
				displayOptions: { show: { '/source': ['binary'] } },
			},
			{
				displayName: 'One Item per Line',
				name: 'splitLines',
				type: 'boolean',
				default: false,
				description: 'Whether to output each recognized line as its own item',
				displayOptions: { show: { '/output': ['simplified'] } },
			},
			requestTimeoutOption,
			uploadKeyPrefixOption,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['ocr'], operation: ['recognizeText'] } },
	properties,
);

type PdfSelection =
	| { mode: 'off' }
	| { mode: 'page'; page: number }
	| { mode: 'pages'; pages: number[] }
	| { mode: 'all' };

interface PageResult {
	page: number | null;
	response: IDataObject;
}

/** Everything one item asks for, read and checked before any request. */
interface Plan {
	scope: RequestScope;
	source: 'binary' | 'object' | 'url';
	recognition: RecognitionOptions;
	pdf: PdfSelection;
	output: OutputMode;
	merged: boolean;
	splitLines: boolean;
	keepUpload: boolean;
	keyPrefix: string;
	objectKey?: string;
	url?: string;
}

function readPdfSelection(params: ItemParameters, recognition: RecognitionOptions): PdfSelection {
	if (!TYPES_WITH_PDF.includes(recognition.type)) return { mode: 'off' };
	const mode = params.option<PdfSelection['mode']>('pdfMode');
	if (mode === 'page') return { mode, page: params.integer('pdfPage') };
	if (mode === 'pages') return { mode, pages: parsePageList(params, 'pdfPages') };
	return { mode };
}

function readPlan(params: ItemParameters): Plan {
	const options = params.collectionOf('options');
	const source = params.option<Plan['source']>('source');
	const recognition = readRecognitionOptions(params);
	const pdf = readPdfSelection(params, recognition);
	const output = params.option<OutputMode>('output');
	return {
		scope: { itemIndex: params.itemIndex, timeoutSeconds: options.integer('requestTimeout') },
		source,
		recognition,
		pdf,
		output,
		merged: (pdf.mode === 'pages' || pdf.mode === 'all') && params.option('pdfOutput') === 'merged',
		splitLines: output === 'simplified' && options.boolean('splitLines'),
		keepUpload: source === 'binary' && options.boolean('keepUpload'),
		keyPrefix: source === 'binary' ? options.string('keyPrefix') : '',
		objectKey: source === 'object' ? checkObjectKey(params, 'objectKey') : undefined,
		url: source === 'url' ? checkHttpUrl(params, 'url') : undefined,
	};
}

interface Target {
	path: string;
	query: Query;
	input: InputRef;
	/** What the items say about the input. */
	about: IDataObject;
}

async function recognizePages(
	context: IExecuteFunctions,
	plan: Plan,
	target: Target,
	limit: number,
): Promise<PageResult[]> {
	const recognize = async (page?: number): Promise<PageResult> => {
		const { body } = await ciRequest.call(context, {
			service: 'cos',
			method: 'GET',
			path: target.path,
			query: { ...syncOcrQuery(plan.recognition, page), ...target.query },
			input: target.input,
			...plan.scope,
		});
		return { page: page ?? null, response: body };
	};
	const { pdf } = plan;
	if (pdf.mode === 'off') return [await recognize()];
	if (pdf.mode === 'page') return [await recognize(pdf.page)];

	const wanted = pdf.mode === 'pages' ? pdf.pages : [1];
	const first = await recognize(wanted[0]);
	const pageCount =
		typeof first.response.PdfPageSize === 'number' ? Math.max(first.response.PdfPageSize, 1) : 1;
	const pages = pdf.mode === 'all' ? Array.from({ length: pageCount }, (_, i) => i + 1) : wanted;
	const beyond = pages.find((page) => page > pageCount);
	if (beyond !== undefined) {
		throw operationError(
			context.getNode(),
			`"Pages" asks for page ${beyond}, but the PDF has ${pageCount} page${pageCount === 1 ? '' : 's'}`,
			{
				itemIndex: plan.scope.itemIndex,
				description: `Choose pages from 1 to ${pageCount}`,
				input: target.input,
			},
		);
	}
	const rest = await mapConcurrently(
		pages.length - 1,
		limit,
		async (index) => await recognize(pages[index + 1]),
	);
	return [first, ...rest];
}

function simplifiedItems(plan: Plan, results: PageResult[], about: IDataObject): IDataObject[] {
	const pages: SimplifiedDetection[] = results.map(({ page, response }) =>
		simplifyDetection(response, page),
	);
	if (plan.output === 'text') {
		const compact = pages.map(textOnly);
		if (!plan.merged) return compact.map((entry) => ({ ...entry, ...about }));
		return [{ text: compact.map((entry) => entry.text).join('\n\n'), pages: compact, ...about }];
	}
	if (plan.splitLines) {
		return pages.flatMap((detection) =>
			detection.lines.map((line, lineIndex) => ({
				...line,
				lineIndex,
				page: detection.page,
				...about,
			})),
		);
	}
	if (!plan.merged) return pages.map((detection) => ({ ...detection, ...about }));
	return [
		{
			text: pages.map((detection) => detection.text).join('\n\n'),
			lines: pages.flatMap((detection) =>
				detection.lines.map((line) => ({ ...line, page: detection.page })),
			),
			language: pages[0]?.language ?? null,
			angle: pages[0]?.angle ?? null,
			pageCount: pages[0]?.pageCount ?? 0,
			pages: pages.map(({ page, text, language, angle, requestId }) => ({
				page,
				text,
				language,
				angle,
				requestId,
			})),
			...about,
		},
	];
}

function rawItems(plan: Plan, results: PageResult[], about: IDataObject): IDataObject[] {
	if (plan.merged)
		return [{ pages: results.map(({ page, response }) => ({ page, ...response })), ...about }];
	return results.map(({ page, response }) => ({ ...response, page, ...about }));
}

async function recognizeItem(
	context: IExecuteFunctions,
	params: ItemParameters,
	limit: number,
): Promise<INodeExecutionData[]> {
	const plan = readPlan(params);
	let target: Target;
	let uploadedKey: string | undefined;
	if (plan.source === 'url') {
		target = {
			path: '/',
			query: { 'detect-url': plan.url },
			input: { url: plan.url! },
			about: { url: plan.url },
		};
	} else if (plan.source === 'object') {
		target = {
			path: `/${plan.objectKey}`,
			query: {},
			input: { objectKey: plan.objectKey! },
			about: { objectKey: plan.objectKey },
		};
	} else {
		const file = await inputFile(context, params, OCR_FILE_RULE);
		if (file.isPdf && plan.pdf.mode === 'off') {
			params.fail(
				TYPES_WITH_PDF.includes(plan.recognition.type) ? 'pdfMode' : 'recognitionType',
				TYPES_WITH_PDF.includes(plan.recognition.type)
					? `is "Not a PDF", but ${file.fileName ?? 'the file'} is a PDF`
					: `cannot read PDFs, and ${file.fileName ?? 'the file'} is one`,
				TYPES_WITH_PDF.includes(plan.recognition.type)
					? 'Choose One Page, Pages or Ranges, or All Pages'
					: 'PDFs can be read with the General or Fast recognition types: choose one of them, then the pages',
			);
		}
		uploadedKey = await uploadFile(context, plan.scope, file, plan.keyPrefix);
		const about: IDataObject = { fileName: file.fileName, uploadKept: plan.keepUpload };
		if (plan.keepUpload) about.objectKey = uploadedKey;
		target = {
			path: `/${uploadedKey}`,
			query: {},
			input: { objectKey: uploadedKey, fileName: file.fileName },
			about,
		};
	}

	const results = await deleteAfter(
		context,
		plan.scope,
		plan.keepUpload ? undefined : uploadedKey,
		async () => await recognizePages(context, plan, target, limit),
	);
	const json =
		plan.output === 'raw'
			? rawItems(plan, results, target.about)
			: simplifiedItems(plan, results, target.about);
	return json.map((entry) => ({ json: entry }));
}

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItemsAtOnce(
		this,
		params,
		async (itemIndex, limit) => await recognizeItem(this, params.item(itemIndex), limit),
	);
}
