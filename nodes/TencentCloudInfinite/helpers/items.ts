import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

/** Runs `task(index)` for `count` indexes with at most `limit` running at once; results keep index order. */
export async function mapConcurrently<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
	const results = new Array<T>(count);
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const index = next++;
			results[index] = await task(index);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker));
	return results;
}

function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const message = error instanceof Error ? error.message : String(error);
	const description = (error as { description?: unknown }).description;
	return {
		json: { error: message, ...(typeof description === 'string' && description ? { description } : {}) },
		pairedItem: { item: itemIndex },
	};
}

/**
 * Runs an operation for every input item, `limit` at a time, and returns the outputs in input
 * order, each paired with its item. A failed item becomes an error item under `continueOnFail`;
 * otherwise the first failure (in item order) stops the node.
 */
export async function processItems(
	context: IExecuteFunctions,
	limit: number,
	run: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const continueOnFail = context.continueOnFail();
	let stopped = false;
	const outcomes = await mapConcurrently(items.length, limit, async (itemIndex): Promise<INodeExecutionData[] | Error> => {
		if (stopped) return [];
		try {
			const output = await run(itemIndex);
			return output.map((item) => ({ ...item, pairedItem: { item: itemIndex } }));
		} catch (error) {
			if (continueOnFail) return [errorItem(error, itemIndex)];
			stopped = true;
			return error instanceof Error ? error : new NodeOperationError(context.getNode(), String(error), { itemIndex });
		}
	});
	const failure = outcomes.find((outcome): outcome is Error => outcome instanceof Error);
	if (failure) throw failure;
	return (outcomes as INodeExecutionData[][]).flat();
}
