import {
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type INode,
} from 'n8n-workflow';

import {
	CREDENTIAL_TYPE,
	CredentialFieldError,
	originOf,
	resolveAccount,
	type Account,
	type Service,
} from './account';
import { rememberServerDate } from './clock';
import {
	ciApiError,
	networkError,
	operationError,
	type CiErrorDetails,
	type InputRef,
} from './errors';
import { buildXml, parseXml, XmlFormatError } from './xml';
import { buildUrl, type Query } from './url';

/** The stream n8n's binary helpers give (n8n's scanner allows no import of `stream`, not even of a type). */
type Readable = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

/** What every context that sends requests (execute, load options, webhooks) offers. */
export type CiContext = Pick<IExecuteFunctions, 'getNode' | 'getCredentials'> & {
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequestWithAuthentication'>;
};

export interface CiRequest {
	service: Service;
	method: IHttpRequestMethods;
	/** Raw path: `/jobs`, `/template/<id>`, or `/` followed by an object key, not encoded. */
	path: string;
	query?: Query;
	/** An XML document such as `{ Request: {...} }`, written with fast-xml-parser. */
	xml?: IDataObject;
	/** A raw body; a function is called again for each attempt, so a stream can be retried. */
	body?: Buffer | string | (() => Readable | Promise<Readable>);
	contentLength?: number;
	contentType?: string;
	headers?: Record<string, string>;
	itemIndex?: number;
	/** What the request is about, named in its error (object key, URL, template or job ID). */
	input?: InputRef;
	/** How long to wait for an answer (the operation's Request Timeout option); default 120 s. */
	timeoutSeconds?: number;
}

export interface CiResponse {
	statusCode: number;
	headers: Record<string, string>;
	requestId?: string;
	/** The normalized XML answer. */
	body: IDataObject;
}

export const RETRY = { attempts: 3, baseDelayMs: 300 };
/** The service's largest answers (a sync OCR of a dense page) are a few hundred KB; anything far past that is refused unread. */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
export const DEFAULT_TIMEOUT_SECONDS = 120;

// ERR_BAD_RESPONSE: an answer whose headers came but whose body was cut off (HTTP status errors are handled here, not by axios).
const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'EPIPE',
	'ETIMEDOUT',
	'EAI_AGAIN',
	'ERR_BAD_RESPONSE',
]);
// A POST refused before connecting never reached the server; any other failure may have.
const NOT_SENT_CODES = new Set(['ECONNREFUSED']);

function isIdempotent(method: IHttpRequestMethods): boolean {
	return method !== 'POST' && method !== 'PATCH';
}

function backoffMs(attempt: number): number {
	const base = RETRY.baseDelayMs * 2 ** (attempt - 1);
	return base + Math.floor(Math.random() * base * 0.25);
}

function headerMap(headers: unknown): Record<string, string> {
	const map: Record<string, string> = {};
	if (headers && typeof headers === 'object') {
		for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
			if (value !== undefined)
				map[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
		}
	}
	return map;
}

/** The first `code` (such as ECONNRESET) along an error's cause chain. */
function errorCode(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return '';
}

class AnswerTooLarge extends Error {}

/** Reads an answer body (a stream, as `encoding: 'stream'` asks) up to `MAX_ANSWER_BYTES`. */
async function readAnswer(body: unknown, declaredLength: string | undefined): Promise<Buffer> {
	if (!body || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function')
		return Buffer.from(String(body ?? ''));
	const stream = body as Readable;
	if (Number(declaredLength) > MAX_ANSWER_BYTES) {
		stream.destroy();
		throw new AnswerTooLarge();
	}
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
		size += bytes.length;
		if (size > MAX_ANSWER_BYTES) {
			stream.destroy();
			throw new AnswerTooLarge();
		}
		chunks.push(bytes);
	}
	return Buffer.concat(chunks);
}

function requestIdOf(headers: Record<string, string>): string | undefined {
	return headers['x-ci-request-id'] ?? headers['x-cos-request-id'];
}

