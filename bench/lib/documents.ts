/**
 * OCR answers of a chosen size, in the emulator's own shape (its `textDetections` and XML writer):
 * lines of text with their characters (`Words`, as with Return Characters), which is what makes a
 * real answer large.
 */
import { textDetections, type RecognizedLine } from '../../emulator/ocr';
import { toXml } from '../../emulator/xml';

function lineText(index: number): string {
	return `Invoice ${10000 + index} line ${index}: 3 x Widget A-${index % 97} @ 12.50 EUR = 37.50 EUR`;
}

/** A text object whose sync OCR answer (general, Return Characters) is about `bytes` long. */
export function ocrText(lineCount: number): string {
	return Array.from({ length: lineCount }, (_, index) => lineText(index)).join('\n');
}

/** The same geometry as the emulator's text engine: 12 px a character, 30 px a line. */
function recognizedLines(lineCount: number): RecognizedLine[] {
	return Array.from({ length: lineCount }, (_, index) => {
		const text = lineText(index);
		const y = 10 + index * 30;
		const characters = [...text].map((character, i) => ({
			character,
			confidence: 99,
			box: { x: 10 + i * 12, y, width: 12, height: 24 },
		}));
		return {
			text,
			confidence: 99,
			box: { x: 10, y, width: 12 * text.length, height: 24 },
			characters,
		};
	});
}

export function ocrResponseXml(lineCount: number): string {
	return toXml('Response', {
		TextDetections: textDetections(recognizedLines(lineCount), {
			words: true,
			wordPolygons: false,
		}),
		Language: 'zh',
		Angel: 0,
		PdfPageSize: 0,
		RequestId: 'NjQ1ZDk0ZjNfYmVuY2htYXJr',
	});
}

/** How many lines give an answer of about `bytes`. */
export function linesForResponseBytes(bytes: number): number {
	const probe = 20;
	const perLine = ocrResponseXml(probe).length / probe;
	return Math.max(1, Math.round(bytes / perLine));
}
