import { authenticateRequest } from '../../nodes/TencentCloudInfinite/transport/authenticate';
import { buildUrl, splitUrl } from '../../nodes/TencentCloudInfinite/transport/url';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const COS = require('cos-nodejs-sdk-v5') as {
	getAuthorization(options: Record<string, unknown>): string;
};

const credentials = {
	secretId: 'AKIDtest',
	secretKey: 'secret-key',
	bucket: 'examplebucket-1250000000',
	region: 'ap-guangzhou',
	cosEndpoint: 'http://127.0.0.1:9000',
	ciEndpoint: 'http://127.0.0.1:9001',
};

function field(authorization: string, name: string): string {
	return new RegExp(`(?:^|&)${name}=([^&]*)`).exec(authorization)?.[1] ?? '';
}

/** Verifies an Authorization the way the service does: recompute with the SDK from what is sent. */
function sdkAgrees(
	method: string,
	url: string,
	headers: Record<string, string>,
	secretKey = credentials.secretKey,
): boolean {
	const authorization = headers.Authorization;
	const { pathname, query } = splitUrl(url);
	const signedHeaders = field(authorization, 'q-header-list').split(';').filter(Boolean);
	const signedParams = field(authorization, 'q-url-param-list').split(';').filter(Boolean);
	const lowerHeaders = Object.fromEntries(
		Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
	);
	const expected = COS.getAuthorization({
		SecretId: credentials.secretId,
		SecretKey: secretKey,
		Method: method,
		Pathname: pathname,
		Query: Object.fromEntries(
			Object.entries(query).filter(([k]) =>
				signedParams.includes(encodeURIComponent(k).toLowerCase()),
			),
		),
		Headers: Object.fromEntries(signedHeaders.map((name) => [name, lowerHeaders[name]])),
		KeyTime: field(authorization, 'q-key-time'),
	});
	return expected === authorization;
}

describe('buildUrl and splitUrl', () => {
	it('encodes keys as the SDK does, + as %2B, and splits them back unchanged', () => {
		const key = "/发票 扫描/a+b (1)'*!/../x.jpg";
		const url = buildUrl('http://127.0.0.1:9000', key, {
			'ci-process': 'OCR',
			'detect-url': 'https://a.example.com/p q/图(1).jpg?x=1&y=2',
			empty: '',
			skipped: undefined,
		});
		expect(url).toBe(
			'http://127.0.0.1:9000/%E5%8F%91%E7%A5%A8%20%E6%89%AB%E6%8F%8F/a%2Bb%20%281%29%27%2A%21/../x.jpg?ci-process=OCR&detect-url=https%3A%2F%2Fa.example.com%2Fp%20q%2F%E5%9B%BE%281%29.jpg%3Fx%3D1%26y%3D2&empty=',
		);
		expect(splitUrl(url)).toEqual({
			origin: 'http://127.0.0.1:9000',
			host: '127.0.0.1:9000',
			pathname: key,
			query: {
				'ci-process': 'OCR',
				'detect-url': 'https://a.example.com/p q/图(1).jpg?x=1&y=2',
				empty: '',
			},
		});
	});
});

describe('authenticateRequest (the credential’s authenticate)', () => {
	it('signs host, content-length and x-cos headers so that the SDK verifies it', async () => {
		const signed = await authenticateRequest(credentials, {
			method: 'PUT',
			url: buildUrl(credentials.cosEndpoint, '/a+b/c d.txt'),
			headers: { 'content-type': 'text/plain', 'x-cos-meta-note': 'n', 'User-Agent': 'n8n' },
			body: 'hello',
		});
		const headers = signed.headers as Record<string, string>;
		expect(headers.host).toBe('127.0.0.1:9000');
		expect(headers['content-length']).toBe('5');
		expect(field(headers.Authorization, 'q-header-list')).toBe(
			'content-length;content-type;host;x-cos-meta-note',
		);
		expect(sdkAgrees('PUT', signed.url, headers)).toBe(true);
		expect(sdkAgrees('PUT', signed.url, headers, 'wrong')).toBe(false);
	});

	it('folds qs and baseURL into the URL it signs (as the credential test sends them)', async () => {
		const signed = await authenticateRequest(credentials, {
			method: 'GET',
			baseURL: 'http://127.0.0.1:9001',
			url: '/template',
			qs: { tag: 'ImageOCR', pageNumber: 1, pageSize: 1 },
		});
		expect(signed.url).toBe('http://127.0.0.1:9001/template?tag=ImageOCR&pageNumber=1&pageSize=1');
		expect(signed.qs).toBeUndefined();
		expect(signed.baseURL).toBeUndefined();
		const headers = signed.headers as Record<string, string>;
		expect(field(headers.Authorization, 'q-url-param-list')).toBe('pagenumber;pagesize;tag');
		expect(sdkAgrees('GET', signed.url, headers)).toBe(true);
	});

	it('sends the session token unsigned, named for the host it goes to', async () => {
		const withToken = { ...credentials, sessionToken: 'temporary-token' };
		const toCi = await authenticateRequest(withToken, {
			method: 'POST',
			url: 'http://127.0.0.1:9001/jobs',
			body: '<Request/>',
		});
		const toCos = await authenticateRequest(withToken, {
			method: 'GET',
			url: 'http://127.0.0.1:9000/a.png',
		});
		const ciHeaders = toCi.headers as Record<string, string>;
		expect(ciHeaders['x-ci-security-token']).toBe('temporary-token');
		expect(ciHeaders['x-cos-security-token']).toBeUndefined();
		expect(field(ciHeaders.Authorization, 'q-header-list')).not.toContain('security-token');
		expect((toCos.headers as Record<string, string>)['x-cos-security-token']).toBe(
			'temporary-token',
		);
	});

	it('gives a signature valid from about now for 900 seconds', async () => {
		const signed = await authenticateRequest(credentials, {
			method: 'GET',
			url: 'http://127.0.0.1:9000/a',
		});
		const [start, end] = field(
			(signed.headers as Record<string, string>).Authorization,
			'q-key-time',
		)
			.split(';')
			.map(Number);
		const now = Math.round(Date.now() / 1000);
		expect(Math.abs(start - now)).toBeLessThanOrEqual(2);
		expect(end - start).toBe(900);
	});

	it('rejects a malformed bucket before signing, naming the field', async () => {
		await expect(
			authenticateRequest(
				{ ...credentials, bucket: 'Bad_Bucket' },
				{ method: 'GET', url: 'http://127.0.0.1:9000/a' },
			),
		).rejects.toThrow(/Bucket "Bad_Bucket" is not valid/);
	});
});
