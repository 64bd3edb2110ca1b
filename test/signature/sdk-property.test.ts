import fc from 'fast-check';

import { signRequest } from '../../nodes/TencentCloudInfinite/transport/signature';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const COS = require('cos-nodejs-sdk-v5') as {
	getAuthorization(options: Record<string, unknown>): string;
};

const tricky = [
	'',
	' ',
	'+',
	"'",
	'(',
	')',
	'*',
	'!',
	'~',
	'%',
	'&',
	'=',
	'?',
	'#',
	'/',
	';',
	',',
	':',
	'@',
	'$',
	'图',
	'發票',
	'é',
	'🙂',
	'a',
	'Z',
	'0',
	'-',
	'_',
	'.',
];
const trickyText = fc
	.array(fc.constantFrom(...tricky), { maxLength: 12 })
	.map((parts) => parts.join(''));
const text = fc.oneof(
	trickyText,
	fc.string({ unit: 'grapheme', maxLength: 10 }),
	fc.string({ unit: 'binary', maxLength: 6 }),
);
const name = fc.oneof(
	fc.constantFrom(
		'ci-process',
		'detect-url',
		'Type',
		'language-type',
		'IsWord',
		'pageSize',
		'X-Cos-Meta-Note',
		'prefix',
	),
	fc
		.array(fc.constantFrom('a', 'B', '-', '_', '图', ' ', '(', '*', '+', 'x'), {
			minLength: 1,
			maxLength: 8,
		})
		.map((p) => p.join('')),
);
const headerName = fc.oneof(
	fc.constantFrom(
		'Host',
		'host',
		'Content-Type',
		'content-length',
		'Content-MD5',
		'x-cos-meta-Note',
		'X-CI-Thing',
		'User-Agent',
		'Range',
		'Pic-Operations',
		'Date',
		'Accept',
	),
	fc
		.constantFrom('x-cos-', 'X-Ci-', 'my-x-cos-', '')
		.chain((prefix) => name.map((n) => prefix + n)),
);
const request = fc.record({
	secretId: fc.stringMatching(/^AKID[A-Za-z0-9]{8,32}$/),
	secretKey: fc.string({ minLength: 1, maxLength: 40 }),
	method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'get', 'Post'),
	pathname: fc.array(text, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
	query: fc.dictionary(name, text, { maxKeys: 6, noNullPrototype: true }),
	headers: fc.dictionary(headerName, text, { maxKeys: 6, noNullPrototype: true }),
	keyTime: fc
		.integer({ min: 1_500_000_000, max: 2_000_000_000 })
		.map((start) => `${start};${start + 900}`),
});

describe('signRequest against the official SDK signer (cos-nodejs-sdk-v5 COS.getAuthorization)', () => {
	it('gives the same Authorization for 1000 generated requests', () => {
		let compared = 0;
		fc.assert(
			fc.property(request, (input) => {
				const expected = COS.getAuthorization({
					SecretId: input.secretId,
					SecretKey: input.secretKey,
					Method: input.method,
					Pathname: input.pathname,
					Query: input.query,
					Headers: input.headers,
					KeyTime: input.keyTime,
				});
				compared++;
				expect(signRequest(input)).toBe(expected);
			}),
			{ numRuns: 1000, seed: 20261121 },
		);
		expect(compared).toBe(1000);
	});

	it('covers the characters that commonly break signatures', () => {
		const input = {
			secretId: 'AKIDexample',
			secretKey: 'key',
			method: 'GET',
			pathname: "/发票 扫描/a+b (1)'*!.jpg",
			query: {
				'ci-process': 'OCR',
				'detect-url': 'https://a.example.com/p q/图(1).jpg?x=1&y=2',
				Empty: '',
				'Mixed-Case': "v'(*)!",
			},
			headers: {
				Host: 'b-1250000000.cos.ap-guangzhou.myqcloud.com',
				'X-COS-Meta-Ä': 'ü ö',
				'User-Agent': 'ignored',
			},
			keyTime: '1700000000;1700000900',
		};
		const expected = COS.getAuthorization({
			...input,
			SecretId: input.secretId,
			SecretKey: input.secretKey,
			Method: input.method,
			Pathname: input.pathname,
			Query: input.query,
			Headers: input.headers,
			KeyTime: input.keyTime,
		});
		const actual = signRequest(input);
		expect(actual).toBe(expected);
		expect(actual).toContain('q-header-list=host;x-cos-meta-%c3%84&');
		expect(actual).toContain('q-url-param-list=ci-process;detect-url;empty;mixed-case&');
	});

	it('sorts the signed pairs by raw name but the q-*-list names encoded, as the SDK does (PROTOCOL.md says encoded for both)', () => {
		const input = {
			secretId: 'AKIDx',
			secretKey: 'k',
			method: 'GET',
			pathname: '/',
			query: { z: '1', 图: '2', '~a': '3' },
			headers: {},
			keyTime: '1;2',
		};
		const expected = COS.getAuthorization({
			SecretId: 'AKIDx',
			SecretKey: 'k',
			Method: 'GET',
			Pathname: '/',
			Query: input.query,
			Headers: {},
			KeyTime: '1;2',
		});
		expect(signRequest(input)).toBe(expected);
		expect(expected).toContain('q-url-param-list=%e5%9b%be;z;~a&');
		// Signing the pairs in the encoded order instead gives a different signature.
		const { createHash, createHmac } = require('crypto') as typeof import('crypto');
		const encodedOrder = ['%e5%9b%be=2', 'z=1', '~a=3'].join('&');
		const httpString = ['get', '/', encodedOrder, '', ''].join('\n');
		const stringToSign = [
			'sha1',
			'1;2',
			createHash('sha1').update(httpString).digest('hex'),
			'',
		].join('\n');
		const wrong = createHmac('sha1', createHmac('sha1', 'k').update('1;2').digest('hex'))
			.update(stringToSign)
			.digest('hex');
		expect(expected).not.toContain(wrong);
	});
});
