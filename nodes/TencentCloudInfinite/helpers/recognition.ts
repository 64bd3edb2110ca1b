import type { IDataObject } from 'n8n-workflow';

import type { Query } from '../transport/url';
import type { FileRule } from './binary';
import type { ItemParameters } from './parameters';

export type RecognitionType = 'general' | 'accurate' | 'efficient' | 'fast' | 'handwriting';

/** The recognition options shared by Recognize Text, OCR templates and OCR jobs. */
export interface RecognitionOptions {
	type: RecognitionType;
	languageType?: string;
	isWord?: boolean;
	enableWordPolygon?: boolean;
}

/** Where the service honours each option (https://cloud.tencent.com/document/product/460/37071). */
export const TYPES_WITH_LANGUAGE: RecognitionType[] = ['general'];
export const TYPES_WITH_CHARACTERS: RecognitionType[] = ['general', 'accurate'];
export const TYPES_WITH_CHARACTER_POLYGONS: RecognitionType[] = ['handwriting'];
export const TYPES_WITH_PDF: RecognitionType[] = ['general', 'fast'];

export const LANGUAGES: Array<[string, string]> = [
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

export function readRecognitionOptions(params: ItemParameters): RecognitionOptions {
	const type = params.option<RecognitionType>('recognitionType');
	return {
		type,
		languageType: TYPES_WITH_LANGUAGE.includes(type)
			? params.option<string>('languageType')
			: undefined,
		isWord: TYPES_WITH_CHARACTERS.includes(type) ? params.boolean('returnCharacters') : undefined,
		enableWordPolygon: TYPES_WITH_CHARACTER_POLYGONS.includes(type)
			? params.boolean('characterPolygons')
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
		EnableWordPolygon:
			options.enableWordPolygon === undefined ? undefined : String(options.enableWordPolygon),
	};
}

/**
 * What sync OCR reads: PNG, JPG, JPEG, BMP or PDF, at most 7M after Base64 encoding (the OCR
 * page's 限制说明; test/conformance/sync-ocr/parameters.json). Whether 7M is 10^6 or 2^20 bytes is
 * not said: the smaller reading, 7,000,000 Base64 characters (5,250,000 bytes of file), is kept.
 */
export const OCR_FILE_RULE: FileRule = {
	formats: 'PNG, JPG, JPEG, BMP or PDF',
	mimeTypes: [
		'image/png',
		'image/jpeg',
		'image/jpg',
		'image/bmp',
		'image/x-ms-bmp',
		'application/pdf',
	],
	extensions: ['png', 'jpg', 'jpeg', 'bmp', 'pdf'],
	maxBytes: (7_000_000 * 3) / 4,
	source: 'https://cloud.tencent.com/document/product/460/37071',
};
