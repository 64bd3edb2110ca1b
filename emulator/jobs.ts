import { randomBytes } from 'crypto';

import { cardResult, failedCardResult } from './card';
import type { ObjectStore } from './cos';
import { invalidArgument, notFound, ServiceError } from './errors';
import { xmlAnswer, type Answer, type EmulatorRequest } from './http';
import { textDetections, type OcrEngine } from './ocr';
import { checkImageOcr, ciTime, type Templates } from './templates';
import type { JobTimers } from './types';
import { child, readXml, textOf, type XmlObject, type XmlValue } from './xml';

export interface Job {
	detail: XmlObject;
	tag: string;
	state: string;
	createdAt: number;
	callback?: { url?: string; format: 'JSON' | 'XML'; type: 'Url' | 'TDMQ'; mq?: XmlObject };
	/** OCR parameters in force, fixed at submission (the template's when TemplateId is given). */
	ocrOptions?: XmlObject;
}

/** The object's URL on the emulator's COS port (InputObjectUrl), the key encoded as the SDKs do. */
function objectUrl(cosUrl: string, key: string): string {
	const encoded = encodeURIComponent(key).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%2F/g, '/');
	return `${cosUrl}/${encoded}`;
}

export interface JobSettings {
	bucket: string;
	region: string;
	cosUrl: () => string;
	jobDelayMs: number;
	timers: JobTimers;
	failJobs: () => boolean;
	onSubmit: () => void;
	onFinish: (job: Job) => void;
}

const STATES = ['Submitted', 'Running', 'Success', 'Failed', 'Pause', 'Cancel'];

function checkCallback(request: XmlValue): Job['callback'] {
	const url = textOf(child(request, 'CallBack'));
	const format = textOf(child(request, 'CallBackFormat')) ?? 'XML';
	const type = textOf(child(request, 'CallBackType')) ?? 'Url';
	if (format !== 'JSON' && format !== 'XML') throw invalidArgument('Request.CallBackFormat must be JSON or XML.');
	if (type !== 'Url' && type !== 'TDMQ') throw invalidArgument('Request.CallBackType must be Url or TDMQ.');
	if (type === 'TDMQ') {
		const mq = child(request, 'CallBackMqConfig');
		for (const field of ['MqRegion', 'MqMode', 'MqName']) {
			if (!textOf(child(mq, field))) throw invalidArgument(`Request.CallBackMqConfig.${field} is required for a TDMQ callback.`);
		}
		return { format, type, mq: mq as XmlObject };
	}
	if (!url || url === 'no') return undefined;
	if (!/^https?:\/\/\S+$/i.test(url)) throw invalidArgument('Request.CallBack must be an http(s) URL or no.');
	return { url, format, type };
}

function checkOperation(tag: string, operation: XmlValue, templates: Templates): XmlObject {
	if (!operation || typeof operation !== 'object') throw invalidArgument('Request.Operation is required.');
	const userData = textOf(child(operation, 'UserData'));
	if (userData !== undefined && (userData.length > 1024 || !/^[\x20-\x7e]*$/.test(userData))) {
		throw invalidArgument('Request.Operation.UserData must be printable ASCII, at most 1024 characters.');
	}
	const jobLevel = textOf(child(operation, 'JobLevel')) ?? '0';
	if (!['0', '1', '2'].includes(jobLevel)) throw invalidArgument('Request.Operation.JobLevel must be 0, 1 or 2.');
	const common = { UserData: userData, JobLevel: jobLevel };
	if (tag === 'ImageLicenseRec') {
		const cardType = textOf(child(child(operation, 'ImageLicenseRec'), 'CardType'));
		if (cardType !== 'IDCard' && cardType !== 'DriverLicense') {
			throw invalidArgument('Request.Operation.ImageLicenseRec.CardType must be IDCard or DriverLicense.');
		}
		return { ImageLicenseRec: { CardType: cardType }, ...common };
	}
	const templateId = textOf(child(operation, 'TemplateId'));
	if (templateId) {
		const template = templates.get(templateId);
		if (!template) throw notFound(`The template ${templateId} does not exist.`);
		return { TemplateId: templateId, TemplateName: template.Name, ...common };
	}
	if (child(operation, 'ImageOCR') === undefined) throw invalidArgument('Request.Operation needs TemplateId or ImageOCR.');
	return { ImageOCR: checkImageOcr(child(operation, 'ImageOCR'), 'Request.Operation.ImageOCR'), ...common };
}

