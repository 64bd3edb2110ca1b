/** Pixels of PNG, JPEG and BMP images (pure JS: pngjs, jpeg-js), crops and JPEG encoding. */
import { decode as decodeJpeg, encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

import type { Box } from './ocr';
import type { Format } from './formats';

export interface Pixels {
	width: number;
	height: number;
	/** RGBA, 4 bytes a pixel, rows top down. */
	data: Buffer;
}

/** Uncompressed 24- or 32-bit BMP (BI_RGB), bottom-up or top-down rows. */
function decodeBmp(file: Buffer): Pixels {
	const offset = file.readUInt32LE(10);
	const width = file.readInt32LE(18);
	const rawHeight = file.readInt32LE(22);
	const bits = file.readUInt16LE(28);
	const compression = file.readUInt32LE(30);
	if ((bits !== 24 && bits !== 32) || compression !== 0 || width <= 0 || rawHeight === 0) {
		throw new Error(
			`only uncompressed 24/32-bit BMP is read (this one: ${bits} bits, compression ${compression})`,
		);
	}
	const height = Math.abs(rawHeight);
	const stride = Math.ceil((width * bits) / 32) * 4;
	if (offset + stride * height > file.length) throw new Error('the BMP pixel data is cut short');
	const data = Buffer.alloc(width * height * 4);
	for (let y = 0; y < height; y++) {
		const row = offset + stride * (rawHeight > 0 ? height - 1 - y : y);
		for (let x = 0; x < width; x++) {
			const at = row + (x * bits) / 8;
			data.set([file[at + 2], file[at + 1], file[at], 255], (y * width + x) * 4);
		}
	}
	return { width, height, data };
}

/** Decodes an image; throws when its bytes cannot be read. */
export function decodeImage(file: Buffer, format: Format): Pixels {
	if (format === 'png') {
		const png = PNG.sync.read(file);
		return { width: png.width, height: png.height, data: png.data };
	}
	if (format === 'jpeg') {
		const jpeg = decodeJpeg(file, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
		return { width: jpeg.width, height: jpeg.height, data: Buffer.from(jpeg.data) };
	}
	if (format === 'bmp') return decodeBmp(file);
	throw new Error(`${format} is not an image`);
}

/**
 * The box of the pixels that differ from the image's top-left corner colour (a card on a plain
 * background, as in test/fixtures/id-card.png); the whole image when every pixel is alike.
 */
export function foreground(pixels: Pixels, tolerance = 48): Box {
	const { width, height, data } = pixels;
	const [r, g, b] = data;
	let left = width;
	let top = height;
	let right = -1;
	let bottom = -1;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const at = (y * width + x) * 4;
			if (
				Math.abs(data[at] - r) + Math.abs(data[at + 1] - g) + Math.abs(data[at + 2] - b) <=
				tolerance
			)
				continue;
			left = Math.min(left, x);
			right = Math.max(right, x);
			top = Math.min(top, y);
			bottom = Math.max(bottom, y);
		}
	}
	if (right < 0) return { x: 0, y: 0, width, height };
	return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/** A real JPEG of `box` (clamped to the image, at least 1×1), as Base64. */
export function jpegCrop(pixels: Pixels, box: Box): string {
	const x0 = Math.max(0, Math.min(pixels.width - 1, Math.round(box.x)));
	const y0 = Math.max(0, Math.min(pixels.height - 1, Math.round(box.y)));
	const width = Math.max(1, Math.min(pixels.width - x0, Math.round(box.width)));
	const height = Math.max(1, Math.min(pixels.height - y0, Math.round(box.height)));
	const data = Buffer.alloc(width * height * 4);
	for (let y = 0; y < height; y++) {
		const from = ((y0 + y) * pixels.width + x0) * 4;
		pixels.data.copy(data, y * width * 4, from, from + width * 4);
	}
	return encodeJpeg({ width, height, data }, 90).data.toString('base64');
}
