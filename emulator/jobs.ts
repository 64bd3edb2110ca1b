import { randomBytes } from 'crypto';

import { cardResult, failedCardResult } from './card';
import type { ObjectStore } from './cos';
import { invalidArgument, ServiceError, undocumented } from './errors';
import { xmlAnswer, type Answer, type EmulatorRequest } from './http';
import { Job, type JobCallback, type JobOperation, type JobTag } from './job';
import { listJobs, type LastPage } from './job-list';
import { textDetections, UnreadableFile, type OcrEngine } from './ocr';
import { checkImageOcr, ciTime, type Templates } from './templates';
import type { JobTimers } from './types';
import { child, onlyChildren, readXml, textOf, type XmlObject, type XmlValue } from './xml';

/** The object's URL on the emulator's COS port (InputObjectUrl), the key encoded as the SDKs do. */
function objectUrl(cosUrl: string, key: string): string {
	const encoded = encodeURIComponent(key)
		.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
		.replace(/%2F/g, '/');
	return `${cosUrl}/${encoded}`;
}

export interface JobSettings {
	bucket: string;
	region: string;
	cosUrl: () => string;
	jobDelayMs: number;
	timers: JobTimers;
	lastPage: LastPage;
	failJobs: () => boolean;
	onSubmit: () => void;
	onFinish: (job: Job) => void;
}

/** requests/submit-elements.md: the elements the OCR and card-job pages document, and nothing else. */
const REQUEST_ELEMENTS = [
	'Tag',
	'Input',
	'Operation',
	'CallBack',
	'CallBackFormat',
	'CallBackType',
	'CallBackMqConfig',
];
const MQ_REGIONS = ['sh', 'bj', 'gz', 'cd', 'hk'];
/** "支持传多个，以,分隔，最多传10个" (requests/cancel-doc-example.json). */
const MAX_CANCEL_IDS = 10;

function checkCallback(request: XmlValue): JobCallback | undefined {
	const url = textOf(child(request, 'CallBack'));
	const format = textOf(child(request, 'CallBackFormat')) || 'XML';
	const type = textOf(child(request, 'CallBackType')) || 'Url';
	const mq = child(request, 'CallBackMqConfig');
	if (format !== 'JSON' && format !== 'XML')
		throw invalidArgument('Request.CallBackFormat must be JSON or XML.');
	if (type !== 'Url' && type !== 'TDMQ')
		throw invalidArgument('Request.CallBackType must be Url or TDMQ.');
	if (type === 'TDMQ') {
		if (url) throw undocumented('Request.CallBack together with CallBackType TDMQ');
		onlyChildren(mq, ['MqRegion', 'MqMode', 'MqName'], 'Request.CallBackMqConfig');
		for (const field of ['MqRegion', 'MqMode', 'MqName']) {
			if (!textOf(child(mq, field)))
				throw invalidArgument(`Request.CallBackMqConfig.${field} is required for a TDMQ callback.`);
		}
		if (!MQ_REGIONS.includes(String(textOf(child(mq, 'MqRegion')))))
			throw invalidArgument(
				`Request.CallBackMqConfig.MqRegion must be one of ${MQ_REGIONS.join(', ')}.`,
			);
		if (!['Topic', 'Queue'].includes(String(textOf(child(mq, 'MqMode')))))
			throw invalidArgument('Request.CallBackMqConfig.MqMode must be Topic or Queue.');
		return { format, type, mq: mq as XmlObject };
	}
	// requests/SILENT.md: a TDMQ config without CallBackType TDMQ is not silently taken as TDMQ.
	if (mq !== undefined)
		throw invalidArgument(
			'Request.CallBackMqConfig needs CallBackType TDMQ (the emulator refuses this combination; no source documents it).',
		);
	if (!url || url === 'no') return undefined;
	if (!/^https?:\/\/\S+$/i.test(url))
		throw invalidArgument('Request.CallBack must be an http(s) URL or no.');
	return { url, format, type };
}

