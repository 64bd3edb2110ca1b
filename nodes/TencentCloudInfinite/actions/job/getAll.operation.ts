import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { processItems } from '../../helpers/items';
import { returnAllProperties, simplifyProperty } from '../../helpers/properties';
import { JOB_STATES, simplifyJob } from '../../helpers/jobs';
import { invalid } from '../../helpers/validate';
import { ciRequest } from '../../transport/request';

const displayOptions: IDisplayOptions = { show: { resource: ['job'], operation: ['getAll'] } };
const PAGE_SIZE = 50;

export const description: INodeProperties[] = [
	{
		displayName: 'Job Type',
		name: 'tag',
		type: 'options',
		default: 'ImageOCR',
		displayOptions,
		options: [
			{ name: 'OCR', value: 'ImageOCR' },
			{ name: 'Card Recognition', value: 'ImageLicenseRec' },
		],
	},
	...returnAllProperties(displayOptions),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions,
		options: [
			{ displayName: 'Created After', name: 'startCreationTime', type: 'dateTime', default: '' },
			{ displayName: 'Created Before', name: 'endCreationTime', type: 'dateTime', default: '' },
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
			{ displayName: 'Queue ID', name: 'queueId', type: 'string', default: '' },
			{
				displayName: 'States',
				name: 'states',
				type: 'multiOptions',
				default: [],
				options: JOB_STATES.map((state) => ({ name: state, value: state })),
			},
		],
	},
	simplifyProperty(displayOptions, 'the whole JobsDetail of the service'),
];

/** CI wants `2026-01-31T08:00:00+0000`. */
function ciTime(context: IExecuteFunctions, itemIndex: number, value: unknown, parameter: string): string | undefined {
	if (!value) return undefined;
	const time = new Date(String(value));
	if (Number.isNaN(time.getTime())) throw invalid(context.getNode(), itemIndex, `"${parameter}" is not a date and time: "${String(value)}"`);
	return `${time.toISOString().slice(0, 19)}+0000`;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
		const query = {
			tag: this.getNodeParameter('tag', itemIndex) as string,
			queueId: filters.queueId ? String(filters.queueId) : undefined,
			states: Array.isArray(filters.states) && filters.states.length ? filters.states.join(',') : undefined,
			orderByTime: filters.orderByTime ? String(filters.orderByTime) : undefined,
			startCreationTime: ciTime(this, itemIndex, filters.startCreationTime, 'Created After'),
			endCreationTime: ciTime(this, itemIndex, filters.endCreationTime, 'Created Before'),
			size: Math.min(PAGE_SIZE, limit),
		};
		const jobs: IDataObject[] = [];
		let nextToken: string | undefined;
		do {
			const { body } = await ciRequest.call(this, { service: 'ci', method: 'GET', path: '/jobs', query: { ...query, nextToken }, itemIndex });
			jobs.push(...(Array.isArray(body.JobsDetail) ? (body.JobsDetail as IDataObject[]) : []));
			nextToken = typeof body.NextToken === 'string' && body.NextToken ? body.NextToken : undefined;
		} while (nextToken && jobs.length < limit);
		return jobs.slice(0, limit).map((job) => ({ json: simplify ? simplifyJob(job) : job }));
	});
}
