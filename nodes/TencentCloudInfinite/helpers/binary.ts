import { randomUUID } from 'crypto';

import { BINARY_ENCODING, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';

import { operationError } from '../transport/errors';
import { ciRequest } from '../transport/request';
import type { ItemParameters } from './parameters';

export const DEFAULT_UPLOAD_PREFIX = 'n8n-ocr-uploads/';

/** What the service accepts for a file to recognize, by MIME type and by file extension. */
export interface FileRule {
	/** How the rule is named to the user: "PNG, JPG, JPEG, BMP or PDF". */
	formats: string;
	mimeTypes: string[];
	extensions: string[];
	maxBytes: number;
	/** Where the limit is documented. */
	source: string;
}

/** A binary file of an item, with what is known of it before it is read. */
export interface InputFile {
	binary: IBinaryData;
	fileName: string | null;
	size: number;
	isPdf: boolean;
}

function extensionOf(binary: IBinaryData): string {
	const fromName = /\.([A-Za-z0-9]+)$/.exec(binary.fileName ?? '')?.[1];
	return (binary.fileExtension ?? fromName ?? '').toLowerCase();
}

async function sizeOf(context: IExecuteFunctions, binary: IBinaryData): Promise<number> {
	if (binary.id) return (await context.helpers.getBinaryMetadata(binary.id)).fileSize;
	return Buffer.byteLength(binary.data, BINARY_ENCODING);
}

function megabytes(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 2)} MB`;
}

/**
 * The item's binary file named by "Input Binary Field", checked against what the service
 * accepts (format and size) before anything is uploaded.
 */
export async function inputFile(
	context: IExecuteFunctions,
	params: ItemParameters,
	rule: FileRule,
): Promise<InputFile> {
	const field = params.string('binaryPropertyName', { required: true });
	const binaries = context.getInputData()[params.itemIndex]?.binary ?? {};
	const binary = binaries[field];
	if (!binary) {
		const present = Object.keys(binaries);
		params.fail(
			'binaryPropertyName',
			`is "${field}", but item ${params.itemIndex} has no binary field of that name`,
			present.length
				? `Binary fields on this item: ${present.join(', ')}`
				: 'This item has no binary data: read or download a file before this node, or pick another source',
		);
	}
	const fileName = binary.fileName ?? null;
	const named = fileName ? `"${fileName}"` : `the file in "${field}"`;
	const mimeType = (binary.mimeType ?? '').toLowerCase();
	const known = rule.mimeTypes.includes(mimeType) || rule.extensions.includes(extensionOf(binary));
	if (!known) {
		throw operationError(
			context.getNode(),
			`${named} is ${mimeType || 'of an unknown type'}; the service reads only ${rule.formats}`,
			{
				itemIndex: params.itemIndex,
				description: `Convert the file first, or pick another binary field (${rule.source})`,
				input: { fileName },
			},
		);
	}
	const size = await sizeOf(context, binary);
	if (size === 0) {
		throw operationError(context.getNode(), `${named} is empty`, {
			itemIndex: params.itemIndex,
			input: { fileName },
		});
	}
	if (size > rule.maxBytes) {
		throw operationError(
			context.getNode(),
			`${named} is ${megabytes(size)}; the service reads files of at most ${megabytes(rule.maxBytes)}`,
			{
				itemIndex: params.itemIndex,
				description: `Reduce the file (fewer pixels, stronger compression, fewer pages) before this node (${rule.source})`,
				input: { fileName },
			},
		);
	}
	const isPdf = mimeType === 'application/pdf' || extensionOf(binary) === 'pdf';
	return { binary, fileName, size, isPdf };
}

function safeFileName(binary: IBinaryData): string {
	const name = (binary.fileName ?? '').replace(/[\\/]+/g, '_').trim();
	return name || `file${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
}

export interface RequestScope {
	itemIndex: number;
	timeoutSeconds: number;
}

