/** Template › Create, Get, Get Many, Update, Delete, and the template picker, against the emulator. */
import { useEmulator } from '../helpers/emulator-setup';
import { runWorkflow, searchList } from '../helpers/n8n';
import { NODE_TYPE } from '../helpers/workflows';
import { jsonItems, singleNodeWorkflow } from '../helpers/workflows';

const { emulator, credential } = useEmulator();

async function run(parameters: Record<string, unknown>, inputItems = jsonItems(1, () => ({}))) {
	return await runWorkflow(singleNodeWorkflow({ resource: 'template', ...parameters }), {
		credentials: { tencentCloudInfiniteApi: credential() },
		inputItems,
	});
}

async function create(name: string, extra: Record<string, unknown> = {}) {
	const result = await run({ operation: 'create', name, ...extra });
	expect(result.error).toBeUndefined();
	return result.json('CI')[0];
}

const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

describe('Template', () => {
	it('creates a template with the recognition options, as the service stores them', async () => {
		const template = await create('发票_scan-1*', {
			recognitionType: 'general',
			languageType: 'auto',
			returnCharacters: true,
			isPdf: true,
			pdfPageNumber: 2,
		});
		expect(template).toEqual({
			templateId: expect.stringMatching(/^t1[0-9a-f]{32}$/),
			name: '发票_scan-1*',
			tag: 'ImageOCR',
			category: 'Custom',
			bucketId: emulator().options.bucket,
			createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/),
			updateTime: expect.any(String),
			recognitionType: 'general',
			languageType: 'auto',
			returnCharacters: true,
			characterPolygons: false,
			isPdf: true,
			pdfPageNumber: 2,
			requestId: expect.any(String),
		});
		expect(emulator().stats.templatesCreated).toBe(1);
	});

	it('gives the service’s own Template with Simplify off', async () => {
		const template = await create('raw-one', { recognitionType: 'fast', simplify: false });
		expect(template).toMatchObject({
			Name: 'raw-one',
			Tag: 'ImageOCR',
			TemplateId: expect.stringMatching(/^t1/),
			ImageOCR: { Type: 'fast' },
		});
		expect(template.templateId).toBeUndefined();
	});

	it('gets a template by ID, and says so when it does not exist', async () => {
		const { templateId } = await create('one');
		const found = await run({ operation: 'get', templateId: byId(String(templateId)) });
		expect(found.json('CI')[0]).toMatchObject({ templateId, name: 'one' });
		const missing = await run({
			operation: 'get',
			templateId: byId('t1ffffffffffffffffffffffffffffffff'),
		});
		expect(missing.error?.message).toMatch(/No OCR template with ID "t1f+" exists/);
	});

	it('lists templates across several pages with Return All, or up to a limit, filtered by a name prefix', async () => {
		for (let index = 0; index < 105; index++) await create(`bulk-${index}`);
		await create('other');
		await create('another');
		const all = await run({ operation: 'getAll', returnAll: true });
		expect(all.json('CI')).toHaveLength(107);
		expect(
			emulator().requests.filter(
				(request) => request.path === '/template' && request.method === 'GET',
			).length,
		).toBe(2);
		const limited = await run({ operation: 'getAll', returnAll: false, limit: 7 });
		expect(limited.json('CI')).toHaveLength(7);
		const named = await run({
			operation: 'getAll',
			returnAll: true,
			filters: { namePrefix: 'other' },
		});
		expect(named.json('CI').map((template) => template.name)).toEqual(['other']);
		const sent = emulator()
			.requests.filter((request) => request.path === '/template')
			.pop()!;
		expect(sent.query).toMatchObject({ tag: 'ImageOCR', name: 'other' });
	});

	it('lists the category asked for', async () => {
		await create('mine');
		const custom = await run({
			operation: 'getAll',
			returnAll: true,
			filters: { category: 'Custom' },
		});
		expect(custom.json('CI').map((template) => template.name)).toEqual(['mine']);
		expect(
			emulator()
				.requests.filter((request) => request.path === '/template')
				.pop()!.query.category,
		).toBe('Custom');
	});

	it('updates and deletes a template', async () => {
		const { templateId } = await create('before');
		const updated = await run({
			operation: 'update',
			templateId: byId(String(templateId)),
			name: 'after',
			recognitionType: 'handwriting',
			characterPolygons: true,
		});
		expect(updated.json('CI')[0]).toMatchObject({
			templateId,
			name: 'after',
			recognitionType: 'handwriting',
			characterPolygons: true,
		});
		const deleted = await run({ operation: 'delete', templateId: byId(String(templateId)) });
		expect(deleted.json('CI')[0]).toEqual({
			deleted: true,
			templateId,
			requestId: expect.any(String),
		});
		const gone = await run({ operation: 'get', templateId: byId(String(templateId)) });
		expect(gone.error).toBeDefined();
	});

	it('offers templates in the picker, searchable by name, page by page', async () => {
		for (let index = 0; index < 55; index++) await create(`pick-${index}`);
		await create('invoices');
		const search = (filter?: string, paginationToken?: string) =>
			searchList(NODE_TYPE, { resource: 'template', operation: 'get' }, 'searchTemplates', {
				credentials: { tencentCloudInfiniteApi: credential() },
				filter,
				paginationToken,
			});
		const first = await search();
		expect(first.results).toHaveLength(50);
		expect(first.results[0]).toEqual({
			name: expect.stringMatching(/^pick-0 \(t1[0-9a-f]{32}\)$/),
			value: expect.stringMatching(/^t1/),
		});
		expect(first.paginationToken).toBe('2');
		const second = await search(undefined, first.paginationToken);
		expect(second.results).toHaveLength(6);
		expect(second.paginationToken).toBeUndefined();
		const filtered = await search('invoice');
		expect(filtered.results.map((result) => result.name)).toEqual([
			expect.stringMatching(/^invoices /),
		]);
	});

	it.each([
		[
			'an empty name (from an expression)',
			{ operation: 'create', name: '={{ "" }}' },
			/^"Name" is empty$/,
		],
		[
			'a name with spaces',
			{ operation: 'create', name: 'my template' },
			/"Name" is not a valid template name: "my template"/,
		],
		[
			'a name over 64 characters',
			{ operation: 'create', name: 'a'.repeat(65) },
			/"Name" is not a valid template name/,
		],
		[
			'a template ID that is not one (from an expression)',
			{ operation: 'get', templateId: byId('={{ "../jobs" }}') },
			/"Template" must be a template ID/,
		],
	])('refuses %s before any request', async (_name, parameters, message) => {
		const result = await run(parameters);
		expect(result.error?.message).toMatch(message);
		expect(emulator().requests).toHaveLength(0);
	});
});
