import { invalidArgument, ServiceError } from './errors';
import { isPdf, readPdfPages } from './pdf';
import type { XmlObject } from './xml';

export interface Box {
	x: number;
	y: number;
	width: number;
	height: number;
}

export interface RecognizedLine {
	text: string;
	confidence: number;
	box: Box;
	characters: Array<{ character: string; confidence: number; box: Box }>;
}

export interface Recognition {
	lines: RecognizedLine[];
	/** Pages of a PDF, 0 for an image. */
	pageCount: number;
}

interface TesseractWorker {
	recognize(image: Buffer, options: object, output: object): Promise<{ data: { blocks: TesseractBlock[] | null } }>;
	terminate(): Promise<unknown>;
}
interface TesseractBox {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
}
interface TesseractSymbol {
	text: string;
	confidence: number;
	bbox: TesseractBox;
}
interface TesseractLine {
	text: string;
	confidence: number;
	bbox: TesseractBox;
	words: Array<{ text: string; confidence: number; bbox: TesseractBox; symbols?: TesseractSymbol[] }>;
}
interface TesseractBlock {
	paragraphs: Array<{ lines: TesseractLine[] }>;
}

const box = (b: TesseractBox): Box => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 });

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function isImage(data: Buffer): boolean {
	const png = data.subarray(0, 8).equals(PNG_SIGNATURE);
	const jpeg = data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff;
	const bmp = data[0] === 0x42 && data[1] === 0x4d;
	return png || jpeg || bmp;
}

/** The keyword of the PNG `iTXt` chunk whose text the emulator recognizes instead of running tesseract. */
export const EMULATOR_TEXT_KEYWORD = 'tci-emulator-text';

/**
 * The text a test put in a PNG (test/helpers/images.ts): an uncompressed `iTXt` chunk with the
 * keyword above. Tests get exact recognition at once; any other image goes through tesseract.
 */
export function embeddedText(data: Buffer): string | undefined {
	if (!data.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
	for (let offset = 8; offset + 12 <= data.length; ) {
		const length = data.readUInt32BE(offset);
		const type = data.toString('latin1', offset + 4, offset + 8);
		const body = data.subarray(offset + 8, offset + 8 + length);
		if (type === 'iTXt') {
			const keywordEnd = body.indexOf(0);
			if (body.toString('latin1', 0, keywordEnd) === EMULATOR_TEXT_KEYWORD && body[keywordEnd + 1] === 0) {
				const languageEnd = body.indexOf(0, keywordEnd + 3);
				const translatedEnd = body.indexOf(0, languageEnd + 1);
				return body.subarray(translatedEnd + 1).toString('utf8');
			}
		}
		if (type === 'IDAT' || type === 'IEND') return undefined;
		offset += 12 + length;
	}
	return undefined;
}

/** Deterministic geometry for text lines: 12 px a character, 30 px a line. */
function textLines(lines: string[]): RecognizedLine[] {
	return lines
		.map((line) => line.replace(/\r$/, ''))
		.filter((line) => line.trim() !== '')
		.map((text, index) => {
			const y = 10 + index * 30;
			const characters = [...text].map((character, i) => ({ character, confidence: 99, box: { x: 10 + i * 12, y, width: 12, height: 24 } }));
			return { text, confidence: 99, box: { x: 10, y, width: 12 * [...text].length, height: 24 }, characters };
		});
}

const unreadable = (detail: string) => new ServiceError(400, 'InvalidImage', `The file cannot be recognized: ${detail}`);

/** The file as UTF-8 text lines; binary content (invalid UTF-8, control characters) is refused. */
function utf8Lines(data: Buffer): string[] {
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(data);
	} catch {
		throw unreadable('it is not a PNG, JPEG or PDF, and not UTF-8 text either.');
	}
	// eslint-disable-next-line no-control-regex
	if (/[\x00-\x08\x0e-\x1f]/.test(text)) throw unreadable('it is not a PNG, JPEG or PDF, and it holds binary data.');
	return text.replace(/^\uFEFF/, '').split('\n');
}

/**
 * Reads text from what it is given: PNG/JPEG through tesseract.js (English model from the
 * `@tesseract.js-data/eng` package, nothing downloaded), PDF pages from their content streams,
 * anything else as UTF-8 text lines.
 */
export class OcrEngine {
	private worker?: Promise<TesseractWorker>;

	constructor(private readonly mode: 'auto' | 'text') {}