function checkOperation(
	tag: JobTag,
	operation: XmlValue,
	templates: Templates,
): { operation: JobOperation; ocrOptions?: XmlObject } {
	if (!operation || typeof operation !== 'object' || Array.isArray(operation))
		throw invalidArgument('Request.Operation is required.');
	const userData = textOf(child(operation, 'UserData'));
	if (userData !== undefined && (userData.length > 1024 || !/^[\x20-\x7e]*$/.test(userData))) {
		throw invalidArgument(
			'Request.Operation.UserData must be printable ASCII, at most 1024 characters.',
		);
	}
	const jobLevel = textOf(child(operation, 'JobLevel')) || '0';
	if (!['0', '1', '2'].includes(jobLevel))
		throw invalidArgument('Request.Operation.JobLevel must be 0, 1 or 2.');
	const common = { userData, jobLevel };
	if (tag === 'ImageLicenseRec') {
		onlyChildren(operation, ['ImageLicenseRec', 'UserData', 'JobLevel'], 'Request.Operation');
		onlyChildren(
			child(operation, 'ImageLicenseRec'),
			['CardType'],
			'Request.Operation.ImageLicenseRec',
		);
		const cardType = textOf(child(child(operation, 'ImageLicenseRec'), 'CardType'));
		if (cardType !== 'IDCard' && cardType !== 'DriverLicense')
			throw invalidArgument(
				'Request.Operation.ImageLicenseRec.CardType must be IDCard or DriverLicense.',
			);
		return { operation: { cardType, ...common } };
	}
	onlyChildren(operation, ['TemplateId', 'ImageOCR', 'UserData', 'JobLevel'], 'Request.Operation');
	const templateId = textOf(child(operation, 'TemplateId'));
	if (templateId) {
		const template = templates.get(templateId);
		// Which error an unknown template gives is documented nowhere (templates/SILENT.md).
		if (!template) throw undocumented(`The template ${templateId} does not exist`);
		return {
			operation: { templateId, templateName: template.Name, ...common },
			ocrOptions: { ...template.ImageOCR },
		};
	}
	const sent = child(operation, 'ImageOCR');
	if (sent === undefined) throw invalidArgument('Request.Operation needs TemplateId or ImageOCR.');
	const ocrOptions = checkImageOcr(sent, 'Request.Operation.ImageOCR');
	return { operation: { imageOcr: { ...(sent as XmlObject) }, ...common }, ocrOptions };
}

export type { Job } from './job';

/** Jobs (`ImageOCR`, `ImageLicenseRec`) with a real lifecycle, on the CI host. */
export class Jobs {
	readonly byId = new Map<string, Job>();
	private readonly queueId = `p${randomBytes(16).toString('hex')}`;

	constructor(
		private readonly settings: JobSettings,
		private readonly templates: Templates,
		private readonly store: ObjectStore,
		private readonly engine: OcrEngine,
	) {}

	handle(request: EmulatorRequest): Promise<Answer> | Answer {
		const ids = request.pathname.startsWith('/jobs/')
			? request.pathname.slice('/jobs/'.length)
			: undefined;
		if (request.pathname === '/jobs' && request.method === 'POST') return this.submit(request);
		if (request.pathname === '/jobs' && request.method === 'GET')
			return xmlAnswer(
				'Response',
				listJobs(this.byId.values(), request.query, this.settings.lastPage),
			);
		if (ids && !ids.includes('/') && request.method === 'GET') return this.describe(ids);
		if (ids && !ids.includes('/') && request.method === 'PUT') return this.cancel(request, ids);
		throw new ServiceError(
			404,
			'InvalidUrl',
			`${request.method} ${request.pathname} is not a job API.`,
		);
	}

	clear(): void {
		for (const job of this.byId.values()) this.stop(job);
		this.byId.clear();
	}

	private stop(job: Job): void {
		for (const timer of job.timers.splice(0)) this.settings.timers.clearTimeout(timer);
	}

	private later(job: Job, ms: number, action: () => void | Promise<void>): void {
		const timer = this.settings.timers.setTimeout(() => {
			job.timers.splice(job.timers.indexOf(timer), 1);
			void action();
		}, ms);
		job.timers.push(timer);
	}

	private submit(request: EmulatorRequest): Answer {
		const body = child(readXml(request.body.toString('utf8')), 'Request');
		if (!body) throw invalidArgument('The body must be a <Request> document.');
		onlyChildren(body, REQUEST_ELEMENTS, 'Request');
		const tag = textOf(child(body, 'Tag')) ?? '';
		if (tag !== 'ImageOCR' && tag !== 'ImageLicenseRec')
			throw invalidArgument('Request.Tag must be ImageOCR or ImageLicenseRec.');
		onlyChildren(child(body, 'Input'), ['Object'], 'Request.Input');
		const object = textOf(child(child(body, 'Input'), 'Object'));
		if (!object) throw invalidArgument('Request.Input.Object is required.');
		const { operation, ocrOptions } = checkOperation(tag, child(body, 'Operation'), this.templates);
		const callback = checkCallback(body);

		// Every job id seen in the corpus is `a` + 32 hex, card jobs included (jobs/card-submit.xml).
		const id = `a${randomBytes(16).toString('hex')}`;
		const input = { bucket: this.settings.bucket, object, region: this.settings.region };
		const job = new Job(
			id,
			tag,
			Date.now(),
			ciTime(),
			input,
			this.queueId,
			operation,
			ocrOptions,
			callback,
		);
		this.byId.set(id, job);
		this.settings.onSubmit();
		this.later(job, this.settings.jobDelayMs / 2, () => this.start(job));
		this.later(job, this.settings.jobDelayMs, () => this.finish(job));
		return xmlAnswer('Response', { JobsDetail: [job.detail] });
	}

