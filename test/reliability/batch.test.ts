/**
 * A batch of 500 items in which one in ten fails (a missing object, or an empty key refused before
 * any request), with "On Error: Continue": 500 outputs, in input order, each paired with its input.
 */
import { textPng } from '../helpers/images';
import { singleNodeWorkflow, jsonItems } from '../helpers/workflows';
import { runScanned, useSecretEmulator } from './scanned';

const { emulator, credential } = useSecretEmulator();

const COUNT = 500;
const keyOf = (index: number) =>
	index % 20 === 0 ? `missing/${index}.png` : index % 20 === 10 ? '' : `docs/${index}.png`;
const failsAt = (index: number) => index % 10 === 0;

describe('500 items, 10 % failing, continue on error', () => {
	it.each([
		['one at a time', 1],
		['ten at once', 10],
	])(
		'%s: 500 outputs in order, paired with their inputs, the failures as error items',
		async (_name, itemsAtOnce) => {
			// Some latency, so that requests of items run at once overlap in the emulator.
			if (itemsAtOnce > 1) emulator().setFaults({ latencyMs: 20 });
			for (let index = 0; index < COUNT; index++)
				if (!failsAt(index)) emulator().objects.set(keyOf(index), textPng(`text of item ${index}`));
			const workflow = singleNodeWorkflow(
				{
					resource: 'ocr',
					operation: 'recognizeText',
					source: 'object',
					objectKey: '={{ $json.key }}',
					options: { itemsAtOnce },
				},
				{ onError: 'continueRegularOutput' },
			);
			const result = await runScanned(workflow, {
				credentials: { tencentCloudInfiniteApi: credential() },
				inputItems: jsonItems(COUNT, (index) => ({ key: keyOf(index), index })),
			});
			expect(result.error).toBeUndefined();

			const items = result.items('CI');
			expect(items).toHaveLength(COUNT);
			items.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				if (index % 20 === 0) {
					expect(item.json).toEqual({
						error: expect.stringMatching(
							new RegExp(`^COS error NoSuchKey for object "missing/${index}.png"`),
						),
						details: expect.objectContaining({
							code: 'NoSuchKey',
							httpCode: '404',
							objectKey: keyOf(index),
							description: expect.stringMatching(/HTTP 404/),
						}),
					});
				} else if (index % 20 === 10)
					expect(item.json).toEqual({
						error: '"Object Key" is empty',
						details: { description: expect.stringMatching(/Enter the key/) },
					});
				else
					expect(item.json).toMatchObject({
						text: `text of item ${index}`,
						objectKey: keyOf(index),
					});
			});
			// Refused keys never reached the service; every other item made exactly one request.
			expect(emulator().requests).toHaveLength(COUNT - COUNT / 20);
			if (itemsAtOnce > 1) expect(emulator().stats.maxConcurrentRequests).toBeGreaterThan(1);
			expect(emulator().stats.maxConcurrentRequests).toBeLessThanOrEqual(itemsAtOnce);
		},
	);
});
