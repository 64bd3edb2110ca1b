import type { IDataObject } from 'n8n-workflow';

import { normalizeJson } from '../transport/normalize';
import { parseXml, XmlFormatError } from '../transport/xml';

/** Why the trigger refuses a callback: answered with `status` and `reason`, starting nothing. */
export interface Rejection {
	rejected: true;
	status: number;
	reason: string;
}

export const reject = (status: number, reason: string): Rejection => ({
	rejected: true,
	status,
	reason,
});

export function isRejection(value: unknown): value is Rejection {
	return typeof value === 'object' && value !== null && (value as Rejection).rejected === true;
}

export interface JobCallback {
	eventName: string;
	/** Normalized `JobsDetail` entries, as Job › Get reads them. */
	jobs: IDataObject[];
}

/** A callback CI sends for something other than a job: a workflow's `WorkflowExecution` notice. */
export interface OtherCallback {
	other: true;
	eventName: string;
}

export function isOtherCallback(value: unknown): value is OtherCallback {
	return typeof value === 'object' && value !== null && (value as OtherCallback).other === true;
}

function jobsOf(content: IDataObject): JobCallback | OtherCallback | Rejection {
	const eventName = typeof content.EventName === 'string' ? content.EventName : '';
	// cos-go-sdk-v5 ci_media.go WorkflowExecutionNotifyBody: a workflow's notice has no JobsDetail.
	if (content.JobsDetail === undefined && content.WorkflowExecution !== undefined)
		return { other: true, eventName };
	const jobs = content.JobsDetail;
	if (!Array.isArray(jobs) || jobs.length === 0)
		return reject(400, 'The callback has no JobsDetail');
	const valid = jobs.every(
		(job) =>
			job &&
			typeof job === 'object' &&
			typeof (job as IDataObject).JobId === 'string' &&
			(job as IDataObject).JobId,
	);
	if (!valid) return reject(400, 'A JobsDetail entry has no JobId');
	return { eventName, jobs: jobs as IDataObject[] };
}

/** The nesting XML answers are held to (fast-xml-parser's limit); CI's own go about six deep. */
const MAX_DEPTH = 100;

/** Whether a parsed JSON value nests deeper than `limit`, found without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
	const pending: Array<[unknown, number]> = [[value, 0]];
	while (pending.length) {
		const [current, depth] = pending.pop()!;
		if (!current || typeof current !== 'object') continue;
		if (depth >= limit) return true;
		for (const child of Object.values(current)) pending.push([child, depth + 1]);
	}
	return false;
}

function readJson(text: string): IDataObject | Rejection {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return reject(400, 'The body is not valid JSON');
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
		return reject(400, 'The JSON body is not an object');
	if (nestsDeeperThan(parsed, MAX_DEPTH))
		return reject(400, `The JSON body nests deeper than ${MAX_DEPTH} levels`);
	const body = parsed as IDataObject;
	// Some senders wrap the callback in a Response object, as the XML form does.
	const content =
		body.Response && typeof body.Response === 'object' && !body.JobsDetail
			? (body.Response as IDataObject)
			: body;
	return normalizeJson(content) as IDataObject;
}

function readXmlBody(text: string): IDataObject | Rejection {
	try {
		const { root, body } = parseXml(text);
		return root === 'Response'
			? body
			: reject(400, `The XML root must be <Response>, not <${root}>`);
	} catch (error) {
		return reject(
			400,
			`The XML body is refused: ${error instanceof XmlFormatError ? error.message : 'it cannot be read'}`,
		);
	}
}

/**
 * Reads a job callback from the raw body, JSON or XML (told by the content type, else by the
 * first character), into normalized jobs, or says why it is refused.
 */
export function readCallback(
	raw: Buffer,
	contentType: string,
	maxBytes: number,
): JobCallback | OtherCallback | Rejection {
	if (raw.length > maxBytes) return reject(413, `The body is larger than ${maxBytes} bytes`);
	const text = raw.toString('utf8').replace(/^\uFEFF/, '');
	if (!text.trim()) return reject(400, 'The body is empty');
	const type = contentType.toLowerCase();
	const looksJson = type.includes('json') || (!type.includes('xml') && /^\s*[{[]/.test(text));
	const content = looksJson ? readJson(text) : readXmlBody(text);
	return isRejection(content) ? content : jobsOf(content);
}
