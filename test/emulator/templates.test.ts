/** OCR templates on the CI port: values, filters and refusals (their shapes: test/conformance/structure.test.ts). */
import { startEmulator, type Emulator } from '../../emulator';
import { errorCode, send, xml, type Xml } from './client';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ engine: 'text' });
});
afterEach(() => emulator.reset());
afterAll(async () => await emulator.close());

const XML = { 'content-type': 'application/xml' };
const ci = (method: string, path: string, body?: string, query?: Record<string, string>) =>
	send(emulator, 'ci', method, path, { body, query, headers: body ? XML : {} });
const templateBody = (name: string, params = '<Type>general</Type>') =>
	`<Request><Tag>ImageOCR</Tag><Name>${name}</Name><ImageOCR>${params}</ImageOCR></Request>`;
const create = async (name: string, params?: string) =>
	xml(await ci('POST', 'template', templateBody(name, params))).Template as Xml;
const list = async (query: Record<string, string>) =>
	xml(await ci('GET', 'template', undefined, query));
const names = (response: Xml): string[] =>
	(response.TemplateList ?? []).map((t: Xml) => t.Name).sort();
const CI_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0800$/;

it('creates a template with every ImageOCR parameter filled in, category Custom', async () => {
	const reply = await ci(
		'POST',
		'template',
		templateBody('发票_OCR-1*', '<IsPdf>true</IsPdf><PdfPageNumber>2</PdfPageNumber>'),
	);
	expect(reply.status).toBe(200);
	const response = xml(reply);
	expect(response.RequestId).toBe(reply.headers['x-ci-request-id']);
	expect(response.Template).toMatchObject({
		Tag: 'ImageOCR',
		Name: '发票_OCR-1*',
		BucketId: emulator.options.bucket,
		Category: 'Custom',
		ImageOCR: {
			Type: 'general',
			LanguageType: 'zh',
			IsPdf: 'true',
			PdfPageNumber: '2',
			IsWord: 'false',
			EnableWordPolygon: 'false',
		},
	});
	expect(response.Template.TemplateId).toMatch(/^t1[0-9a-f]{32}$/);
	expect([response.Template.CreateTime, response.Template.UpdateTime]).toEqual([
		expect.stringMatching(CI_TIME),
		expect.stringMatching(CI_TIME),
	]);
	expect(emulator.stats.templatesCreated).toBe(1);
});

it('updates, reads by ids and deletes a template', async () => {
	const { TemplateId: id } = await create('first');
	const updated = xml(
		await ci('PUT', `template/${id}`, templateBody('renamed', '<Type>handwriting</Type>')),
	).Template;
	expect(updated).toMatchObject({
		TemplateId: id,
		Name: 'renamed',
		ImageOCR: { Type: 'handwriting' },
	});
	expect(names(await list({ tag: 'ImageOCR', ids: id }))).toEqual(['renamed']);
	expect(xml(await ci('DELETE', `template/${id}`))).toMatchObject({
		TemplateId: id,
		RequestId: expect.any(String),
	});
	expect(await list({ ids: id })).toMatchObject({ TotalCount: '0' });
});

it('answers an unknown template (PUT, DELETE) with 501 EmulatorUndocumented: no source says what the service answers', async () => {
	for (const [method, body] of [
		['PUT', templateBody('x')],
		['DELETE', undefined],
	] as const) {
		const reply = await ci(method, 'template/t1nosuchtemplate', body);
		expect([reply.status, errorCode(reply)]).toEqual([501, 'EmulatorUndocumented']);
		expect(xml(reply, 'Error').Message).toMatch(/t1nosuchtemplate does not exist/);
	}
});

it('filters by name prefix, not by a part of the name', async () => {
	for (const name of ['invoice-1', 'invoice-12', 'big-invoice-1', 'Invoice-2']) await create(name);
	expect(names(await list({ name: 'invoice-1' }))).toEqual(['invoice-1', 'invoice-12']);
	expect(names(await list({ name: 'invoice' }))).toEqual(['invoice-1', 'invoice-12']);
	// Python sends empty ids= and name=: no filter (requests/template-list-query.json).
	expect(
		await list({ category: 'Custom', ids: '', name: '', pageNumber: '1', pageSize: '10' }),
	).toMatchObject({ TotalCount: '4' });
});

