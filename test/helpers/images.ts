/**
 * Real image files for tests. `textPng(lines)` is a valid PNG (a small white picture) that carries
 * its text in an `iTXt` chunk with the keyword `tci-emulator-text`: the emulator's OCR engine
 * reads that text instead of running tesseract, so tests get exact, instant recognition while
 * every format check still sees a real PNG. Without that chunk a PNG goes through tesseract.
 */
import { deflateSync } from 'node:zlib';

export const EMULATOR_TEXT_KEYWORD = 'tci-emulator-text';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(data: Buffer): number {
	let crc = 0xffffffff;
	for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** A white RGB PNG of `width` × `height`, optionally with UTF-8 text in an iTXt chunk. */
export function png(
	options: { width?: number; height?: number; text?: string; padTo?: number } = {},
): Buffer {
	const width = options.width ?? 64;
	const height = options.height ?? 32;
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // RGB
	const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0xff)]);
	const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
	const chunks = [chunk('IHDR', header)];
	if (options.text !== undefined) {
		// keyword, 0, compression flag 0, method 0, empty language tag, 0, empty translated keyword, 0, text
		chunks.push(
			chunk(
				'iTXt',
				Buffer.concat([
					Buffer.from(EMULATOR_TEXT_KEYWORD, 'latin1'),
					Buffer.from([0, 0, 0, 0, 0]),
					Buffer.from(options.text, 'utf8'),
				]),
			),
		);
	}
	if (options.padTo) {
		const used = 8 + chunks.reduce((sum, part) => sum + part.length, 0) + 12 + pixels.length + 12;
		if (options.padTo > used + 12)
			chunks.push(
				chunk(
					'tEXt',
					Buffer.concat([
						Buffer.from('padding\0', 'latin1'),
						Buffer.alloc(options.padTo - used - 12 - 8, 0x20),
					]),
				),
			);
	}
	chunks.push(chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0)));
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

/** A PNG whose recognized text is `lines`, one TextDetections entry each. */
export function textPng(lines: string | string[]): Buffer {
	return png({ text: Array.isArray(lines) ? lines.join('\n') : lines });
}
