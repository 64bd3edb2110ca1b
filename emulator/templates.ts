import { randomBytes } from 'crypto';

import { LANGUAGES, OCR_TYPES } from './cos';
import { invalidArgument, ServiceError, undocumented } from './errors';
import { xmlAnswer, type Answer, type EmulatorRequest } from './http';
import { child, onlyChildren, readXml, textOf, type XmlObject, type XmlValue } from './xml';

export interface Template {
	Tag: string;
	Name: string;
	TemplateId: string;
	CreateTime: string;
	UpdateTime: string;
	BucketId: string;
	Category: string;
	ImageOCR: XmlObject;
}

/** The seed: Chinese, English letters, digits, `_`, `-` and `*`, at most 64 characters. */
const NAME = /^[\p{Script=Han}A-Za-z0-9_\-*]{1,64}$/u;
const BOOLEAN_FIELDS = ['IsPdf', 'IsWord', 'EnableWordPolygon'];
const IMAGE_OCR_FIELDS = [
	'Type',
	'LanguageType',
	'IsPdf',
	'PdfPageNumber',
	'IsWord',
	'EnableWordPolygon',
];

/** CI's time format, in China time: `2020-08-05T11:35:24+0800`. */
export function ciTime(date = new Date()): string {
	const china = new Date(date.getTime() + 8 * 3600 * 1000);
	return `${china.toISOString().slice(0, 19)}+0800`;
}

/** Checks an `ImageOCR` container (templates and OCR jobs) and fills the service's defaults. */
export function checkImageOcr(value: XmlValue, where: string): XmlObject {
	if (
		!value ||
		typeof value !== 'object' ||
		Array.isArray(value) ||
		Object.keys(value).length === 0
	) {
		throw invalidArgument(`${where} must hold at least one parameter.`);
	}
	onlyChildren(value, IMAGE_OCR_FIELDS, where);
	// An empty element counts as absent: the default applies.
	const given = (name: string): string | undefined => textOf(value[name]) || undefined;
	if (IMAGE_OCR_FIELDS.every((name) => given(name) === undefined)) {
		throw invalidArgument(`${where} must hold at least one parameter; they cannot all be empty.`);
	}
	const type = given('Type') ?? 'general';
	if (!OCR_TYPES.includes(type))
		throw invalidArgument(`${where}.Type "${type}" is not one of ${OCR_TYPES.join(', ')}.`);
	const language = given('LanguageType') ?? 'zh';
	if (!LANGUAGES.includes(language))
		throw invalidArgument(`${where}.LanguageType "${language}" is not supported.`);
	for (const field of BOOLEAN_FIELDS) {
		const text = given(field);
		if (text !== undefined && text !== 'true' && text !== 'false')
			throw invalidArgument(`${where}.${field} must be true or false.`);
	}
	const page = given('PdfPageNumber') ?? '1';
	if (!/^[1-9]\d*$/.test(page))
		throw invalidArgument(`${where}.PdfPageNumber must be a whole number from 1.`);
	return {
		Type: type,
		LanguageType: language,
		IsPdf: given('IsPdf') ?? 'false',
		PdfPageNumber: page,
		IsWord: given('IsWord') ?? 'false',
		EnableWordPolygon: given('EnableWordPolygon') ?? 'false',
	};
}

function readTemplateRequest(body: Buffer): { name: string; imageOcr: XmlObject } {
	const request = child(readXml(body.toString('utf8')), 'Request');
	if (!request) throw invalidArgument('The body must be a <Request> document.');
	onlyChildren(request, ['Tag', 'Name', 'ImageOCR'], 'Request');
	if (textOf(child(request, 'Tag')) !== 'ImageOCR')
		throw invalidArgument('Request.Tag must be ImageOCR.');
	const name = textOf(child(request, 'Name')) ?? '';
	if (!NAME.test(name))
		throw invalidArgument(
			'Request.Name must be 1 to 64 Chinese characters, English letters, digits, _, - or *.',
		);
	return { name, imageOcr: checkImageOcr(child(request, 'ImageOCR'), 'Request.ImageOCR') };
}

function intParam(query: Record<string, string>, name: string, fallback: number): number {
	const value = query[name];
	if (value === undefined || value === '') return fallback;
	if (!/^\d+$/.test(value) || Number(value) < 1)
		throw invalidArgument(`${name} must be a whole number from 1, not "${value}".`);
	return Number(value);
}

/** templates/parameters.json: the documented query of GET /template. */
const LIST_QUERY = ['tag', 'category', 'ids', 'name', 'pageNumber', 'pageSize'];
/** The most a page is known to take: the job list's documented 100; for templates no maximum is documented. */
const KNOWN_PAGE_SIZE = 100;

