/**
 * Synchronous ID-card recognition, `GET /<key>?ci-process=IDCardOCR&CardSide=&Config=` (and the
 * upload form, `PUT` with the same query) on the COS host, in the shapes of test/conformance/idcard/.
 */
import { cardFields, type CardField } from './card';
import { invalidArgument, ServiceError, undocumented } from './errors';
import { formatOf, tooLargeAfterBase64, MAX_BASE64_CHARS } from './formats';
import { xmlAnswer, type Answer } from './http';
import { decodeImage, foreground, jpegCrop, type Pixels } from './image';
import { UnreadableFile, type OcrEngine } from './ocr';
import type { XmlObject } from './xml';

/** idcard/SILENT.md §8: the ten documented keys, JSON booleans, default false. */
export const CONFIG_KEYS = [
	'CropIdCard',
	'CropPortrait',
	'CopyWarn',
	'BorderCheckWarn',
	'ReshootWarn',
	'DetectPsWarn',
	'TempIdWarn',
	'InvalidDateWarn',
	'Quality',
	'MultiCardDetect',
] as const;
type ConfigKey = (typeof CONFIG_KEYS)[number];
type Config = Partial<Record<ConfigKey, boolean>>;

const FRONT = ['Name', 'Sex', 'Nation', 'Birth', 'Address', 'IdNum'];
const BACK = ['Authority', 'ValidDate'];

/**
 * Warnings a test provokes with a line of exactly this text in the card image (e.g. textPng([...,
 * 'COPY'])), raised only when their Config key is on. Codes from idcard/warn-codes.json (CI list),
 * written signed as the engine writes them (idcard/advanced-crops-warnings.xml); the key → code
 * pairing is the natural one, which no source states (idcard/SILENT.md §4).
 */
export const WARNING_MARKERS: Record<string, { key: ConfigKey; code: string }> = {
	'INVALID-DATE': { key: 'InvalidDateWarn', code: '-9100' },
	BORDER: { key: 'BorderCheckWarn', code: '-9101' },
	COPY: { key: 'CopyWarn', code: '-9102' },
	REMAKE: { key: 'ReshootWarn', code: '-9103' },
	TEMPORARY: { key: 'TempIdWarn', code: '-9104' },
	OCCLUDED: { key: 'BorderCheckWarn', code: '-9105' },
	PS: { key: 'DetectPsWarn', code: '-9106' },
};
/** A line `BLUR` lowers Quality to this score (below the documented threshold of 50). */
export const BLUR_MARKER = 'BLUR';
const BLURRED_QUALITY = 30;

/** The ID-card page's business errors (idcard/error-codes.json) come in the CI envelope (idcard/error-no-idcard.xml); the status is ours. */
const cardError = (code: string, message: string) => new ServiceError(400, code, message, {}, 'ci');

function readConfig(text: string | undefined): Config {
	if (text === undefined || text === '') return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw cardError(
			'InvalidParameter.ConfigFormatError',
			'Config 格式错误: Config is not valid JSON.',
		);
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
		throw cardError(
			'InvalidParameter.ConfigFormatError',
			'Config 格式错误: Config must be a JSON object.',
		);
	for (const [key, value] of Object.entries(parsed)) {
		if (!(CONFIG_KEYS as readonly string[]).includes(key))
			throw undocumented(`Config key "${key}" is not one of ${CONFIG_KEYS.join(', ')}`);
		if (typeof value !== 'boolean')
			throw undocumented(`Config.${key} is ${JSON.stringify(value)}, not a JSON boolean`);
	}
	return parsed as Config;
}

const QUERY = ['ci-process', 'CardSide', 'Config'];

function checkQuery(query: Record<string, string>): { side?: 'FRONT' | 'BACK'; config: Config } {
	if (query['detect-url'] !== undefined)
		throw undocumented('IDCardOCR documents no detect-url form (idcard/SILENT.md §1)');
	const unknown = Object.keys(query).find((name) => !QUERY.includes(name));
	if (unknown)
		throw invalidArgument(
			`${unknown} is not a parameter of ci-process=IDCardOCR (${QUERY.join(', ')}).`,
		);
	const side = query.CardSide;
	if (side !== undefined && side !== '' && side !== 'FRONT' && side !== 'BACK') {
		throw cardError(
			'InvalidParameterValue.InvalidParameterValueLimit',
			`参数值错误: CardSide must be FRONT or BACK (or absent), not "${side}".`,
		);
	}
	return {
		side: side === 'FRONT' || side === 'BACK' ? side : undefined,
		config: readConfig(query.Config),
	};
}

