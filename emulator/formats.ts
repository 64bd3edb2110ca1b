/** File formats by content (never by name or Content-Type), and the documented size limit. */

export type Format = 'png' | 'jpeg' | 'bmp' | 'pdf';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function formatOf(data: Buffer): Format | undefined {
	if (data.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
	if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
	// BITMAPFILEHEADER: "BM", then the file size (at least the 14 + 12 bytes of the smallest headers).
	if (data.length >= 26 && data[0] === 0x42 && data[1] === 0x4d) return 'bmp';
	if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
	return undefined;
}

/**
 * "所下载文件经 Base64 编码后不超过7MB" (sync-ocr/parameters.json; idcard/SILENT.md §11): read as
 * 7,000,000 Base64 characters, the stricter of the two readings of "MB" (the one the SILENT.md
 * files recommend), i.e. 5,250,000 raw bytes.
 */
export const MAX_BASE64_CHARS = 7_000_000;

export const base64Length = (bytes: number): number => 4 * Math.ceil(bytes / 3);

export const tooLargeAfterBase64 = (data: Buffer): boolean =>
	base64Length(data.length) > MAX_BASE64_CHARS;
