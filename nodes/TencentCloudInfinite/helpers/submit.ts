import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { operationError } from '../transport/errors';
import { ciRequest } from '../transport/request';
import {
	deleteAfter,
	deleteObject,
	inputFile,
	uploadFile,
	type FileRule,
	type InputFile,
	type RequestScope,
} from './binary';
import {
	callbackXml,
	jobOutput,
	readUserData,
	waitForJob,
	type JobTag,
	type OutputMode,
	type WaitSettings,
} from './jobs';
import type { ItemParameters } from './parameters';
import { checkObjectKey } from './validate';

/** Everything a submit operation reads besides its own recognition settings, checked before any request. */
export interface SubmitPlan {
	scope: RequestScope;
	objectKey?: string;
	file?: InputFile;
	keyPrefix: string;
	userData?: string;
	jobLevel: number;
	callback: IDataObject;
	wait?: WaitSettings;
	deleteUpload: boolean;
	output: OutputMode;
}

export async function readSubmitPlan(
	context: IExecuteFunctions,
	params: ItemParameters,
	rule: FileRule,
): Promise<SubmitPlan> {
	const options = params.collectionOf('options');
	const scope = { itemIndex: params.itemIndex, timeoutSeconds: options.integer('requestTimeout') };
	const source = params.option<'object' | 'binary'>('source');
	const waiting = params.boolean('waitForCompletion');
	return {
		scope,
		objectKey: source === 'object' ? checkObjectKey(params, 'objectKey') : undefined,
		file: source === 'binary' ? await inputFile(context, params, rule) : undefined,
		keyPrefix: source === 'binary' ? options.string('keyPrefix') : '',
		userData: readUserData(options),
		jobLevel: options.option<number>('jobLevel'),
		callback: callbackXml(params),
		wait: waiting
			? {
					intervalSeconds: options.integer('pollInterval'),
					timeoutSeconds: options.integer('timeout'),
				}
			: undefined,
		deleteUpload: source === 'binary' && waiting && params.boolean('deleteUpload'),
		output: params.option<OutputMode>('output'),
	};
}

/**
 * Uploads a binary input if there is one, submits the job (once: a POST is never repeated) and,
 * if asked, waits for it; an upload is deleted once the job has finished when asked, and at once
 * when the submission fails. The item says where the input is and whether an upload was kept.
 */
export async function submitJob(
	context: IExecuteFunctions,
	plan: SubmitPlan,
	tag: JobTag,
	operation: IDataObject,
): Promise<INodeExecutionData> {
	const uploadedKey = plan.file
		? await uploadFile(context, plan.scope, plan.file, plan.keyPrefix)
		: undefined;
	const objectKey = uploadedKey ?? plan.objectKey!;
	const input = { objectKey, ...(plan.file ? { fileName: plan.file.fileName } : {}) };
	const templateId = typeof operation.TemplateId === 'string' ? operation.TemplateId : undefined;
	const submit = async () => {
		const { body } = await ciRequest.call(context, {
			service: 'ci',
			method: 'POST',
			path: '/jobs',
			xml: {
				Request: {
					Tag: tag,
					Input: { Object: objectKey },
					Operation: { ...operation, UserData: plan.userData, JobLevel: plan.jobLevel },
					...plan.callback,
				},
			},
			input: templateId ? { ...input, templateId } : input,
			...plan.scope,
		});
		const submitted = (Array.isArray(body.JobsDetail) ? body.JobsDetail[0] : undefined) as
			| IDataObject
			| undefined;
		if (!submitted?.JobId) {
			throw operationError(
				context.getNode(),
				'The service answered the job submission without a JobId',
				{
					itemIndex: plan.scope.itemIndex,
					description: `RequestId ${String(body.RequestId ?? '-')}`,
				},
			);
		}
		return submitted;
	};

	// When the submission fails no job will read an upload, so it goes at once.
	const submitted = uploadedKey
		? await submit().catch(async (error: unknown) => {
				await deleteObject(context, plan.scope, uploadedKey).catch(() => undefined);
				return await Promise.reject(error);
			})
		: await submit();
	const wait = plan.wait;
	const job = wait
		? await deleteAfter(
				context,
				plan.scope,
				plan.deleteUpload ? uploadedKey : undefined,
				async () => await waitForJob(context, plan.scope, String(submitted.JobId), wait, input),
			)
		: submitted;
	const json = jobOutput(job, plan.output);
	if (plan.file && plan.output !== 'raw')
		Object.assign(json, { fileName: plan.file.fileName, uploadKept: !plan.deleteUpload });
	return { json };
}
