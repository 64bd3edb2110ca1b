import { camSafeUrlEncode } from './signature';

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue>;

/** An object key on the wire: encoded as the SDK does, `/` kept, so `+` goes out as `%2B`. */
export function encodePath(rawPath: string): string {
	const path = rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
	return camSafeUrlEncode(path).replace(/%2F/g, '/');
}

export function encodeQuery(query: Query = {}): string {
	return Object.entries(query)
		.filter(([, value]) => value !== undefined)
		.map(([key, value]) => `${camSafeUrlEncode(key)}=${camSafeUrlEncode(String(value))}`)
		.join('&');
}

export function buildUrl(origin: string, rawPath: string, query?: Query): string {
	const search = encodeQuery(query);
	return `${origin}${encodePath(rawPath)}${search ? `?${search}` : ''}`;
}

// Servers read `+` as a space in paths and queries; so does the signer's view of a URL.
function decode(component: string): string {
	const spaced = component.replace(/\+/g, ' ');
	try {
		return decodeURIComponent(spaced);
	} catch {
		return spaced;
	}
}

export interface SplitUrl {
	origin: string;
	host: string;
	/** Decoded path, as the signer wants it. */
	pathname: string;
	query: Record<string, string>;
}

/**
 * Splits an absolute URL without normalizing it: `new URL()` would resolve `.` and `..` segments,
 * which are legal in object keys and must be signed as written.
 */
export function splitUrl(url: string): SplitUrl {
	const match = /^(https?:\/\/[^/?#]+)([^?#]*)(?:\?([^#]*))?/i.exec(url);
	if (!match) throw new Error(`Not an absolute http(s) URL: ${url}`);
	const origin = new URL(match[1]).origin;
	const query: Record<string, string> = {};
	for (const pair of (match[3] ?? '').split('&')) {
		if (!pair) continue;
		const eq = pair.indexOf('=');
		const key = decode(eq < 0 ? pair : pair.slice(0, eq));
		query[key] = eq < 0 ? '' : decode(pair.slice(eq + 1));
	}
	return { origin, host: new URL(origin).host, pathname: decode(match[2] || '/'), query };
}
