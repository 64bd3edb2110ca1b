import { sleep, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { operationError } from '../transport/errors';
import { ciRequest, type CiContext } from '../transport/request';
import type { RequestScope } from './binary';
import { cardFields, fieldsObject } from './cards';
import type { ItemParameters } from './parameters';
import { simplifyDetection, textOnly } from './simplify';
import { checkHttpUrl } from './validate';

export type JobTag = 'ImageOCR' | 'ImageLicenseRec';
export const FINAL_STATES = ['Success', 'Failed', 'Cancel'];

export const JOB_STATES = ['Submitted', 'Running', 'Success', 'Failed', 'Pause', 'Cancel'];

/** The `CallBack*` elements of a submit request for the chosen Callback, every field it shows checked. */
export function callbackXml(params: ItemParameters): IDataObject {
	const type = params.option<'queue' | 'url' | 'tdmq' | 'none'>('callbackType');
	if (type === 'queue') return {};
	if (type === 'none') return { CallBack: 'no' };
	const format = params.option('callbackFormat');
	if (type === 'url') {
		const url = checkHttpUrl(params, 'callbackUrl');
		return { CallBack: url, CallBackFormat: format, CallBackType: 'Url' };
	}
	return {
		CallBackFormat: format,
		CallBackType: 'TDMQ',
		CallBackMqConfig: {
			MqRegion: params.string('mqRegion', { required: true }),
			MqMode: params.option('mqMode'),
			MqName: params.string('mqName', { required: true }),
		},
	};
}

/** `UserData`: printable ASCII, at most 1024 characters (submit job pages, product 460). */
export function readUserData(options: ItemParameters): string | undefined {
	const value = options.string('userData', { trim: false });
	if (!value) return undefined;
	if (value.length > 1024)
		options.fail('userData', `is ${value.length} characters long; at most 1024 are allowed`);
	const bad = [...value].find((char) => char < ' ' || char > '~');
	if (bad !== undefined) {
		options.fail(
			'userData',
			`contains ${JSON.stringify(bad)}, which is not printable ASCII`,
			'Use printable ASCII characters only (space to ~); encode other data, for example as JSON with \\u escapes or Base64',
		);
	}
	return value;
}

function list(value: unknown): IDataObject[] {
	if (Array.isArray(value)) return value as IDataObject[];
	return value && typeof value === 'object' ? [value as IDataObject] : [];
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' && value !== '-' ? value : null;
}

function cardTypeOf(operation: IDataObject): string | null {
	return text((operation.ImageLicenseRec as IDataObject | undefined)?.CardType);
}

/** A card job's result: fields under stable keys, each field's label and geometry, the result's own state. */
function cardResult(cardType: string | null, result: IDataObject): IDataObject {
	const details = cardFields(cardType, result.IdInfo);
	return {
		fields: fieldsObject(details),
		fieldDetails: details as unknown as IDataObject[],
		detected: typeof result.Status === 'number' ? result.Status === 1 : null,
		result: { state: text(result.State), code: text(result.Code), message: text(result.Message) },
	};
}

/** A `JobsDetail` as an item: the job's fields, and its result in the shape Recognize Text gives. */
export function simplifyJob(job: IDataObject): IDataObject {
	const operation = (job.Operation ?? {}) as IDataObject;
	const input = (job.Input ?? {}) as IDataObject;
	const base: IDataObject = {
		jobId: text(job.JobId),
		state: text(job.State),
		tag: text(job.Tag),
		code: text(job.Code),
		message: text(job.Message),
		creationTime: text(job.CreationTime),
		startTime: text(job.StartTime),
		endTime: text(job.EndTime),
		queueId: text(job.QueueId),
		userData: typeof operation.UserData === 'string' ? operation.UserData : null,
		jobLevel: typeof operation.JobLevel === 'number' ? operation.JobLevel : null,
		templateId: text(operation.TemplateId),
		templateName: text(operation.TemplateName),
		objectKey: text(input.Object),
	};
	if (
		job.Tag === 'ImageLicenseRec' ||
		operation.ImageLicenseRec ||
		operation.ImageLicenseRecResult
	) {
		const cardType = cardTypeOf(operation);
		const result = operation.ImageLicenseRecResult as IDataObject | undefined;
		return { ...base, cardType, ...(result ? cardResult(cardType, result) : {}) };
	}
	if (operation.Detection)
		return { ...base, ...simplifyDetection(operation.Detection as IDataObject) };
	return base;
}

/** The compact form of a job: its state and, once it has one, its text or card fields. */
export function jobTextOnly(job: IDataObject): IDataObject {
	const simplified = simplifyJob(job);
	const compact: IDataObject = { jobId: simplified.jobId, state: simplified.state };
	if (simplified.code && simplified.state === 'Failed')
		Object.assign(compact, { code: simplified.code, message: simplified.message });
	if ('cardType' in simplified)
		return { ...compact, cardType: simplified.cardType, fields: simplified.fields ?? null };
	const detection = (job.Operation as IDataObject | undefined)?.Detection as
		| IDataObject
		| undefined;
	return detection ? { ...compact, ...textOnly(simplifyDetection(detection)) } : compact;
}

export type OutputMode = 'simplified' | 'text' | 'raw';

export function jobOutput(job: IDataObject, output: OutputMode): IDataObject {
	if (output === 'raw') return job;
	return output === 'text' ? jobTextOnly(job) : simplifyJob(job);
}

export interface DescribedJobs {
	jobs: IDataObject[];
	unknownIds: string[];
}

export async function describeJobs(
	context: CiContext,
	ids: string[],
	scope: Partial<RequestScope> = {},
): Promise<DescribedJobs> {
	const { body } = await ciRequest.call(context, {
		service: 'ci',
		method: 'GET',
		path: `/jobs/${ids.join(',')}`,
		input: ids.length === 1 ? { jobId: ids[0] } : { jobIds: ids },
		...scope,
	});
	const unknownIds = (Array.isArray(body.NonExistJobIds) ? body.NonExistJobIds : [])
		.map(String)
		.filter(Boolean);
	return { jobs: list(body.JobsDetail), unknownIds };
}

export interface WaitSettings {
	/** The shortest time between two requests, in seconds. */
	intervalSeconds: number;
	timeoutSeconds: number;
}

export const MAX_POLL_INTERVAL_SECONDS = 30;

/**
 * How waitForJob tells the time and waits: the real clock. The benchmark (`npm run bench`) swaps in
 * an emulated one to measure a 300-second wait without spending 300 seconds.
 */
export const jobClock = {
	now: (): number => Date.now(),
	sleep: async (ms: number): Promise<void> => await sleep(ms),
};

/** Delays between polls: from the user's interval, growing by half each time, up to 30 s (or the interval if larger). */
export function pollDelays(settings: WaitSettings): () => number {
	let delay = settings.intervalSeconds;
	const ceiling = Math.max(MAX_POLL_INTERVAL_SECONDS, settings.intervalSeconds);
	return () => {
		const current = delay;
		delay = Math.min(delay * 1.5, ceiling);
		return current;
	};
}

/**
 * Polls a job until it reaches a final state; a Failed or cancelled job is an error for the item,
 * naming the job and the object it read (`input`).
 */
export async function waitForJob(
	context: IExecuteFunctions,
	scope: RequestScope,
	jobId: string,
	settings: WaitSettings,
	input?: { objectKey: string; fileName?: string | null },
): Promise<IDataObject> {
	const next = pollDelays(settings);
	const deadline = jobClock.now() + settings.timeoutSeconds * 1000;
	const fail = (message: string, description: string) =>
		operationError(context.getNode(), message, {
			itemIndex: scope.itemIndex,
			description,
			input: input ? { ...input, jobId } : { jobId },
		});
	for (;;) {
		const { jobs } = await describeJobs(context, [jobId], scope);
		const job = jobs[0];
		if (!job)
			throw fail(
				`Job ${jobId} was submitted but the service no longer knows it`,
				'Look for it with Job › Get Many',
			);
		const state = String(job.State);
		if (state === 'Success') return job;
		if (state === 'Failed') {
			const code = text(job.Code) ?? state;
			throw fail(
				`Job ${jobId} failed: ${code}${text(job.Message) ? ` ${String(job.Message)}` : ''}`,
				`State ${state}, code ${code}, message ${text(job.Message) ?? '-'}`,
			);
		}
		// A cancelled job keeps the Code of its submission (Success): it says nothing about the cancel.
		if (state === 'Cancel')
			throw fail(
				`Job ${jobId} was cancelled before it finished`,
				'Someone or something cancelled it (Job › Cancel, the console or an SDK); submit it again if it is still needed',
			);
		const remaining = deadline - jobClock.now();
		if (remaining <= 0) {
			throw fail(
				`Job ${jobId} did not finish within ${settings.timeoutSeconds} seconds (state ${state})`,
				'The job goes on in the service: read it later with Job › Get, or raise "Timeout (Seconds)" in the options',
			);
		}
		await jobClock.sleep(Math.min(next() * 1000, remaining));
	}
}
