import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { factsOf } from '../transport/errors';
import type { NodeParameters } from './parameters';

/** Runs `task(index)` for `count` indexes with at most `limit` running at once; results keep index order. */
export async function mapConcurrently<T>(
	count: number,
	limit: number,
	task: (index: number) => Promise<T>,
): Promise<T[]> {
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

type ItemError = NodeApiError | NodeOperationError;

function asItemError(context: IExecuteFunctions, error: unknown, itemIndex: number): ItemError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error instanceof Error ? error : String(error), {
		itemIndex,
	});
}

/**
 * What an item that failed carries: `error` (the message) and `details` (the description with
 * its hint, the service's code, HTTP status, RequestId and TraceId, and which input it was).
 * n8n-core's `handleNodeErrorOutput` routes an item to the error output when its JSON has only
 * `error`, `message` and `details`; an item with `error` set beside its JSON would have that
 * JSON replaced by the message alone (`normalizeNodeErrors`), so the details live here.
 */
export function errorJson(error: ItemError): IDataObject {
	const facts = factsOf(error) ?? {};
	const details: IDataObject = {};
	if (error.description) details.description = error.description;
	if (facts.code) details.code = facts.code;
	if (facts.httpCode) details.httpCode = facts.httpCode;
	if (facts.requestId) details.requestId = facts.requestId;
	if (facts.traceId) details.traceId = facts.traceId;
	Object.assign(details, facts.input);
	return { error: error.message, details };
}

/**
 * Runs an operation for every input item, `limit` at a time, and returns the outputs in input
 * order, each paired with its item. Under "Continue" (either output) a failed item becomes an
 * error item (see `errorJson`); otherwise the first failure (in item order) stops the node.
 */
/**
 * Runs the items with Items at Once from the node's options, a setting of the whole node (like
 * the HTTP Request node's batching). When it is wrong every item fails with that error under
 * "Continue" (n8n would otherwise pass the input through unchanged, as for any error a node
 * throws), else the node stops.
 */
export async function processItemsAtOnce(
	context: IExecuteFunctions,
	params: NodeParameters,
	run: (itemIndex: number, limit: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	let limit: number;
	try {
		limit = params.nodeLevel(
			items.length,
			(item) => item.collectionOf('options').integer('itemsAtOnce'),
			'Items at Once',
		);
	} catch (caught) {
		const error = asItemError(context, caught, 0);
		if (!context.continueOnFail()) throw error;
		return items.map((_, itemIndex) => ({
			json: errorJson(error),
			pairedItem: { item: itemIndex },
		}));
	}
	return await processItems(context, limit, async (itemIndex) => await run(itemIndex, limit));
}

export async function processItems(
	context: IExecuteFunctions,
	limit: number,
	run: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const continueOnFail = context.continueOnFail();
	let stopped = false;
	const outcomes = await mapConcurrently(
		items.length,
		limit,
		async (itemIndex): Promise<INodeExecutionData[] | ItemError> => {
			if (stopped) return [];
			try {
				const output = await run(itemIndex);
				return output.map((item) => ({ ...item, pairedItem: { item: itemIndex } }));
			} catch (caught) {
				const error = asItemError(context, caught, itemIndex);
				if (continueOnFail) return [{ json: errorJson(error), pairedItem: { item: itemIndex } }];
				stopped = true;
				return error;
			}
		},
	);
	const failure = outcomes.find((outcome): outcome is ItemError => !Array.isArray(outcome));
	if (failure) throw failure;
	return (outcomes as INodeExecutionData[][]).flat();
}