function pageToken(offset: number): string {
	return Buffer.from(`offset:${offset}`).toString('base64');
}

function readPageToken(token: string): number {
	const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
	if (!match) throw invalidArgument('nextToken is not valid.');
	return Number(match[1]);
}

/** Jobs (`ImageOCR`, `ImageLicenseRec`) with a real lifecycle, on the CI host. */
export class Jobs {
	readonly byId = new Map<string, Job>();
	private readonly timers = new Set<unknown>();
	private readonly queueId = `p${randomBytes(16).toString('hex')}`;

	constructor(
		private readonly settings: JobSettings,
		private readonly templates: Templates,
		private readonly store: ObjectStore,
		private readonly engine: OcrEngine,
	) {}

	handle(request: EmulatorRequest): Promise<Answer> | Answer {
		if (request.pathname === '/jobs' && request.method === 'POST') return this.submit(request);
		if (request.pathname === '/jobs' && request.method === 'GET') return this.list(request);
		if (request.pathname.startsWith('/jobs/') && request.method === 'GET') return this.describe(request);
		throw new ServiceError(405, 'MethodNotAllowed', `${request.method} ${request.pathname} is not supported.`);
	}

	clear(): void {
		for (const timer of this.timers) this.settings.timers.clearTimeout(timer);
		this.timers.clear();
		this.byId.clear();
	}

	private later(ms: number, action: () => void | Promise<void>): void {
		const timer = this.settings.timers.setTimeout(() => {
			this.timers.delete(timer);
			void action();
		}, ms);
		this.timers.add(timer);
	}

	private submit(request: EmulatorRequest): Answer {
		const body = child(readXml(request.body.toString('utf8')), 'Request');
		if (!body) throw invalidArgument('The body must be a <Request> document.');
		const tag = textOf(child(body, 'Tag')) ?? '';
		if (tag !== 'ImageOCR' && tag !== 'ImageLicenseRec') throw invalidArgument('Request.Tag must be ImageOCR or ImageLicenseRec.');
		const object = textOf(child(child(body, 'Input'), 'Object'));
		if (!object) throw invalidArgument('Request.Input.Object is required.');
		const operation = checkOperation(tag, child(body, 'Operation'), this.templates);
		const callback = checkCallback(body);

		const jobId = `${tag === 'ImageOCR' ? 'a' : 'c'}${randomBytes(16).toString('hex')}`;
		const template = operation.TemplateId === undefined ? undefined : this.templates.get(String(operation.TemplateId));
		const job: Job = {
			tag,
			state: 'Submitted',
			createdAt: Date.now(),
			callback,
			ocrOptions: tag === 'ImageOCR' ? { ...((template?.ImageOCR ?? operation.ImageOCR) as XmlObject) } : undefined,
			detail: {
				Code: 'Success',
				Message: '',
				JobId: jobId,
				Tag: tag,
				State: 'Submitted',
				CreationTime: ciTime(),
				StartTime: '-',
				EndTime: '-',
				QueueId: this.queueId,
				Input: { BucketId: this.settings.bucket, Object: object, Region: this.settings.region },
				Operation: operation,
			},
		};
		this.byId.set(jobId, job);
		this.settings.onSubmit();
		this.later(this.settings.jobDelayMs / 2, () => this.setState(job, 'Running'));
		this.later(this.settings.jobDelayMs, () => this.finish(job));
		return xmlAnswer('Response', { JobsDetail: [{ ...job.detail }] });
	}

	private setState(job: Job, state: string): void {
		if (job.state !== 'Submitted') return;
		job.state = state;
		job.detail.State = state;
		job.detail.StartTime = ciTime();
	}

