import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';
import { isIPv4 } from 'net';

/** localhost, 127.0.0.0/8 and ::1: the only hosts the emulator ever connects to. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost') return true;
	if (isIPv4(host)) return host.startsWith('127.');
	if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
	return mapped !== null && mapped[1].startsWith('127.');
}

/** The URL when it is http(s) on a loopback host; otherwise why it is refused. */
export function loopbackUrl(text: string): URL | string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return `"${text}" is not a valid URL`;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		return `only http and https URLs are supported, not ${url.protocol}`;
	if (!isLoopbackHost(url.hostname))
		return `${url.hostname} is not a loopback address (127.0.0.0/8, localhost, ::1)`;
	return url;
}

export interface LoopbackCall {
	method: 'GET' | 'POST';
	headers?: Record<string, string>;
	body?: string | Buffer;
	timeoutMs: number;
	maxBytes: number;
	/** Aborted when the emulator closes. */
	signal: AbortSignal;
}

/** One HTTP exchange with a loopback URL (no redirects followed, no connection pooling). */
export function callLoopback(
	url: URL,
	call: LoopbackCall,
): Promise<{ status: number; body: Buffer }> {
	if (!isLoopbackHost(url.hostname))
		return Promise.reject(new Error(`refusing to connect to ${url.hostname}`));
	const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
	const body = call.body === undefined ? undefined : Buffer.from(call.body);
	return new Promise((resolve, reject) => {
		const request = send(
			url,
			{
				method: call.method,
				headers: { ...call.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
				agent: false,
				timeout: call.timeoutMs,
				signal: call.signal,
			},
			(response) => {
				const chunks: Buffer[] = [];
				let size = 0;
				response.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size > call.maxBytes)
						request.destroy(new Error(`the answer is larger than ${call.maxBytes} bytes`));
					else chunks.push(chunk);
				});
				response.on('end', () =>
					resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }),
				);
				response.on('error', reject);
			},
		);
		request.on('timeout', () =>
			request.destroy(new Error(`no answer within ${call.timeoutMs} ms`)),
		);
		request.on('error', reject);
		request.end(body);
	});
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal.aborted) return resolve();
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done);
	});
}
