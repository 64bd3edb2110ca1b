/** `GET /jobs`: the job list's filters and paging (test/conformance/jobs/list-query.md). */
import { invalidArgument, undocumented } from './errors';
import { JOB_STATES, type Job, type JobState } from './job';
import type { XmlObject } from './xml';

const QUERY = [
	'tag',
	'queueId',
	'queueType',
	'workflowId',
	'inventoryTriggerJobId',
	'inputObject',
	'orderByTime',
	'nextToken',
	'size',
	'states',
	'startCreationTime',
	'endCreationTime',
];
export const MAX_LIST_SIZE = 100;

/**
 * How the last page is marked is documented nowhere (jobs/SILENT.md): 'none' leaves NextToken
 * out, 'empty' sends `<NextToken/>`, 'extraPage' sends a token whose page has no jobs.
 */
export type LastPage = 'none' | 'empty' | 'extraPage';

/** "格式为：%Y-%m-%dT%H:%m:%S%z，示例：2001-01-01T00:00:00+0800": exactly that shape. */
const CI_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2})(\d{2})$/;

function readTime(name: string, text: string | undefined): number | undefined {
	if (text === undefined || text === '') return undefined;
	const match = CI_TIME.exec(text);
	const [, y, mo, d, h, mi, s, sign, oh, om] = match ?? [];
	const utc = match
		? Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - (sign === '-' ? -1 : 1) * (+oh * 60 + +om) * 60_000
		: NaN;
	const real =
		match &&
		new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s))
			.toISOString()
			.startsWith(`${y}-${mo}-${d}T${h}:${mi}:${s}`);
	if (!real || Number.isNaN(utc))
		throw invalidArgument(
			`${name} must look like 2001-01-01T00:00:00+0800 (YYYY-MM-DDTHH:MM:SS+HHMM), not "${text}".`,
		);
	return utc;
}

const pageToken = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64');

function readPageToken(token: string): number {
	const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
	if (!match) throw invalidArgument('nextToken is not a token this service gave.');
	return Number(match[1]);
}

/** The answer's content: `JobsDetail` entries and `NextToken`, no RequestId (jobs/ocr-list.xml). */
export function listJobs(
	jobs: Iterable<Job>,
	query: Record<string, string>,
	lastPage: LastPage,
): XmlObject {
	const unknown = Object.keys(query).find((name) => !QUERY.includes(name));
	if (unknown)
		throw invalidArgument(`${unknown} is not a parameter of GET /jobs (${QUERY.join(', ')}).`);
	if (query.tag !== 'ImageOCR' && query.tag !== 'ImageLicenseRec')
		throw invalidArgument('tag is required: the emulator lists ImageOCR or ImageLicenseRec jobs.');
	const size = query.size ? Number(query.size) : 10;
	if (!/^\d+$/.test(query.size ?? '10') || size < 1 || size > MAX_LIST_SIZE)
		throw invalidArgument(`size must be a whole number from 1 to ${MAX_LIST_SIZE} (最大为100).`);
	const states = (query.states || 'All').split(',').filter(Boolean);
	const badState = states.find(
		(state) => state !== 'All' && !JOB_STATES.includes(state as JobState),
	);
	if (badState)
		throw invalidArgument(
			`states has an unknown state "${badState}" (All, ${JOB_STATES.join(', ')}).`,
		);
	if (states.includes('All') && states.length > 1)
		throw undocumented('states combines All with other states');
	const order = query.orderByTime || 'Desc';
	if (order !== 'Desc' && order !== 'Asc')
		throw invalidArgument('orderByTime must be Desc or Asc.');
	const from = readTime('startCreationTime', query.startCreationTime);
	const to = readTime('endCreationTime', query.endCreationTime);
	// "和 queueId 不同时生效，同时存在时 queueId 优先"; which queue type OCR and card jobs run in, no source says.
	if (query.queueType && !query.queueId)
		throw undocumented(
			`queueType ${query.queueType}: no source names the queue type of ${query.tag} jobs`,
		);

	const matching = [...jobs].filter((job) => {
		// The list pages say "大于 / 小于该时间": both bounds exclusive, to the second of CreationTime.
		const created = Math.floor(job.createdAt / 1000) * 1000;
		return (
			job.tag === query.tag &&
			(states.includes('All') || states.includes(job.state)) &&
			(!query.queueId || job.queueId === query.queueId) &&
			(!query.inputObject || job.input.object === query.inputObject) &&
			// Jobs are only ever submitted directly here: none was started by a workflow or a batch job.
			!query.workflowId &&
			!query.inventoryTriggerJobId &&
			(from === undefined || created > from) &&
			(to === undefined || created < to)
		);
	});
	if (order === 'Desc') matching.reverse();
	const offset = query.nextToken ? readPageToken(query.nextToken) : 0;
	const page = matching.slice(offset, offset + size);
	let next: string | undefined;
	if (offset + size < matching.length) next = pageToken(offset + size);
	else if (lastPage === 'empty') next = '';
	else if (lastPage === 'extraPage' && page.length > 0) next = pageToken(matching.length);
	return { JobsDetail: page.map((job) => job.detail), NextToken: next };
}
