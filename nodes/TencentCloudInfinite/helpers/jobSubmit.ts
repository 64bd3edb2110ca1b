import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ciRequest } from '../transport/request';
import { inputBinary, uploadBinary } from './binary';
import { DEFAULT_UPLOAD_PREFIX, requestTimeoutOption, simplifyProperty, sourceProperties, uploadKeyPrefixOption } from './properties';
import { callbackProperty, callbackXml, checkJobLevel, checkUserData, simplifyJob, waitForJob, type JobTag } from './jobs';
import { checkObjectKey, checkPositiveInteger, invalid } from './validate';

/** Input, job settings, callback and waiting: what both submit operations ask for. */
export function submitProperties(displayOptions: IDisplayOptions): { input: INodeProperties[]; settings: INodeProperties[] } {
	const input = sourceProperties(displayOptions, ['object', 'binary'], {
		binaryHint: 'The file is uploaded under the "Upload Key Prefix" option and kept, since the job reads it later',
		objectPlaceholder: 'cards/front.jpg',
	});
	const settings: INodeProperties[] = [
		callbackProperty(displayOptions),
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: false,
			displayOptions,
			description: 'Whether to wait until the job has finished and output its result, instead of the submitted job',
		},
		simplifyProperty(displayOptions, 'the whole JobsDetail of the service'),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions,
			options: [
				{
					displayName: 'Job Level',
					name: 'jobLevel',
					type: 'options',
					default: 0,
					options: [
						{ name: '0 (Default)', value: 0 },
						{ name: '1', value: 1 },
						{ name: '2 (Highest)', value: 2 },
					],
					description: 'Priority of the job',
				},
				{
					displayName: 'Poll Interval (Seconds)',
					name: 'pollInterval',
					type: 'number',
					default: 2,
					typeOptions: { minValue: 1 },
					description: 'When waiting: the shortest time between two checks of the job; checks then slow down to every 30 seconds',
				},
				requestTimeoutOption,
				{
					displayName: 'Timeout (Seconds)',
					name: 'timeout',
					type: 'number',
					default: 300,
					typeOptions: { minValue: 1 },
					description: 'When waiting: how long to wait before the item fails (the job goes on)',
				},
				uploadKeyPrefixOption,
				{
					displayName: 'User Data',
					name: 'userData',
					type: 'string',
					default: '',
					description: 'Text passed through to the result and the callback: printable ASCII, at most 1024 characters',
				},
			],
		},
	];
	return { input, settings };
}

/**
 * Checks everything, uploads a binary input if asked, submits the job (once: a POST is never
 * repeated) and, if asked, waits for it; returns the item for the job.
 */
export async function submitJob(
	context: IExecuteFunctions,
	itemIndex: number,
	tag: JobTag,
	operation: IDataObject,
): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const userData = checkUserData(context, itemIndex, String(options.userData ?? ''));
	const jobLevel = checkJobLevel(context, itemIndex, options.jobLevel ?? 0);
	const callback = callbackXml(context, itemIndex);
	const wait = context.getNodeParameter('waitForCompletion', itemIndex, false) as boolean;
	const waitSettings = {
		intervalSeconds: checkPositiveInteger(node, itemIndex, Number(options.pollInterval ?? 2), 'Poll Interval (Seconds)'),
		timeoutSeconds: checkPositiveInteger(node, itemIndex, Number(options.timeout ?? 300), 'Timeout (Seconds)'),
	};
	const source = context.getNodeParameter('source', itemIndex, 'object') as string;
	let objectKey: string;
	if (source === 'binary') {
		const binary = inputBinary(context, itemIndex, context.getNodeParameter('binaryPropertyName', itemIndex) as string);
		objectKey = await uploadBinary(context, itemIndex, binary, String(options.keyPrefix ?? DEFAULT_UPLOAD_PREFIX));
	} else {
		objectKey = checkObjectKey(node, itemIndex, context.getNodeParameter('objectKey', itemIndex) as string);
	}

	const { body } = await ciRequest.call(context, {
		service: 'ci',
		method: 'POST',
		path: '/jobs',
		xml: {
			Request: {
				Tag: tag,
				Input: { Object: objectKey },
				Operation: { ...operation, UserData: userData, JobLevel: jobLevel },
				...callback,
			},
		},
		itemIndex,
	});
	const submitted = (Array.isArray(body.JobsDetail) ? body.JobsDetail[0] : undefined) as IDataObject | undefined;
	if (!submitted?.JobId) {
		throw invalid(node, itemIndex, 'The service answered the job submission without a JobId', `RequestId ${String(body.RequestId ?? '-')}`);
	}
	const job = wait ? await waitForJob(context, String(submitted.JobId), waitSettings, itemIndex) : submitted;
	const simplify = context.getNodeParameter('simplify', itemIndex, true) as boolean;
	return [{ json: simplify ? simplifyJob(job) : job }];
}