	private start(job: Job): void {
		if (job.state !== 'Submitted') return;
		job.state = 'Running';
		job.startTime = ciTime();
	}

	private async finish(job: Job): Promise<void> {
		this.start(job);
		if (job.state !== 'Running') return;
		const object = job.input.object;
		const url = objectUrl(this.settings.cosUrl(), object);
		try {
			if (this.settings.failJobs())
				throw new ServiceError(
					500,
					'InternalError',
					'The job failed in the service (fault switch failJobs).',
				);
			const data = this.store.objects.get(object);
			if (!data)
				throw new ServiceError(
					400,
					'ResourceNotFound',
					`The input object ${object} does not exist (指定的输入资源不存在).`,
				);
			if (job.tag === 'ImageLicenseRec') {
				// The card pages document no format; the ID-card API's are PNG, JPG, JPEG and BMP (idcard/SILENT.md §11).
				const { lines } = await this.engine.recognize(data, {
					pdf: false,
					page: 1,
					formats: ['png', 'jpeg', 'bmp'],
				});
				job.result = cardResult(String(job.operation.cardType), lines, object, url);
			} else {
				const options = job.ocrOptions ?? {};
				const type = String(options.Type ?? 'general');
				const { lines, pageCount } = await this.engine.recognize(data, {
					pdf: options.IsPdf === 'true',
					page: Number(options.PdfPageNumber ?? 1),
					type,
				});
				job.result = {
					Angel: 0,
					// jobs/ocr-success.xml: an empty <Language/>, the only value any job source shows.
					Language: '',
					PdfPageSize: pageCount,
					TextDetections: textDetections(lines, {
						words: options.IsWord === 'true' && ['general', 'accurate'].includes(type),
						wordPolygons: options.EnableWordPolygon === 'true' && type === 'handwriting',
						placeholders: true,
					}),
				};
			}
			job.state = 'Success';
		} catch (error) {
			job.state = 'Failed';
			// An unreadable input is "文件有问题或不支持" (CI table: ResourceNotSupported).
			job.code =
				error instanceof UnreadableFile
					? 'ResourceNotSupported'
					: error instanceof ServiceError
						? error.code
						: 'InternalError';
			job.message = (error as Error).message;
			if (job.tag === 'ImageLicenseRec')
				job.result = failedCardResult(job.code, job.message, object, url);
		}
		job.endTime = ciTime();
		if (this.byId.get(job.id) === job) this.settings.onFinish(job);
	}

	/** `GET /jobs/<id>[,<id>…]`: the known jobs, and the others in NonExistJobIds (jobs/ocr-describe-multi.xml). */
	private describe(list: string): Answer {
		const ids = list.split(',').filter(Boolean);
		const found = ids.flatMap((id) => this.byId.get(id)?.detail ?? []);
		const unknown = ids.filter((id) => !this.byId.has(id));
		return xmlAnswer('Response', {
			JobsDetail: found,
			NonExistJobIds: unknown.length ? unknown : undefined,
		});
	}

	/**
	 * `PUT /jobs/<id>[,<id>…]?cancel`: an empty 200 (cancel/success.json). Only jobs not yet
	 * executed can be cancelled; what anything else answers is undocumented (cancel/SILENT.md).
	 */
	private cancel(request: EmulatorRequest, list: string): Answer {
		if (!('cancel' in request.query)) throw undocumented(`PUT ${request.pathname} without cancel`);
		const extra = Object.keys(request.query).find((name) => name !== 'cancel');
		if (extra)
			throw invalidArgument(`${extra} is not a parameter of the cancel request (cancel only).`);
		const ids = list.split(',').filter(Boolean);
		if (ids.length > MAX_CANCEL_IDS)
			throw undocumented(
				`Cancel of ${ids.length} jobs at once (at most ${MAX_CANCEL_IDS} are documented)`,
			);
		for (const id of ids) {
			const job = this.byId.get(id);
			if (!job) throw undocumented(`Cancel of the unknown job ${id}`);
			if (job.state !== 'Submitted')
				throw undocumented(
					`Cancel of job ${id}, which is ${job.state} (only jobs not yet executed can be cancelled)`,
				);
		}
		for (const id of ids) {
			const job = this.byId.get(id) as Job;
			this.stop(job);
			job.state = 'Cancel';
		}
		return { status: 200, ids: 'ci' };
	}
}
