import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { WorkflowJson } from './n8n';

export const NODE_TYPE = 'n8n-nodes-tencent-cloud-infinite.tencentCloudInfinite';

/** Manual Trigger → one Tencent Cloud Infinite node with the given parameters (and node settings). */
export function singleNodeWorkflow(
	parameters: Record<string, unknown>,
	node: Record<string, unknown> = {},
): WorkflowJson {
	return {
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'CI', type: NODE_TYPE, parameters: parameters as never, ...node },
		],
		connections: { Start: { main: [[{ node: 'CI', type: 'main', index: 0 }]] } },
	};
}

export function jsonItems(
	count: number,
	make: (index: number) => IDataObject,
): INodeExecutionData[] {
	return Array.from({ length: count }, (_, index) => ({ json: make(index) }));
}
