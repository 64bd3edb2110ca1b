import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { processItems } from '../../helpers/items';
import { simplifyProperty } from '../../helpers/properties';
import { describeJobs, simplifyJob } from '../../helpers/jobs';
import { invalid } from '../../helpers/validate';

const displayOptions: IDisplayOptions = { show: { resource: ['job'], operation: ['get'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Job IDs',
		name: 'jobIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'a3c193f288b2c11eeb60f39de2f86f409',
		displayOptions,
		description: 'One job ID, or several separated by commas',
	},
	simplifyProperty(displayOptions, 'the whole JobsDetail of the service'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await processItems(this, 5, async (itemIndex) => {
		const ids = [...new Set((this.getNodeParameter('jobIds', itemIndex) as string).split(',').map((id) => id.trim()).filter(Boolean))];
		if (ids.length === 0) throw invalid(this.getNode(), itemIndex, '"Job IDs" is empty', 'Enter one job ID or several separated by commas');
		const bad = ids.find((id) => !/^[A-Za-z0-9_-]+$/.test(id));
		if (bad) throw invalid(this.getNode(), itemIndex, `"Job IDs" has "${bad}", which is not a job ID`, 'Job IDs are letters and digits, such as a3c193f288b2c11eeb60f39de2f86f409');
		const { jobs, unknownIds } = await describeJobs(this, ids, itemIndex);
		if (unknownIds.length) {
			throw invalid(
				this.getNode(),
				itemIndex,
				`No job with ID ${unknownIds.map((id) => `"${id}"`).join(', ')} exists in this bucket`,
				jobs.length ? `Found: ${jobs.map((job) => String(job.JobId)).join(', ')}` : undefined,
			);
		}
		const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
		return jobs.map((job) => ({ json: simplify ? simplifyJob(job) : job }));
	});
}
