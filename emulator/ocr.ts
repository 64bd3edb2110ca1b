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

function isImage(data: Buffer): boolean {
	const png = data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
	const jpeg = data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff;
	return png || jpeg;
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

/**
 * Reads text from what it is given: PNG/JPEG through tesseract.js (English model from the
 * `@tesseract.js-data/eng` package, nothing downloaded), PDF pages from their content streams,
 * anything else as UTF-8 text lines.
 */
export class OcrEngine {
	private worker?: Promise<TesseractWorker>;

	constructor(private readonly mode: 'auto' | 'text') {}

	async recognize(data: Buffer, options: { pdf: boolean; page: number }): Promise<Recognition> {
		if (isPdf(data)) {
			if (!options.pdf) throw invalidArgument('The file is a PDF: set ispdf=true (types general and fast) to recognize it.');
			const pages = readPdfPages(data);
			if (pages.length === 0) throw new ServiceError(400, 'InvalidImage', 'The PDF has no readable pages.');
			if (options.page > pages.length) throw invalidArgument(`pdf-pagenumber ${options.page} is beyond the last page (${pages.length}).`);
			return { lines: textLines(pages[options.page - 1]), pageCount: pages.length };
		}
		if (this.mode === 'auto' && isImage(data)) return { lines: await this.tesseract(data), pageCount: 0 };
		return { lines: textLines(data.toString('utf8').split('\n')), pageCount: 0 };
	}

	private async tesseract(image: Buffer): Promise<RecognizedLine[]> {
		this.worker ??= (async () => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { createWorker } = require('tesseract.js') as { createWorker(lang: string, oem: number, options: object): Promise<TesseractWorker> };
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const eng = require('@tesseract.js-data/eng') as { langPath: string };
			return await createWorker('eng', 1, { langPath: eng.langPath, gzip: true, cacheMethod: 'none' });
		})();
		const worker = await this.worker;
		let blocks: TesseractBlock[] | null;
		try {
			({ blocks } = (await worker.recognize(image, {}, { blocks: true, text: false })).data);
		} catch (error) {
			throw new ServiceError(400, 'InvalidImage', `The image could not be read: ${(error as Error).message}`);
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
		if (worker) await (await worker).terminate();
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
