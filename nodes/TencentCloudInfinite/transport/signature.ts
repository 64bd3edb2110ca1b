import { createHash, createHmac } from 'crypto';

export type SignableValue = string | number | boolean | null | undefined;

export interface SignRequestInput {
	secretId: string;
	secretKey: string;
	method: string;
	/** The raw, un-encoded path: `/` followed by the object key as the user wrote it. */
	pathname: string;
	query?: Record<string, SignableValue>;
	/** Every header of the request; the ones COS signs are picked here. */
	headers?: Record<string, SignableValue>;
	/** `<start>;<end>` in Unix seconds. */
	keyTime: string;
}

const SIGNED_HEADERS = new Set([
	'cache-control',
	'content-disposition',
	'content-encoding',
	'content-length',
	'content-md5',
	'content-type',
	'expect',
	'expires',
	'host',
	'if-match',
	'if-modified-since',
	'if-none-match',
	'if-unmodified-since',
	'origin',
	'range',
	'transfer-encoding',
	'pic-operations',
]);

/** `encodeURIComponent` plus the five characters it leaves alone that COS wants encoded. */
export function camSafeUrlEncode(value: string): string {
	return encodeURIComponent(value).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
}

// The SDK matches `x-cos-` / `x-ci-` anywhere in the name, not only as a prefix; so do we.
function isSignedHeader(name: string): boolean {
	const lower = name.toLowerCase();
	return lower.includes('x-cos-') || lower.includes('x-ci-') || SIGNED_HEADERS.has(lower);
}

function compareLowerCase(a: string, b: string): number {
	const x = a.toLowerCase();
	const y = b.toLowerCase();
	return x === y ? 0 : x > y ? 1 : -1;
}

/** The sorted list of encoded, lower-cased names that goes into `q-header-list` / `q-url-param-list`. */
function keyList(pairs: Record<string, SignableValue>): string {
	return Object.keys(pairs)
		.map((key) => camSafeUrlEncode(key).toLowerCase())
		.sort(compareLowerCase)
		.join(';');
}

/** `key=value` pairs for the HttpString; sorted by the raw lower-cased name, as the SDK does. */
function pairString(pairs: Record<string, SignableValue>): string {
	return Object.keys(pairs)
		.sort(compareLowerCase)
		.map((key) => {
			const raw = pairs[key];
			const value = raw === undefined || raw === null ? '' : String(raw);
			return `${camSafeUrlEncode(key).toLowerCase()}=${camSafeUrlEncode(value)}`;
		})
		.join('&');
}

function pickSignedHeaders(headers: Record<string, SignableValue>): Record<string, SignableValue> {
	const picked: Record<string, SignableValue> = {};
	for (const name of Object.keys(headers)) {
		if (isSignedHeader(name)) picked[name] = headers[name];
	}
	return picked;
}

function sha1Hex(data: string): string {
	return createHash('sha1').update(data, 'utf8').digest('hex');
}

function hmacSha1Hex(key: string, data: string): string {
	return createHmac('sha1', key).update(data, 'utf8').digest('hex');
}

/**
 * Computes the `Authorization` value of COS's `q-sign-algorithm=sha1` scheme, byte for byte as
 * `cos-nodejs-sdk-v5`'s `getAuthorization` does for the same input.
 */
export function signRequest(input: SignRequestInput): string {
	const { secretId, secretKey, keyTime } = input;
	const query = input.query ?? {};
	const headers = pickSignedHeaders(input.headers ?? {});
	const pathname = input.pathname.startsWith('/') ? input.pathname : `/${input.pathname}`;

	const signKey = hmacSha1Hex(secretKey, keyTime);
	const httpString = [
		input.method.toLowerCase(),
		pathname,
		pairString(query),
		pairString(headers),
		'',
	].join('\n');
	const stringToSign = ['sha1', keyTime, sha1Hex(httpString), ''].join('\n');
	const signature = hmacSha1Hex(signKey, stringToSign);

	return [
		'q-sign-algorithm=sha1',
		`q-ak=${secretId}`,
		`q-sign-time=${keyTime}`,
		`q-key-time=${keyTime}`,
		`q-header-list=${keyList(headers)}`,
		`q-url-param-list=${keyList(query)}`,
		`q-signature=${signature}`,
	].join('&');
}