function chooseSide(
	fields: CardField[],
	asked: 'FRONT' | 'BACK' | undefined,
): { side: 'FRONT' | 'BACK'; fields: CardField[] } {
	const front = fields.filter((f) => FRONT.includes(f.key));
	const back = fields.filter((f) => BACK.includes(f.key));
	if (!front.length && !back.length)
		throw cardError('FailedOperation.ImageNoIdCard', '图片中未检测到身份证');
	const side = asked ?? (front.length ? 'FRONT' : 'BACK');
	const chosen = side === 'FRONT' ? front : back;
	if (!chosen.length)
		throw undocumented(
			`CardSide is ${side} but the image shows the other side (idcard/SILENT.md §7)`,
		);
	return { side, fields: chosen };
}

function advancedInfo(
	config: Config,
	side: 'FRONT' | 'BACK',
	lines: string[],
	confidences: number[],
	pixels: () => Pixels,
): XmlObject | undefined {
	const info: XmlObject = {};
	if (config.CropIdCard || config.CropPortrait) {
		const image = pixels();
		const card = foreground(image);
		if (config.CropIdCard) info.IdCard = jpegCrop(image, card);
		// The portrait sits on the right of the front side (the 2004 card layout); the back has none.
		if (config.CropPortrait && side === 'FRONT') {
			info.Portrait = jpegCrop(image, {
				x: card.x + card.width * 0.62,
				y: card.y + card.height * 0.12,
				width: card.width * 0.32,
				height: card.height * 0.64,
			});
		}
	}
	if (config.Quality) {
		const mean = confidences.reduce((sum, c) => sum + c, 0) / Math.max(1, confidences.length);
		info.Quality = String(lines.includes(BLUR_MARKER) ? BLURRED_QUALITY : Math.round(mean));
	}
	if (config.BorderCheckWarn)
		info.BorderCodeValue = lines.includes('BORDER') || lines.includes('OCCLUDED') ? '80' : '10';
	const warnings = Object.entries(WARNING_MARKERS)
		.filter(([marker, { key }]) => config[key] && lines.includes(marker))
		.map(([, { code }]) => code)
		.sort((a, b) => Math.abs(Number(a)) - Math.abs(Number(b)));
	if (warnings.length) info.WarnInfos = warnings;
	return Object.keys(info).length ? info : undefined;
}

/** The answer for the image that `load` gives; the query is checked first. */
export async function idCardOcr(
	query: Record<string, string>,
	engine: OcrEngine,
	load: () => Buffer,
): Promise<Answer> {
	const { side: asked, config } = checkQuery(query);
	const data = load();
	if (data.length === 0) throw cardError('FailedOperation.EmptyImageError', '图片内容为空');
	if (tooLargeAfterBase64(data))
		throw cardError(
			'LimitExceeded.TooLargeFileError',
			`文件内容太大: the image is more than ${MAX_BASE64_CHARS} characters in Base64 (7M).`,
		);
	const format = formatOf(data);
	let recognition;
	try {
		recognition = await engine.recognize(data, {
			pdf: false,
			page: 1,
			formats: ['png', 'jpeg', 'bmp'],
		});
	} catch (error) {
		if (error instanceof UnreadableFile)
			throw cardError(
				'FailedOperation.ImageDecodeFailed',
				`图片解码失败: ${error.message} (PNG, JPG, JPEG and BMP are taken)`,
			);
		throw error;
	}
	const texts = recognition.lines.map((line) => line.text.trim());
	const { side, fields } = chooseSide(cardFields('IDCard', recognition.lines), asked);
	const idInfo = Object.fromEntries(
		(side === 'FRONT' ? FRONT : BACK).flatMap((key) =>
			fields
				.filter((f) => f.key === key)
				.slice(0, 1)
				.map((f) => [key, f.value]),
		),
	);
	const advanced = advancedInfo(
		config,
		side,
		texts,
		fields.map((f) => f.line.confidence),
		() => decodeImage(data, format ?? 'png'),
	);
	return { ...xmlAnswer('Response', { IdInfo: idInfo, AdvancedInfo: advanced }), ids: 'ci' };
}
