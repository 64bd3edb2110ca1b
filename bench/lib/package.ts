/** The built package (dist/), as n8n loads it, and the n8n harness that runs it. */
import path from 'path';

import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { PACKAGE_ROOT, runWorkflow } from '../../test/helpers/n8n';
import { singleNodeWorkflow } from '../../test/helpers/workflows';

export { PACKAGE_ROOT };

/** A module of the built package: the same instance the n8n loader uses (same file, same require cache). */
export function distModule<T>(relative: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(path.join(PACKAGE_ROOT, 'dist/nodes/TencentCloudInfinite', relative)) as T;
}

/** Runs the Tencent Cloud Infinite node once over `items` in n8n's WorkflowExecute; throws on a failed run. */
export async function runNode(
	parameters: Record<string, unknown>,
	credential: ICredentialDataDecryptedObject,
	items: INodeExecutionData[],
	options: { startAtNode?: boolean } = {},
): Promise<INodeExecutionData[]> {
	const workflow = singleNodeWorkflow(parameters);
	const result = await runWorkflow(workflow, {
		credentials: { tencentCloudInfiniteApi: credential },
		inputItems: items,
		// Starting at the node itself skips the Manual Trigger stand-in (and its copy of binary data).
		...(options.startAtNode && { startNode: 'CI' }),
	});
	if (result.error)
		throw new Error(
			`the workflow failed: ${result.error.message}${result.error.description ? ` (${result.error.description})` : ''}`,
		);
	return result.items('CI');
}
