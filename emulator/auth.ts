import { createHash, timingSafeEqual } from 'crypto';
import type { IncomingHttpHeaders } from 'http';

import { ServiceError } from './errors';
import type { Service } from './types';

// The official SDK's signer is the reference: the emulator never uses the package's own code.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const COS = require('cos-nodejs-sdk-v5') as {
	getAuthorization(options: Record<string, unknown>): string;
};

export interface AuthSettings {
	secretId: string;
	secretKey: string;
	sessionToken?: string;
	tokenExpired: boolean;
	serverNowSeconds: number;
}

export interface SignedRequest {
	service: Service;
	method: string;
	pathname: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
}

/** Headers the SDK's signer takes into a signature (sdk/util.js), besides x-cos-* and x-ci-*. */
const SIGNABLE = [
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
];
const signable = (name: string) =>
	name.includes('x-cos-') || name.includes('x-ci-') || SIGNABLE.includes(name);

const REQUIRED = [
	'q-sign-algorithm',
	'q-ak',
	'q-sign-time',
	'q-key-time',
	'q-header-list',
	'q-url-param-list',
	'q-signature',
];

function camSafeUrlEncode(value: string): string {
	return encodeURIComponent(value).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
}

function parseAuthorization(value: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const part of value.split('&')) {
		const eq = part.indexOf('=');
		if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
	}
	return fields;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? value.join(',') : value;
}

/** The HttpString / StringToSign the service shows in SignatureDoesNotMatch, computed as the SDK does. */
function stringsToSign(
	request: SignedRequest,
	query: Record<string, string>,
	headers: Record<string, string>,
	signTime: string,
) {
	const pairs = (entries: Record<string, string>) =>
		Object.keys(entries)
			.sort((a, b) =>
				a.toLowerCase() > b.toLowerCase() ? 1 : a.toLowerCase() < b.toLowerCase() ? -1 : 0,
			)
			.map((key) => `${camSafeUrlEncode(key).toLowerCase()}=${camSafeUrlEncode(entries[key])}`)
			.join('&');
	const formatString = [
		request.method.toLowerCase(),
		request.pathname,
		pairs(query),
		pairs(headers),
		'',
	].join('\n');
	const stringToSign = [
		'sha1',
		signTime,
		createHash('sha1').update(formatString).digest('hex'),
		'',
	].join('\n');
	return { formatString, stringToSign };
}

function sameText(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The codes each host's table gives these failures (errors/error-codes.json; errors/SILENT.md:
 * "use only codes of the table of the host it answers for"). COS: AccessDenied, InvalidAccessKeyId,
 * RequestTimeTooSkewed, "Request has expired", SignatureDoesNotMatch, InvalidToken, ExpiredToken.
 * CI: MissingAuthorization, InvalidAuthorization, SecretidNotExist and SignatureExpired (401)
 * where their descriptions say so, AccessDenied (403, 禁止此操作) for the rest, the COS name of
 * the cause leading its Message so that a client matching on Message still finds it.
 */
type Failure =
	| 'missing'
	| 'malformed'
	| 'unknownKey'
	| 'skewed'
	| 'expired'
	| 'mismatch'
	| 'badToken'
	| 'expiredToken';

const COS_FAILURES: Record<Failure, [number, string]> = {
	missing: [403, 'AccessDenied'],
	malformed: [403, 'AccessDenied'],
	unknownKey: [403, 'InvalidAccessKeyId'],
	skewed: [403, 'RequestTimeTooSkewed'],
	expired: [403, 'AccessDenied'],
	mismatch: [403, 'SignatureDoesNotMatch'],
	badToken: [403, 'InvalidToken'],
	expiredToken: [400, 'ExpiredToken'],
};
const CI_FAILURES: Record<Failure, [number, string]> = {
	missing: [401, 'MissingAuthorization'],
	malformed: [401, 'InvalidAuthorization'],
	unknownKey: [401, 'SecretidNotExist'],
	skewed: [403, 'AccessDenied'],
	expired: [401, 'SignatureExpired'],
	mismatch: [403, 'AccessDenied'],
	badToken: [403, 'AccessDenied'],
	expiredToken: [403, 'AccessDenied'],
};
const COS_NAMES: Partial<Record<Failure, string>> = {
	skewed: 'RequestTimeTooSkewed',
	mismatch: 'SignatureDoesNotMatch',
	badToken: 'InvalidToken',
	expiredToken: 'ExpiredToken',
};

