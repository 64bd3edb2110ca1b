import { randomUUID } from 'crypto';

import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeProperties,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../transport/account';
import { ciRequest } from '../transport/request';
import { reject, type Rejection } from './callback';
import { JOB_STATES } from './jobs';

/**
 * Which jobs the trigger has delivered already, so that each job (per final state) starts one
 * execution however often, and at however many webhook processes, its callback arrives.
 *
 * - In every mode the process keeps a record in memory (shared by its concurrent callbacks: n8n
 *   loads a workflow's static data per webhook request and saves it whole afterwards, so
 *   concurrent callbacks overwrite each other's records there) and in the workflow's static data
 *   (kept across restarts). Both are only this process's view: in queue mode several webhook
 *   processors load and save the same static data, last write wins.
 * - `bucket` also creates a marker object per delivered job in the credential's bucket with
 *   `x-cos-forbid-overwrite: true`, which COS refuses (409) when the key exists: the one request
 *   whose marker is created starts the workflow, at any number of processes. The marker is created
 *   before the workflow starts, so a process dying between the two loses that delivery (the job
 *   stays in the service and its marker says when it was received) instead of running it twice.
 */
export type DeliveryRecord = 'bucket' | 'staticData';

export const DEFAULT_MARKER_PREFIX = 'n8n-trigger-deliveries/';
const SEEN_LIMIT = 1000;
const SEEN_IN_PROCESS_LIMIT = 10000;
const CLAIM_ATTEMPTS = 3;
/** CI job IDs are a letter and 32 hex digits; anything that could not be one is refused before it names an object. */
const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;

export const deliveryRecordProperty: INodeProperties = {
	displayName: 'Record Deliveries In',
	name: 'deliveryRecord',
	type: 'options',
	default: 'bucket',
	options: [
		{
			name: 'Bucket (Every Webhook Process)',
			value: 'bucket',
			description:
				'A marker object per delivered job, created only if absent: each job starts one execution even with several webhook processors (queue mode). Needs the credential.',
		},
		{
			name: 'Workflow Static Data (This Process Only)',
			value: 'staticData',
			description:
				'No request per callback; with several webhook processors (queue mode) a replayed callback can start the workflow again',
		},
	],
	description: 'Where the trigger records the jobs it has delivered, to start each job once',
};

export const markerPrefixOption: INodeProperties = {
	displayName: 'Marker Prefix',
	name: 'markerPrefix',
	type: 'string',
	default: DEFAULT_MARKER_PREFIX,
	description:
		'Where delivery markers go in the bucket: &lt;prefix&gt;&lt;workflow ID&gt;/&lt;node ID&gt;/&lt;job ID&gt;/&lt;state&gt;. Set a lifecycle rule on this prefix to delete old markers.',
	displayOptions: { show: { '/deliveryRecord': ['bucket'] } },
};

interface DeliveryState extends IDataObject {
	/** `jobId` → the final state already delivered. */
	seen?: IDataObject;
}

/** Per trigger (workflow and node), the jobs this process has delivered. */
const deliveredInProcess = new Map<string, Map<string, string>>();

type TriggerContext = Pick<IWebhookFunctions, 'getWorkflow' | 'getNode'>;

function triggerKey(context: TriggerContext): string {
	return `${context.getWorkflow().id ?? ''}/${context.getNode().id}`;
}

function deliveredFor(context: TriggerContext): Map<string, string> {
	const key = triggerKey(context);
	let delivered = deliveredInProcess.get(key);
	if (!delivered) deliveredInProcess.set(key, (delivered = new Map()));
	return delivered;
}

function modeOf(context: Pick<IWebhookFunctions, 'getNodeParameter'>): DeliveryRecord {
	return context.getNodeParameter('deliveryRecord', 'bucket') === 'staticData'
		? 'staticData'
		: 'bucket';
}

function hasCredential(context: Pick<IWebhookFunctions, 'getNode'>): boolean {
	return Boolean(context.getNode().credentials?.[CREDENTIAL_TYPE]);
}

const NEEDS_CREDENTIAL =
	'"Record Deliveries In" is Bucket, which needs the Tencent Cloud Infinite API credential: set the credential, or choose Workflow Static Data (one n8n process)';

/** Refuses to activate a trigger whose delivery record cannot work, rather than refusing every callback later. */
export function checkDeliveryRecord(context: IHookFunctions): void {
	if (modeOf(context) === 'bucket' && !hasCredential(context))
		throw new NodeOperationError(context.getNode(), NEEDS_CREDENTIAL);
}

/** Forgets this process's record of the trigger (on activation and deactivation); markers in the bucket stay. */
export function forgetDeliveries(context: IHookFunctions): void {
	const state = context.getWorkflowStaticData('node') as DeliveryState;
	delete state.seen;
	deliveredInProcess.delete(triggerKey(context));
}

function markerKey(context: IWebhookFunctions, prefix: string, job: IDataObject): string {
	return `${prefix}${context.getWorkflow().id ?? 'workflow'}/${context.getNode().id}/${String(job.JobId)}/${String(job.State)}`;
}

function markerPrefix(context: IWebhookFunctions): string {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const prefix = String(options.markerPrefix ?? DEFAULT_MARKER_PREFIX).replace(/^\/+/, '');
	return prefix || DEFAULT_MARKER_PREFIX;
}

function isConflict(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '409';
}

function isMissing(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '404';
}

