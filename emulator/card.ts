import type { RecognizedLine } from './ocr';
import type { XmlObject } from './xml';

/** A card field: its key in the sync ID-card answer, the label the service prints, and what a recognized line may call it. */
interface FieldSpec {
	key: string;
	label: string;
	aliases: string[];
}

/**
 * Labels as the service sends them, in Chinese (jobs/card-idcard-success.xml: 姓名, 性别, 民族 from
 * the zh AILicenseRec example; 出生, 住址, 公民身份号码 from PROTOCOL.md, second-hand; 签发机关,
 * 有效期限 as printed on the back of the card, no source shows them), keyed as the sync ID-card
 * API names them (idcard/front.xml, idcard/back.xml).
 */
const ID_CARD: FieldSpec[] = [
	{ key: 'Name', label: '姓名', aliases: ['name'] },
	{ key: 'Sex', label: '性别', aliases: ['sex', 'gender'] },
	{ key: 'Nation', label: '民族', aliases: ['nation', 'nationality', 'ethnicity'] },
	{ key: 'Birth', label: '出生', aliases: ['birth', 'date of birth', '出生日期'] },
	{ key: 'Address', label: '住址', aliases: ['address'] },
	{ key: 'IdNum', label: '公民身份号码', aliases: ['idnum', 'id number', 'id no', '公民身份证号'] },
	{ key: 'Authority', label: '签发机关', aliases: ['authority', 'issuing authority'] },
	{ key: 'ValidDate', label: '有效期限', aliases: ['valid date', 'valid period', 'validity'] },
];

/** jobs/card-driverlicense-success.xml: the ten labels of the zh 信息说明 (460/96767), in its order. */
const DRIVER_LICENSE: FieldSpec[] = [
	{
		key: 'CardCode',
		label: '证号',
		aliases: ['card code', 'license no', 'licence no', 'license number', 'licence number'],
	},
	{ key: 'Name', label: '姓名', aliases: ['name'] },
	{ key: 'Sex', label: '性别', aliases: ['sex', 'gender'] },
	{ key: 'Nationality', label: '国籍', aliases: ['nationality'] },
	{ key: 'Address', label: '住址', aliases: ['address'] },
	{ key: 'DateOfBirth', label: '出生日期', aliases: ['date of birth', 'birth'] },
	{
		key: 'DateOfFirstIssue',
		label: '初次领证日期',
		aliases: ['date of first issue', 'first issue'],
	},
	{ key: 'Class', label: '准驾车型', aliases: ['class', 'vehicle class'] },
	{ key: 'ValidPeriod', label: '有效期限', aliases: ['valid period', 'valid date', 'validity'] },
	{ key: 'Authority', label: '发证单位', aliases: ['issuing authority', 'authority'] },
];

export const CARD_FIELDS: Record<string, FieldSpec[]> = {
	IDCard: ID_CARD,
	DriverLicense: DRIVER_LICENSE,
};

export interface CardField {
	key: string;
	label: string;
	value: string;
	line: RecognizedLine;
}

const NON_ASCII = /^[^\x00-\x7f]/;

/** The field of a line "Label: value" (any of a field's names, any case) or "标签 value" / "标签value". */
function fieldOf(line: RecognizedLine, specs: FieldSpec[]): CardField | undefined {
	const colon = /^\s*([^:：]{1,40}?)\s*[:：]\s*(.*)$/.exec(line.text);
	if (colon) {
		const name = colon[1].toLowerCase();
		const spec = specs.find((s) => s.label === name || s.aliases.includes(name));
		return spec && colon[2].trim()
			? { key: spec.key, label: spec.label, value: colon[2].trim(), line }
			: undefined;
	}
	// The longest Chinese name first: 出生日期 before 出生.
	const names = specs.flatMap((spec) =>
		[spec.label, ...spec.aliases].filter((n) => NON_ASCII.test(n)).map((name) => ({ spec, name })),
	);
	const found = names
		.sort((a, b) => b.name.length - a.name.length)
		.find(({ name }) => line.text.trimStart().startsWith(name));
	if (!found) return undefined;
	const value = line.text.trimStart().slice(found.name.length).trim();
	return value ? { key: found.spec.key, label: found.spec.label, value, line } : undefined;
}

/** The card fields among recognized lines, in reading order; lines that name no field are left out. */
export function cardFields(cardType: string, lines: RecognizedLine[]): CardField[] {
	const specs = CARD_FIELDS[cardType] ?? [];
	return lines.flatMap((line) => fieldOf(line, specs) ?? []);
}

/**
 * `ImageLicenseRecResult` of a finished card job, in jobs/card-idcard-success.xml's order: Code,
 * State, InputObjectName, InputObjectUrl, Status, IdInfo (Name, DetectedText, Score, Location with
 * four "x,y" Points: top-left, bottom-left, bottom-right, top-right). No Message on success.
 */
export function cardResult(
	cardType: string,
	lines: RecognizedLine[],
	objectName: string,
	objectUrl: string,
): XmlObject {
	const infos = cardFields(cardType, lines).map(({ label, value, line }) => {
		const { x, y, width, height } = line.box;
		return {
			Name: label,
			DetectedText: value,
			Score: line.confidence,
			Location: {
				Point: [
					`${x},${y}`,
					`${x},${y + height}`,
					`${x + width},${y + height}`,
					`${x + width},${y}`,
				],
			},
		};
	});
	return {
		Code: 'Success',
		State: 'Success',
		InputObjectName: objectName,
		InputObjectUrl: objectUrl,
		Status: infos.length ? 1 : 0,
		IdInfo: infos,
	};
}

/** jobs/card-failed.xml: Code, State, Message, InputObjectName, InputObjectUrl; no Status, no IdInfo. */
export function failedCardResult(
	code: string,
	message: string,
	objectName: string,
	objectUrl: string,
): XmlObject {
	return {
		Code: code,
		State: 'Failed',
		Message: message,
		InputObjectName: objectName,
		InputObjectUrl: objectUrl,
	};
}
