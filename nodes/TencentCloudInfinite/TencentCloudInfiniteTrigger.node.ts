import { createHash, timingSafeEqual } from 'crypto';

import {
	NodeApiError,
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import {
	isOtherCallback,
	isRejection,
	readCallback,
	reject,
	type JobCallback,
	type Rejection,
} from './helpers/callback';
import {
	checkDeliveryRecord,
	deliveryRecordProperty,
	forgetDeliveries,
	markerPrefixOption,
	undeliveredJobs,
} from './helpers/deliveryRecord';
import { describeJobs, jobClock, JOB_STATES, simplifyJob } from './helpers/jobs';
import { CREDENTIAL_TYPE } from './transport/account';

interface TriggerState extends IDataObject {
	webhookUrl?: string;
}

function sameSecret(given: string, expected: string): boolean {
	const digest = (value: string) => createHash('sha256').update(value).digest();
	return timingSafeEqual(digest(given), digest(expected));
}

function answer(
	context: IWebhookFunctions,
	status: number,
	body: IDataObject,
): IWebhookResponseData {
	const response = context.getResponseObject();
	response.writeHead(status, { 'content-type': 'application/json' });
	response.end(JSON.stringify(body));
	return { noWebhookResponse: true };
}

async function rawBody(context: IWebhookFunctions): Promise<Buffer | Rejection> {
	const request = context.getRequestObject();
	if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function')
		await request.readRawBody();
	if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
	// Without the raw bytes only a JSON body can be trusted: n8n's XML parser lower-cases tags.
	if (String(request.headers['content-type'] ?? '').includes('xml'))
		return reject(400, 'The raw XML body is not available');
	return Buffer.from(JSON.stringify(context.getBodyData()));
}

/**
 * How long a job the service still shows in another state is read again before the callback is
 * refused: a callback can arrive a moment before the job's record is updated everywhere.
 */
export const CONFIRM_RETRY_DELAYS_MS = [500, 1000, 2000];

/** The service could not be reached, or answered with an error (a NodeApiError): the callback is answered 502. */
const isServiceFailure = (error: unknown): error is NodeApiError => error instanceof NodeApiError;

/**
 * Each job as the service knows it. A job it does not know refuses the callback; a job it knows
 * in another state is read again a few times (CONFIRM_RETRY_DELAYS_MS) before the callback is
 * refused as contradicted.
 */
async function confirmedJobs(
	context: IWebhookFunctions,
	callback: JobCallback,
): Promise<IDataObject[] | Rejection> {
	const claimed = new Map(callback.jobs.map((job) => [String(job.JobId), String(job.State)]));
	const confirmed = new Map<string, IDataObject>();
	let pending = [...claimed.keys()];
	let contradiction = '';
	for (let attempt = 0; pending.length; attempt++) {
		const { jobs, unknownIds } = await describeJobs(context, pending);
		if (unknownIds.length) return reject(404, `Unknown job ${unknownIds.join(', ')}`);
		const byId = new Map(jobs.map((job) => [String(job.JobId), job]));
		const behind: string[] = [];
		for (const id of pending) {
			const actual = byId.get(id);
			if (!actual) return reject(404, `Unknown job ${id}`);
			if (String(actual.State) === claimed.get(id)) confirmed.set(id, actual);
			else {
				behind.push(id);
				contradiction = `Job ${id} is ${String(actual.State)} in the service, not ${claimed.get(id)}`;
			}
		}
		pending = behind;
		if (!pending.length) break;
		if (attempt >= CONFIRM_RETRY_DELAYS_MS.length) return reject(409, contradiction);
		await jobClock.sleep(CONFIRM_RETRY_DELAYS_MS[attempt]);
	}
	return callback.jobs.map((job) => confirmed.get(String(job.JobId))!);
}

export class TencentCloudInfiniteTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tencent Cloud Infinite Trigger',
		name: 'tencentCloudInfiniteTrigger',
		icon: { light: 'file:tencentCloudInfinite.svg', dark: 'file:tencentCloudInfinite.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Job callbacks" }}',
		description: 'Starts the workflow when a Cloud Infinite OCR or card-recognition job finishes',
		defaults: { name: 'Tencent Cloud Infinite Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: false }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'callback' },
		],
		properties: [
			{
				displayName:
					'Put this node’s Production URL, followed by <code>?token=</code> and the Secret Token, in the Callback URL of Job › Submit OCR Job or Submit Card Recognition Job',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Secret Token',
				name: 'secretToken',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				hint: 'Generate a long random value (e.g. openssl rand -hex 16). Callbacks without it are refused with 401.',
				description:
					'Callbacks must carry it as the token query parameter; leave empty only on a private network',
			},
			{
				displayName: 'Confirm with the Service',
				name: 'confirm',
				type: 'boolean',
				default: true,
				description:
					'Whether to fetch each job with the credential and emit the fetched job, so a forged or replayed callback starts nothing (needs the credential)',
			},
			{
				displayName: 'Job Types',
				name: 'tags',
				type: 'multiOptions',
				default: [],
				options: [
					{ name: 'Card Recognition', value: 'ImageLicenseRec' },
					{ name: 'OCR', value: 'ImageOCR' },
				],
				description: 'Only these job types start the workflow; none chosen means all',
			},
			{
				displayName: 'States',
				name: 'states',
				type: 'multiOptions',
				default: [],
				options: JOB_STATES.map((state) => ({ name: state, value: state })),
				description: 'Only jobs in these states start the workflow; none chosen means all',
			},
			deliveryRecordProperty,
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: true,
				description:
					'Whether to emit jobs in the shape of Job › Get, instead of the whole normalized callback',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Event',
						name: 'event',
						type: 'string',
						default: 'TaskFinish',
						description: 'Only callbacks of this EventName start the workflow; empty means all',
					},
					markerPrefixOption,
					{
						displayName: 'Max Body Size (KB)',
						name: 'maxBodyKb',
						type: 'number',
						default: 10240,
						typeOptions: { minValue: 1 },
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			// CI has no registration API: the lifecycle only keeps the trigger's own state.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as TriggerState;
				return state.webhookUrl === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				checkDeliveryRecord(this);
				const state = this.getWorkflowStaticData('node') as TriggerState;
				state.webhookUrl = this.getNodeWebhookUrl('default');
				forgetDeliveries(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as TriggerState;
				delete state.webhookUrl;
				forgetDeliveries(this);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const outcome = await receive(this).catch((error: unknown): Rejection => {
			if (isServiceFailure(error)) {
				this.logger.warn(
					`Tencent Cloud Infinite Trigger: a callback could not be confirmed: ${error.message}`,
				);
				return reject(502, `The job could not be confirmed with the service: ${error.message}`);
			}
			this.logger.error(
				`Tencent Cloud Infinite Trigger: a callback failed: ${(error as Error)?.stack ?? String(error)}`,
			);
			return reject(500, 'The callback could not be processed; the n8n log has the details');
		});
		return isRejection(outcome)
			? answer(this, outcome.status, { status: 'rejected', reason: outcome.reason })
			: outcome;
	}
}

async function receive(context: IWebhookFunctions): Promise<IWebhookResponseData | Rejection> {
	const secret = context.getNodeParameter('secretToken', '') as string;
	const query = context.getQueryData() as IDataObject;
	if (secret && !sameSecret(String(query.token ?? ''), secret))
		return reject(401, 'Missing or wrong token');

	const options = context.getNodeParameter('options', {}) as IDataObject;
	const body = await rawBody(context);
	if (isRejection(body)) return body;
	const contentType = String(context.getRequestObject().headers['content-type'] ?? '');
	const callback = readCallback(body, contentType, Number(options.maxBodyKb ?? 10240) * 1024);
	if (isRejection(callback)) return callback;
	if (isOtherCallback(callback))
		return answer(context, 200, { status: 'ignored', reason: 'not a job callback' });

	const event = options.event === undefined ? 'TaskFinish' : String(options.event);
	const tags = context.getNodeParameter('tags', []) as string[];
	const states = context.getNodeParameter('states', []) as string[];
	const wanted = callback.jobs.filter(
		(job) =>
			(!tags.length || tags.includes(String(job.Tag))) &&
			(!states.length || states.includes(String(job.State))),
	);
	if ((event && callback.eventName !== event) || wanted.length === 0)
		return answer(context, 200, { status: 'ignored', reason: 'filtered out' });

	const hasCredential = Boolean(context.getNode().credentials?.[CREDENTIAL_TYPE]);
	const confirm = hasCredential && (context.getNodeParameter('confirm', true) as boolean);
	const jobs = confirm ? await confirmedJobs(context, { ...callback, jobs: wanted }) : wanted;
	if (isRejection(jobs)) return jobs;

	const fresh = await undeliveredJobs(context, jobs);
	if (isRejection(fresh)) return fresh;
	if (fresh.length === 0)
		return answer(context, 200, { status: 'ignored', reason: 'already received' });

	const simplify = context.getNodeParameter('simplify', true) as boolean;
	const items = fresh.map((job) => ({
		json: simplify ? simplifyJob(job) : { EventName: callback.eventName, JobsDetail: job },
	}));
	// n8n ignores `webhookResponse` when a workflow starts, so the node answers itself.
	answer(context, 200, { status: 'accepted', jobs: items.length });
	return { workflowData: [items], noWebhookResponse: true };
}
