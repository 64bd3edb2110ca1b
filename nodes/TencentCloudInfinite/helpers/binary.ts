import { randomUUID } from 'crypto';

import { BINARY_ENCODING, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';

import { ciRequest } from '../transport/request';
import { invalid } from './validate';

/** The item's binary file under `propertyName`, or an error naming the parameter and what exists. */
export function inputBinary(context: IExecuteFunctions, itemIndex: number, propertyName: string): IBinaryData {
	const binaries = context.getInputData()[itemIndex]?.binary ?? {};
	const binary = binaries[propertyName];
	if (binary) return binary;
	const present = Object.keys(binaries);
	throw invalid(
		context.getNode(),
		itemIndex,
		`"Input Binary Field": item ${itemIndex} has no binary field "${propertyName}"`,
		present.length
			? `Binary fields on this item: ${present.join(', ')}`
			: 'This item has no binary data: read or download a file before this node, or pick another source',
	);
}

function safeFileName(binary: IBinaryData): string {
	const name = (binary.fileName ?? '').replace(/[\\/]+/g, '_').trim();
	return name || `file${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
}

/** Uploads the binary to `<prefix><uuid>/<file name>`, streaming it when n8n keeps it outside memory. */
export async function uploadBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	binary: IBinaryData,
	keyPrefix: string,
): Promise<string> {
	const key = `${keyPrefix.replace(/^\/+/, '')}${randomUUID()}/${safeFileName(binary)}`;
	const contentType = binary.mimeType || 'application/octet-stream';
	if (binary.id) {
		const id = binary.id;
		const { fileSize } = await context.helpers.getBinaryMetadata(id);
		await ciRequest.call(context, {
			service: 'cos',
			method: 'PUT',
			path: `/${key}`,
			body: async () => await context.helpers.getBinaryStream(id),
			contentLength: fileSize,
			contentType,
			itemIndex,
		});
	} else {
		await ciRequest.call(context, {
			service: 'cos',
			method: 'PUT',
			path: `/${key}`,
			body: Buffer.from(binary.data, BINARY_ENCODING),
			contentType,
			itemIndex,
		});
	}
	return key;
}

export async function deleteObject(context: IExecuteFunctions, itemIndex: number, key: string): Promise<void> {
	await ciRequest.call(context, { service: 'cos', method: 'DELETE', path: `/${key}`, itemIndex });
}
