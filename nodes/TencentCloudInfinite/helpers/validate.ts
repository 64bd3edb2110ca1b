import type { ItemParameters } from './parameters';

/** COS limits an object key to 850 bytes of UTF-8. */
export const MAX_OBJECT_KEY_BYTES = 850;
const MAX_PAGES = 2000;

/** An object key parameter: not empty, at most 850 bytes; a leading `/` is dropped. */
export function checkObjectKey(params: ItemParameters, name: string): string {
	const key = params.string(name, { trim: false }).replace(/^\/+/, '');
	if (!key.trim())
		params.fail(
			name,
			'is empty',
			'Enter the key of an object in the bucket, such as invoices/2026/scan.jpg',
		);
	if (Buffer.byteLength(key) > MAX_OBJECT_KEY_BYTES) {
		params.fail(
			name,
			`is longer than ${MAX_OBJECT_KEY_BYTES} bytes`,
			'COS object keys are at most 850 bytes of UTF-8',
		);
	}
	return key;
}

/** A URL the service can fetch: http or https, no user name or password in it. */
export function checkHttpUrl(params: ItemParameters, name: string): string {
	const allowed =
		'Use an http:// or https:// address that the service can reach, without a user name or password in it';
	const value = params.string(name);
	if (!value) params.fail(name, 'is empty', allowed);
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return params.fail(name, `is not a valid URL: "${value}"`, allowed);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		params.fail(name, `must use http or https, not ${url.protocol.replace(':', '')}`, allowed);
	}
	if (url.username || url.password)
		params.fail(name, 'must not contain a user name or password', allowed);
	return url.toString();
}

/** Reads "1-3,7" into [1, 2, 3, 7]: pages start at 1, ranges run upwards, duplicates collapse. */
export function parsePageList(params: ItemParameters, name: string): number[] {
	const allowed = 'Use page numbers from 1 and ranges separated by commas, such as 1-3,7';
	const pages = new Set<number>();
	const parts = params
		.string(name)
		.split(',')
		.map((part) => part.trim());
	if (parts.every((part) => part === '')) params.fail(name, 'is empty', allowed);
	for (const part of parts) {
		if (part === '') continue;
		const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
		const first = match ? Number(match[1]) : NaN;
		const last = match?.[2] !== undefined ? Number(match[2]) : first;
		if (!match || first < 1 || last < first)
			params.fail(name, `has "${part}", which is not a page or a range`, allowed);
		if (last - first + pages.size >= MAX_PAGES)
			params.fail(name, `selects more than ${MAX_PAGES} pages`, allowed);
		for (let page = first; page <= last; page++) pages.add(page);
	}
	return [...pages].sort((a, b) => a - b);
}

const JOB_ID = /^[A-Za-z0-9_-]+$/;

/** One job ID or several separated by commas (or newlines), duplicates dropped. */
export function readJobIds(params: ItemParameters, name: string): string[] {
	const ids = [
		...new Set(
			params
				.string(name)
				.split(/[,\s]+/)
				.map((id) => id.trim())
				.filter(Boolean),
		),
	];
	if (ids.length === 0)
		params.fail(name, 'is empty', 'Enter one job ID or several separated by commas');
	const bad = ids.find((id) => !JOB_ID.test(id));
	if (bad)
		params.fail(
			name,
			`has "${bad}", which is not a job ID`,
			'Job IDs are letters and digits, such as a3c193f288b2c11eeb60f39de2f86f409',
		);
	return ids;
}

const TEMPLATE_ID = /^t[0-9a-zA-Z]+$/;

export function readTemplateId(params: ItemParameters, name = 'templateId'): string {
	const id = params.locator(name);
	if (!TEMPLATE_ID.test(id))
		params.fail(
			name,
			`must be a template ID such as t1460606b9752148c4ab182f55163ba7cd, not "${id}"`,
		);
	return id;
}
