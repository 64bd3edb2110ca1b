import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteTemplate from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export { create, deleteTemplate as delete, get, getAll, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['template'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create an OCR template',
				action: 'Create an OCR template',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an OCR template',
				action: 'Delete an OCR template',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an OCR template',
				action: 'Get an OCR template',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List OCR templates',
				action: 'Get many OCR templates',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change an OCR template',
				action: 'Update an OCR template',
			},
		],
		default: 'create',
	},
	...create.description,
	...deleteTemplate.description,
	...get.description,
	...getAll.description,
	...update.description,
];
