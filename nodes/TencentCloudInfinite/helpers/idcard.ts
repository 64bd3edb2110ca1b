import type { IDataObject } from 'n8n-workflow';

import { fieldKey } from './cards';

/**
 * The synchronous ID-card recognition (`GET /<key>?ci-process=IDCardOCR`, 身份证识别,
 * https://cloud.tencent.com/document/product/460/48638; cos-go-sdk-v5 ci.go `IdCardOCROptions`,
 * `IdCardOCRResult`): its Config keys, the crops it returns and the warnings it raises.
 */

/** The Config keys that ask for a cropped image, and where each comes back. */
export const ID_CARD_CROPS = [
	{ name: 'ID Card', value: 'CropIdCard', element: 'IdCard', binary: 'idCard', suffix: 'id-card' },
	{
		name: 'Portrait',
		value: 'CropPortrait',
		element: 'Portrait',
		binary: 'portrait',
		suffix: 'portrait',
	},
] as const;

/** The Config keys that ask for a warning (or for multi-card detection). */
export const ID_CARD_WARNINGS = [
	{ name: 'Copy (Photocopy)', value: 'CopyWarn' },
	{ name: 'Border Incomplete or Covered', value: 'BorderCheckWarn' },
	{ name: 'Reshoot (Photo of a Screen or Print)', value: 'ReshootWarn' },
	{ name: 'Edited (Photoshop)', value: 'DetectPsWarn' },
	{ name: 'Temporary ID Card', value: 'TempIdWarn' },
	{ name: 'Invalid Validity Date', value: 'InvalidDateWarn' },
	{ name: 'Multiple Cards', value: 'MultiCardDetect' },
] as const;

/**
 * Warning codes: the CI page lists 9100 to 9106 (unsigned); the OCR engine behind it writes them
 * signed and has three more (test/conformance/idcard/warn-codes.json). Matched by absolute value.
 */
const WARNING_NAMES: Record<string, { name: string; description: string; engineOnly?: true }> = {
	'9100': { name: 'invalidDate', description: '身份证有效日期不合法告警' },
	'9101': { name: 'incompleteBorder', description: '身份证边框不完整告警' },
	'9102': { name: 'copy', description: '身份证复印件告警' },
	'9103': { name: 'reshoot', description: '身份证翻拍告警' },
	'9104': { name: 'temporaryCard', description: '临时身份证告警' },
	'9105': { name: 'covered', description: '身份证框内遮挡告警' },
	'9106': { name: 'photoshop', description: '身份证 PS 告警' },
	'9107': { name: 'glare', description: '身份证反光告警', engineOnly: true },
	'9108': {
		name: 'blackAndWhiteCopy',
		description: '身份证复印件告警(仅黑白复印件)',
		engineOnly: true,
	},
	'9110': { name: 'electronicCard', description: '电子身份证告警', engineOnly: true },
};

export interface IdCardWarning {
	/** The code as the service wrote it. */
	code: string;
	/** A readable name, null for a code no source lists. */
	name: string | null;
	description: string | null;
}

/** The Config query value: the chosen keys as JSON booleans, or nothing when none is chosen. */
export function idCardConfig(keys: string[]): string | undefined {
	return keys.length
		? JSON.stringify(Object.fromEntries(keys.map((key) => [key, true])))
		: undefined;
}

/** The eight fields, always all present: an element the answer leaves out is an empty string. */
export const ID_CARD_FIELDS = [
	'name',
	'sex',
	'ethnicity',
	'birth',
	'address',
	'idNumber',
	'authority',
	'validDate',
];

const first = (value: unknown): IDataObject => {
	const entry = Array.isArray(value) ? value[0] : value;
	return entry && typeof entry === 'object' ? (entry as IDataObject) : {};
};

const list = (value: unknown): unknown[] =>
	Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value];

function warning(value: unknown): IdCardWarning {
	const code = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
	const known = /^-?\d+$/.test(code) ? WARNING_NAMES[code.replace(/^-/, '')] : undefined;
	return {
		code,
		name: known?.name ?? null,
		description: known
			? `${known.description}${known.engineOnly ? ' (OCR engine code, not in the CI list)' : ''}`
			: null,
	};
}

const decimal = (value: unknown): number | null =>
	typeof value === 'number'
		? value
		: typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)
			? Number(value)
			: null;

export interface RecognizedIdCard {
	json: IDataObject;
	/** Crops as Base64, by binary field name. */
	crops: Array<{ binary: string; suffix: string; base64: string }>;
}

/**
 * The normalized answer as an item: fields under the stable keys of card jobs, warnings with
 * readable names beside the service's codes (from AdvancedInfo and, as the zh page has it,
 * IdInfo), Quality and BorderCodeValue as numbers, and the crops taken out of the JSON.
 */
export function simplifyIdCard(response: IDataObject): RecognizedIdCard {
	const idInfo = first(response.IdInfo);
	const advanced = first(response.AdvancedInfo);
	const fields: IDataObject = Object.fromEntries(ID_CARD_FIELDS.map((key) => [key, '']));
	const extra: IDataObject = {};
	for (const [element, value] of Object.entries(idInfo)) {
		if (element === 'WarnInfos') continue;
		const key = fieldKey('IDCard', element);
		if (ID_CARD_FIELDS.includes(key))
			fields[key] = typeof value === 'string' ? value : String(value ?? '');
		else extra[element] = value;
	}
	const warnings = [...list(advanced.WarnInfos), ...list(idInfo.WarnInfos)].map(warning);
	return {
		json: {
			fields,
			...(Object.keys(extra).length ? { otherFields: extra } : {}),
			warnings: warnings as unknown as IDataObject[],
			warningNames: warnings
				.map((entry) => entry.name)
				.filter((name): name is string => name !== null),
			quality: decimal(advanced.Quality),
			borderCodeValue: decimal(advanced.BorderCodeValue),
		},
		crops: ID_CARD_CROPS.flatMap((crop) => {
			const base64 = advanced[crop.element];
			return typeof base64 === 'string' && base64
				? [{ binary: crop.binary, suffix: crop.suffix, base64 }]
				: [];
		}),
	};
}

/** The answer without its Base64 crops (they go to binary fields), for Simplify off. */
export function withoutCrops(response: IDataObject): IDataObject {
	const advanced = response.AdvancedInfo;
	if (!advanced || typeof advanced !== 'object') return response;
	const strip = (entry: IDataObject) =>
		Object.fromEntries(
			Object.entries(entry).filter(
				([name]) => !ID_CARD_CROPS.some((crop) => crop.element === name),
			),
		);
	return {
		...response,
		AdvancedInfo: Array.isArray(advanced)
			? (advanced as IDataObject[]).map(strip)
			: strip(advanced as IDataObject),
	};
}
