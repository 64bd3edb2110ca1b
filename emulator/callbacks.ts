import type { Job } from './job';
import { callLoopback, loopbackUrl, pause } from './loopback';
import { toXml, type XmlValue } from './xml';

/**
 * The JSON conventions of Tencent's documented CI callbacks (callbacks/ocr-json.json,
 * callbacks/card-json.json): every leaf a string, an element that repeats an array and a single
 * one an object, empty XML elements left out.
 */
function json(value: XmlValue): unknown {
	if (Array.isArray(value)) {
		const items = value.map(json).filter((item) => item !== undefined);
		return items.length === 0 ? undefined : items.length === 1 ? items[0] : items;
	}
	if (value && typeof value === 'object') {
		const entries = Object.entries(value).flatMap(([name, child]) => {
			const converted = json(child);
			return converted === undefined ? [] : [[name, converted]];
		});
		return entries.length ? Object.fromEntries(entries) : undefined;
	}
	return value === null || value === undefined || value === '' ? undefined : String(value);
}

/** XML `<Response><EventName>TaskFinish</EventName><JobsDetail>…` (callbacks/ocr-xml.xml), or JSON with JobsDetail an array and no Response wrapper. */
export function callbackBody(job: Pick<Job, 'detail' | 'callback'>): {
	contentType: string;
	body: string;
} {
	if (job.callback?.format === 'JSON') {
		return {
			contentType: 'application/json',
			body: JSON.stringify({ EventName: 'TaskFinish', JobsDetail: [json(job.detail)] }),
		};
	}
	return {
		contentType: 'application/xml',
		body: toXml('Response', { EventName: 'TaskFinish', JobsDetail: job.detail }),
	};
}

/**
 * POSTs a finished job to its callback URL (loopback addresses only: nothing leaves the machine),
 * up to three tries (again only after a 5xx answer or a connection error); returns whether a 2xx
 * answer came back. Stops when `signal` aborts (the emulator closed).
 */
export async function deliverCallback(
	job: Job,
	log: (line: string) => void,
	signal: AbortSignal,
): Promise<boolean> {
	if (!job.callback?.url) return false;
	const url = loopbackUrl(job.callback.url);
	if (typeof url === 'string') {
		log(`callback for ${job.id} not sent: ${url}`);
		return false;
	}
	const { contentType, body } = callbackBody(job);
	for (let attempt = 1; attempt <= 3 && !signal.aborted; attempt++) {
		try {
			const { status } = await callLoopback(url, {
				method: 'POST',
				headers: { 'content-type': contentType },
				body,
				timeoutMs: 5000,
				maxBytes: 1024 * 1024,
				signal,
			});
			if (status >= 200 && status < 300) return true;
			log(`callback for ${job.id} answered HTTP ${status} (try ${attempt})`);
			if (status < 500) return false;
		} catch (error) {
			log(`callback for ${job.id} failed: ${(error as Error).message} (try ${attempt})`);
		}
		if (attempt < 3) await pause(200 * attempt, signal);
	}
	return false;
}
