import { randomBytes } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';

import { ServiceError } from './errors';
import type { Service } from './types';
import { toXml, type XmlObject } from './xml';

export interface EmulatorRequest {
	service: Service;
	method: string;
	/** Decoded path (`+` read as a space, as the service does). */
	pathname: string;
	query: Record<string, string>;
	headers: IncomingMessage['headers'];
	body: Buffer;
	requestId: string;
}

export interface Answer {
	status: number;
	headers?: Record<string, string>;
	body?: Buffer | string;
	/** Which request-id header family the answer carries (default: the host's). */
	ids?: Service;
}

export const xmlAnswer = (root: string, content: XmlObject, status = 200): Answer => ({
	status,
	headers: { 'content-type': 'application/xml' },
	body: toXml(root, content),
});

/**
 * COS errors: Code, Message, Resource, RequestId, TraceId and `x-cos-trace-id`
 * (errors/cos-no-such-key.xml); CI errors have no Resource and send `x-ci-trace-id`
 * (errors/ci-invalid-argument.xml). The trace id is not the request id (errors/SILENT.md).
 */
export function errorAnswer(
	error: ServiceError,
	request: Pick<EmulatorRequest, 'service' | 'pathname' | 'requestId'>,
): Answer {
	const ids: Service = error.envelope ?? request.service;
	const traceId = newTraceId();
	const answer = xmlAnswer(
		'Error',
		{
			Code: error.code,
			Message: error.message,
			Resource: ids === 'cos' ? request.pathname : undefined,
			RequestId: request.requestId,
			TraceId: traceId,
			...error.extra,
		},
		error.status,
	);
	return { ...answer, ids, headers: { ...answer.headers, [`x-${ids}-trace-id`]: traceId } };
}

export function newRequestId(): string {
	return randomBytes(18).toString('base64');
}

/** A long base64 text of a hex string, as in the SDK's error fixture (errors/cos-bucket-already-exists.xml). */
function newTraceId(): string {
	return Buffer.from(randomBytes(64).toString('hex')).toString('base64');
}

function decode(component: string): string {
	return decodeURIComponent(component.replace(/\+/g, ' '));
}

/** Splits the raw request target into a decoded path and query, without normalizing `.` or `..`. */
export function parseTarget(url: string): { pathname: string; query: Record<string, string> } {
	const question = url.indexOf('?');
	const rawPath = question < 0 ? url : url.slice(0, question);
	const query: Record<string, string> = {};
	for (const pair of (question < 0 ? '' : url.slice(question + 1)).split('&')) {
		if (!pair) continue;
		const eq = pair.indexOf('=');
		query[decode(eq < 0 ? pair : pair.slice(0, eq))] = eq < 0 ? '' : decode(pair.slice(eq + 1));
	}
	return { pathname: decode(rawPath || '/'), query };
}

/** Reads the body; beyond `limit.bytes` the request is refused with `limit.error` (the rest is not read). */
export async function readBody(
	request: IncomingMessage,
	limit: { bytes: number; error: () => ServiceError },
): Promise<Buffer> {
	const declared = Number(request.headers['content-length']);
	if (Number.isFinite(declared) && declared > limit.bytes) throw limit.error();
	// Not `for await`: leaving that loop destroys the request, and with it a kept-alive connection.
	return await new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let refused = false;
		request.on('data', (chunk: Buffer) => {
			if (refused) return; // the rest is read and dropped
			size += chunk.length;
			if (size <= limit.bytes) return void chunks.push(chunk);
			refused = true;
			chunks.length = 0;
			reject(limit.error());
		});
		request.on('end', () => resolve(Buffer.concat(chunks)));
		request.on('error', reject);
	});
}

/** Writes an answer; `truncate` sends the headers and half the body, then drops the connection. */
export function send(
	response: ServerResponse,
	answer: Answer,
	common: Record<string, string>,
	truncate = false,
): void {
	const body =
		answer.body === undefined
			? Buffer.alloc(0)
			: Buffer.isBuffer(answer.body)
				? answer.body
				: Buffer.from(answer.body);
	response.writeHead(answer.status, {
		...common,
		'content-length': String(body.length),
		...answer.headers,
	});
	if (truncate) {
		response.write(body.subarray(0, Math.floor(body.length / 2)), () => response.socket?.destroy());
		return;
	}
	response.end(body);
}