function traceIdOf(headers: Record<string, string>): string | undefined {
	return headers['x-ci-trace-id'] ?? headers['x-cos-trace-id'];
}

const text = (value: unknown): string | undefined =>
	value === undefined || value === null || value === '' ? undefined : String(value);

function errorDetails(
	statusCode: number,
	headers: Record<string, string>,
	raw: string,
): CiErrorDetails {
	const requestId = requestIdOf(headers);
	const traceId = traceIdOf(headers);
	try {
		const { root, body } = parseXml(raw);
		if (root === 'Error') {
			return {
				status: statusCode,
				code: text(body.Code) ?? 'UnknownError',
				message: text(body.Message) ?? '',
				requestId: text(body.RequestId) ?? requestId,
				traceId: text(body.TraceId) ?? traceId,
				resource: text(body.Resource),
				stringToSign: text(body.StringToSign),
			};
		}
	} catch {
		// Not XML (a proxy's HTML page, an empty body): report the status alone.
	}
	if (statusCode >= 300 && statusCode < 400) {
		const location = headers.location ? ` to ${headers.location}` : '';
		return {
			status: statusCode,
			code: `HTTP${statusCode}`,
			message: `the service redirected the request${location}; the CI host answers only https (check the COS/CI endpoints of the credential)`,
			requestId,
			traceId,
		};
	}
	return {
		status: statusCode,
		code: `HTTP${statusCode}`,
		message: raw.slice(0, 200),
		requestId,
		traceId,
	};
}

/**
 * The service's clock disagrees with ours: RequestTimeTooSkewed or SignatureExpired as codes, or
 * as the message under AccessDenied (test/conformance/errors/cos-request-expired.xml).
 */
function isClockError(details: CiErrorDetails): boolean {
	if (details.code === 'RequestTimeTooSkewed' || details.code === 'SignatureExpired') return true;
	return details.code === 'AccessDenied' && /expired|RequestTimeTooSkewed/i.test(details.message);
}

function isRetryableStatus(details: CiErrorDetails): boolean {
	// CI answers SlowDown with 429, COS with 503 (test/conformance/errors/ci-slow-down.xml). 501 and
	// 505 say the request itself is not supported: sending it again cannot help.
	if (details.status === 501 || details.status === 505) return false;
	return details.status >= 500 || details.status === 429 || details.code === 'SlowDown';
}

/** Reads and checks the credential before anything is sent. */
export async function getAccount(context: CiContext, itemIndex?: number): Promise<Account> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE, itemIndex);
	try {
		return resolveAccount(credentials);
	} catch (error) {
		if (error instanceof CredentialFieldError) {
			throw operationError(
				context.getNode(),
				`Credential field "${error.field}": ${error.message}`,
				{
					itemIndex,
					description: 'Open the Tencent Cloud Infinite API credential and correct this field.',
				},
			);
		}
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}

async function requestOptions(
	account: Account,
	request: CiRequest,
	timeoutMs: number,
): Promise<IHttpRequestOptions> {
	const headers: Record<string, string> = { ...request.headers };
	let body: IHttpRequestOptions['body'];
	if (request.xml) {
		body = buildXml(request.xml);
		headers['content-type'] = 'application/xml';
	} else if (request.body !== undefined) {
		body = (
			typeof request.body === 'function' ? await request.body() : request.body
		) as IHttpRequestOptions['body'];
		if (request.contentType) headers['content-type'] = request.contentType;
	}
	if (request.contentLength !== undefined)
		headers['content-length'] = String(request.contentLength);
	return {
		method: request.method,
		url: buildUrl(originOf(account, request.service), request.path, request.query),
		headers,
		body,
		// A stream, so that the answer is read with a size limit instead of buffered whole by axios.
		encoding: 'stream',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// axios applies it to each wait for the socket, so a long upload that keeps moving is not cut.
		timeout: timeoutMs,
		// COS and CI never redirect these requests; following redirects would make axios's
		// follow-redirects keep a copy of every byte of a streamed upload (n8n lifts its size cap).
		disableFollowRedirect: true,
	};
}