/** The claim token a marker holds, or undefined when there is no marker. */
async function readClaim(context: IWebhookFunctions, key: string): Promise<string | undefined> {
	const read = await ciRequest
		.call(context, { service: 'cos', method: 'GET', path: `/${key}` })
		.catch((error: unknown) => {
			if (isMissing(error)) return undefined;
			throw asNodeError(context, error);
		});
	return read && String(read.body.Claim ?? '');
}

function asNodeError(
	context: IWebhookFunctions,
	error: unknown,
): NodeApiError | NodeOperationError {
	return error instanceof NodeApiError || error instanceof NodeOperationError
		? error
		: new NodeOperationError(context.getNode(), error as Error);
}

/**
 * Creates the job's marker unless it exists; true when this request created it. The marker holds a
 * token of this attempt: a PUT whose answer was lost and that the transport sent again is refused
 * with 409 as if another process had won, and the token tells them apart (as Tencent's own Hadoop
 * connector checks the object after a 409 on `x-cos-forbid-overwrite`).
 */
async function claim(context: IWebhookFunctions, key: string, job: IDataObject): Promise<boolean> {
	const token = randomUUID();
	const marker = {
		Delivery: {
			JobId: String(job.JobId),
			State: String(job.State),
			...(job.Tag === undefined ? {} : { Tag: String(job.Tag) }),
			WorkflowId: String(context.getWorkflow().id ?? ''),
			Node: context.getNode().name,
			DeliveredAt: new Date().toISOString(),
			Claim: token,
		},
	};
	for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
		const created = await ciRequest
			.call(context, {
				service: 'cos',
				method: 'PUT',
				path: `/${key}`,
				xml: marker,
				headers: { 'x-cos-forbid-overwrite': 'true' },
			})
			.then(() => true)
			.catch((error: unknown) => {
				if (isConflict(error)) return false;
				throw asNodeError(context, error);
			});
		if (created) return true;
		const holder = await readClaim(context, key);
		if (holder !== undefined) return holder === token;
		// A 409 but no marker: a concurrent write of the same key that did not land either. Try again.
	}
	throw new NodeOperationError(
		context.getNode(),
		`the marker ${key} was refused ${CLAIM_ATTEMPTS} times but never found`,
	);
}

async function unclaim(context: IWebhookFunctions, key: string): Promise<void> {
	await ciRequest
		.call(context, { service: 'cos', method: 'DELETE', path: `/${key}` })
		.catch(() => undefined);
}

function remember(context: IWebhookFunctions, jobs: IDataObject[]): void {
	const state = context.getWorkflowStaticData('node') as DeliveryState;
	const seen = (state.seen ??= {});
	const delivered = deliveredFor(context);
	for (const job of jobs) {
		seen[String(job.JobId)] = String(job.State);
		delivered.delete(String(job.JobId));
		delivered.set(String(job.JobId), String(job.State));
	}
	const ids = Object.keys(seen);
	for (const id of ids.slice(0, Math.max(0, ids.length - SEEN_LIMIT))) delete seen[id];
	for (const id of [...delivered.keys()].slice(
		0,
		Math.max(0, delivered.size - SEEN_IN_PROCESS_LIMIT),
	))
		delivered.delete(id);
}

/**
 * The jobs of a callback that start the workflow: those not delivered before (in this state), each
 * recorded as delivered. In Bucket mode a marker that cannot be created refuses the whole callback
 * (502, so that the sender tries again) after removing the markers this callback did create.
 */
export async function undeliveredJobs(
	context: IWebhookFunctions,
	jobs: IDataObject[],
): Promise<IDataObject[] | Rejection> {
	const state = context.getWorkflowStaticData('node') as DeliveryState;
	const seen = state.seen ?? {};
	const delivered = deliveredFor(context);
	const candidates = jobs.filter(
		(job) =>
			seen[String(job.JobId)] !== job.State && delivered.get(String(job.JobId)) !== job.State,
	);
	if (candidates.length === 0 || modeOf(context) === 'staticData') {
		remember(context, candidates);
		return candidates;
	}

	if (!hasCredential(context)) {
		context.logger.error(
			`Tencent Cloud Infinite Trigger "${context.getNode().name}": ${NEEDS_CREDENTIAL}`,
		);
		return reject(500, NEEDS_CREDENTIAL);
	}
	const invalid = candidates.find(
		(job) => !JOB_ID.test(String(job.JobId)) || !JOB_STATES.includes(String(job.State)),
	);
	if (invalid)
		return reject(
			400,
			`Job ID "${String(invalid.JobId)}" or state "${String(invalid.State)}" is not one the service gives`,
		);

	const prefix = markerPrefix(context);
	const keys = candidates.map((job) => markerKey(context, prefix, job));
	const outcomes = await Promise.allSettled(
		candidates.map(async (job, index) => await claim(context, keys[index], job)),
	);
	const failed = outcomes.find(
		(outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
	);
	if (failed) {
		await Promise.all(
			outcomes.map(async (outcome, index) =>
				outcome.status === 'fulfilled' && outcome.value
					? await unclaim(context, keys[index])
					: undefined,
			),
		);
		const reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
		context.logger.error(
			`Tencent Cloud Infinite Trigger "${context.getNode().name}": a delivery marker could not be created: ${reason}`,
		);
		return reject(
			502,
			`The delivery could not be recorded in the bucket (${reason}); nothing was started`,
		);
	}
	// Jobs another process claimed are delivered there: remembered here too, so a replay costs no request.
	remember(context, candidates);
	return candidates.filter(
		(_job, index) => (outcomes[index] as PromiseFulfilledResult<boolean>).value,
	);
}
