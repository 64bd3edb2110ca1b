import type { RecognizedLine } from './ocr';
import type { XmlObject } from './xml';

/**
 * Field names for labels found on cards. A recognized line "Label: value" (or "标签 value" for the
 * Chinese labels) becomes the field; any other "Label: value" keeps its own label.
 */
const LABELS: Record<string, Record<string, string>> = {
	IDCard: {
		name: 'Name',
		姓名: 'Name',
		gender: 'Gender',
		sex: 'Gender',
		性别: 'Gender',
		nationality: 'Nationality',
		ethnicity: 'Nationality',
		民族: 'Nationality',
		birth: 'Birth',
		出生: 'Birth',
		address: 'Address',
		住址: 'Address',
		idnum: 'IdNum',
		'id number': 'IdNum',
		公民身份号码: 'IdNum',
		authority: 'Authority',
		签发机关: 'Authority',
		'valid date': 'ValidDate',
		有效期限: 'ValidDate',
	},
	DriverLicense: {
		name: 'Name',
		姓名: 'Name',
		sex: 'Sex',
		gender: 'Sex',
		性别: 'Sex',
		nationality: 'Nationality',
		国籍: 'Nationality',
		address: 'Address',
		住址: 'Address',
		'date of birth': 'DateOfBirth',
		出生日期: 'DateOfBirth',
		'date of first issue': 'DateOfFirstIssue',
		初次领证日期: 'DateOfFirstIssue',
		class: 'Class',
		准驾车型: 'Class',
		'start date': 'StartDate',
		'end date': 'EndDate',
		'card code': 'CardCode',
		证号: 'CardCode',
	},
};

function field(line: string, labels: Record<string, string>): { name: string; value: string } | undefined {
	const colon = /^\s*([^:：]{1,40}?)\s*[:：]\s*(.+)$/.exec(line);
	if (colon) return { name: labels[colon[1].toLowerCase()] ?? colon[1], value: colon[2].trim() };
	const chinese = Object.keys(labels).find((label) => /^[^\x00-\x7f]/.test(label) && line.startsWith(label));
	if (chinese) return { name: labels[chinese], value: line.slice(chinese.length).trim() };
	return undefined;
}

/** `ImageLicenseRecResult` for the recognized lines of a card. */
export function cardResult(cardType: string, lines: RecognizedLine[], objectName: string, objectUrl: string): XmlObject {
	const labels = LABELS[cardType] ?? {};
	const infos = lines.flatMap((line) => {
		const found = field(line.text, labels);
		if (!found || !found.value) return [];
		const { x, y, width, height } = line.box;
		return [
			{
				Name: found.name,
				DetectedText: found.value,
				Score: line.confidence,
				// The seed's order: top-left, bottom-left, bottom-right, top-right.
				Location: { Point: [`${x},${y}`, `${x},${y + height}`, `${x + width},${y + height}`, `${x + width},${y}`] },
			},
		];
	});
	return {
		Code: 'Success',
		State: 'Success',
		Message: '',
		InputObjectName: objectName,
		InputObjectUrl: objectUrl,
		Status: infos.length ? 1 : 0,
		IdInfo: infos,
	};
}

/** `ImageLicenseRecResult` of a card job that failed (missing or unreadable input, failJobs). */
export function failedCardResult(code: string, message: string, objectName: string, objectUrl: string): XmlObject {
	return { Code: code, State: 'Failed', Message: message, InputObjectName: objectName, InputObjectUrl: objectUrl, Status: 0 };
}
