import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as job from './actions/job/Job.resource';
import * as ocr from './actions/ocr/Ocr.resource';
import * as template from './actions/template/Template.resource';
import { router } from './actions/router';
import { searchTemplates } from './methods/listSearch';
import { withDetailsForModel } from './transport/errors';

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Job', value: 'job' },
			{ name: 'OCR', value: 'ocr' },
			{ name: 'Template', value: 'template' },
		],
		default: 'ocr',
	},
	...ocr.description,
	...job.description,
	...template.description,
];

export class TencentCloudInfinite implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tencent Cloud Infinite',
		name: 'tencentCloudInfinite',
		icon: { light: 'file:tencentCloudInfinite.svg', dark: 'file:tencentCloudInfinite.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Recognize text in images and PDFs with Tencent Cloud Infinite (CI) OCR',
		defaults: { name: 'Tencent Cloud Infinite' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tencentCloudInfiniteApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchTemplates } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			return await router.call(this, properties);
		} catch (error) {
			throw withDetailsForModel(this.getNode(), error);
		}
	}
}