/** The corpus's element orders: templates/create.xml, templates/update.xml, templates/list.xml. */
const ORDERS = {
	create: [
		'TemplateId',
		'Name',
		'Tag',
		'CreateTime',
		'UpdateTime',
		'BucketId',
		'Category',
		'ImageOCR',
	],
	update: [
		'Tag',
		'Name',
		'TemplateId',
		'CreateTime',
		'UpdateTime',
		'BucketId',
		'Category',
		'ImageOCR',
	],
	list: [
		'Tag',
		'TemplateId',
		'Name',
		'BucketId',
		'Category',
		'ImageOCR',
		'CreateTime',
		'UpdateTime',
	],
} as const;

function ordered(template: Template, order: readonly (keyof Template)[]): XmlObject {
	return Object.fromEntries(
		order.map((name) => [name, name === 'ImageOCR' ? { ...template.ImageOCR } : template[name]]),
	);
}

/** OCR templates: create, describe/list with paging, update and delete, on the CI host. */
export class Templates {
	readonly byId = new Map<string, Template>();

	constructor(
		private readonly bucket: string,
		private readonly onCreate: () => void,
	) {}

	get(id: string): Template | undefined {
		return this.byId.get(id);
	}

	handle(request: EmulatorRequest): Answer {
		const id = request.pathname.slice('/template/'.length);
		if (request.pathname === '/template' && request.method === 'POST') return this.create(request);
		if (request.pathname === '/template' && request.method === 'GET') return this.list(request);
		if (
			request.pathname.startsWith('/template/') &&
			id &&
			!id.includes('/') &&
			(request.method === 'PUT' || request.method === 'DELETE')
		) {
			const template = this.byId.get(id);
			// templates/SILENT.md: what an unknown template answers is documented nowhere.
			if (!template) throw undocumented(`The template ${id} does not exist`);
			if (request.method === 'PUT') return this.update(request, template);
			this.byId.delete(id);
			return xmlAnswer('Response', { RequestId: request.requestId, TemplateId: id });
		}
		throw new ServiceError(
			404,
			'InvalidUrl',
			`${request.method} ${request.pathname} is not a template API.`,
		);
	}

	private create(request: EmulatorRequest): Answer {
		const { name, imageOcr } = readTemplateRequest(request.body);
		const now = ciTime();
		const template: Template = {
			Tag: 'ImageOCR',
			Name: name,
			TemplateId: `t1${randomBytes(16).toString('hex')}`,
			CreateTime: now,
			UpdateTime: now,
			BucketId: this.bucket,
			Category: 'Custom',
			ImageOCR: imageOcr,
		};
		this.byId.set(template.TemplateId, template);
		this.onCreate();
		return xmlAnswer('Response', {
			RequestId: request.requestId,
			Template: ordered(template, ORDERS.create),
		});
	}

	private update(request: EmulatorRequest, template: Template): Answer {
		const { name, imageOcr } = readTemplateRequest(request.body);
		Object.assign(template, { Name: name, ImageOCR: imageOcr, UpdateTime: ciTime() });
		return xmlAnswer('Response', {
			RequestId: request.requestId,
			Template: ordered(template, ORDERS.update),
		});
	}

	/**
	 * `name` is a prefix, `category` Official or Custom (default Custom: the emulator has no
	 * Official templates), `tag` All (the default) or ImageOCR (templates/parameters.json).
	 */
	private list(request: EmulatorRequest): Answer {
		const { query } = request;
		const unknown = Object.keys(query).find((name) => !LIST_QUERY.includes(name));
		if (unknown)
			throw invalidArgument(
				`${unknown} is not a parameter of GET /template (${LIST_QUERY.join(', ')}).`,
			);
		const tag = query.tag || 'All';
		if (tag !== 'All' && tag !== 'ImageOCR')
			throw invalidArgument(
				`tag "${tag}": the emulator has ImageOCR templates only (All or ImageOCR).`,
			);
		const category = query.category || 'Custom';
		if (category !== 'Custom' && category !== 'Official')
			throw invalidArgument(`category must be Official or Custom, not "${category}".`);
		const pageNumber = intParam(query, 'pageNumber', 1);
		const pageSize = intParam(query, 'pageSize', 10);
		if (pageSize > KNOWN_PAGE_SIZE)
			throw undocumented(
				`pageSize ${pageSize} is above ${KNOWN_PAGE_SIZE}; no maximum is documented for templates`,
			);
		const ids = query.ids ? new Set(query.ids.split(',').filter(Boolean)) : undefined;
		const matching = [...this.byId.values()].filter(
			(template) =>
				category === 'Custom' &&
				(!ids || ids.has(template.TemplateId)) &&
				(!query.name || template.Name.startsWith(query.name)),
		);
		const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
		return xmlAnswer('Response', {
			RequestId: request.requestId,
			TotalCount: matching.length,
			PageNumber: pageNumber,
			PageSize: pageSize,
			TemplateList: page.map((template) => ordered(template, ORDERS.list)),
		});
	}
}
