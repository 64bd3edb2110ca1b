import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';

import type { Job } from './jobs';
import { toXml, type XmlObject, type XmlValue } from './xml';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i;

/** JSON callbacks carry every value as a string, as the service's do. */
function asStrings(value: XmlValue): unknown {
	if (Array.isArray(value)) return value.map(asStrings);
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, asStrings(v)]));
	}
	return value === null || value === undefined ? '' : String(value);
}

export function callbackBody(job: Job): { contentType: string; body: string } {
	const content: XmlObject = { EventName: 'TaskFinish', JobsDetail: { ...job.detail } };
	return job.callback?.format === 'JSON'
		? { contentType: 'application/json', body: JSON.stringify(asStrings(content)) }
		: { contentType: 'application/xml', body: toXml('Response', content) };
}

function post(url: URL, contentType: string, body: string): Promise<number> {
	const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
	return new Promise((resolve, reject) => {
		const request = send(url, { method: 'POST', headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }, timeout: 5000 }, (response) => {
			response.resume();
			response.on('end', () => resolve(response.statusCode ?? 0));
		});
		request.on('timeout', () => request.destroy(new Error('callback timed out')));
		request.on('error', reject);
		request.end(body);
	});
}

/**
 * POSTs a finished job to its callback URL (loopback addresses only: nothing leaves the machine),
 * up to three tries; returns whether a 2xx answer came back.
 */
export async function deliverCallback(job: Job, log: (line: string) => void): Promise<boolean> {
	if (!job.callback?.url) return false;
	const url = new URL(job.callback.url);
	if (!LOOPBACK.test(url.hostname)) {
		log(`callback to ${url.host} not sent: the emulator only calls loopback addresses`);
		return false;
	}
	const { contentType, body } = callbackBody(job);
	for (let attempt = 1; attempt <= 3; attempt++) {
		try {
			const status = await post(url, contentType, body);
			if (status >= 200 && status < 300) return true;
			log(`callback for ${String(job.detail.JobId)} answered HTTP ${status} (try ${attempt})`);
			if (status < 500) return false;
		} catch (error) {
			log(`callback for ${String(job.detail.JobId)} failed: ${(error as Error).message} (try ${attempt})`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
	}
	return false;
}
