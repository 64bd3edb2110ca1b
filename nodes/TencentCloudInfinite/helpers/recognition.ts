import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Query } from '../transport/url';

export type RecognitionType = 'general' | 'accurate' | 'efficient' | 'fast' | 'handwriting';

/** The recognition options shared by Recognize Text, OCR templates and OCR jobs. */
export interface RecognitionOptions {
	type: RecognitionType;
	languageType?: string;
	isWord?: boolean;
	enableWordPolygon?: boolean;
}

/** Where the service honours each option (seed: sync-ocr-request, create-ocr-template). */
export const TYPES_WITH_LANGUAGE: RecognitionType[] = ['general'];
export const TYPES_WITH_CHARACTERS: RecognitionType[] = ['general', 'accurate'];
export const TYPES_WITH_CHARACTER_POLYGONS: RecognitionType[] = ['handwriting'];
export const TYPES_WITH_PDF: RecognitionType[] = ['general', 'fast'];

const LANGUAGES: Array<[string, string]> = [
	['Chinese and English (zh)', 'zh'],
	['Rare and Traditional Chinese, English, Digits (zh_rare)', 'zh_rare'],
	['Automatic (auto)', 'auto'],
	['Mixed Languages (mix)', 'mix'],
	['Japanese (jap)', 'jap'],
	['Korean (kor)', 'kor'],
	['Spanish (spa)', 'spa'],
	['French (fre)', 'fre'],
	['German (ger)', 'ger'],
	['Portuguese (por)', 'por'],
	['Vietnamese (vie)', 'vie'],
	['Malay (may)', 'may'],
	['Russian (rus)', 'rus'],
	['Italian (ita)', 'ita'],
	['Dutch (hol)', 'hol'],
	['Swedish (swe)', 'swe'],
	['Finnish (fin)', 'fin'],
	['Danish (dan)', 'dan'],
	['Norwegian (nor)', 'nor'],
	['Hungarian (hun)', 'hun'],
	['Thai (tha)', 'tha'],
	['Hindi (hi)', 'hi'],
	['Arabic (ara)', 'ara'],
];

function withType(displayOptions: IDisplayOptions, types: RecognitionType[]): IDisplayOptions {
	return { ...displayOptions, show: { ...displayOptions.show, recognitionType: types } };
}

export function recognitionProperties(displayOptions: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Recognition Type',
			name: 'recognitionType',
			type: 'options',
			default: 'general',
			displayOptions,
			options: [
				{ name: 'Accurate (High-Precision Print and Handwriting)', value: 'accurate' },
				{ name: 'Efficient (Simplified Printed Text)', value: 'efficient' },
				{ name: 'Fast (Printed Text, High Speed)', value: 'fast' },
				{ name: 'General (Printed Text)', value: 'general' },
				{ name: 'Handwriting', value: 'handwriting' },
			],
			description: 'Which OCR model reads the file',
		},
		{
			displayName: 'Language',
			name: 'languageType',
			type: 'options',
			default: 'zh',
			displayOptions: withType(displayOptions, TYPES_WITH_LANGUAGE),
			options: LANGUAGES.map(([name, value]) => ({ name, value })),
			description: 'Language of the text; every language is recognized mixed with English',
		},
		{
			displayName: 'Return Characters',
			name: 'returnCharacters',
			type: 'boolean',
			default: false,
			displayOptions: withType(displayOptions, TYPES_WITH_CHARACTERS),
			description: 'Whether to return each character with its confidence and position',
		},
		{
			displayName: 'Character Polygons',
			name: 'characterPolygons',
			type: 'boolean',
			default: false,
			displayOptions: withType(displayOptions, TYPES_WITH_CHARACTER_POLYGONS),
			description: 'Whether to return the four corner points of each handwritten character',
		},
	];
}

export function readRecognitionOptions(context: IExecuteFunctions, itemIndex: number): RecognitionOptions {
	const type = context.getNodeParameter('recognitionType', itemIndex, 'general') as RecognitionType;
	return {
		type,
		languageType: TYPES_WITH_LANGUAGE.includes(type)
			? (context.getNodeParameter('languageType', itemIndex, 'zh') as string)
			: undefined,
		isWord: TYPES_WITH_CHARACTERS.includes(type)
			? (context.getNodeParameter('returnCharacters', itemIndex, false) as boolean)
			: undefined,
		enableWordPolygon: TYPES_WITH_CHARACTER_POLYGONS.includes(type)
			? (context.getNodeParameter('characterPolygons', itemIndex, false) as boolean)
			: undefined,
	};
}

/** Query of the synchronous `ci-process=OCR` request; `pdfPage` only for PDF input. */
export function syncOcrQuery(options: RecognitionOptions, pdfPage?: number): Query {
	return {
		'ci-process': 'OCR',
		type: options.type,
		'language-type': options.languageType,
		ispdf: pdfPage === undefined ? undefined : true,
		'pdf-pagenumber': pdfPage,
		isword: options.isWord,
		'enable-word-polygon': options.enableWordPolygon,
	};
}

/** The `<ImageOCR>` container of templates and OCR jobs. */
export function imageOcrXml(options: RecognitionOptions, pdfPage?: number): IDataObject {
	return {
		Type: options.type,
		LanguageType: options.languageType,
		IsPdf: pdfPage === undefined ? undefined : 'true',
		PdfPageNumber: pdfPage,
		IsWord: options.isWord === undefined ? undefined : String(options.isWord),
		EnableWordPolygon: options.enableWordPolygon === undefined ? undefined : String(options.enableWordPolygon),
	};
}
