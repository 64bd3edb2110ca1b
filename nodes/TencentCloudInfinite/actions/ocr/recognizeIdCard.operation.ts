import {
	updateDisplayOptions,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	itemsAtOnceOption,
	requestTimeoutOption,
	simplifyField,
	sourceFields,
	toolDescriptionField,
	uploadKeyPrefixOption,
} from '../common.descriptions';
import {
	deleteAfter,
	downloadFile,
	inputFile,
	uploadFile,
	type InputFile,
	type RequestScope,
} from '../../helpers/binary';
import { CARD_FILE_RULE } from '../../helpers/cards';
import {
	ID_CARD_CROPS,
	ID_CARD_WARNINGS,
	idCardConfig,
	simplifyIdCard,
	withoutCrops,
} from '../../helpers/idcard';
import { processItemsAtOnce } from '../../helpers/items';
import type { ItemParameters, NodeParameters } from '../../helpers/parameters';
import { checkHttpUrl, checkObjectKey } from '../../helpers/validate';
import type { InputRef } from '../../transport/errors';
import { ciRequest, getAccount } from '../../transport/request';

const properties: INodeProperties[] = [
	toolDescriptionField(
		'Reads a Chinese resident ID card from a photo. Pass the object key of the photo in the bucket (such as kyc/front.jpg) or its http(s) URL. Returns fields (name, sex, ethnicity, birth, address, idNumber, authority, validDate), warningNames (such as copy, reshoot, photoshop, temporaryCard) when the card looks doubtful, and quality (0 to 100) when asked. A failed call returns an error saying what to change.',
	),
	...sourceFields(['binary', 'object', 'url'], {
		binaryHint:
			'The name of the input binary field containing the photo of the card (PNG, JPG, JPEG or BMP)',
		objectPlaceholder: 'kyc/2026/front.jpg',
	}),
	{
		displayName: 'Card Side',
		name: 'cardSide',
		type: 'options',
		default: 'auto',
		options: [
			{ name: 'Detect Automatically', value: 'auto' },
			{ name: 'Front (Portrait Side)', value: 'FRONT' },
			{ name: 'Back (National Emblem Side)', value: 'BACK' },
		],
		description: 'Which side of the card the image shows; the service decides when left to it',
	},
	{
		displayName: 'Warnings',
		name: 'warnings',
		type: 'multiOptions',
		default: [
			'CopyWarn',
			'BorderCheckWarn',
			'ReshootWarn',
			'DetectPsWarn',
			'TempIdWarn',
			'InvalidDateWarn',
			'MultiCardDetect',
		],
		options: ID_CARD_WARNINGS.map(({ name, value }) => ({ name, value })),
		description:
			'Which checks of the card the service runs; each raises a warning in the output when it finds something',
	},
	{
		displayName: 'Cropped Images',
		name: 'crops',
		type: 'multiOptions',
		default: [],
		options: ID_CARD_CROPS.map(({ name, value }) => ({ name, value })),
		description:
			'Images the service cuts from the photo, output as JPEG binary fields idCard and portrait',
	},
	{
		displayName: 'Quality Score',
		name: 'quality',
		type: 'boolean',
		default: false,
		description: 'Whether to ask for the image quality score (0 to 100, how sharp the photo is)',
	},
	simplifyField('the service’s whole answer'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		// A file from a URL is downloaded by n8n and uploaded like a binary file.
		options: [
			itemsAtOnceOption,
			requestTimeoutOption,
			{ ...uploadKeyPrefixOption, displayOptions: { show: { '/source': ['binary', 'url'] } } },
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['ocr'], operation: ['recognizeIdCard'] } },
	properties,
);

interface Plan {
	scope: RequestScope;
	source: 'binary' | 'object' | 'url';
	objectKey?: string;
	url?: string;
	keyPrefix: string;
	query: Record<string, string | undefined>;
	simplify: boolean;
}

function readPlan(params: ItemParameters): Plan {
	const options = params.collectionOf('options');
	const source = params.option<Plan['source']>('source');
	const side = params.option('cardSide');
	const config = [
		...params.options('warnings'),
		...params.options('crops'),
		...(params.boolean('quality') ? ['Quality'] : []),
	];
	return {
		scope: { itemIndex: params.itemIndex, timeoutSeconds: options.integer('requestTimeout') },
		source,
		objectKey: source === 'object' ? checkObjectKey(params, 'objectKey') : undefined,
		url: source === 'url' ? checkHttpUrl(params, 'url') : undefined,
		keyPrefix: source === 'object' ? '' : options.string('keyPrefix'),
		query: {
			'ci-process': 'IDCardOCR',
			CardSide: side === 'auto' ? undefined : side,
			Config: idCardConfig(config),
		},
		simplify: params.boolean('simplify'),
	};
}

const baseName = (name: string) =>
	(name.split('/').pop() ?? name).replace(/\.[^.]*$/, '') || 'card';

async function recognizeItem(
	context: IExecuteFunctions,
	params: ItemParameters,
): Promise<INodeExecutionData[]> {
	const plan = readPlan(params);
	let file: InputFile | undefined;
	if (plan.source === 'binary') file = await inputFile(context, params, CARD_FILE_RULE);
	// The credential is checked before a URL is downloaded, as before any other request.
	await getAccount(context, plan.scope.itemIndex);
	// The service documents no detect-url for ID cards (test/conformance/idcard/SILENT.md): n8n downloads the file.
	if (plan.source === 'url')
		file = await downloadFile(context, plan.scope, plan.url!, CARD_FILE_RULE);
	const uploadedKey = file
		? await uploadFile(context, plan.scope, file, plan.keyPrefix)
		: undefined;
	const key = uploadedKey ?? plan.objectKey!;
	const input: InputRef = plan.url
		? { url: plan.url }
		: file
			? { objectKey: key, fileName: file.fileName }
			: { objectKey: key };

	const { body, requestId } = await deleteAfter(
		context,
		plan.scope,
		uploadedKey,
		async () =>
			await ciRequest.call(context, {
				service: 'cos',
				method: 'GET',
				path: `/${key}`,
				query: plan.query,
				input,
				...plan.scope,
			}),
	);
	const about: IDataObject = plan.url
		? { url: plan.url }
		: file
			? { fileName: file.fileName }
			: { objectKey: key };
	const { json, crops } = simplifyIdCard(body);
	const named = baseName(file?.fileName ?? key);
	const binary: IBinaryKeyData = {};
	for (const crop of crops) {
		binary[crop.binary] = await context.helpers.prepareBinaryData(
			Buffer.from(crop.base64, 'base64'),
			`${named}-${crop.suffix}.jpg`,
			'image/jpeg',
		);
	}
	const result = plan.simplify
		? { ...json, requestId: requestId ?? null, ...about }
		: { ...withoutCrops(body), ...about };
	return [{ json: result, ...(crops.length ? { binary } : {}) }];
}

export async function execute(
	this: IExecuteFunctions,
	params: NodeParameters,
): Promise<INodeExecutionData[]> {
	return await processItemsAtOnce(
		this,
		params,
		async (itemIndex) => await recognizeItem(this, params.item(itemIndex)),
	);
}
