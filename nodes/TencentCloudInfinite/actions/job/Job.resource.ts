import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as submitCardJob from './submitCardJob.operation';
import * as submitOcrJob from './submitOcrJob.operation';

export { cancel, get, getAll, submitCardJob, submitOcrJob };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['job'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Cancel jobs that have not started yet',
				action: 'Cancel jobs',
			},
			{ name: 'Get', value: 'get', description: 'Get one or more jobs by ID', action: 'Get jobs' },
			{ name: 'Get Many', value: 'getAll', description: 'List jobs', action: 'Get many jobs' },
			{
				name: 'Submit Card Recognition Job',
				value: 'submitCardJob',
				description: 'Read the fields of an ID card or driving licence',
				action: 'Submit a card recognition job',
			},
			{
				name: 'Submit OCR Job',
				value: 'submitOcrJob',
				description: 'Recognize text asynchronously',
				action: 'Submit an OCR job',
			},
		],
		default: 'submitOcrJob',
	},
	...submitOcrJob.description,
	...submitCardJob.description,
	...cancel.description,
	...get.description,
	...getAll.description,
];
