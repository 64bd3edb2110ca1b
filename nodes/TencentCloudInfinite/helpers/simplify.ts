import type { IDataObject } from 'n8n-workflow';

export interface Point {
	x: number;
	y: number;
}

export interface SimplifiedWord {
	/** Null when the service gives only the character's polygon (handwriting with Character Polygons). */
	character: string | null;
	confidence: number | null;
	polygon?: Point[];
}

export interface SimplifiedLine {
	text: string;
	confidence: number | null;
	polygon: Point[];
	box: { x: number; y: number; width: number; height: number } | null;
	words?: SimplifiedWord[];
	page?: number;
}

export interface SimplifiedDetection {
	text: string;
	lines: SimplifiedLine[];
	language: string | null;
	angle: number | null;
	pageCount: number;
	page: number | null;
	requestId: string | null;
}

const CORNERS = ['LeftTop', 'RightTop', 'RightBottom', 'LeftBottom'];

function list(value: unknown): IDataObject[] {
	if (Array.isArray(value))
		return value.filter(
			(entry): entry is IDataObject => typeof entry === 'object' && entry !== null,
		);
	return typeof value === 'object' && value !== null ? [value as IDataObject] : [];
}

function num(value: unknown): number | null {
	return typeof value === 'number' ? value : null;
}

function point(value: unknown): Point {
	const p = (value ?? {}) as IDataObject;
	return { x: num(p.X) ?? 0, y: num(p.Y) ?? 0 };
}

function polygonOf(value: IDataObject): Point[] {
	return CORNERS.every((corner) => value[corner] && typeof value[corner] === 'object')
		? CORNERS.map((corner) => point(value[corner]))
		: [];
}

/**
 * A line's characters. Job results and callbacks carry one empty placeholder per line even
 * without IsWord (`<Words><Character/><Confidence>0</Confidence><WordCoordPoint/></Words>`,
 * `<WordPolygon/>`); those are not characters and give no `words`.
 */
function words(detection: IDataObject): SimplifiedWord[] | undefined {
	const entries = list(detection.Words).filter((word) => String(word.Character ?? '') !== '');
	const polygons = list(detection.WordPolygon)
		.map(polygonOf)
		.filter((polygon) => polygon.length > 0);
	if (entries.length === 0 && polygons.length === 0) return undefined;
	if (entries.length === 0)
		return polygons.map((polygon) => ({ character: null, confidence: null, polygon }));
	return entries.map((word, index) => {
		const coordinates = list((word.WordCoordPoint as IDataObject | undefined)?.WordCoordinate).map(
			point,
		);
		const polygon = polygons[index] ?? coordinates;
		return {
			character: String(word.Character),
			confidence: num(word.Confidence),
			...(polygon.length ? { polygon } : {}),
		};
	});
}

export function simplifyLine(detection: IDataObject): SimplifiedLine {
	const box = detection.ItemPolygon as IDataObject | undefined;
	const lineWords = words(detection);
	return {
		text: String(detection.DetectedText ?? ''),
		confidence: num(detection.Confidence),
		polygon: list(detection.Polygon).map(point),
		box: box
			? {
					x: num(box.X) ?? 0,
					y: num(box.Y) ?? 0,
					width: num(box.Width) ?? 0,
					height: num(box.Height) ?? 0,
				}
			: null,
		...(lineWords ? { words: lineWords } : {}),
	};
}

/**
 * Turns a normalized OCR answer (the sync `Response` or a job's `Operation.Detection`) into the
 * item users work with: the text in reading order plus each line's geometry.
 */
export function simplifyDetection(
	detection: IDataObject,
	page: number | null = null,
): SimplifiedDetection {
	const lines = list(detection.TextDetections).map(simplifyLine);
	return {
		text: lines.map((line) => line.text).join('\n'),
		lines,
		language:
			typeof detection.Language === 'string' && detection.Language ? detection.Language : null,
		angle: num(detection.Angel),
		pageCount: num(detection.PdfPageSize) ?? 0,
		page,
		requestId:
			typeof detection.RequestId === 'string' && detection.RequestId ? detection.RequestId : null,
	};
}

export interface TextOnly {
	text: string;
	page: number | null;
	/** The mean confidence of the lines (0 to 100), null when nothing was read. */
	confidence: number | null;
}

/** The compact form of a page: what an AI agent or a large batch needs, without geometry. */
export function textOnly(detection: SimplifiedDetection): TextOnly {
	const scores = detection.lines
		.map((line) => line.confidence)
		.filter((score): score is number => score !== null);
	const confidence = scores.length
		? Math.round(scores.reduce((sum, score) => sum + score, 0) / scores.length)
		: null;
	return { text: detection.text, page: detection.page, confidence };
}
