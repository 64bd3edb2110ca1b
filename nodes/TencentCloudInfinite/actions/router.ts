import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import * as job from './job/Job.resource';
import * as ocr from './ocr/Ocr.resource';
import * as template from './template/Template.resource';
import { NodeParameters } from '../helpers/parameters';

type Operation = {
	execute(this: IExecuteFunctions, params: NodeParameters): Promise<INodeExecutionData[]>;
};

const resources: Record<string, Record<string, Operation>> = {
	job: {
		cancel: job.cancel,
		get: job.get,
		getAll: job.getAll,
		submitCardJob: job.submitCardJob,
		submitOcrJob: job.submitOcrJob,
	},
	ocr: { recognizeIdCard: ocr.recognizeIdCard, recognizeText: ocr.recognizeText },
	template: {
		create: template.create,
		delete: template.delete,
		get: template.get,
		getAll: template.getAll,
		update: template.update,
	},
};

/** Runs the chosen operation; `properties` are the node's, against which every parameter is checked. */
export async function router(
	this: IExecuteFunctions,
	properties: INodeProperties[],
): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	return [await handler.execute.call(this, new NodeParameters(this, properties))];
}
