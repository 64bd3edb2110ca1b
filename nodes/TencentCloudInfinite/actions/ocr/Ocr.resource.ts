import type { INodeProperties } from 'n8n-workflow';

import * as recognizeText from './recognizeText.operation';

export { recognizeText };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['ocr'] } },
		options: [
			{
				name: 'Recognize Text',
				value: 'recognizeText',
				description: 'Read the text of an image or PDF page (synchronous OCR)',
				action: 'Recognize text in an image or PDF',
			},
		],
		default: 'recognizeText',
	},
	...recognizeText.description,
];