	/** `type`, when given, must allow PDFs (general or fast) for a PDF file. */
	async recognize(data: Buffer, options: { pdf: boolean; page: number; type?: string }): Promise<Recognition> {
		if (isPdf(data)) {
			if (!options.pdf) throw invalidArgument('The file is a PDF: set ispdf=true (types general and fast) to recognize it.');
			if (options.type !== undefined && options.type !== 'general' && options.type !== 'fast') {
				throw invalidArgument(`PDF recognition is valid only when type is general or fast, not ${options.type}.`);
			}
			const pages = readPdfPages(data);
			if (pages.length === 0) throw new ServiceError(400, 'InvalidImage', 'The PDF has no readable pages.');
			if (options.page > pages.length) throw invalidArgument(`pdf-pagenumber ${options.page} is beyond the last page (${pages.length}).`);
			return { lines: textLines(pages[options.page - 1]), pageCount: pages.length };
		}
		if (isImage(data)) {
			const embedded = embeddedText(data);
			if (embedded !== undefined) return { lines: textLines(embedded.split('\n')), pageCount: 0 };
			if (this.mode === 'text') throw unreadable("the emulator runs with engine 'text', which never reads PNG/JPEG images (use engine 'auto').");
			return { lines: await this.tesseract(data), pageCount: 0 };
		}
		return { lines: textLines(utf8Lines(data)), pageCount: 0 };
	}

	private async tesseract(image: Buffer): Promise<RecognizedLine[]> {
		this.worker ??= (async () => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { createWorker } = require('tesseract.js') as { createWorker(lang: string, oem: number, options: object): Promise<TesseractWorker> };
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const eng = require('@tesseract.js-data/eng') as { langPath: string };
			// Without an errorHandler, tesseract.js throws an unreadable image's error from its message
			// listener, which kills the process; with one, recognize() rejects and the worker lives on.
			return await createWorker('eng', 1, { langPath: eng.langPath, gzip: true, cacheMethod: 'none', errorHandler: () => undefined });
		})();
		let worker: TesseractWorker;
		try {
			worker = await this.worker;
		} catch (error) {
			this.worker = undefined;
			throw new ServiceError(500, 'InternalError', `The OCR engine could not start: ${String(error instanceof Error ? error.message : error)}`);
		}
		let blocks: TesseractBlock[] | null;
		try {
			({ blocks } = (await worker.recognize(image, {}, { blocks: true, text: false })).data);
		} catch (error) {
			// tesseract.js rejects with a string such as "Error: Error attempting to read image."
			const detail = String(error instanceof Error ? error.message : error).replace(/^(Error: )+/, '');
			throw new ServiceError(400, 'InvalidImage', `The image could not be read: ${detail}`);
		}
		return (blocks ?? [])
			.flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines))
			.filter((line) => line.text.trim() !== '')
			.map((line) => ({
				text: line.text.trim(),
				confidence: Math.round(line.confidence),
				box: box(line.bbox),
				characters: line.words.flatMap((word) =>
					(word.symbols ?? []).map((symbol) => ({ character: symbol.text, confidence: Math.round(symbol.confidence), box: box(symbol.bbox) })),
				),
			}));
	}

	async close(): Promise<void> {
		const worker = this.worker;
		this.worker = undefined;
		if (!worker) return;
		try {
			await (await worker).terminate();
		} catch {
			// It never started: nothing to stop.
		}
	}
}

const corners = (b: Box) => [
	{ X: b.x, Y: b.y },
	{ X: b.x + b.width, Y: b.y },
	{ X: b.x + b.width, Y: b.y + b.height },
	{ X: b.x, Y: b.y + b.height },
];

/** `TextDetections` as the sync OCR seed shows them; Words and WordPolygon only when asked for. */
export function textDetections(lines: RecognizedLine[], options: { words: boolean; wordPolygons: boolean }): XmlObject[] {
	return lines.map((line) => ({
		DetectedText: line.text,
		Confidence: line.confidence,
		Polygon: corners(line.box),
		ItemPolygon: { X: line.box.x, Y: line.box.y, Width: line.box.width, Height: line.box.height },
		Words: options.words
			? line.characters.map((c) => ({ Character: c.character, Confidence: c.confidence, WordCoordPoint: { WordCoordinate: corners(c.box) } }))
			: undefined,
		WordPolygon: options.wordPolygons
			? line.characters.map((c) => {
					const [leftTop, rightTop, rightBottom, leftBottom] = corners(c.box);
					return { LeftTop: leftTop, RightTop: rightTop, RightBottom: rightBottom, LeftBottom: leftBottom };
				})
			: undefined,
	}));
}
