import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listTemplates } from '../helpers/templates';

const PAGE_SIZE = 50;

/** Templates for the Template pickers, searchable by name, one service page per list page. */
export async function searchTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const pageNumber = paginationToken ? Number(paginationToken) : 1;
	const { templates, totalCount } = await listTemplates(this, {
		namePrefix: filter,
		pageNumber,
		pageSize: PAGE_SIZE,
	});
	return {
		results: templates.map((template) => ({
			name: `${String(template.Name ?? template.TemplateId)} (${String(template.TemplateId)})`,
			value: String(template.TemplateId),
		})),
		paginationToken: pageNumber * PAGE_SIZE < totalCount ? String(pageNumber + 1) : undefined,
	};
}