function fail(
	service: Service,
	failure: Failure,
	message: string,
	extra: Record<string, string> = {},
): ServiceError {
	if (service === 'cos') {
		const [status, code] = COS_FAILURES[failure];
		return new ServiceError(status, code, message, extra);
	}
	const [status, code] = CI_FAILURES[failure];
	const name = COS_NAMES[failure];
	// The COS-only StringToSign/FormatString elements are not part of the CI error body.
	return new ServiceError(status, code, name ? `${name}: ${message}` : message);
}

/** Checks a request's `Authorization` as the service does; throws the service's 4xx error otherwise. */
export function verifyRequest(request: SignedRequest, settings: AuthSettings): void {
	const service = request.service;
	const authorization = headerValue(request.headers, 'authorization');
	if (!authorization)
		throw fail(service, 'missing', 'Access Denied. The request has no Authorization header.');
	const fields = parseAuthorization(authorization);
	const missing = REQUIRED.find((name) => fields[name] === undefined);
	if (missing || fields['q-sign-algorithm'] !== 'sha1') {
		throw fail(
			service,
			'malformed',
			`Authorization is malformed: ${missing ? `${missing} is missing` : 'q-sign-algorithm must be sha1'}.`,
		);
	}
	if (fields['q-ak'] !== settings.secretId)
		throw fail(
			service,
			'unknownKey',
			'The Access Key Id you provided does not exist in our records.',
		);

	const [start, end] = fields['q-sign-time'].split(';').map(Number);
	if (!Number.isFinite(start) || !Number.isFinite(end))
		throw fail(service, 'malformed', 'q-sign-time is malformed.');
	if (start > settings.serverNowSeconds + 60)
		throw fail(
			service,
			'skewed',
			"The difference between the request time and the server's time is too large.",
		);
	if (end < settings.serverNowSeconds) throw fail(service, 'expired', 'Request has expired');

	if (settings.sessionToken) {
		if (settings.tokenExpired)
			throw fail(service, 'expiredToken', 'The provided token has expired.');
		const token = headerValue(
			request.headers,
			service === 'ci' ? 'x-ci-security-token' : 'x-cos-security-token',
		);
		if (!token || !sameText(token, settings.sessionToken))
			throw fail(service, 'badToken', 'The provided token is malformed or otherwise invalid.');
	}
	const signedHeaderNames = fields['q-header-list'].split(';').filter(Boolean);
	const headers: Record<string, string> = {};
	const problems: string[] = [];
	for (const name of signedHeaderNames) {
		const value = headerValue(request.headers, name);
		if (value === undefined)
			problems.push(`q-header-list names ${name}, which the request does not carry`);
		else if (!signable(name))
			problems.push(
				`${name} cannot be signed (only host, content-*, x-cos-*, x-ci-* and a few standard headers)`,
			);
		else headers[name] = value;
	}
	const signedParamNames = new Set(fields['q-url-param-list'].split(';').filter(Boolean));
	const query: Record<string, string> = {};
	for (const [key, value] of Object.entries(request.query)) {
		if (signedParamNames.has(camSafeUrlEncode(key).toLowerCase())) query[key] = value;
	}

	const expected = COS.getAuthorization({
		SecretId: settings.secretId,
		SecretKey: settings.secretKey,
		Method: request.method,
		Pathname: request.pathname,
		Query: query,
		Headers: headers,
		KeyTime: fields['q-key-time'],
	});
	const expectedSignature = parseAuthorization(expected)['q-signature'];
	for (const name of signedParamNames) {
		if (!Object.keys(query).some((key) => camSafeUrlEncode(key).toLowerCase() === name))
			problems.push(`q-url-param-list names ${name}, which the query string does not carry`);
	}
	if (problems.length > 0 || !sameText(expectedSignature, fields['q-signature'])) {
		const { formatString, stringToSign } = stringsToSign(
			request,
			query,
			headers,
			fields['q-sign-time'],
		);
		const hint = problems.length > 0 ? ` (${problems.join('; ')})` : '';
		throw fail(
			service,
			'mismatch',
			`The request signature we calculated does not match the signature you provided. Check your key and signing method.${hint}`,
			{
				StringToSign: stringToSign,
				FormatString: formatString,
			},
		);
	}
}
