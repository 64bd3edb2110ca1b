import { createHash, timingSafeEqual } from 'crypto';
import type { IncomingHttpHeaders } from 'http';

import { ServiceError } from './errors';
import type { Service } from './types';

// The official SDK's signer is the reference: the emulator never uses the package's own code.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const COS = require('cos-nodejs-sdk-v5') as { getAuthorization(options: Record<string, unknown>): string };

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
const SIGNABLE = ['cache-control', 'content-disposition', 'content-encoding', 'content-length', 'content-md5', 'content-type', 'expect', 'expires', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-unmodified-since', 'origin', 'range', 'transfer-encoding', 'pic-operations'];
const signable = (name: string) => name.includes('x-cos-') || name.includes('x-ci-') || SIGNABLE.includes(name);

const REQUIRED = ['q-sign-algorithm', 'q-ak', 'q-sign-time', 'q-key-time', 'q-header-list', 'q-url-param-list', 'q-signature'];

function camSafeUrlEncode(value: string): string {
	return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
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
function stringsToSign(request: SignedRequest, query: Record<string, string>, headers: Record<string, string>, signTime: string) {
	const pairs = (entries: Record<string, string>) =>
		Object.keys(entries)
			.sort((a, b) => (a.toLowerCase() > b.toLowerCase() ? 1 : a.toLowerCase() < b.toLowerCase() ? -1 : 0))
			.map((key) => `${camSafeUrlEncode(key).toLowerCase()}=${camSafeUrlEncode(entries[key])}`)
			.join('&');
	const formatString = [request.method.toLowerCase(), request.pathname, pairs(query), pairs(headers), ''].join('\n');
	const stringToSign = ['sha1', signTime, createHash('sha1').update(formatString).digest('hex'), ''].join('\n');
	return { formatString, stringToSign };
}

function sameText(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a request's `Authorization` as the service does; throws the service's 4xx error otherwise. */
export function verifyRequest(request: SignedRequest, settings: AuthSettings): void {
	const authorization = headerValue(request.headers, 'authorization');
	if (!authorization) throw new ServiceError(403, 'AccessDenied', 'Access Denied. The request has no Authorization header.');
	const fields = parseAuthorization(authorization);
	const missing = REQUIRED.find((name) => fields[name] === undefined);
	if (missing || fields['q-sign-algorithm'] !== 'sha1') {
		throw new ServiceError(403, 'AccessDenied', `Authorization is malformed: ${missing ? `${missing} is missing` : 'q-sign-algorithm must be sha1'}.`);
	}
	if (fields['q-ak'] !== settings.secretId) {
		throw new ServiceError(403, 'InvalidAccessKeyId', 'The Access Key Id you provided does not exist in our records.');
	}

	const [start, end] = fields['q-sign-time'].split(';').map(Number);
	if (!Number.isFinite(start) || !Number.isFinite(end)) throw new ServiceError(403, 'AccessDenied', 'q-sign-time is malformed.');
	if (start > settings.serverNowSeconds + 60) {
		throw new ServiceError(403, 'RequestTimeTooSkewed', "The difference between the request time and the server's time is too large.");
	}
	if (end < settings.serverNowSeconds) throw new ServiceError(403, 'AccessDenied', 'Request has expired');

	if (settings.sessionToken) {
		if (settings.tokenExpired) throw new ServiceError(400, 'ExpiredToken', 'The provided token has expired.');
		const token = headerValue(request.headers, request.service === 'ci' ? 'x-ci-security-token' : 'x-cos-security-token');
		if (!token || !sameText(token, settings.sessionToken)) {
			throw new ServiceError(403, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
		}
	}

	const signedHeaderNames = fields['q-header-list'].split(';').filter(Boolean);
	const headers: Record<string, string> = {};
	const problems: string[] = [];
	for (const name of signedHeaderNames) {
		const value = headerValue(request.headers, name);
		if (value === undefined) problems.push(`q-header-list names ${name}, which the request does not carry`);
		else if (!signable(name)) problems.push(`${name} cannot be signed (only host, content-*, x-cos-*, x-ci-* and a few standard headers)`);
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
		if (!Object.keys(query).some((key) => camSafeUrlEncode(key).toLowerCase() === name)) problems.push(`q-url-param-list names ${name}, which the query string does not carry`);
	}
	if (problems.length > 0 || !sameText(expectedSignature, fields['q-signature'])) {
		const { formatString, stringToSign } = stringsToSign(request, query, headers, fields['q-sign-time']);
		const hint = problems.length > 0 ? ` (${problems.join('; ')})` : '';
		throw new ServiceError(403, 'SignatureDoesNotMatch', `The request signature we calculated does not match the signature you provided. Check your key and signing method.${hint}`, {
			StringToSign: stringToSign,
			FormatString: formatString,
		});
	}
}