	private async finish(job: Job): Promise<void> {
		this.setState(job, 'Running');
		const detail = job.detail;
		const object = String((detail.Input as XmlObject).Object);
		const operation = detail.Operation as XmlObject;
		try {
			if (this.settings.failJobs()) throw new ServiceError(500, 'InternalError', 'The job failed in the service (fault switch failJobs).');
			const data = this.store.objects.get(object);
			if (!data) throw new ServiceError(404, 'NoSuchKey', `The input object ${object} does not exist.`);
			if (job.tag === 'ImageLicenseRec') {
				// A card may be a PDF: its first page is read.
				const { lines } = await this.engine.recognize(data, { pdf: true, page: 1 });
				const cardType = String((operation.ImageLicenseRec as XmlObject).CardType);
				operation.ImageLicenseRecResult = cardResult(cardType, lines, object, objectUrl(this.settings.cosUrl(), object));
			} else {
				const options = job.ocrOptions ?? {};
				const pdf = options.IsPdf === 'true';
				const type = String(options.Type ?? 'general');
				const { lines, pageCount } = await this.engine.recognize(data, { pdf, page: Number(options.PdfPageNumber ?? 1), type });
				operation.Detection = {
					TextDetections: textDetections(lines, {
						words: options.IsWord === 'true' && ['general', 'accurate'].includes(String(options.Type)),
						wordPolygons: options.EnableWordPolygon === 'true' && options.Type === 'handwriting',
					}),
					Language: options.LanguageType && options.LanguageType !== 'auto' ? options.LanguageType : 'zh',
					Angel: 0,
					PdfPageSize: pageCount,
				};
			}
			job.state = 'Success';
		} catch (error) {
			job.state = 'Failed';
			detail.Code = error instanceof ServiceError ? error.code : 'InternalError';
			detail.Message = (error as Error).message;
			if (job.tag === 'ImageLicenseRec') {
				operation.ImageLicenseRecResult = failedCardResult(detail.Code, detail.Message, object, objectUrl(this.settings.cosUrl(), object));
			}
		}
		detail.State = job.state;
		detail.EndTime = ciTime();
		if (!this.byId.has(String(detail.JobId))) return;
		this.settings.onFinish(job);
	}

	private describe(request: EmulatorRequest): Answer {
		const ids = request.pathname.slice('/jobs/'.length).split(',').filter(Boolean);
		const found = ids.flatMap((id) => {
			const job = this.byId.get(id);
			return job ? [{ ...job.detail }] : [];
		});
		const unknown = ids.filter((id) => !this.byId.has(id));
		return xmlAnswer('Response', { RequestId: request.requestId, JobsDetail: found, NonExistJobIds: unknown.length ? unknown : undefined });
	}

	private list(request: EmulatorRequest): Answer {
		const { query } = request;
		if (query.tag !== 'ImageOCR' && query.tag !== 'ImageLicenseRec') throw invalidArgument('tag is required: ImageOCR or ImageLicenseRec.');
		const size = query.size ? Number(query.size) : 10;
		if (!Number.isInteger(size) || size < 1 || size > 50) throw invalidArgument('size must be a whole number from 1 to 50.');
		const states = query.states ? query.states.split(',').filter((state) => state && state !== 'All') : [];
		const badState = states.find((state) => !STATES.includes(state));
		if (badState) throw invalidArgument(`states has an unknown state ${badState}.`);
		const order = query.orderByTime ?? 'Desc';
		if (order !== 'Desc' && order !== 'Asc') throw invalidArgument('orderByTime must be Desc or Asc.');
		const from = query.startCreationTime ? Date.parse(query.startCreationTime.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : -Infinity;
		const to = query.endCreationTime ? Date.parse(query.endCreationTime.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Infinity;
		if (Number.isNaN(from) || Number.isNaN(to)) throw invalidArgument('startCreationTime and endCreationTime must look like 2022-02-01T12:00:00+0800.');

		const matching = [...this.byId.values()].filter(
			(job) =>
				job.tag === query.tag &&
				(!states.length || states.includes(job.state)) &&
				(!query.queueId || job.detail.QueueId === query.queueId) &&
				job.createdAt >= from &&
				job.createdAt <= to,
		);
		if (order === 'Desc') matching.reverse();
		const offset = query.nextToken ? readPageToken(query.nextToken) : 0;
		const page = matching.slice(offset, offset + size);
		const more = offset + size < matching.length;
		return xmlAnswer('Response', {
			RequestId: request.requestId,
			JobsDetail: page.map((job) => ({ ...job.detail })),
			NextToken: more ? pageToken(offset + size) : '',
		});
	}
}