it('takes tag All (the default), ImageOCR or none, and category Custom (the default) or Official (none here)', async () => {
	await create('a');
	const accepted: Array<Record<string, string>> = [
		{},
		{ tag: 'All' },
		{ tag: 'ImageOCR' },
		{ category: 'Custom' },
		{ tag: 'All', category: 'Custom' },
	];
	for (const query of accepted) {
		expect(await list(query)).toMatchObject({ TotalCount: '1' });
	}
	const official = await list({ category: 'Official' });
	expect([official.TotalCount, official.TemplateList]).toEqual(['0', undefined]);
	const refused: Array<Record<string, string>> = [{ category: 'Mine' }, { tag: 'Transcode' }];
	for (const query of refused) {
		const reply = await ci('GET', 'template', undefined, query);
		expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidArgument']);
	}
});

it('pages with pageNumber and pageSize, echoing both; pageSize above 100 is undocumented', async () => {
	for (let i = 1; i <= 12; i++) await create(`t-${i}`);
	const page = await list({ pageNumber: '3', pageSize: '5' });
	expect(page).toMatchObject({ TotalCount: '12', PageNumber: '3', PageSize: '5' });
	expect(page.TemplateList).toHaveLength(2);
	const defaults = await list({});
	expect(defaults).toMatchObject({ PageNumber: '1', PageSize: '10' });
	expect(defaults.TemplateList).toHaveLength(10);
	expect((await list({ pageSize: '100' })).TemplateList).toHaveLength(12);
	const above = await ci('GET', 'template', undefined, { pageSize: '101' });
	expect([above.status, errorCode(above)]).toEqual([501, 'EmulatorUndocumented']);
	const malformed: Array<Record<string, string>> = [
		{ pageSize: '0' },
		{ pageNumber: 'x' },
		{ colour: 'red' },
	];
	for (const query of malformed) {
		expect(errorCode(await ci('GET', 'template', undefined, query))).toBe('InvalidArgument');
	}
});

it.each([
	[templateBody('x'.repeat(65)), /Request.Name/],
	[templateBody('bad name'), /Request.Name/],
	[templateBody('ok', ''), /at least one parameter/],
	[templateBody('ok', '<Type></Type>'), /at least one parameter/],
	[
		templateBody('ok', '<Colour>red</Colour>'),
		/Request.ImageOCR.Colour is not a documented element.*the emulator refuses what no source documents/,
	],
	[
		'<Request><Tag>ImageOCR</Tag><Name>ok</Name><Category>Official</Category><ImageOCR><Type>general</Type></ImageOCR></Request>',
		/Request.Category is not a documented element/,
	],
	[templateBody('ok', '<LanguageType>xx</LanguageType>'), /LanguageType "xx"/],
	[templateBody('ok', '<IsWord>yes</IsWord>'), /IsWord must be true or false/],
	['<Request><Tag>Other</Tag><Name>n</Name></Request>', /Tag must be ImageOCR/],
])('refuses a bad template %#', async (body, message) => {
	const reply = await ci('POST', 'template', body);
	expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidArgument']);
	expect(xml(reply, 'Error').Message).toMatch(message);
	expect(emulator.stats.templatesCreated).toBe(0);
});

it('takes the bodies the SDKs send: no declaration (Go), a declaration (Python), indented (doc)', async () => {
	const go =
		'<Request><Tag>ImageOCR</Tag><Name>ImageOCR-123</Name><ImageOCR><Type>general</Type><LanguageType>zh</LanguageType><IsPdf>false</IsPdf><IsWord>true</IsWord><EnableWordPolygon>true</EnableWordPolygon></ImageOCR></Request>';
	const python =
		'<?xml version="1.0" encoding="utf-8"?>\n<Request><Tag>ImageOCR</Tag><Name>image_ocr_test</Name><ImageOCR><Type>general</Type><LanguageType>zh</LanguageType></ImageOCR></Request>';
	const doc =
		'<Request>\n<Tag>ImageOCR</Tag>\n<Name>TemplateName</Name>\n<ImageOCR>\n<Type>general</Type>\n</ImageOCR>\n</Request>';
	for (const body of [go, python, doc])
		expect((await ci('POST', 'template', body)).status).toBe(200);
});
