import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { jobIdsField, outputFields, toolDescriptionField } from '../common.descriptions';
import { processItems } from '../../helpers/items';
import { describeJobs, jobOutput, type OutputMode } from '../../helpers/jobs';
import type { NodeParameters } from '../../helpers/parameters';
import { readJobIds } from '../../helpers/validate';
import { operationError } from '../../transport/errors';

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Gets Tencent Cloud Infinite jobs by ID: pass one job ID, or several separated by commas. Returns each job with its state (Submitted, Running, Success, Failed, Pause or Cancel) and, once it has succeeded, its result.',
	),
	jobIdsField,
	...outputFields,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['job'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItems(this, 5, async (itemIndex) => {
		const item = params.item(itemIndex);
		const ids = readJobIds(item, 'jobIds');
		const output = item.option<OutputMode>('output');
		const { jobs, unknownIds } = await describeJobs(this, ids, { itemIndex });
		if (unknownIds.length) {
			throw operationError(
				this.getNode(),
				`No job with ID ${unknownIds.map((id) => `"${id}"`).join(', ')} exists in this bucket`,
				{
					itemIndex,
					description: jobs.length
						? `Found: ${jobs.map((job) => String(job.JobId)).join(', ')}`
						: 'Check the IDs, the bucket and the region of the credential',
					input: unknownIds.length === 1 ? { jobId: unknownIds[0] } : { jobIds: unknownIds },
				},
			);
		}
		return jobs.map((job) => ({ json: jobOutput(job, output) }));
	});
}
