import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import {
	LANGUAGES,
	TYPES_WITH_CHARACTERS,
	TYPES_WITH_CHARACTER_POLYGONS,
	TYPES_WITH_LANGUAGE,
	TYPES_WITH_PDF,
} from '../helpers/recognition';
import { DEFAULT_UPLOAD_PREFIX } from '../helpers/binary';
import { JOB_STATES } from '../helpers/jobs';
import { DEFAULT_TIMEOUT_SECONDS } from '../transport/request';

/** Shows a property only for some values of another one, keeping what else it shows on. */
export function showWhen(
	property: INodeProperties,
	show: NonNullable<IDisplayOptions['show']>,
): INodeProperties {
	return {
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, ...show },
		},
	};
}

// ----- The AI-agent tool -----

/**
 * What n8n tells an AI agent's model the tool does, for the tool variant only. Without it n8n says
 * "<action> in Tencent Cloud Infinite" (n8n-workflow node-helpers.js `makeDescription`), which
 * says neither what to pass nor what comes back; and the action must stay short, since the editor
 * names a new tool node, and so the tool, after it. n8n keeps a node's own `toolDescription` and
 * then adds no description setting of its own (n8n tool-generation/ai-tools.js `convertNodeToAiTool`).
 */
export function toolDescriptionField(
	description: string,
	show: NonNullable<IDisplayOptions['show']> = {},
): INodeProperties {
	return {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		default: description,
		required: true,
		typeOptions: { rows: 3 },
		description:
			'What the AI agent’s model is told this tool does: what to pass and what it returns',
		displayOptions: { show: { ...show, '@tool': [true] } },
	};
}

// ----- Source: where an operation's file comes from -----

export type SourceKind = 'binary' | 'object' | 'url';

const SOURCE_OPTIONS: Record<SourceKind, INodePropertyOptions> = {
	binary: {
		name: 'Binary File',
		value: 'binary',
		description: 'A file from a previous node, uploaded to the bucket first',
	},
	object: { name: 'COS Object', value: 'object', description: 'An object already in the bucket' },
	url: { name: 'URL', value: 'url', description: 'An image the service downloads itself' },
};

/**
 * Source and the one field each source needs (Input Binary Field, Object Key, URL), shared by
 * every operation that reads a file; `sources` lists the ones the operation offers, default first.
 */
export function sourceFields(
	sources: SourceKind[],
	text: { binaryHint: string; objectPlaceholder: string },
): INodeProperties[] {
	const fields: Record<SourceKind, INodeProperties> = {
		binary: {
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: text.binaryHint,
			displayOptions: { show: { source: ['binary'] } },
		},
		object: {
			displayName: 'Object Key',
			name: 'objectKey',
			type: 'string',
			default: '',
			required: true,
			placeholder: text.objectPlaceholder,
			description: 'Key of the file in the bucket of the credential',
			displayOptions: { show: { source: ['object'] } },
		},
		url: {
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/receipt.jpg',
			description: 'Public http(s) address of the image',
			displayOptions: { show: { source: ['url'] } },
		},
	};
	const source: INodeProperties = {
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		default: 'binary',
		options: sources.map((kind) => SOURCE_OPTIONS[kind]),
	};
	// n8n's lint wants a literal default above; the first source listed is the real one. An AI
	// agent's tool call carries no binary file, so the tool variant starts at COS Object.
	const toolDefault = sources.includes('object') ? 'object' : sources[0];
	const variants =
		toolDefault === sources[0]
			? [{ ...source, default: sources[0] }]
			: [
					{ ...source, default: sources[0], displayOptions: { show: { '@tool': [false] } } },
					{ ...source, default: toolDefault, displayOptions: { show: { '@tool': [true] } } },
				];
	return [...variants, ...sources.map((kind) => fields[kind])];
}

// ----- Recognition options of sync OCR, templates and OCR jobs -----

const byType = (types: string[]) => ({ show: { recognitionType: types } });

