import type { Job } from './jobs';
import { callLoopback, loopbackUrl, pause } from './loopback';
import { toXml, type XmlObject, type XmlValue } from './xml';

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

/**
 * POSTs a finished job to its callback URL (loopback addresses only: nothing leaves the machine),
 * up to three tries (again only after a 5xx answer or a connection error); returns whether a 2xx
 * answer came back. Stops when `signal` aborts (the emulator closed).
 */
export async function deliverCallback(job: Job, log: (line: string) => void, signal: AbortSignal): Promise<boolean> {
	if (!job.callback?.url) return false;
	const url = loopbackUrl(job.callback.url);
	if (typeof url === 'string') {
		log(`callback for ${String(job.detail.JobId)} not sent: ${url}`);
		return false;
	}
	const { contentType, body } = callbackBody(job);
	for (let attempt = 1; attempt <= 3 && !signal.aborted; attempt++) {
		try {
			const { status } = await callLoopback(url, { method: 'POST', headers: { 'content-type': contentType }, body, timeoutMs: 5000, maxBytes: 1024 * 1024, signal });
			if (status >= 200 && status < 300) return true;
			log(`callback for ${String(job.detail.JobId)} answered HTTP ${status} (try ${attempt})`);
			if (status < 500) return false;
		} catch (error) {
			log(`callback for ${String(job.detail.JobId)} failed: ${(error as Error).message} (try ${attempt})`);
		}
		if (attempt < 3) await pause(200 * attempt, signal);
	}
	return false;
}
