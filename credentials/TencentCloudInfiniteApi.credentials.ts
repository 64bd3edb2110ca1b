import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { authenticateRequest } from '../nodes/TencentCloudInfinite/transport/authenticate';

export class TencentCloudInfiniteApi implements ICredentialType {
	name = 'tencentCloudInfiniteApi';

	displayName = 'Tencent Cloud Infinite API';

	icon: Icon = {
		light: 'file:../nodes/TencentCloudInfinite/tencentCloudInfinite.svg',
		dark: 'file:../nodes/TencentCloudInfinite/tencentCloudInfinite.dark.svg',
	};

	documentationUrl = 'https://www.tencentcloud.com/document/product/436/7778';

	properties: INodeProperties[] = [
		{
			displayName: 'SecretId',
			name: 'secretId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'AKID...',
			description:
				'The SecretId of an API key (CAM console › API Keys), or of temporary credentials',
		},
		{
			displayName: 'SecretKey',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for temporary credentials (STS): the token that goes with the temporary SecretId and SecretKey',
		},
		{
			displayName: 'Bucket',
			name: 'bucket',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'examplebucket-1250000000',
			description: 'The bucket bound to Cloud Infinite, as BucketName-APPID',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'string',
			default: 'ap-guangzhou',
			required: true,
			placeholder: 'ap-guangzhou',
			description:
				'The region ID of the bucket, such as ap-guangzhou, ap-beijing, ap-shanghai or ap-singapore',
		},
		{
			displayName: 'COS Endpoint',
			name: 'cosEndpoint',
			type: 'string',
			default: '',
			placeholder: 'https://examplebucket-1250000000.cos.accelerate.myqcloud.com',
			description:
				'Leave empty for https://BUCKET.cos.REGION.myqcloud.com. Set it for an accelerated or private endpoint, or a local emulator (http:// is allowed here).',
		},
		{
			displayName: 'CI Endpoint',
			name: 'ciEndpoint',
			type: 'string',
			default: '',
			placeholder: 'https://examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com',
			description:
				'Leave empty for https://BUCKET.ci.REGION.myqcloud.com. Set it for a private endpoint or a local emulator (http:// is allowed here).',
		},
	];

	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => await authenticateRequest(credentials, requestOptions);

	// Listing one OCR template proves the keys, the clock, the bucket and that CI is bound to it.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.ciEndpoint ? $credentials.ciEndpoint.trim() : "https://" + $credentials.bucket.trim() + ".ci." + $credentials.region.trim() + ".myqcloud.com" }}',
			url: '/template',
			method: 'GET',
			qs: { tag: 'ImageOCR', pageNumber: 1, pageSize: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					// The CI host answers an unknown SecretId or a missing signature with 401 (SecretidNotExist, MissingAuthorization).
					value: 401,
					message:
						'Not authorized (401): the SecretId is not known to the service, or the request reached it unsigned; check the SecretId and the CI endpoint',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Access denied (403): check SecretId and SecretKey, that this computer’s clock is right, and that the bucket and region belong to these keys',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'Not found (404): check the bucket, the region and the CI endpoint, and that Cloud Infinite is bound to the bucket',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 301,
					message:
						'Redirected (301): the CI host answers only https; use https:// in the CI Endpoint, or leave it empty',
				},
			},
		],
	};
}
