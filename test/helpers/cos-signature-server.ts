/**
 * A small local HTTP server that checks COS `q-sign-algorithm=sha1` signatures with the official
 * SDK (`COS.getAuthorization`) and records every request. It answers:
 * - 403 with a COS-style XML error when the signature is missing, wrong or expired;
 * - `GET /template` (the credential test's request) with a CI template list;
 * - anything else with JSON describing what it received (method, path, query, headers, body),
 *   so a probe node can hand that back into the workflow.
 *
 * For the full service emulator see emulator/; this one exists so the harness can be proven on its own.
 */
import COS from 'cos-nodejs-sdk-v5';
import {
	createServer,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
	method: string;
	/** The request target as sent: encoded path and query. */
	url: string;
	/** The decoded path, as the signature covers it. */
	pathname: string;
	/** Decoded query parameters. */
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	body: string;
	/** Why the signature was refused, or undefined when it verified. */
	signatureError?: string;
	/** The fields of the Authorization header. */
	authorization?: Record<string, string>;
}

export interface SignatureServer {
	/** `http://127.0.0.1:<port>` */
	url: string;
	/** Every request received, in order. */
	requests: ReceivedRequest[];
	close(): Promise<void>;
}

function decode(component: string): string {
	try {
		return decodeURIComponent(component.replace(/\+/g, ' '));
	} catch {
		return component;
	}
}

function parseTarget(url: string): { pathname: string; query: Record<string, string> } {
	const [rawPath, rawQuery = ''] = url.split('?', 2);
	const query: Record<string, string> = {};
	for (const pair of rawQuery.split('&')) {
		if (!pair) continue;
		const eq = pair.indexOf('=');
		query[decode(eq < 0 ? pair : pair.slice(0, eq))] = eq < 0 ? '' : decode(pair.slice(eq + 1));
	}
	return { pathname: decode(rawPath || '/'), query };
}

export function parseAuthorization(header: string): Record<string, string> {
	return Object.fromEntries(
		header.split('&').map((pair) => {
			const eq = pair.indexOf('=');
			return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
		}),
	);
}

/**
 * What the official SDK computes for this request, given the key time and signed header names the
 * client chose. Equal to the request's Authorization header exactly when the signature is right.
 */
export function expectedAuthorization(
	request: Pick<ReceivedRequest, 'method' | 'pathname' | 'query' | 'headers'>,
	secretId: string,
	secretKey: string,
	keyTime: string,
	signedHeaderNames: string[],
): string {
	const Headers: Record<string, string> = {};
	for (const name of signedHeaderNames) {
		const value = request.headers[name];
		Headers[name] = Array.isArray(value) ? value.join(',') : (value ?? '');
	}
	return COS.getAuthorization({
		SecretId: secretId,
		SecretKey: secretKey,
		Method: request.method as NonNullable<COS.StaticGetAuthorizationOptions['Method']>,
		Pathname: request.pathname,
		Query: request.query,
		Headers,
		KeyTime: keyTime,
	});
}

function checkSignature(
	request: ReceivedRequest,
	secretId: string,
	secretKey: string,
): string | undefined {
	const header = request.headers.authorization;
	if (!header) return 'AccessDenied: no Authorization header';
	const auth = parseAuthorization(header);
	request.authorization = auth;
	if (auth['q-sign-algorithm'] !== 'sha1') return 'AccessDenied: q-sign-algorithm must be sha1';
	if (auth['q-ak'] !== secretId) return 'InvalidAccessKeyId: unknown q-ak';
	const [start, end] = (auth['q-key-time'] ?? '').split(';').map(Number);
	const now = Date.now() / 1000;
	if (!(start <= now + 60 && now <= end))
		return 'RequestTimeTooSkewed: q-key-time does not cover now';
	const signedHeaders = (auth['q-header-list'] ?? '').split(';').filter(Boolean);
	const missing = signedHeaders.filter((name) => request.headers[name] === undefined);
	if (missing.length)
		return `SignatureDoesNotMatch: signed headers not sent: ${missing.join(', ')}`;
	const expected = expectedAuthorization(
		request,
		secretId,
		secretKey,
		auth['q-key-time'],
		signedHeaders,
	);
	return expected === header ? undefined : `SignatureDoesNotMatch: expected ${expected}`;
}

function xmlError(res: ServerResponse, status: number, code: string, message: string) {
	res.writeHead(status, { 'content-type': 'application/xml' });
	res.end(
		`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>test</RequestId></Error>`,
	);
}

const TEMPLATE_LIST = `<?xml version="1.0" encoding="UTF-8"?>
<Response><TotalCount>1</TotalCount><PageNumber>1</PageNumber><PageSize>1</PageSize><TemplateList><TemplateId>t1ocr</TemplateId><Name>ocr</Name><Tag>ImageOCR</Tag></TemplateList></Response>`;

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export async function startSignatureServer(options: {
	secretId: string;
	secretKey: string;
}): Promise<SignatureServer> {
	const requests: ReceivedRequest[] = [];
	const server = createServer((req, res) => {
		void (async () => {
			const body = await readBody(req);
			const { pathname, query } = parseTarget(req.url ?? '/');
			const request: ReceivedRequest = {
				method: req.method ?? 'GET',
				url: req.url ?? '/',
				pathname,
				query,
				headers: req.headers,
				body,
			};
			request.signatureError = checkSignature(request, options.secretId, options.secretKey);
			requests.push(request);
			if (request.signatureError) {
				const [code, ...rest] = request.signatureError.split(': ');
				return xmlError(res, 403, code, rest.join(': '));
			}
			if (request.method === 'GET' && pathname === '/template') {
				res.writeHead(200, { 'content-type': 'application/xml' });
				return res.end(TEMPLATE_LIST);
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					method: request.method,
					url: request.url,
					pathname,
					query,
					headers: req.headers,
					body,
				}),
			);
		})().catch((error: unknown) => {
			res.writeHead(500);
			res.end(String(error));
		});
	});
	// Without keep-alive sockets lingering, close() returns at once and jest exits cleanly.
	server.keepAliveTimeout = 1;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve, reject) =>
				server.close((error) => (error ? reject(error) : resolve())),
			);
		},
	};
}
