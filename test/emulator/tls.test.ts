/** The CI port speaks https (a TEST-ONLY CA, emulator/tls/) and refuses plain http on the same port. */
import { execFile } from 'child_process';
import { request as httpRequest } from 'http';
import { Agent, request as httpsRequest } from 'https';
import { createConnection, type Socket } from 'net';
import { connect, type TLSSocket } from 'tls';
import { promisify } from 'util';

import { EMULATOR_CA_PATH, startEmulator, type Emulator } from '../../emulator';
import { textPng } from '../helpers/images';
import { EMULATOR_CA, errorCode, send, xml } from './client';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ engine: 'text', jobDelayMs: 50 });
});
afterEach(() => emulator.reset());
afterAll(async () => await emulator.close());

const run = promisify(execFile);
/** A fresh Node process that GETs `url` and prints the status, or the TLS error code. */
async function probe(url: string, env: Record<string, string>): Promise<string> {
	const script = `require('https').get(${JSON.stringify(url)}, (r) => { console.log(r.statusCode); r.resume(); }).on('error', (e) => console.log(e.code));`;
	const { stdout } = await run(process.execPath, ['-e', script], {
		env: { PATH: process.env.PATH ?? '', ...env },
	});
	return stdout.trim();
}

describe('https on the CI port', () => {
	it('serves the API over TLS to a client that trusts the test-only CA', async () => {
		expect(emulator.ciUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
		const reply = await send(emulator, 'ci', 'GET', 'jobs', { query: { tag: 'ImageOCR' } });
		expect(reply.status).toBe(200);
		expect(reply.headers['x-ci-request-id']).toBeTruthy();
	});

	it('is refused by a client that does not trust it, and trusted through NODE_EXTRA_CA_CERTS', async () => {
		// Child processes with a clean environment: this one may itself trust the CA (NODE_EXTRA_CA_CERTS).
		// When this process trusts the CA, OpenSSL sends it along in the chain: the code differs, the refusal not.
		expect(await probe(`${emulator.ciUrl}/jobs`, {})).toMatch(
			/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/,
		);
		// Trusted: the request reaches the API, which refuses it for having no Authorization.
		expect(await probe(`${emulator.ciUrl}/jobs`, { NODE_EXTRA_CA_CERTS: EMULATOR_CA_PATH })).toBe(
			'401',
		);
	});

	it('holds for localhost as for 127.0.0.1, and over kept-alive connections', async () => {
		const agent = new Agent({ keepAlive: true, ca: EMULATOR_CA });
		try {
			const port = new URL(emulator.ciUrl).port;
			const statuses: number[] = [];
			for (const host of ['localhost', '127.0.0.1', '127.0.0.1']) {
				statuses.push(
					await new Promise<number>((resolve, reject) =>
						httpsRequest({ host, port, path: '/jobs', agent }, (res) => {
							res.resume();
							res.on('end', () => resolve(res.statusCode ?? 0));
						})
							.on('error', reject)
							.end(),
					),
				);
			}
			expect(statuses).toEqual([401, 401, 401]);
		} finally {
			agent.destroy();
		}
	});
});

it('close() ends open connections on the CI port, a TLS one and one that never sent a byte', async () => {
	const other = await startEmulator({ engine: 'text' });
	const port = Number(new URL(other.ciUrl).port);
	const secure = await new Promise<TLSSocket>((resolve, reject) => {
		const socket = connect({ host: '127.0.0.1', port, ca: EMULATOR_CA }, () => resolve(socket));
		socket.on('error', reject);
	});
	const silent = await new Promise<Socket>((resolve, reject) => {
		const socket = createConnection({ host: '127.0.0.1', port }, () => resolve(socket));
		socket.on('error', reject);
	});
	const closed = Promise.all(
		[secure, silent].map((socket) => new Promise((resolve) => socket.once('close', resolve))),
	);
	await other.close();
	await closed;
	expect([secure.destroyed, silent.destroyed]).toEqual([true, true]);
});

describe('plain http on the CI port', () => {
	it('answers 301 PermanentRedirect to the https URL in the CI envelope, and does nothing else', async () => {
		emulator.objects.set('in.png', textPng('x'));
		const body =
			'<Request><Tag>ImageOCR</Tag><Input><Object>in.png</Object></Input><Operation><ImageOCR><Type>general</Type></ImageOCR></Operation></Request>';
		const reply = await send(emulator, 'ci', 'POST', 'jobs', {
			body,
			headers: { 'content-type': 'application/xml' },
			base: emulator.ciHttpUrl,
			query: { a: 'b' },
		});
		expect(reply.status).toBe(301);
		expect(reply.headers.location).toBe(`${emulator.ciUrl}/jobs?a=b`);
		expect(errorCode(reply)).toBe('PermanentRedirect');
		expect(xml(reply, 'Error').Resource).toBeUndefined();
		expect(reply.headers['x-ci-request-id']).toBe(xml(reply, 'Error').RequestId);
		expect(reply.headers['x-ci-trace-id']).toBe(xml(reply, 'Error').TraceId);
		expect(emulator.stats.jobsSubmitted).toBe(0);
		expect(emulator.requests.at(-1)).toMatchObject({
			service: 'ci',
			method: 'POST',
			path: '/jobs',
			status: 301,
		});
	});

	it('refuses even an unsigned request, before any signature check', async () => {
		const status = await new Promise<number>((resolve, reject) =>
			httpRequest(`${emulator.ciHttpUrl}/template`, { agent: false }, (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			})
				.on('error', reject)
				.end(),
		);
		expect(status).toBe(301);
	});
});
