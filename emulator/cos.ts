import { createHash } from 'crypto';

import { invalidArgument, ServiceError } from './errors';
import { MAX_BASE64_CHARS, tooLargeAfterBase64 } from './formats';
import { xmlAnswer, type Answer, type EmulatorRequest } from './http';
import { idCardOcr } from './idcard';
import { callLoopback, loopbackUrl } from './loopback';
import { textDetections, type OcrEngine } from './ocr';

export const OCR_TYPES = ['general', 'accurate', 'efficient', 'fast', 'handwriting'];
export const LANGUAGES = [
	'zh',
	'zh_rare',
	'auto',
	'mix',
	'jap',
	'kor',
	'spa',
	'fre',
	'ger',
	'por',
	'vie',
	'may',
	'rus',
	'ita',
	'hol',
	'swe',
	'fin',
	'dan',
	'nor',
	'hun',
	'tha',
	'hi',
	'ara',
];

export interface ObjectStore {
	objects: Map<string, Buffer>;
	contentTypes: Map<string, string>;
}

function objectKey(request: EmulatorRequest): string {
	return request.pathname.replace(/^\//, '');
}

const etag = (data: Buffer): string => `"${createHash('md5').update(data).digest('hex')}"`;

function noSuchKey(): ServiceError {
	return new ServiceError(404, 'NoSuchKey', 'The specified key does not exist.');
}

/**
 * A PUT with `x-cos-forbid-overwrite: true` on an existing key. Tencent's sources give its status
 * (409) but not its code or message (test/conformance/objects/SILENT.md), so the code says that it
 * is not documented instead of borrowing another store's; the node reads only the status.
 */
function forbidOverwriteRefusal(): ServiceError {
	return new ServiceError(
		409,
		'EmulatorUndocumented',
		'The object exists and x-cos-forbid-overwrite is true (the code and message of this refusal are not in Tencent’s sources).',
	);
}

function booleanParam(query: Record<string, string>, name: string): boolean {
	const value = query[name];
	if (value === undefined || value === '') return false;
	if (value !== 'true' && value !== 'false')
		throw invalidArgument(`${name} must be true or false, not "${value}".`);
	return value === 'true';
}

const DOWNLOAD_TIMEOUT_MS = 10_000;
const DOWNLOAD_MAX_BYTES = 50 * 1024 * 1024;

/** The SDKs encode detect-url once; the doc's example encodes it three times: extra layers are peeled off. */
function unwrapDetectUrl(value: string): string {
	let url = value;
	for (let i = 0; i < 3 && !/^https?:\/\//i.test(url) && /%[0-9a-f]{2}/i.test(url); i++) {
		try {
			url = decodeURIComponent(url);
		} catch {
			break;
		}
	}
	return url;
}

/** Downloads a detect-url; only loopback hosts are fetched, everything else is refused. */
async function download(detectUrl: string, signal: AbortSignal): Promise<Buffer> {
	const url = loopbackUrl(unwrapDetectUrl(detectUrl));
	if (typeof url === 'string')
		throw invalidArgument(
			`detect-url is refused: ${url}; the emulator downloads only from loopback addresses.`,
		);
	let answer;
	try {
		answer = await callLoopback(url, {
			method: 'GET',
			timeoutMs: DOWNLOAD_TIMEOUT_MS,
			maxBytes: DOWNLOAD_MAX_BYTES,
			signal,
		});
	} catch (error) {
		throw invalidArgument(`detect-url could not be downloaded: ${(error as Error).message}.`);
	}
	if (answer.status < 200 || answer.status > 299)
		throw invalidArgument(`detect-url answered HTTP ${answer.status}.`);
	return answer.body;
}

/** sync-ocr/parameters.json: the documented query of ci-process=OCR. */
const OCR_QUERY = [
	'ci-process',
	'detect-url',
	'type',
	'language-type',
	'ispdf',
	'pdf-pagenumber',
	'isword',
	'enable-word-polygon',
];

/**
 * `Language` is documented as the detected language (the zh example answers mix to zh) and its
 * value for other types or auto is not (sync-ocr/SILENT.md): the emulator reports the requested
 * language for type general, and an empty `<Language/>` (as the handwriting sample and the job
 * answers have it) wherever it could only guess.
 */
const reportedLanguage = (type: string, language: string | undefined) =>
	type === 'general' && language !== 'auto' ? (language ?? 'zh') : '';

async function syncOcr(
	request: EmulatorRequest,
	store: ObjectStore,
	engine: OcrEngine,
	signal: AbortSignal,
): Promise<Answer> {
	const { query } = request;
	const unknown = Object.keys(query).find((name) => !OCR_QUERY.includes(name));
	if (unknown)
		throw invalidArgument(
			`${unknown} is not a parameter of ci-process=OCR (${OCR_QUERY.join(', ')}).`,
		);
	const type = query.type || 'general';
	if (!OCR_TYPES.includes(type))
		throw invalidArgument(`type "${type}" is not one of ${OCR_TYPES.join(', ')}.`);
	const language = query['language-type'] || undefined;
	if (language !== undefined && !LANGUAGES.includes(language))
		throw invalidArgument(`language-type "${language}" is not supported.`);
	const pdf = booleanParam(query, 'ispdf');
	const isWord = booleanParam(query, 'isword');
	const wordPolygons = booleanParam(query, 'enable-word-polygon');
	const pageText = query['pdf-pagenumber'] || '1';
	if (!/^\d+$/.test(pageText) || Number(pageText) < 1)
		throw invalidArgument(`pdf-pagenumber must be a whole number from 1, not "${pageText}".`);

	const data = await input(request, store, signal);
	if (tooLargeAfterBase64(data)) {
		throw new ServiceError(
			400,
			'ImageTooLarge',
			`The file is more than ${MAX_BASE64_CHARS} characters in Base64 (the documented 7MB after Base64, read as 7,000,000).`,
		);
	}
	const recognition = await engine.recognize(data, { pdf, page: Number(pageText), type });
	// The corpus's order: Angel, Language, PdfPageSize, RequestId, TextDetections (sync-ocr/general-isword.xml).
	return xmlAnswer('Response', {
		Angel: 0,
		Language: reportedLanguage(type, language),
		PdfPageSize: recognition.pageCount,
		RequestId: request.requestId,
		TextDetections: textDetections(recognition.lines, {
			words: isWord && (type === 'general' || type === 'accurate'),
			wordPolygons: wordPolygons && type === 'handwriting',
			placeholders: false,
		}),
	});
}

/** The object in the path, or the detect-url's download. */
async function input(
	request: EmulatorRequest,
	store: ObjectStore,
	signal: AbortSignal,
): Promise<Buffer> {
	if (request.query['detect-url'] !== undefined)
		return await download(request.query['detect-url'], signal);
	const stored = store.objects.get(objectKey(request));
	if (!stored) throw noSuchKey();
	return stored;
}

/** `ci-process=OCR` (GET) and `ci-process=IDCardOCR` (GET on an object, PUT as the upload form). */
async function ciProcess(
	request: EmulatorRequest,
	store: ObjectStore,
	engine: OcrEngine,
	signal: AbortSignal,
): Promise<Answer> {
	const process = request.query['ci-process'];
	const key = objectKey(request);
	if (process === 'OCR' && request.method === 'GET') {
		if (!key && request.query['detect-url'] === undefined)
			throw invalidArgument('Give an object key in the path or a detect-url.');
		return await syncOcr(request, store, engine, signal);
	}
	if (process === 'IDCardOCR' && (request.method === 'GET' || request.method === 'PUT')) {
		return await idCardOcr(request.query, engine, () => {
			if (!key) throw invalidArgument('ci-process=IDCardOCR needs an object key in the path.');
			const data = request.method === 'PUT' ? request.body : store.objects.get(key);
			if (!data) throw noSuchKey();
			return data;
		});
	}
	throw new ServiceError(
		501,
		'EmulatorUnsupported',
		`${request.method} with ci-process "${process}" is not emulated (OCR: GET; IDCardOCR: GET, PUT).`,
	);
}

/** The COS host: objects (PUT, GET, HEAD, DELETE) and the synchronous `ci-process=OCR` request. */
export async function handleCos(
	request: EmulatorRequest,
	store: ObjectStore,
	engine: OcrEngine,
	signal: AbortSignal,
): Promise<Answer> {
	const key = objectKey(request);
	// The upload form (PUT ...?ci-process=IDCardOCR) answers the recognition and stores the object.
	let processed: Answer | undefined;
	if (request.query['ci-process'] !== undefined) {
		processed = await ciProcess(request, store, engine, signal);
		if (request.method !== 'PUT') return processed;
	}
	if (!key) throw invalidArgument('The emulator serves objects only: give an object key.');
	switch (request.method) {
		case 'PUT': {
			if (request.headers['x-cos-forbid-overwrite'] === 'true' && store.objects.has(key))
				throw forbidOverwriteRefusal();
			const declared = request.headers['content-length'];
			if (declared !== undefined && Number(declared) !== request.body.length)
				throw invalidArgument('The body does not match Content-Length.');
			const md5 = request.headers['content-md5'];
			if (md5 !== undefined && md5 !== createHash('md5').update(request.body).digest('base64')) {
				throw new ServiceError(
					400,
					'BadDigest',
					'The Content-MD5 you specified did not match what we received.',
				);
			}
			store.objects.set(key, request.body);
			store.contentTypes.set(
				key,
				String(request.headers['content-type'] ?? 'application/octet-stream'),
			);
			if (processed)
				return { ...processed, headers: { ...processed.headers, etag: etag(request.body) } };
			return { status: 200, headers: { etag: etag(request.body) } };
		}
		case 'GET':
		case 'HEAD': {
			const data = store.objects.get(key);
			if (!data) throw noSuchKey();
			return {
				status: 200,
				headers: {
					'content-type': store.contentTypes.get(key) ?? 'application/octet-stream',
					'content-length': String(data.length),
					etag: etag(data),
				},
				body: request.method === 'GET' ? data : undefined,
			};
		}
		case 'DELETE':
			store.objects.delete(key);
			store.contentTypes.delete(key);
			return { status: 204 };
		default:
			throw new ServiceError(
				405,
				'MethodNotAllowed',
				`${request.method} is not allowed on an object.`,
			);
	}
}