/**
 * Sends one request to COS or CI through n8n's request helpers (the credential signs it) and
 * returns the normalized XML answer. Safe requests are retried on 5xx, SlowDown and connection
 * errors; a POST that may have reached the server is never sent twice. A clock-skew answer
 * is corrected from the server's `Date` and re-signed once.
 */
export async function ciRequest(this: CiContext, request: CiRequest): Promise<CiResponse> {
	const node: INode = this.getNode();
	const account = await getAccount(this, request.itemIndex);
	const origin = originOf(account, request.service);
	const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
	if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
		throw operationError(
			node,
			`"Request Timeout (Seconds)" must be a number above 0, not ${timeoutSeconds}`,
			{
				itemIndex: request.itemIndex,
			},
		);
	}
	const where = { itemIndex: request.itemIndex, input: request.input };
	let clockCorrected = false;

	for (let attempt = 1; ; attempt++) {
		const canRetry = attempt < RETRY.attempts;
		// Set once the headers have come: any later failure is a body cut off on the way.
		let statusCode = 0;
		let headers: Record<string, string> = {};
		let raw: Buffer;
		try {
			const response = await this.helpers.httpRequestWithAuthentication.call(
				this as IExecuteFunctions,
				CREDENTIAL_TYPE,
				await requestOptions(account, request, timeoutSeconds * 1000),
			);
			statusCode = response.statusCode;
			headers = headerMap(response.headers);
			raw = await readAnswer(response.body, headers['content-length']);
		} catch (error) {
			if (error instanceof AnswerTooLarge) {
				const message = `The answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB, far more than the service sends; it was not read`;
				throw ciApiError(
					node,
					{
						status: statusCode,
						code: 'ResponseTooLarge',
						message,
						requestId: requestIdOf(headers),
					},
					request.service,
					where,
				);
			}
			const code = statusCode ? 'ERR_BAD_RESPONSE' : errorCode(error);
			const retryable =
				RETRYABLE_NETWORK_CODES.has(code) &&
				(isIdempotent(request.method) || NOT_SENT_CODES.has(code));
			if (retryable && canRetry) {
				await sleep(backoffMs(attempt));
				continue;
			}
			const message = error instanceof Error ? error.message : String(error);
			const unsafeToRepeat = !isIdempotent(request.method) && !NOT_SENT_CODES.has(code);
			throw networkError(
				node,
				{ code, message, attempts: attempt, unsafeToRepeat, timeoutSeconds, origin },
				where,
			);
		}
		const requestId = requestIdOf(headers);

		if (statusCode >= 200 && statusCode < 300) {
			const answer = { statusCode, headers, requestId };
			const text = raw.toString('utf8');
			if (!text.trim()) return { ...answer, body: {} };
			let parsed: ReturnType<typeof parseXml>;
			try {
				parsed = parseXml(text);
			} catch (error) {
				const message = error instanceof XmlFormatError ? error.message : String(error);
				throw ciApiError(
					node,
					{ status: statusCode, code: 'MalformedResponse', message, requestId },
					request.service,
					where,
				);
			}
			// An <Error> is an error whatever the status says (the ID-card page documents no status for its errors).
			if (parsed.root !== 'Error') return { ...answer, body: parsed.body };
			throw ciApiError(node, errorDetails(statusCode, headers, text), request.service, where);
		}

		const details = errorDetails(statusCode, headers, raw.toString('utf8'));
		if (isClockError(details) && !clockCorrected && rememberServerDate(origin, headers.date)) {
			clockCorrected = true;
			continue;
		}
		if (isRetryableStatus(details) && isIdempotent(request.method) && canRetry) {
			await sleep(backoffMs(attempt));
			continue;
		}
		throw ciApiError(node, details, request.service, where);
	}
}
