import { ServiceError, undocumented } from './errors';
import { formatOf, type Format } from './formats';
import { decodeImage } from './image';
import { readPdfPages } from './pdf';
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
	recognize(
		image: Buffer,
		options: object,
		output: object,
	): Promise<{ data: { blocks: TesseractBlock[] | null } }>;
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
	words: Array<{
		text: string;
		confidence: number;
		bbox: TesseractBox;
		symbols?: TesseractSymbol[];
	}>;
}
interface TesseractBlock {
	paragraphs: Array<{ lines: TesseractLine[] }>;
}

const box = (b: TesseractBox): Box => ({
	x: b.x0,
	y: b.y0,
	width: b.x1 - b.x0,
	height: b.y1 - b.y0,
});

/** The keyword of the PNG `iTXt` chunk whose text the emulator recognizes instead of running tesseract. */
export const EMULATOR_TEXT_KEYWORD = 'tci-emulator-text';

/**
 * The text a test put in a PNG (test/helpers/images.ts): an uncompressed `iTXt` chunk with the
 * keyword above. Tests get exact recognition at once; any other image goes through tesseract.
 */
export function embeddedText(data: Buffer): string | undefined {
	if (formatOf(data) !== 'png') return undefined;
	for (let offset = 8; offset + 12 <= data.length; ) {
		const length = data.readUInt32BE(offset);
		const type = data.toString('latin1', offset + 4, offset + 8);
		const body = data.subarray(offset + 8, offset + 8 + length);
		if (type === 'iTXt') {
			const keywordEnd = body.indexOf(0);
			if (
				body.toString('latin1', 0, keywordEnd) === EMULATOR_TEXT_KEYWORD &&
				body[keywordEnd + 1] === 0
			) {
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
			const characters = [...text]
				.map((character, i) => ({
					character,
					confidence: 99,
					box: { x: 10 + i * 12, y, width: 12, height: 24 },
				}))
				.filter(({ character }) => character.trim() !== '');
			return {
				text,
				confidence: 99,
				box: { x: 10, y, width: 12 * [...text].length, height: 24 },
				characters,
			};
		});
}

/**
 * A file the engine cannot read: not PNG, JPEG, BMP or PDF by its content, or one whose bytes do
 * not decode. On the COS host that is `InvalidImageFormat` (COS table, 400 "图片格式不合法":
 * errors/error-codes.json); jobs and the ID-card API give it their own codes.
 */
export class UnreadableFile extends ServiceError {
	constructor(detail: string) {
		super(400, 'InvalidImageFormat', `The file cannot be recognized: ${detail}`);
	}
}

export interface RecognizeOptions {
	/** ispdf=true: a PDF is read (types general and fast only). */
	pdf: boolean;
	page: number;
	type?: string;
	/** Formats taken (default all four); anything else is an UnreadableFile. */
	formats?: Format[];
}

/**
 * Reads text from PNG, JPEG and BMP images (the text embedded by test/helpers/images.ts, else
 * tesseract.js with the English model of `@tesseract.js-data/eng`, nothing downloaded) and from
 * PDF pages' content streams. Anything else is refused: no file is read as text.
 */
export class OcrEngine {
	private worker?: Promise<TesseractWorker>;

	constructor(private readonly mode: 'auto' | 'text') {}

	async recognize(data: Buffer, options: RecognizeOptions): Promise<Recognition> {
		const format = formatOf(data);
		const formats = options.formats ?? ['png', 'jpeg', 'bmp', 'pdf'];
		if (!format || !formats.includes(format)) {
			throw new UnreadableFile(
				`by its content it is not ${formats.map((f) => f.toUpperCase()).join(', ')}.`,
			);
		}
		if (format === 'pdf') return this.readPdf(data, options);
		try {
			decodeImage(data, format);
		} catch (error) {
			throw new UnreadableFile(
				`the ${format.toUpperCase()} data does not decode (${(error as Error).message}).`,
			);
		}
		const embedded = embeddedText(data);
		if (embedded !== undefined) return { lines: textLines(embedded.split('\n')), pageCount: 0 };
		if (this.mode === 'text') {
			throw new ServiceError(
				501,
				'EmulatorEngineText',
				"The emulator runs with engine 'text', which reads only PDFs and images made by textPng() (use engine 'auto' for tesseract).",
			);
		}
		return { lines: await this.tesseract(data), pageCount: 0 };
	}

	/** sync-ocr/SILENT.md: PDF answers beyond these documented rules are the emulator's. */
	private readPdf(data: Buffer, options: RecognizeOptions): Recognition {
		if (!options.pdf) throw undocumented('The file is a PDF and ispdf is not true');
		if (options.type !== undefined && options.type !== 'general' && options.type !== 'fast') {
			throw undocumented(
				`PDF recognition takes effect for types general and fast, not ${options.type}`,
			);
		}
		const pages = readPdfPages(data);
		if (pages.length === 0) throw new UnreadableFile('the PDF has no readable pages.');
		if (options.page > pages.length)
			throw undocumented(
				`pdf-pagenumber ${options.page} is beyond the last page (${pages.length})`,
			);
		return { lines: textLines(pages[options.page - 1]), pageCount: pages.length };
	}

	private async tesseract(image: Buffer): Promise<RecognizedLine[]> {
		this.worker ??= (async () => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { createWorker } = require('tesseract.js') as {
				createWorker(lang: string, oem: number, options: object): Promise<TesseractWorker>;
			};
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const eng = require('@tesseract.js-data/eng') as { langPath: string };
			// Without an errorHandler, tesseract.js throws an unreadable image's error from its message
			// listener, which kills the process; with one, recognize() rejects and the worker lives on.
			return await createWorker('eng', 1, {
				langPath: eng.langPath,
				gzip: true,
				cacheMethod: 'none',
				errorHandler: () => undefined,
			});
		})();
		let worker: TesseractWorker;
		try {
			worker = await this.worker;
		} catch (error) {
			this.worker = undefined;
			throw new ServiceError(
				500,
				'InternalError',
				`The OCR engine could not start: ${String(error instanceof Error ? error.message : error)}`,
			);
		}
		let blocks: TesseractBlock[] | null;
		try {
			({ blocks } = (await worker.recognize(image, {}, { blocks: true, text: false })).data);
		} catch (error) {
			// tesseract.js rejects with a string such as "Error: Error attempting to read image."
			const detail = String(error instanceof Error ? error.message : error).replace(
				/^(Error: )+/,
				'',
			);
			throw new UnreadableFile(`tesseract could not read the image (${detail}).`);
		}
		return (blocks ?? [])
			.flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines))
			.filter((line) => line.text.trim() !== '')
			.map((line) => ({
				text: line.text.trim(),
				confidence: Math.round(line.confidence),
				box: box(line.bbox),
				characters: line.words.flatMap((word) =>
					(word.symbols ?? []).map((symbol) => ({
						character: symbol.text,
						confidence: Math.round(symbol.confidence),
						box: box(symbol.bbox),
					})),
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

const point = (x: number, y: number) => ({ X: x, Y: y });
const corners = (b: Box) => [
	point(b.x, b.y),
	point(b.x + b.width, b.y),
	point(b.x + b.width, b.y + b.height),
	point(b.x, b.y + b.height),
];

export interface DetectionOptions {
	/** Characters as `Words` (isword / IsWord with general or accurate). */
	words: boolean;
	/** Characters as `WordPolygon` (enable-word-polygon / EnableWordPolygon with handwriting). */
	wordPolygons: boolean;
	/**
	 * Jobs and callbacks: every line carries `<WordPolygon/>` and
	 * `<Words><Character/><Confidence>0</Confidence><WordCoordPoint/></Words>` where nothing was
	 * asked for (jobs/ocr-success.xml, callbacks/ocr-xml.xml). Sync answers have none
	 * (sync-ocr/general.xml; sync-ocr/SILENT.md).
	 */
	placeholders?: boolean;
}

const PLACEHOLDER_WORDS = { Character: '', Confidence: 0, WordCoordPoint: '' };

/**
 * `TextDetections` with their children in the corpus's (alphabetical) order: Confidence,
 * DetectedText, ItemPolygon (Height, Width, X, Y), Polygon × 4 (X, Y), WordPolygon, Words
 * (sync-ocr/general-isword.xml, sync-ocr/handwriting-word-polygon.xml, jobs/ocr-success.xml).
 */
export function textDetections(lines: RecognizedLine[], options: DetectionOptions): XmlObject[] {
	const placeholder = (value: unknown) => (options.placeholders ? value : undefined);
	return lines.map((line) => ({
		Confidence: line.confidence,
		DetectedText: line.text,
		ItemPolygon: { Height: line.box.height, Width: line.box.width, X: line.box.x, Y: line.box.y },
		Polygon: corners(line.box),
		WordPolygon:
			options.wordPolygons && line.characters.length
				? line.characters.map((c) => {
						const [leftTop, rightTop, rightBottom, leftBottom] = corners(c.box);
						return {
							LeftTop: leftTop,
							RightTop: rightTop,
							RightBottom: rightBottom,
							LeftBottom: leftBottom,
						};
					})
				: (placeholder('') as XmlObject[] | undefined),
		Words:
			options.words && line.characters.length
				? line.characters.map((c) => ({
						Character: c.character,
						Confidence: c.confidence,
						WordCoordPoint: { WordCoordinate: corners(c.box) },
					}))
				: (placeholder({ ...PLACEHOLDER_WORDS }) as XmlObject | undefined),
	}));
}
