import {
	NodeApiError,
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { jobIdsField, toolDescriptionField } from '../common.descriptions';
import { processItems } from '../../helpers/items';
import { describeJobs, FINAL_STATES } from '../../helpers/jobs';
import type { NodeParameters } from '../../helpers/parameters';
import { readJobIds } from '../../helpers/validate';
import { factsOf } from '../../transport/errors';
import { ciRequest } from '../../transport/request';

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Cancels Cloud Infinite jobs that have not started yet. Pass one job ID or several separated by commas. Returns one entry per job: jobId, cancelled (true or false), state, and reason when it could not be cancelled.',
	),
	{
		...jobIdsField,
		description:
			'One job ID, or several separated by commas; only jobs that have not started can be cancelled (Tencent docs)',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['job'], operation: ['cancel'] } },
	properties,
);

interface Outcome {
	jobId: string;
	cancelled: boolean;
	state: string | null;
	reason: string | null;
	tag: string | null;
}

/**
 * One item per job: whether it was cancelled, its state as the service then reports it, and why
 * not. A job that is unknown or already finished is not sent a cancel (what the service answers
 * then is not documented: test/conformance/cancel/SILENT.md); a refusal of the service is kept
 * with its code and message. Every cancel is checked by reading the job again.
 */
export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const ids = readJobIds(params.item(itemIndex), 'jobIds');
		const scope = { itemIndex };
		const before = await describeJobs(this, ids, scope);
		const known = new Map(before.jobs.map((job) => [String(job.JobId), job]));
		const outcomes: Outcome[] = [];
		for (const jobId of ids) {
			const job = known.get(jobId);
			const tag = job ? String(job.Tag ?? '') || null : null;
			if (!job) {
				outcomes.push({
					jobId,
					cancelled: false,
					state: null,
					reason: 'No job with this ID exists in this bucket',
					tag,
				});
				continue;
			}
			const state = String(job.State);
			if (FINAL_STATES.includes(state)) {
				outcomes.push({
					jobId,
					cancelled: state === 'Cancel',
					state,
					reason:
						state === 'Cancel' ? 'It was already cancelled' : `It has already finished (${state})`,
					tag,
				});
				continue;
			}
			const refused = await ciRequest
				.call(this, {
					service: 'ci',
					method: 'PUT',
					path: `/jobs/${jobId}`,
					query: { cancel: '' },
					input: { jobId },
					...scope,
				})
				.then(
					() => undefined,
					(error: unknown) => {
						const facts = factsOf(error);
						// A refusal of the service is this job's outcome; anything else (network, credential) fails the item.
						if (error instanceof NodeApiError && facts?.httpCode) return error.message;
						throw error;
					},
				);
			outcomes.push({ jobId, cancelled: false, state, reason: refused ?? null, tag });
		}
		const sent = outcomes.filter(
			(outcome) =>
				outcome.state !== null && !FINAL_STATES.includes(outcome.state) && outcome.reason === null,
		);
		if (sent.length) {
			const after = await describeJobs(
				this,
				sent.map((outcome) => outcome.jobId),
				scope,
			);
			for (const outcome of sent) {
				const job = after.jobs.find((entry) => String(entry.JobId) === outcome.jobId);
				outcome.state = job ? String(job.State) : null;
				outcome.cancelled = outcome.state === 'Cancel';
				if (!outcome.cancelled)
					outcome.reason = `The service accepted the cancel, but the job is ${outcome.state ?? 'gone'}`;
			}
		}
		return outcomes.map((outcome) => ({ json: { ...outcome } }));
	});
}