export const recognitionFields: INodeProperties[] = [
	{
		displayName: 'Recognition Type',
		name: 'recognitionType',
		type: 'options',
		default: 'general',
		options: [
			{ name: 'Accurate (High-Precision Printed Text)', value: 'accurate' },
			{ name: 'Efficient (Simplified Printed Text)', value: 'efficient' },
			{ name: 'Fast (Printed Text, High Speed)', value: 'fast' },
			{ name: 'General (Printed Text)', value: 'general' },
			{ name: 'Handwriting', value: 'handwriting' },
		],
		description: 'Which OCR model reads the file',
	},
	{
		displayName: 'Language',
		name: 'languageType',
		type: 'options',
		default: 'zh',
		displayOptions: byType(TYPES_WITH_LANGUAGE),
		options: LANGUAGES.map(([name, value]) => ({ name, value })),
		description: 'Language of the text; every language is recognized mixed with English',
	},
	{
		displayName: 'Return Characters',
		name: 'returnCharacters',
		type: 'boolean',
		default: false,
		displayOptions: byType(TYPES_WITH_CHARACTERS),
		description: 'Whether to return each character with its confidence and position',
	},
	{
		displayName: 'Character Polygons',
		name: 'characterPolygons',
		type: 'boolean',
		default: false,
		displayOptions: byType(TYPES_WITH_CHARACTER_POLYGONS),
		description: 'Whether to return the four corner points of each handwritten character',
	},
];

export const pdfTypes = byType(TYPES_WITH_PDF);

// ----- Outputs -----

const outputOptions: INodePropertyOptions[] = [
	{
		name: 'Simplified',
		value: 'simplified',
		description: 'The text, each line with its confidence and position, and the request’s details',
	},
	{
		name: 'Text Only',
		value: 'text',
		description:
			'The text with its page and confidence: small items, for AI agents and large batches',
	},
	{
		name: 'Raw',
		value: 'raw',
		description: 'The service’s whole answer with its own element names, normalized',
	},
];

/**
 * Output of the operations that return recognized text. An AI agent's tool (node type ending
 * in Tool) defaults to Text Only: line geometry is of no use to a model and costs tokens.
 */
export const outputFields: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'simplified',
		options: outputOptions,
		displayOptions: { show: { '@tool': [false] } },
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'text',
		options: outputOptions,
		displayOptions: { show: { '@tool': [true] } },
	},
];

export function simplifyField(instead: string): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: `Whether to return the answer as camelCase fields instead of ${instead}`,
	};
}

/** Return All and Limit, as every n8n "Get Many" has them. */
export const returnAllFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
];

// ----- Options shared by several operations -----

export const itemsAtOnceOption: INodeProperties = {
	displayName: 'Items at Once',
	name: 'itemsAtOnce',
	type: 'number',
	default: 5,
	typeOptions: { minValue: 1, maxValue: 50 },
	description:
		'How many items are processed at the same time; one value for the whole node (like the HTTP Request node’s batching)',
};

export const requestTimeoutOption: INodeProperties = {
	displayName: 'Request Timeout (Seconds)',
	name: 'requestTimeout',
	type: 'number',
	default: DEFAULT_TIMEOUT_SECONDS,
	typeOptions: { minValue: 1 },
	description: 'How long to wait for the service to answer each request before the item fails',
};

/** Only for a binary file, which is uploaded first (a collection option can show on a root parameter with `/`). */
export const uploadKeyPrefixOption: INodeProperties = {
	displayName: 'Upload Key Prefix',
	name: 'keyPrefix',
	type: 'string',
	default: DEFAULT_UPLOAD_PREFIX,
	description: 'Where binary files are uploaded in the bucket before the service reads them',
	displayOptions: { show: { '/source': ['binary'] } },
};

// ----- Templates -----

export const templateLocator: INodeProperties = {
	displayName: 'Template',
	name: 'templateId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchTemplates', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 't1460606b9752148c4ab182f55163ba7cd',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^t[0-9a-zA-Z]+$',
						errorMessage: 'A template ID starts with t, such as t1460606b9752148c4ab182f55163ba7cd',
					},
				},
			],
		},
	],
};

/** Name and recognition options of a template, shared by Create and Update. */
export const templateFields: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		description: 'Letters (Chinese included), digits, _, - and *, at most 64 characters',
	},
	...recognitionFields,
	showWhen(
		{
			displayName: 'PDF',
			name: 'isPdf',
			type: 'boolean',
			default: false,
			description: 'Whether inputs may be PDFs (one page is recognized)',
		},
		pdfTypes.show,
	),
	showWhen(
		{
			displayName: 'PDF Page',
			name: 'pdfPageNumber',
			type: 'number',
			default: 1,
			typeOptions: { minValue: 1 },
		},
		{ ...pdfTypes.show, isPdf: [true] },
	),
];

