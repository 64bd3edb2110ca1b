import type { IDataObject } from 'n8n-workflow';

import type { FileRule } from './binary';
import type { Point } from './simplify';

/**
 * Stable English keys for the fields of a card, whatever language the service labels them in.
 * Card-recognition jobs label fields in Chinese (`<Name>姓名</Name>`, see
 * test/conformance/jobs/); the synchronous IDCardOCR answer names them in English elements
 * (`IdInfo/Name`, `IdInfo/Nation`, …). Both map to the same keys, so a workflow reads
 * `fields.idNumber` from either. A label not listed here is kept as it comes.
 */
export const CARD_FIELD_KEYS: Record<string, Record<string, string>> = {
	IDCard: {
		姓名: 'name',
		性别: 'sex',
		民族: 'ethnicity',
		出生: 'birth',
		出生日期: 'birth',
		住址: 'address',
		公民身份号码: 'idNumber',
		公民身份证号: 'idNumber',
		签发机关: 'authority',
		有效期限: 'validDate',
		Name: 'name',
		Sex: 'sex',
		Gender: 'sex',
		Nation: 'ethnicity',
		Ethnicity: 'ethnicity',
		Birth: 'birth',
		Address: 'address',
		IdNum: 'idNumber',
		Authority: 'authority',
		ValidDate: 'validDate',
	},
	DriverLicense: {
		证号: 'licenseNumber',
		姓名: 'name',
		性别: 'sex',
		国籍: 'nationality',
		住址: 'address',
		出生日期: 'birthDate',
		初次领证日期: 'firstIssueDate',
		准驾车型: 'vehicleClass',
		有效期限: 'validPeriod',
		有效起始日期: 'validFrom',
		发证单位: 'issuingAuthority',
	},
};

export interface CardField {
	/** The stable key in `fields` (the label itself when it is not a known one). */
	field: string;
	/** The label as the service sent it. */
	label: string;
	text: string;
	score: number | null;
	location: Point[];
}

function list(value: unknown): IDataObject[] {
	if (Array.isArray(value))
		return value.filter(
			(entry): entry is IDataObject => typeof entry === 'object' && entry !== null,
		);
	return value && typeof value === 'object' ? [value as IDataObject] : [];
}

function parsePoint(value: unknown): Point {
	const [x, y] = String(value)
		.split(',')
		.map((part) => Number(part.trim()));
	return { x: Number.isFinite(x) ? x : 0, y: Number.isFinite(y) ? y : 0 };
}

export function fieldKey(cardType: string | null, label: string): string {
	const keys = CARD_FIELD_KEYS[cardType ?? ''] ?? {};
	return keys[label] ?? CARD_FIELD_KEYS.IDCard[label] ?? label;
}

/** The `IdInfo` entries of a card job's `ImageLicenseRecResult`. */
export function cardFields(cardType: string | null, idInfo: unknown): CardField[] {
	return list(idInfo).map((info) => {
		const label = String(info.Name ?? '');
		const points = (info.Location as IDataObject | undefined)?.Point;
		return {
			field: fieldKey(cardType, label),
			label,
			text: String(info.DetectedText ?? ''),
			score: typeof info.Score === 'number' ? info.Score : null,
			location: (Array.isArray(points) ? points : []).map(parsePoint),
		};
	});
}

export function fieldsObject(details: CardField[]): IDataObject {
	return Object.fromEntries(details.map((detail) => [detail.field, detail.text]));
}

/**
 * What card recognition reads: PNG, JPG, JPEG or BMP, at most 7M after Base64 encoding
 * (身份证识别 page, test/conformance/idcard/SILENT.md), read as 7,000,000 Base64 characters.
 */
export const CARD_FILE_RULE: FileRule = {
	formats: 'PNG, JPG, JPEG or BMP',
	mimeTypes: ['image/png', 'image/jpeg', 'image/jpg', 'image/bmp', 'image/x-ms-bmp'],
	extensions: ['png', 'jpg', 'jpeg', 'bmp'],
	maxBytes: (7_000_000 * 3) / 4,
	source: 'https://cloud.tencent.com/document/product/460/48638',
};
