import { NodeOperationError, sleep, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { ciRequest, type CiContext } from '../transport/request';
import { simplifyDetection, type Point } from './simplify';
import { checkHttpUrl, invalid } from './validate';

export type JobTag = 'ImageOCR' | 'ImageLicenseRec';
export const FINAL_STATES = ['Success', 'Failed', 'Cancel'];

export const JOB_STATES = ['Submitted', 'Running', 'Success', 'Failed', 'Pause', 'Cancel'];

/** Callback settings shared by both submit operations. */
export function callbackProperty(displayOptions: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Callback',
		name: 'callback',
		type: 'collection',
		placeholder: 'Add Callback Setting',
		default: {},
		displayOptions,
		description: 'Where CI reports the finished job; by default the queue’s own callback settings apply',
		options: [
			{
				displayName: 'Callback Type',
				name: 'type',
				type: 'options',
				default: 'Url',
				options: [
					{ name: 'URL', value: 'Url' },
					{ name: 'TDMQ', value: 'TDMQ' },
					{ name: 'None (Suppress the Queue Callback)', value: 'none' },
				],
			},
			{
				displayName: 'Callback URL',
				name: 'url',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com/webhook/…',
				description: 'For a Tencent Cloud Infinite Trigger, paste its production webhook URL (with its secret) here',
			},
			{
				displayName: 'Format',
				name: 'format',
				type: 'options',
				default: 'JSON',
				options: [
					{ name: 'JSON', value: 'JSON' },
					{ name: 'XML', value: 'XML' },
				],
			},
			{
				displayName: 'TDMQ Mode',
				name: 'mqMode',
				type: 'options',
				default: 'Queue',
				options: [
					{ name: 'Queue', value: 'Queue' },
					{ name: 'Topic', value: 'Topic' },
				],
			},
			{ displayName: 'TDMQ Name', name: 'mqName', type: 'string', default: '', description: 'Name of the TDMQ queue or topic' },
			{
				displayName: 'TDMQ Region',
				name: 'mqRegion',
				type: 'string',
				default: '',
				placeholder: 'gz',
				description: 'Region of the TDMQ instance, such as sh, bj, gz, cd or hk',
			},
		],
	};
}

/** The `CallBack*` fields of a submit request, checked before sending. */
export function callbackXml(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const callback = context.getNodeParameter('callback', itemIndex, {}) as IDataObject;
	const node = context.getNode();
	const type = String(callback.type ?? (callback.url ? 'Url' : ''));
	const format = callback.format ? String(callback.format) : undefined;
	if (!type) return {};
	if (type === 'none') return { CallBack: 'no' };
	if (type === 'Url') {
		if (!callback.url) {
			throw invalid(node, itemIndex, '"Callback URL" is empty', 'Enter the http(s) URL that receives the finished job, or remove the callback setting');
		}
		return { CallBack: checkHttpUrl(node, itemIndex, String(callback.url), 'Callback URL'), CallBackFormat: format, CallBackType: 'Url' };
	}
	for (const [field, label] of [['mqRegion', 'TDMQ Region'], ['mqName', 'TDMQ Name']]) {
		if (!String(callback[field] ?? '').trim()) throw invalid(node, itemIndex, `"${label}" is required for a TDMQ callback`);
	}
	return {
		CallBackFormat: format,
		CallBackType: 'TDMQ',
		CallBackMqConfig: { MqRegion: callback.mqRegion, MqMode: callback.mqMode ?? 'Queue', MqName: callback.mqName },
	};
}

/** `UserData`: printable ASCII, at most 1024 characters (seed: submit-ocr-job). */
export function checkUserData(context: IExecuteFunctions, itemIndex: number, value: string): string | undefined {
	if (!value) return undefined;
	if (value.length > 1024) throw invalid(context.getNode(), itemIndex, `"User Data" is ${value.length} characters long; at most 1024 are allowed`);
	const bad = [...value].find((char) => char < ' ' || char > '~');
	if (bad !== undefined) {
		throw invalid(
			context.getNode(),
			itemIndex,
			`"User Data" contains ${JSON.stringify(bad)}, which is not printable ASCII`,
			'Use printable ASCII characters only (space to ~); encode other data, for example as JSON with \\u escapes or Base64',
		);
	}
	return value;
}

