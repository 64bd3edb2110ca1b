import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	callbackFields,
	deleteUploadField,
	outputFields,
	sourceFields,
	submitOptions,
	toolDescriptionField,
	waitForCompletionField,
} from '../common.descriptions';
import { processItemsAtOnce } from '../../helpers/items';
import type { NodeParameters } from '../../helpers/parameters';
import { CARD_FILE_RULE } from '../../helpers/cards';
import { readSubmitPlan, submitJob } from '../../helpers/submit';

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Starts a job that reads the fields of an ID card or driving licence. Pass the image’s object key in the bucket. Returns the job with its jobId and state; when the tool waits for completion, the card’s fields (name, number, address and so on).',
	),
	...sourceFields(['object', 'binary'], {
		binaryHint:
			'The file is uploaded under the "Upload Key Prefix" option, since the job reads it from the bucket',
		objectPlaceholder: 'cards/front.jpg',
	}),
	{
		displayName: 'Card Type',
		name: 'cardType',
		type: 'options',
		default: 'IDCard',
		options: [
			{ name: 'ID Card', value: 'IDCard' },
			{ name: 'Driving Licence', value: 'DriverLicense' },
		],
	},
	...callbackFields,
	waitForCompletionField,
	deleteUploadField,
	...outputFields,
	submitOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['job'], operation: ['submitCardJob'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItemsAtOnce(this, params, async (itemIndex) => {
		const item = params.item(itemIndex);
		const cardType = item.option('cardType');
		const plan = await readSubmitPlan(this, item, CARD_FILE_RULE);
		return [
			await submitJob(this, plan, 'ImageLicenseRec', { ImageLicenseRec: { CardType: cardType } }),
		];
	});
}
