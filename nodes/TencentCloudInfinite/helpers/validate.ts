import { NodeOperationError, type INode } from 'n8n-workflow';

/** COS limits an object key to 850 bytes of UTF-8. */
export const MAX_OBJECT_KEY_BYTES = 850;
const MAX_PAGES = 2000;

export function invalid(node: INode, itemIndex: number, message: string, description?: string): NodeOperationError {
	return new NodeOperationError(node, message, { itemIndex, description });
}

export function checkObjectKey(node: INode, itemIndex: number, key: string, parameter = 'Object Key'): string {
	const trimmed = key.replace(/^\/+/, '');
	if (!trimmed.trim()) {
		throw invalid(node, itemIndex, `"${parameter}" is empty`, 'Enter the key of an object in the bucket, such as invoices/2026/scan.jpg');
	}
	if (Buffer.byteLength(trimmed) > MAX_OBJECT_KEY_BYTES) {
		throw invalid(node, itemIndex, `"${parameter}" is longer than ${MAX_OBJECT_KEY_BYTES} bytes`, 'COS object keys are at most 850 bytes of UTF-8');
	}
	return trimmed;
}

/** A URL the service can fetch: http or https, no user name or password in it. */
export function checkHttpUrl(node: INode, itemIndex: number, value: string, parameter = 'URL'): string {
	const allowed = 'Use an http:// or https:// address that the service can reach, without a user name or password in it';
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		throw invalid(node, itemIndex, `"${parameter}" is not a valid URL: "${value}"`, allowed);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw invalid(node, itemIndex, `"${parameter}" must use http or https, not ${url.protocol.replace(':', '')}`, allowed);
	}
	if (url.username || url.password) {
		throw invalid(node, itemIndex, `"${parameter}" must not contain a user name or password`, allowed);
	}
	return url.toString();
}

/** Reads "1-3,7" into [1, 2, 3, 7]: pages start at 1, ranges run upwards, duplicates collapse. */
export function parsePageList(node: INode, itemIndex: number, value: string, parameter = 'Pages'): number[] {
	const allowed = 'Use page numbers from 1 and ranges separated by commas, such as 1-3,7';
	const pages = new Set<number>();
	const parts = value.split(',').map((part) => part.trim());
	if (parts.every((part) => part === '')) throw invalid(node, itemIndex, `"${parameter}" is empty`, allowed);
	for (const part of parts) {
		if (part === '') continue;
		const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
		const first = match ? Number(match[1]) : NaN;
		const last = match?.[2] !== undefined ? Number(match[2]) : first;
		if (!match || first < 1 || last < first) {
			throw invalid(node, itemIndex, `"${parameter}" has "${part}", which is not a page or a range`, allowed);
		}
		if (last - first + pages.size >= MAX_PAGES) {
			throw invalid(node, itemIndex, `"${parameter}" selects more than ${MAX_PAGES} pages`, allowed);
		}
		for (let page = first; page <= last; page++) pages.add(page);
	}
	return [...pages].sort((a, b) => a - b);
}

export function checkPositiveInteger(node: INode, itemIndex: number, value: number, parameter: string): number {
	if (!Number.isInteger(value) || value < 1) {
		throw invalid(node, itemIndex, `"${parameter}" must be a whole number from 1, not ${value}`);
	}
	return value;
}
