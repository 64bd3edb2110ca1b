import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'tencentCloudInfiniteApi';

export type Service = 'cos' | 'ci';

/** The credential's fields, checked, with the two origins requests go to. */
export interface Account {
	secretId: string;
	secretKey: string;
	sessionToken: string;
	bucket: string;
	region: string;
	cosOrigin: string;
	ciOrigin: string;
}

/** A credential field that does not hold what the service accepts; the message names the field. */
export class CredentialFieldError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'CredentialFieldError';
	}
}

/** Credentials have no node to name, so field errors are plain; the node turns them into NodeOperationErrors. */
function fail(field: string, message: string): never {
	throw new CredentialFieldError(field, message);
}

const BUCKET = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-\d+$/;
const REGION = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function text(credentials: ICredentialDataDecryptedObject, field: string): string {
	const value = credentials[field];
	return typeof value === 'string'
		? value.trim()
		: value === undefined || value === null
			? ''
			: String(value);
}

function required(
	credentials: ICredentialDataDecryptedObject,
	field: string,
	label: string,
): string {
	const value = text(credentials, field);
	if (!value) fail(field, `${label} is missing: enter it in the credential`);
	if (/\s/.test(value)) fail(field, `${label} must not contain spaces`);
	return value;
}

/** Accepts `https://host[:port]` (or `http://` for a private endpoint) with no path, query or user. */
export function parseEndpoint(value: string, label: string, field: string): string {
	const allowed = `${label} must be a URL such as https://examplebucket-1250000000.cos.accelerate.myqcloud.com or http://127.0.0.1:9000, without a path`;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		fail(field, `${label} "${value}" is not a URL. ${allowed}`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		fail(field, `${label} must start with https:// or http://. ${allowed}`);
	}
	if (
		url.username ||
		url.password ||
		url.search ||
		url.hash ||
		(url.pathname !== '/' && url.pathname !== '')
	) {
		fail(field, `${label} must hold only the scheme, host and port. ${allowed}`);
	}
	return url.origin;
}

export function resolveAccount(credentials: ICredentialDataDecryptedObject): Account {
	const secretId = required(credentials, 'secretId', 'SecretId');
	const secretKey = required(credentials, 'secretKey', 'SecretKey');
	const bucket = text(credentials, 'bucket');
	if (!BUCKET.test(bucket)) {
		fail(
			'bucket',
			`Bucket "${bucket}" is not valid: use BucketName-APPID, e.g. examplebucket-1250000000 (lowercase letters, digits and -, then - and the numeric APPID)`,
		);
	}
	const region = text(credentials, 'region');
	if (!REGION.test(region)) {
		fail(
			'region',
			`Region "${region}" is not valid: use a region ID such as ap-guangzhou or ap-beijing (lowercase letters, digits and -)`,
		);
	}
	const cosEndpoint = text(credentials, 'cosEndpoint');
	const ciEndpoint = text(credentials, 'ciEndpoint');
	return {
		secretId,
		secretKey,
		sessionToken: text(credentials, 'sessionToken'),
		bucket,
		region,
		cosOrigin: cosEndpoint
			? parseEndpoint(cosEndpoint, 'COS Endpoint', 'cosEndpoint')
			: `https://${bucket}.cos.${region}.myqcloud.com`,
		ciOrigin: ciEndpoint
			? parseEndpoint(ciEndpoint, 'CI Endpoint', 'ciEndpoint')
			: `https://${bucket}.ci.${region}.myqcloud.com`,
	};
}

export function originOf(account: Account, service: Service): string {
	return service === 'ci' ? account.ciOrigin : account.cosOrigin;
}
