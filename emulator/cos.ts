import { createHash } from 'crypto';
import { get as httpGet } from 'http';
import { get as httpsGet } from 'https';

import { invalidArgument, ServiceError } from './errors';
import { xmlAnswer, type Answer, type EmulatorRequest } from './http';
import { textDetections, type OcrEngine } from './ocr';

export const OCR_TYPES = ['general', 'accurate', 'efficient', 'fast', 'handwriting'];
export const LANGUAGES = ['zh', 'zh_rare', 'auto', 'mix', 'jap', 'kor', 'spa', 'fre', 'ger', 'por', 'vie', 'may', 'rus', 'ita', 'hol', 'swe', 'fin', 'dan', 'nor', 'hun', 'tha', 'hi', 'ara'];

export interface ObjectStore {
	objects: Map<string, Buffer>;
	contentTypes: Map<string, string>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i;

function objectKey(request: EmulatorRequest): string {
	return request.pathname.replace(/^\//, '');
}

function noSuchKey(): ServiceError {
	return new ServiceError(404, 'NoSuchKey', 'The specified key does not exist.');
}

function booleanParam(query: Record<string, string>, name: string): boolean {
	const value = query[name];
	if (value === undefined || value === '') return false;
	if (value !== 'true' && value !== 'false') throw invalidArgument(`${name} must be true or false, not "${value}".`);
	return value === 'true';
}

/** Downloads a detect-url; only loopback hosts are fetched, everything else is refused. */
async function download(url: string): Promise<Buffer> {
	let target: URL;
	try {
		target = new URL(url);
	} catch {
		throw invalidArgument('detect-url is not a valid URL.');
	}
	if (target.protocol !== 'http:' && target.protocol !== 'https:') throw invalidArgument('detect-url must be an http or https URL.');
	if (!LOOPBACK.test(target.hostname)) throw invalidArgument('The emulator fetches detect-url only from loopback addresses (127.0.0.1, localhost, ::1).');
	const get = target.protocol === 'https:' ? httpsGet : httpGet;
	return await new Promise<Buffer>((resolve, reject) => {
		get(target, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				response.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(invalidArgument(`detect-url answered HTTP ${response.statusCode}.`)),
			);
			response.on('error', reject);
		}).on('error', (error) => reject(invalidArgument(`detect-url could not be downloaded: ${error.message}`)));
	});
}

async function syncOcr(request: EmulatorRequest, store: ObjectStore, engine: OcrEngine): Promise<Answer> {
	const { query } = request;
	const type = query.type || 'general';
	if (!OCR_TYPES.includes(type)) throw invalidArgument(`type "${type}" is not one of ${OCR_TYPES.join(', ')}.`);
	const language = query['language-type'];
	if (language !== undefined && !LANGUAGES.includes(language)) throw invalidArgument(`language-type "${language}" is not supported.`);
	const pdf = booleanParam(query, 'ispdf');
	const isWord = booleanParam(query, 'isword');
	const wordPolygons = booleanParam(query, 'enable-word-polygon');
	const pageText = query['pdf-pagenumber'] ?? '1';
	if (!/^\d+$/.test(pageText) || Number(pageText) < 1) throw invalidArgument(`pdf-pagenumber must be a whole number from 1, not "${pageText}".`);
	if (pdf && type !== 'general' && type !== 'fast') throw invalidArgument('ispdf is valid only when type is general or fast.');

	let data: Buffer;
	if (query['detect-url'] !== undefined) {
		data = await download(query['detect-url']);
	} else {
		const stored = store.objects.get(objectKey(request));
		if (!stored) throw noSuchKey();
		data = stored;
	}
	const recognition = await engine.recognize(data, { pdf, page: Number(pageText) });
	return xmlAnswer('Response', {
		TextDetections: textDetections(recognition.lines, {
			words: isWord && (type === 'general' || type === 'accurate'),
			wordPolygons: wordPolygons && type === 'handwriting',
		}),
		Language: language && language !== 'auto' ? language : 'zh',
		Angel: 0,
		PdfPageSize: recognition.pageCount,
		RequestId: request.requestId,
	});
}

/** The COS host: objects (PUT, GET, HEAD, DELETE) and the synchronous `ci-process=OCR` request. */
export async function handleCos(request: EmulatorRequest, store: ObjectStore, engine: OcrEngine): Promise<Answer> {
	const key = objectKey(request);
	if (request.method === 'GET' && request.query['ci-process'] !== undefined) {
		if (request.query['ci-process'] !== 'OCR') throw invalidArgument(`ci-process "${request.query['ci-process']}" is not supported by the emulator.`);
		if (!key && request.query['detect-url'] === undefined) throw invalidArgument('Give an object key in the path or a detect-url.');
		return await syncOcr(request, store, engine);
	}
	if (!key) throw invalidArgument('The emulator serves objects only: give an object key.');
	switch (request.method) {
		case 'PUT': {
			const declared = request.headers['content-length'];
			if (declared !== undefined && Number(declared) !== request.body.length) throw invalidArgument('The body does not match Content-Length.');
			store.objects.set(key, request.body);
			store.contentTypes.set(key, String(request.headers['content-type'] ?? 'application/octet-stream'));
			return { status: 200, headers: { etag: `"${createHash('md5').update(request.body).digest('hex')}"` } };
		}
		case 'GET':
		case 'HEAD': {
			const data = store.objects.get(key);
			if (!data) throw noSuchKey();
			return {
				status: 200,
				headers: { 'content-type': store.contentTypes.get(key) ?? 'application/octet-stream', 'content-length': String(data.length) },
				body: request.method === 'GET' ? data : undefined,
			};
		}
		case 'DELETE':
			store.objects.delete(key);
			store.contentTypes.delete(key);
			return { status: 204 };
		default:
			throw new ServiceError(405, 'MethodNotAllowed', `${request.method} is not allowed on an object.`);
	}
}
