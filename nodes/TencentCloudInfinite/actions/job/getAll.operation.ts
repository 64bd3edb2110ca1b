import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	jobStateOptions,
	outputFields,
	returnAllFields,
	toolDescriptionField,
} from '../common.descriptions';
import { processItems } from '../../helpers/items';
import { jobOutput, type OutputMode } from '../../helpers/jobs';
import type { ItemParameters, NodeParameters } from '../../helpers/parameters';
import { ciRequest } from '../../transport/request';

/** The service's largest page (DescribeMediaJobs: size at most 100). */
const PAGE_SIZE = 100;

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Lists the Tencent Cloud Infinite jobs of one type, newest first. Returns each job with its jobId, state, creation time and, once it has succeeded, its result.',
	),
	{
		displayName: 'Job Type',
		name: 'tag',
		type: 'options',
		default: 'ImageOCR',
		options: [
			{ name: 'OCR', value: 'ImageOCR' },
			{ name: 'Card Recognition', value: 'ImageLicenseRec' },
		],
	},
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ displayName: 'Created After', name: 'startCreationTime', type: 'dateTime', default: '' },
			{ displayName: 'Created Before', name: 'endCreationTime', type: 'dateTime', default: '' },
			{
				displayName: 'Input Object',
				name: 'inputObject',
				type: 'string',
				default: '',
				description: 'Only jobs whose input is exactly this object key',
			},
			{
				displayName: 'Inventory Trigger Job ID',
				name: 'inventoryTriggerJobId',
				type: 'string',
				default: '',
				description: 'Only jobs started by this batch (inventory trigger) job',
			},
			{
				displayName: 'Order',
				name: 'orderByTime',
				type: 'options',
				default: 'Desc',
				options: [
					{ name: 'Newest First', value: 'Desc' },
					{ name: 'Oldest First', value: 'Asc' },
				],
			},
			{
				displayName: 'Queue ID',
				name: 'queueId',
				type: 'string',
				default: '',
				description: 'Wins over Queue Type when both are set',
			},
			{
				displayName: 'Queue Type',
				name: 'queueType',
				type: 'string',
				default: '',
				description: 'Only jobs of queues of this type (the service documents no list of types)',
			},
			{
				displayName: 'States',
				name: 'states',
				type: 'multiOptions',
				default: [],
				options: jobStateOptions,
			},
			{
				displayName: 'Workflow ID',
				name: 'workflowId',
				type: 'string',
				default: '',
				description: 'Only jobs started by this CI workflow',
			},
		],
	},
	...outputFields,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['job'], operation: ['getAll'] } },
	properties,
);

/** CI wants `2026-01-31T08:00:00+0000` (test/conformance/jobs/list-query.md; the doc's `%Y-%m-%dT%H:%m:%S%z` means this). */
function ciTime(filters: ItemParameters, name: string): string | undefined {
	const value = filters.string(name);
	if (!value) return undefined;
	const time = new Date(value);
	if (Number.isNaN(time.getTime()))
		filters.fail(
			name,
			`is not a date and time: "${value}"`,
			'Use an ISO 8601 date and time such as 2026-01-31T08:00:00Z',
		);
	return `${time.toISOString().slice(0, 19)}+0000`;
}

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const item = params.item(itemIndex);
		const returnAll = item.boolean('returnAll');
		const limit = returnAll ? Infinity : item.integer('limit');
		const filters = item.collectionOf('filters');
		const output = item.option<OutputMode>('output');
		const states = filters.options('states');
		const optional = (name: string) => filters.string(name) || undefined;
		const query = {
			tag: item.option('tag'),
			queueId: optional('queueId'),
			queueType: optional('queueType'),
			inventoryTriggerJobId: optional('inventoryTriggerJobId'),
			workflowId: optional('workflowId'),
			inputObject: optional('inputObject'),
			states: states.length ? states.join(',') : undefined,
			orderByTime: filters.has('orderByTime') ? filters.option('orderByTime') : undefined,
			startCreationTime: ciTime(filters, 'startCreationTime'),
			endCreationTime: ciTime(filters, 'endCreationTime'),
			size: Math.min(PAGE_SIZE, limit),
		};
		const jobs: IDataObject[] = [];
		let nextToken: string | undefined;
		for (;;) {
			const { body } = await ciRequest.call(this, {
				service: 'ci',
				method: 'GET',
				path: '/jobs',
				query: { ...query, nextToken },
				itemIndex,
			});
			const page = Array.isArray(body.JobsDetail) ? (body.JobsDetail as IDataObject[]) : [];
			jobs.push(...page);
			nextToken = typeof body.NextToken === 'string' && body.NextToken ? body.NextToken : undefined;
			// The last page has an empty NextToken; an empty page ends the listing too.
			if (!nextToken || page.length === 0 || jobs.length >= limit) break;
		}
		return jobs.slice(0, limit).map((job) => ({ json: jobOutput(job, output) }));
	});
}
