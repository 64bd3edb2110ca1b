import type { IDataObject } from 'n8n-workflow';

/** Elements that repeat in CI responses: always arrays, whatever their count. */
export const ARRAY_TAGS = new Set([
	'JobsDetail',
	'TextDetections',
	'Polygon',
	'Words',
	'WordCoordinate',
	'WordPolygon',
	'IdInfo',
	'Point',
	'TemplateList',
	'NonExistJobIds',
	'WarnInfos',
]);

const NUMBER_TAGS = new Set([
	'Angel',
	'BorderCodeValue',
	'Confidence',
	'Height',
	'JobLevel',
	'PageNumber',
	'PageSize',
	'PdfPageNumber',
	'PdfPageSize',
	'Quality',
	'Score',
	'Status',
	'TotalCount',
	'Width',
	'X',
	'Y',
]);

const BOOLEAN_TAGS = new Set(['EnableWordPolygon', 'IsPdf', 'IsWord']);

export function typedValue(tagName: string, value: string): unknown {
	if (NUMBER_TAGS.has(tagName)) {
		if (value === '') return null;
		const number = Number(value);
		return Number.isNaN(number) ? value : number;
	}
	if (BOOLEAN_TAGS.has(tagName)) {
		if (value === 'true') return true;
		if (value === 'false') return false;
	}
	return undefined;
}

/**
 * Gives JSON from CI (job callbacks, where every value is a string and a single job may come as
 * an object) the same shape as parsed XML: repeated elements as arrays, typed leaves.
 */
export function normalizeJson(value: unknown, name = ''): unknown {
	if (Array.isArray(value)) return value.map((entry) => normalizeJson(entry, name));
	if (value && typeof value === 'object') {
		const result: IDataObject = {};
		for (const [key, child] of Object.entries(value as IDataObject)) {
			const normalized = normalizeJson(child, key);
			result[key] =
				ARRAY_TAGS.has(key) && !Array.isArray(normalized)
					? normalized === '' || normalized === null
						? []
						: [normalized]
					: (normalized as IDataObject);
		}
		return result;
	}
	if (typeof value === 'string') {
		const typed = typedValue(name, value);
		return typed === undefined ? value : typed;
	}
	return value;
}
