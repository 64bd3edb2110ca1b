import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { resolveAccount } from './account';
import { clockOffsetSeconds } from './clock';
import { signRequest, type SignableValue } from './signature';
import { encodeQuery, splitUrl } from './url';

/** How long a signature stays valid, as in the SDK. */
const SIGNATURE_SECONDS = 900;

function absoluteUrl(options: IHttpRequestOptions): string {
	if (/^https?:\/\//i.test(options.url)) return options.url;
	const base = (options.baseURL ?? '').replace(/\/+$/, '');
	const path = options.url.startsWith('/') ? options.url : `/${options.url}`;
	return `${base}${path}`;
}

/** Folds `qs` into the URL with the SDK's encoding, so that what is signed is what is sent. */
function withQueryInUrl(url: string, qs: IDataObject | undefined): string {
	if (!qs || Object.keys(qs).length === 0) return url;
	const query = Object.fromEntries(
		Object.entries(qs).map(([key, value]) => [
			key,
			value === null ? '' : (value as string | undefined),
		]),
	);
	const search = encodeQuery(query);
	if (!search) return url;
	return `${url}${url.includes('?') ? '&' : '?'}${search}`;
}

function bodyLength(body: unknown): number | undefined {
	if (body === undefined || body === null || body === '') return 0;
	if (typeof body === 'string') return Buffer.byteLength(body);
	if (Buffer.isBuffer(body)) return body.length;
	return undefined;
}

function keyTimeNow(origin: string): string {
	const start = Math.round(Date.now() / 1000) - 1 + clockOffsetSeconds(origin);
	return `${start};${start + SIGNATURE_SECONDS}`;
}

/**
 * The credential's `authenticate`: signs a request for COS or CI with `q-sign-algorithm=sha1` and
 * adds the session token of temporary credentials (unsigned, as the SDK sends it).
 */
export async function authenticateRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const account = resolveAccount(credentials);
	const url = withQueryInUrl(absoluteUrl(requestOptions), requestOptions.qs);
	const { origin, host, pathname, query } = splitUrl(url);
	const method = (requestOptions.method ?? 'GET').toUpperCase();

	const headers: Record<string, SignableValue> = {};
	for (const [name, value] of Object.entries(requestOptions.headers ?? {})) {
		if (name.toLowerCase() === 'authorization' || /security-token$/i.test(name)) continue;
		headers[name] = value as SignableValue;
	}
	const headerNames = Object.keys(headers).map((name) => name.toLowerCase());
	if (!headerNames.includes('host')) headers.host = host;
	const length = bodyLength(requestOptions.body);
	if (
		!headerNames.includes('content-length') &&
		length !== undefined &&
		(length > 0 || method !== 'GET')
	) {
		headers['content-length'] = String(length);
	}

	const authorization = signRequest({
		secretId: account.secretId,
		secretKey: account.secretKey,
		method,
		pathname,
		query,
		headers,
		keyTime: keyTimeNow(origin),
	});

	const signed: IHttpRequestOptions = {
		...requestOptions,
		url,
		headers: { ...headers, Authorization: authorization },
	};
	delete signed.baseURL;
	delete signed.qs;
	if (account.sessionToken) {
		const tokenHeader =
			origin === account.ciOrigin ? 'x-ci-security-token' : 'x-cos-security-token';
		signed.headers![tokenHeader] = account.sessionToken;
	}
	return signed;
}