/** Uploads the binary to `<prefix><uuid>/<file name>`, streaming it when n8n keeps it outside memory. */
export async function uploadFile(
	context: IExecuteFunctions,
	scope: RequestScope,
	file: InputFile,
	keyPrefix: string,
): Promise<string> {
	const { binary } = file;
	const key = `${keyPrefix.replace(/^\/+/, '')}${randomUUID()}/${safeFileName(binary)}`;
	const common = {
		service: 'cos' as const,
		method: 'PUT' as const,
		path: `/${key}`,
		contentType: binary.mimeType || 'application/octet-stream',
		input: { fileName: file.fileName },
		...scope,
	};
	const id = binary.id;
	if (id) {
		await ciRequest.call(context, {
			...common,
			body: async () => await context.helpers.getBinaryStream(id),
			contentLength: file.size,
		});
	} else {
		await ciRequest.call(context, { ...common, body: Buffer.from(binary.data, BINARY_ENCODING) });
	}
	return key;
}

export async function deleteObject(
	context: IExecuteFunctions,
	scope: RequestScope,
	key: string,
): Promise<void> {
	await ciRequest.call(context, {
		service: 'cos',
		method: 'DELETE',
		path: `/${key}`,
		input: { objectKey: key },
		...scope,
	});
}

/** Runs `work`, then deletes the uploaded object; a failure of the work wins over one of the delete. */
export async function deleteAfter<T>(
	context: IExecuteFunctions,
	scope: RequestScope,
	key: string | undefined,
	work: () => Promise<T>,
): Promise<T> {
	if (!key) return await work();
	const outcome = await work().then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
	if (outcome.ok) {
		await deleteObject(context, scope, key);
		return outcome.value;
	}
	await deleteObject(context, scope, key).catch(() => undefined);
	return await Promise.reject(outcome.error);
}

/** Reads a streamed body, giving up past `limit` bytes. */
async function readAtMost(body: unknown, limit: number): Promise<Buffer | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body as AsyncIterable<Buffer | string>) {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
		size += bytes.length;
		if (size > limit) {
			(body as { destroy?: () => void }).destroy?.();
			return undefined;
		}
		chunks.push(bytes);
	}
	return Buffer.concat(chunks);
}

/**
 * Downloads a public URL in n8n, for an operation the service documents no `detect-url` for
 * (ID cards): the file is then recognized as a binary file is. The request carries no credential.
 */
export async function downloadFile(
	context: IExecuteFunctions,
	scope: RequestScope,
	url: string,
	rule: FileRule,
): Promise<InputFile> {
	const fail = (problem: string, description?: string) =>
		operationError(context.getNode(), `The file at ${url} ${problem}`, {
			itemIndex: scope.itemIndex,
			description,
			input: { url },
		});
	let response: { statusCode: number; headers: Record<string, string>; body: unknown };
	try {
		response = (await context.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: scope.timeoutSeconds * 1000,
		})) as typeof response;
	} catch (error) {
		throw fail(
			'could not be downloaded',
			`${(error as Error).message}. Check that n8n can reach the URL`,
		);
	}
	if (response.statusCode < 200 || response.statusCode >= 300) {
		(response.body as { destroy?: () => void }).destroy?.();
		throw fail(`could not be downloaded: HTTP ${response.statusCode}`);
	}
	const data = await readAtMost(response.body, rule.maxBytes);
	if (!data)
		throw fail(
			`is larger than ${megabytes(rule.maxBytes)}, the most the service reads`,
			rule.source,
		);
	if (data.length === 0) throw fail('is empty');
	const fileName = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || 'download';
	const mimeType = String(response.headers['content-type'] ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
	if (!rule.mimeTypes.includes(mimeType) && !rule.extensions.includes(extension)) {
		throw fail(
			`is ${mimeType || 'of an unknown type'}; the service reads only ${rule.formats}`,
			rule.source,
		);
	}
	const binary: IBinaryData = {
		data: data.toString(BINARY_ENCODING),
		mimeType: mimeType || 'application/octet-stream',
		fileName,
	};
	return {
		binary,
		fileName,
		size: data.length,
		isPdf: mimeType === 'application/pdf' || extension === 'pdf',
	};
}
