import type { INodeProperties } from 'n8n-workflow';

import * as recognizeIdCard from './recognizeIdCard.operation';
import * as recognizeText from './recognizeText.operation';

export { recognizeIdCard, recognizeText };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['ocr'] } },
		options: [
			{
				name: 'Recognize ID Card',
				value: 'recognizeIdCard',
				description:
					'Read a Chinese resident ID card at once: its fields, warnings for copies or edits, and cropped images',
				action: 'Recognize an ID card',
			},
			{
				name: 'Recognize Text',
				value: 'recognizeText',
				description: 'Read the text of an image or PDF page (synchronous OCR)',
				action: 'Recognize text in an image or PDF',
			},
		],
		default: 'recognizeText',
	},
	...recognizeIdCard.description,
	...recognizeText.description,
];
