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
}

export const xmlAnswer = (root: string, content: XmlObject, status = 200): Answer => ({
	status,
	headers: { 'content-type': 'application/xml' },
	body: toXml(root, content),
});

export function errorAnswer(error: ServiceError, request: Pick<EmulatorRequest, 'pathname' | 'requestId'>): Answer {
	return xmlAnswer(
		'Error',
		{ Code: error.code, Message: error.message, Resource: request.pathname, RequestId: request.requestId, TraceId: request.requestId, ...error.extra },
		error.status,
	);
}

export function newRequestId(): string {
	return randomBytes(18).toString('base64');
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

export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		size += (chunk as Buffer).length;
		if (size > limitBytes) throw new ServiceError(400, 'EntityTooLarge', `The body is larger than ${limitBytes} bytes.`);
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** Writes an answer; `truncate` sends the headers and half the body, then drops the connection. */
export function send(response: ServerResponse, answer: Answer, common: Record<string, string>, truncate = false): void {
	const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
	response.writeHead(answer.status, { ...common, 'content-length': String(body.length), ...answer.headers });
	if (truncate) {
		response.write(body.subarray(0, Math.floor(body.length / 2)), () => response.socket?.destroy());
		return;
	}
	response.end(body);
}
