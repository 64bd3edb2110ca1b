import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { processItems } from '../../helpers/items';
import { submitJob, submitProperties } from '../../helpers/jobSubmit';

const displayOptions: IDisplayOptions = { show: { resource: ['job'], operation: ['submitCardJob'] } };
const { input, settings } = submitProperties(displayOptions);

export const description: INodeProperties[] = [
	...input,
	{
		displayName: 'Card Type',
		name: 'cardType',
		type: 'options',
		default: 'IDCard',
		displayOptions,
		options: [
			{ name: 'ID Card', value: 'IDCard' },
			{ name: 'Driving Licence', value: 'DriverLicense' },
		],
	},
	...settings,
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await processItems(this, 1, async (itemIndex) => {
		const cardType = this.getNodeParameter('cardType', itemIndex) as string;
		return await submitJob(this, itemIndex, 'ImageLicenseRec', { ImageLicenseRec: { CardType: cardType } });
	});
}