// ----- Jobs -----

export const jobStateOptions: INodePropertyOptions[] = JOB_STATES.map((state) => ({
	name: state,
	value: state,
}));

export const jobIdsField: INodeProperties = {
	displayName: 'Job IDs',
	name: 'jobIds',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'a3c193f288b2c11eeb60f39de2f86f409',
	description: 'One job ID, or several separated by commas',
};

export const waitForCompletionField: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: false,
	description:
		'Whether to wait until the job has finished and output its result, instead of the submitted job',
};

/** One explicit choice of callback, each showing only its own fields. */
export const callbackFields: INodeProperties[] = [
	{
		displayName: 'Callback',
		name: 'callbackType',
		type: 'options',
		default: 'queue',
		options: [
			{
				name: 'Queue Default',
				value: 'queue',
				description: 'Whatever callback the queue is set up with in the console (none by default)',
			},
			{
				name: 'URL',
				value: 'url',
				description: 'CI POSTs the finished job to a URL, such as a Tencent Cloud Infinite Trigger',
			},
			{
				name: 'TDMQ',
				value: 'tdmq',
				description: 'CI sends the finished job to a TDMQ queue or topic',
			},
			{
				name: 'None',
				value: 'none',
				description: 'No callback for this job, even if the queue has one',
			},
		],
		description: 'How CI reports the finished job',
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://n8n.example.com/webhook/…/callback?token=…',
		description:
			'For a Tencent Cloud Infinite Trigger: its Production URL followed by ?token= and its Secret Token',
		displayOptions: { show: { callbackType: ['url'] } },
	},
	{
		displayName: 'Callback Format',
		name: 'callbackFormat',
		type: 'options',
		default: 'JSON',
		options: [
			{ name: 'JSON', value: 'JSON' },
			{ name: 'XML', value: 'XML' },
		],
		displayOptions: { show: { callbackType: ['url', 'tdmq'] } },
	},
	{
		displayName: 'TDMQ Mode',
		name: 'mqMode',
		type: 'options',
		default: 'Queue',
		options: [
			{ name: 'Queue', value: 'Queue' },
			{ name: 'Topic', value: 'Topic' },
		],
		displayOptions: { show: { callbackType: ['tdmq'] } },
	},
	{
		displayName: 'TDMQ Name',
		name: 'mqName',
		type: 'string',
		default: '',
		required: true,
		description: 'Name of the TDMQ queue or topic',
		displayOptions: { show: { callbackType: ['tdmq'] } },
	},
	{
		displayName: 'TDMQ Region',
		name: 'mqRegion',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'gz',
		description: 'Region of the TDMQ instance, such as sh, bj, gz, cd or hk',
		displayOptions: { show: { callbackType: ['tdmq'] } },
	},
];

/** What both submit operations offer besides their input and recognition settings. */
export const submitOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		itemsAtOnceOption,
		{
			displayName: 'Job Level',
			name: 'jobLevel',
			type: 'options',
			default: 0,
			options: [
				{ name: '0 (Default)', value: 0 },
				{ name: '1', value: 1 },
				{ name: '2 (Highest)', value: 2 },
			],
			description: 'Priority of the job',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			default: 2,
			typeOptions: { minValue: 1 },
			description:
				'The shortest time between two checks of the job; checks then slow down to every 30 seconds',
			displayOptions: { show: { '/waitForCompletion': [true] } },
		},
		requestTimeoutOption,
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			default: 300,
			typeOptions: { minValue: 1 },
			description: 'How long to wait before the item fails (the job goes on)',
			displayOptions: { show: { '/waitForCompletion': [true] } },
		},
		uploadKeyPrefixOption,
		{
			displayName: 'User Data',
			name: 'userData',
			type: 'string',
			default: '',
			description:
				'Text passed through to the result and the callback: printable ASCII, at most 1024 characters',
		},
	],
};

/** A binary file uploaded for a job: whether it goes once the job has finished (only known when waiting). */
export const deleteUploadField: INodeProperties = {
	displayName: 'Delete Upload When Done',
	name: 'deleteUpload',
	type: 'boolean',
	default: true,
	description: 'Whether to delete the uploaded file from the bucket once the job has finished',
	displayOptions: { show: { source: ['binary'], waitForCompletion: [true] } },
};
