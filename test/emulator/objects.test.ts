/** Objects on the COS port, key decoding, and signature details not covered elsewhere. */
import { createHash } from 'crypto';
import { request as httpRequest } from 'http';

import { startEmulator, type Emulator } from '../../emulator';
import { errorCode, sdkAuthorization, send, xml } from './client';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ engine: 'text' });
});
afterEach(() => emulator.reset());
afterAll(async () => await emulator.close());

/** A GET whose raw path is sent as given, signed for `signedPath`. */
function rawGet(rawPath: string, signedPath: string): Promise<number> {
	const host = new URL(emulator.cosUrl).host;
	const authorization = sdkAuthorization(emulator, 'GET', signedPath, { host });
	return new Promise((resolve, reject) => {
		httpRequest(
			`${emulator.cosUrl}${rawPath}`,
			{ headers: { host, authorization }, agent: false },
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			},
		)
			.on('error', reject)
			.end();
	});
}

describe('objects', () => {
	const key = 'dir/a b+c 图 (1).txt';

	it('stores, reads, heads and deletes a key with spaces, + and unicode, with ETag and content type', async () => {
		const md5 = createHash('md5').update('hello').digest('hex');
		const put = await send(emulator, 'cos', 'PUT', key, {
			body: 'hello',
			headers: { 'content-type': 'text/plain' },
		});
		expect([put.status, put.headers.etag]).toEqual([200, `"${md5}"`]);
		expect([...emulator.objects.keys()]).toEqual([key]);
		const get = await send(emulator, 'cos', 'GET', key);
		expect([get.text, get.headers['content-type'], get.headers.etag]).toEqual([
			'hello',
			'text/plain',
			`"${md5}"`,
		]);
		const head = await send(emulator, 'cos', 'HEAD', key);
		expect([head.status, head.headers['content-length'], head.text]).toEqual([200, '5', '']);
		expect((await send(emulator, 'cos', 'DELETE', key)).status).toBe(204);
		expect((await send(emulator, 'cos', 'DELETE', key)).status).toBe(204);
		const missing = await send(emulator, 'cos', 'HEAD', key);
		expect([missing.status, missing.text]).toEqual([404, '']);
	});

	it('reads a raw + in the path as a space, and %2B as +', async () => {
		emulator.objects.set('a b.txt', Buffer.from('space'));
		emulator.objects.set('a+b.txt', Buffer.from('plus'));
		expect(await rawGet('/a+b.txt', '/a b.txt')).toBe(200);
		expect(await rawGet('/a%2Bb.txt', '/a+b.txt')).toBe(200);
		// Signed for the key with a +, sent with a raw +: the service reads a space, so they differ.
		expect(await rawGet('/a+b.txt', '/a+b.txt')).toBe(403);
	});

	it('refuses an object above the 5 GB of one PUT with EntityTooLarge, from its Content-Length, before reading it', async () => {
		const host = new URL(emulator.cosUrl).host;
		const authorization = sdkAuthorization(emulator, 'PUT', '/huge.bin', { host });
		const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
			const req = httpRequest(
				`${emulator.cosUrl}/huge.bin`,
				{
					method: 'PUT',
					headers: { host, authorization, 'content-length': String(5 * 1024 ** 3 + 1) },
					agent: false,
				},
				(res) => {
					let body = '';
					res.on('data', (chunk) => (body += chunk));
					res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
				},
			);
			req.on('error', reject);
			req.write('only the first bytes');
		});
		expect([reply.status, xml(reply.body, 'Error').Code]).toEqual([400, 'EntityTooLarge']);
		expect(emulator.objects.has('huge.bin')).toBe(false);
	});

	it('checks Content-MD5', async () => {
		const good = createHash('md5').update('body').digest('base64');
		expect(
			(
				await send(emulator, 'cos', 'PUT', 'm.txt', {
					body: 'body',
					headers: { 'content-md5': good },
				})
			).status,
		).toBe(200);
		const bad = await send(emulator, 'cos', 'PUT', 'm.txt', {
			body: 'other',
			headers: { 'content-md5': good },
		});
		expect([bad.status, errorCode(bad)]).toEqual([400, 'BadDigest']);
		expect(emulator.objects.get('m.txt')?.toString()).toBe('body');
	});
});

describe('signature details', () => {
	it('says which signed header the request does not carry', async () => {
		const host = new URL(emulator.cosUrl).host;
		const authorization = sdkAuthorization(emulator, 'GET', '/a.txt', {
			host,
			'x-cos-meta-note': 'signed but not sent',
		});
		const reply = await new Promise<string>((resolve, reject) => {
			httpRequest(
				`${emulator.cosUrl}/a.txt`,
				{ headers: { host, authorization }, agent: false },
				(res) => {
					let body = '';
					res.on('data', (chunk) => (body += chunk));
					res.on('end', () => resolve(body));
				},
			)
				.on('error', reject)
				.end();
		});
		const error = xml(reply, 'Error');
		expect(error.Code).toBe('SignatureDoesNotMatch');
		expect(error.Message).toMatch(
			/q-header-list names x-cos-meta-note, which the request does not carry/,
		);
		// Read raw: the parser would trim the FormatString's final newline.
		expect(reply).toContain(
			`<FormatString>get\n/a.txt\n\nhost=${encodeURIComponent(host)}\n</FormatString>`,
		);
	});

	it('sends a Date header with every answer, success or error', async () => {
		emulator.objects.set('d.txt', Buffer.from('d'));
		for (const reply of [
			await send(emulator, 'cos', 'GET', 'd.txt'),
			await send(emulator, 'cos', 'GET', 'none.txt'),
			await send(emulator, 'ci', 'GET', 'jobs'),
		]) {
			expect(Math.abs(Date.parse(String(reply.headers.date)) - Date.now())).toBeLessThan(5000);
		}
	});

	it('takes the CI session token from x-ci-security-token', async () => {
		const sts = await startEmulator({ engine: 'text', sessionToken: 'tok' });
		try {
			const list = (headers: Record<string, string>) =>
				send(sts, 'ci', 'GET', 'jobs', { query: { tag: 'ImageOCR' }, unsignedHeaders: headers });
			expect((await list({ 'x-ci-security-token': 'tok' })).status).toBe(200);
			// The CI table has no token codes: AccessDenied, the COS cause first in Message.
			const wrongs: Array<Record<string, string>> = [
				{ 'x-cos-security-token': 'tok' },
				{ 'x-ci-security-token': 'other' },
			];
			for (const wrong of wrongs) {
				const reply = await list(wrong);
				expect([reply.status, errorCode(reply), xml(reply, 'Error').Message]).toEqual([
					403,
					'AccessDenied',
					expect.stringMatching(/^InvalidToken: /),
				]);
			}
			sts.setFaults({ tokenExpired: true });
			const expired = await list({ 'x-ci-security-token': 'tok' });
			expect([expired.status, errorCode(expired), xml(expired, 'Error').Message]).toEqual([
				403,
				'AccessDenied',
				expect.stringMatching(/^ExpiredToken: /),
			]);
		} finally {
			await sts.close();
		}
	});
});
