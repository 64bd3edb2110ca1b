import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** Return All and Limit, as every n8n "Get Many" has them. */
export function returnAllProperties(displayOptions: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			displayOptions,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1 },
			displayOptions: { show: { ...displayOptions.show, returnAll: [false] } },
			description: 'Max number of results to return',
		},
	];
}

export function simplifyProperty(displayOptions: IDisplayOptions, instead: string): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		displayOptions,
		description: `Whether to return a simplified version of the response instead of ${instead}`,
	};
}

/** Read by the transport for every request of the item (see `requestTimeoutMs`). */
export const requestTimeoutOption: INodeProperties = {
	displayName: 'Request Timeout (Seconds)',
	name: 'requestTimeout',
	type: 'number',
	default: 120,
	typeOptions: { minValue: 1 },
	description: 'How long to wait for the service to answer each request before the item fails',
};