export function checkJobLevel(context: IExecuteFunctions, itemIndex: number, value: unknown): number {
	const level = Number(value);
	if (![0, 1, 2].includes(level)) throw invalid(context.getNode(), itemIndex, `"Job Level" must be 0, 1 or 2, not ${String(value)}`);
	return level;
}

function list(value: unknown): IDataObject[] {
	if (Array.isArray(value)) return value as IDataObject[];
	return value && typeof value === 'object' ? [value as IDataObject] : [];
}

function parsePoint(value: unknown): Point {
	const [x, y] = String(value).split(',').map((part) => Number(part.trim()));
	return { x: Number.isFinite(x) ? x : 0, y: Number.isFinite(y) ? y : 0 };
}

function pointsOf(location: unknown): unknown[] {
	const points = (location as IDataObject | undefined)?.Point;
	return Array.isArray(points) ? points : [];
}

function cardResult(result: IDataObject): IDataObject {
	const details = list(result.IdInfo).map((info) => ({
		name: String(info.Name ?? ''),
		text: String(info.DetectedText ?? ''),
		score: typeof info.Score === 'number' ? info.Score : null,
		location: pointsOf(info.Location).map(parsePoint),
	}));
	return {
		fields: Object.fromEntries(details.map((detail) => [detail.name, detail.text])),
		fieldDetails: details,
		detected: result.Status === 1,
	};
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' && value !== '-' ? value : null;
}

/** A `JobsDetail` as an item: the job's fields, and its result in the shape Recognize Text gives. */
export function simplifyJob(job: IDataObject): IDataObject {
	const operation = (job.Operation ?? {}) as IDataObject;
	const input = (job.Input ?? {}) as IDataObject;
	const base: IDataObject = {
		jobId: job.JobId ?? null,
		state: job.State ?? null,
		tag: job.Tag ?? null,
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
	if (operation.Detection) return { ...base, ...simplifyDetection(operation.Detection as IDataObject) };
	if (operation.ImageLicenseRecResult) {
		const cardType = (operation.ImageLicenseRec as IDataObject | undefined)?.CardType ?? null;
		return { ...base, cardType, ...cardResult(operation.ImageLicenseRecResult as IDataObject) };
	}
	return base;
}

export interface DescribedJobs {
	jobs: IDataObject[];
	unknownIds: string[];
}

export async function describeJobs(context: CiContext, ids: string[], itemIndex?: number): Promise<DescribedJobs> {
	const { body } = await ciRequest.call(context, { service: 'ci', method: 'GET', path: `/jobs/${ids.join(',')}`, itemIndex });
	const unknownIds = (Array.isArray(body.NonExistJobIds) ? body.NonExistJobIds : []).map(String).filter(Boolean);
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

/** Polls a job until it reaches a final state; a Failed or cancelled job is an error for the item. */
export async function waitForJob(context: IExecuteFunctions, jobId: string, settings: WaitSettings, itemIndex: number): Promise<IDataObject> {
	const next = pollDelays(settings);
	const deadline = jobClock.now() + settings.timeoutSeconds * 1000;
	for (;;) {
		const { jobs } = await describeJobs(context, [jobId], itemIndex);
		const job = jobs[0];
		if (!job) throw invalid(context.getNode(), itemIndex, `Job "${jobId}" was submitted but the service no longer knows it`);
		const state = String(job.State);
		if (state === 'Success') return job;
		if (state === 'Failed' || state === 'Cancel') {
			throw new NodeOperationError(context.getNode(), `Job ${jobId} ${state === 'Failed' ? 'failed' : 'was cancelled'}: ${String(job.Code || state)} ${String(job.Message || '')}`.trim(), {
				itemIndex,
				description: `State ${state}, code ${String(job.Code || '-')}, message ${String(job.Message || '-')}`,
			});
		}
		const remaining = deadline - jobClock.now();
		if (remaining <= 0) {
			throw new NodeOperationError(context.getNode(), `Job ${jobId} did not finish within ${settings.timeoutSeconds} seconds (state ${state})`, {
				itemIndex,
				description: 'The job goes on in the service: read it later with Job › Get, or raise "Timeout" in the wait options',
			});
		}
		await jobClock.sleep(Math.min(next() * 1000, remaining));
	}
}
