/**
 * The emulator itself, spoken to with http (COS) and https (CI) and requests signed by the
 * official SDK (cos-nodejs-sdk-v5), never by this package's signer.
 */
import { spawn } from 'child_process';
import { createServer, request as httpRequest, type Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';

import { EMULATOR_CA_PATH, startEmulator, type Emulator } from '../../emulator';
import { textPng } from '../helpers/images';

import { errorCode, send, until, xml, type Reply } from './client';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ jobDelayMs: 100, engine: 'text' });
});
afterEach(() => emulator.reset());
afterAll(async () => await emulator.close());

describe('signature checks', () => {
	it('accepts a request signed by the SDK', async () => {
		expect((await send(emulator, 'cos', 'PUT', 'a b/图+(1).txt', { body: 'x' })).status).toBe(200);
		expect(emulator.objects.get('a b/图+(1).txt')?.toString()).toBe('x');
	});

	it('answers a wrong key with SignatureDoesNotMatch and the StringToSign it expected', async () => {
		const reply = await send(emulator, 'cos', 'GET', 'a.txt', { secretKey: 'wrong' });
		expect(reply.status).toBe(403);
		expect(errorCode(reply)).toBe('SignatureDoesNotMatch');
		// On the wire, with its trailing newline (the parser would trim it).
		expect(reply.text).toMatch(/<StringToSign>sha1\n\d+;\d+\n[0-9a-f]{40}\n<\/StringToSign>/);
		expect(reply.headers['x-cos-request-id']).toBeTruthy();
	});

	it('answers an unknown SecretId with InvalidAccessKeyId', async () => {
		expect(
			errorCode(await send(emulator, 'cos', 'GET', 'a.txt', { secretId: 'AKIDunknown' })),
		).toBe('InvalidAccessKeyId');
	});

	it('answers an expired signature with AccessDenied "Request has expired"', async () => {
		const reply = await send(emulator, 'cos', 'GET', 'a.txt', { keyTime: '1600000000;1600000900' });
		expect(errorCode(reply)).toBe('AccessDenied');
		expect(reply.text).toContain('Request has expired');
	});

	it('answers a signature from the future with RequestTimeTooSkewed and its own Date', async () => {
		emulator.setFaults({ clockOffsetSeconds: -3600 });
		const reply = await send(emulator, 'cos', 'GET', 'a.txt');
		expect(errorCode(reply)).toBe('RequestTimeTooSkewed');
		expect(Math.abs(Date.parse(String(reply.headers.date)) - (Date.now() - 3600_000))).toBeLessThan(
			5000,
		);
	});

	it('answers with the CI table’s codes on the CI host (errors/error-codes.json), the COS cause first in Message', async () => {
		const list = (options = {}) =>
			send(emulator, 'ci', 'GET', 'jobs', { query: { tag: 'ImageOCR' }, ...options });
		const cases: Array<[object, number, string, RegExp]> = [
			[{ secretKey: 'wrong' }, 403, 'AccessDenied', /^SignatureDoesNotMatch: /],
			[{ secretId: 'AKIDunknown' }, 401, 'SecretidNotExist', /does not exist/],
			[{ keyTime: '1600000000;1600000900' }, 401, 'SignatureExpired', /Request has expired/],
		];
		for (const [options, status, code, message] of cases) {
			const reply = await list(options);
			expect([reply.status, errorCode(reply)]).toEqual([status, code]);
			expect(xml(reply, 'Error').Message).toMatch(message);
			expect(xml(reply, 'Error').Resource).toBeUndefined();
			expect(xml(reply, 'Error').StringToSign).toBeUndefined();
		}
		emulator.setFaults({ clockOffsetSeconds: -3600 });
		const skewed = await list();
		expect([skewed.status, errorCode(skewed), xml(skewed, 'Error').Message]).toEqual([
			403,
			'AccessDenied',
			expect.stringMatching(/^RequestTimeTooSkewed: /),
		]);
	});

	it('refuses a request without Authorization', async () => {
		const reply = await new Promise<Reply>((resolve) =>
			httpRequest(`${emulator.cosUrl}/a.txt`, (res) => {
				let body = '';
				res.on('data', (c) => (body += c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers,
						body: Buffer.from(body),
						text: body,
					}),
				);
			}).end(),
		);
		expect(reply.status).toBe(403);
		expect(errorCode(reply)).toBe('AccessDenied');
		const ci = await send(emulator, 'ci', 'GET', 'jobs', {
			query: { tag: 'ImageOCR' },
			unsignedHeaders: { authorization: 'q-sign-algorithm=sha1' },
		});
		expect([ci.status, errorCode(ci)]).toEqual([401, 'InvalidAuthorization']);
	});
});

describe('temporary credentials', () => {
	let withToken: Emulator;
	beforeAll(async () => {
		withToken = await startEmulator({ sessionToken: 'sts-token', engine: 'text' });
	});
	afterAll(async () => await withToken.close());

	const get = (headers: Record<string, string> = {}) =>
		send(withToken, 'cos', 'GET', 'a.txt', { unsignedHeaders: headers });

	it('needs the session token', async () => {
		expect(errorCode(await get())).toBe('InvalidToken');
		expect((await get({ 'x-cos-security-token': 'sts-token' })).status).toBe(404);
	});

	it('answers ExpiredToken when the token has expired', async () => {
		withToken.setFaults({ tokenExpired: true });
		const reply = await get({ 'x-cos-security-token': 'sts-token' });
		expect(reply.status).toBe(400);
		expect(errorCode(reply)).toBe('ExpiredToken');
	});
});

describe('objects and sync OCR', () => {
	it('stores, reads, heads and deletes objects, answering NoSuchKey when absent', async () => {
		await send(emulator, 'cos', 'PUT', 'dir/x.txt', { body: 'hello' });
		expect((await send(emulator, 'cos', 'GET', 'dir/x.txt')).text).toBe('hello');
		expect((await send(emulator, 'cos', 'HEAD', 'dir/x.txt')).headers['content-length']).toBe('5');
		expect((await send(emulator, 'cos', 'DELETE', 'dir/x.txt')).status).toBe(204);
		const missing = await send(emulator, 'cos', 'GET', 'dir/x.txt');
		expect([missing.status, errorCode(missing)]).toEqual([404, 'NoSuchKey']);
	});

	it('answers the sync OCR request with the lines of the image (shapes: test/conformance/structure.test.ts)', async () => {
		emulator.objects.set('n.png', textPng(['Hello', 'Goodbye']));
		const reply = await send(emulator, 'cos', 'GET', 'n.png', {
			query: { 'ci-process': 'OCR', type: 'general', isword: 'true' },
		});
		expect(reply.status).toBe(200);
		const response = xml(reply);
		expect(
			response.TextDetections.map((line: { DetectedText: string }) => line.DetectedText),
		).toEqual(['Hello', 'Goodbye']);
		expect(
			response.TextDetections[1].Words.map((word: { Character: string }) => word.Character).join(
				'',
			),
		).toBe('Goodbye');
		expect(response.RequestId).toBe(reply.headers['x-cos-request-id']);
	});

	it.each([
		[{ type: 'magic' }, /type .{0,6}magic/],
		[{ 'language-type': 'xx' }, /language-type .{0,6}xx/],
		[{ isword: 'yes' }, /isword must be true or false/],
		[{ 'pdf-pagenumber': '0' }, /pdf-pagenumber must be a whole number/],
		[{ colour: 'red' }, /colour is not a parameter of ci-process=OCR/],
	])('refuses bad parameters %j with InvalidArgument', async (query, message) => {
		emulator.objects.set('n.png', textPng('x'));
		const reply = await send(emulator, 'cos', 'GET', 'n.png', {
			query: { 'ci-process': 'OCR', ...query },
		});
		expect([reply.status, errorCode(reply)]).toEqual([400, 'InvalidArgument']);
		expect(reply.text).toMatch(message);
	});

	it('refuses a detect-url that is not on loopback', async () => {
		const reply = await send(emulator, 'cos', 'GET', '', {
			query: { 'ci-process': 'OCR', 'detect-url': 'http://example.com/a.png' },
		});
		expect(errorCode(reply)).toBe('InvalidArgument');
		expect(reply.text).toContain('only from loopback');
	});
});

describe('fault switches', () => {
	it('injects errors for matching requests only, then recovers', async () => {
		emulator.setFaults({
			errorCount: 1,
			errorStatus: 500,
			errorCode: 'InternalError',
			match: { method: 'PUT' },
		});
		expect((await send(emulator, 'cos', 'GET', 'a.txt')).status).toBe(404);
		expect(errorCode(await send(emulator, 'cos', 'PUT', 'a.txt', { body: 'x' }))).toBe(
			'InternalError',
		);
		expect((await send(emulator, 'cos', 'PUT', 'a.txt', { body: 'x' })).status).toBe(200);
	});

	it('fails a deterministic share of requests with errorRate', async () => {
		emulator.setFaults({ errorRate: 0.5 });
		const statuses = [];
		for (let i = 0; i < 40; i++)
			statuses.push((await send(emulator, 'cos', 'GET', 'a.txt')).status);
		const failed = statuses.filter((status) => status === 503).length;
		expect(failed).toBeGreaterThan(8);
		expect(failed).toBeLessThan(32);
	});

	it('adds latency', async () => {
		emulator.setFaults({ latencyMs: 150 });
		const started = Date.now();
		await send(emulator, 'cos', 'GET', 'a.txt');
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('resets connections, before or after handling the request', async () => {
		emulator.setFaults({ resetCount: 1 });
		await expect(send(emulator, 'cos', 'PUT', 'r.txt', { body: 'x' })).rejects.toThrow(
			/socket hang up|ECONNRESET/,
		);
		expect(emulator.objects.has('r.txt')).toBe(false);
		emulator.setFaults({ resetCount: 1, resetMode: 'after' });
		await expect(send(emulator, 'cos', 'PUT', 'r.txt', { body: 'x' })).rejects.toThrow(
			/socket hang up|ECONNRESET/,
		);
		expect(emulator.objects.has('r.txt')).toBe(true);
	});

	it('truncates an answer mid-body', async () => {
		emulator.objects.set('big.txt', Buffer.from('x'.repeat(10000)));
		emulator.setFaults({ truncateCount: 1 });
		await expect(send(emulator, 'cos', 'GET', 'big.txt')).rejects.toThrow(
			/aborted|ECONNRESET|socket hang up/,
		);
	});
});

describe('jobs and callbacks', () => {
	let receiver: Server;
	let hook: string;
	const bodies: string[] = [];
	beforeAll(async () => {
		receiver = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				bodies.push(body);
				res.end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});
	afterAll(async () => await new Promise((resolve) => receiver.close(resolve)));

	const submit = (body: string) =>
		send(emulator, 'ci', 'POST', 'jobs', { body, headers: { 'content-type': 'application/xml' } });

	it('runs a job from Submitted to Success and posts a JSON callback with string values', async () => {
		emulator.objects.set('in.png', textPng('job text'));
		bodies.length = 0;
		const reply = await submit(
			`<Request><Tag>ImageOCR</Tag><Input><Object>in.png</Object></Input><Operation><ImageOCR><Type>general</Type></ImageOCR></Operation><CallBack>${hook}</CallBack><CallBackFormat>JSON</CallBackFormat></Request>`,
		);
		expect(xml(reply).JobsDetail[0].State).toBe('Submitted');
		expect(xml(reply).RequestId).toBeUndefined();
		const jobId = String(xml(reply).JobsDetail[0].JobId);
		await until(() => bodies.length > 0);
		const callback = JSON.parse(bodies[0]);
		expect(callback).toMatchObject({
			EventName: 'TaskFinish',
			JobsDetail: [{ JobId: jobId, State: 'Success' }],
		});
		expect(callback.JobsDetail[0].Operation.Detection.TextDetections).toMatchObject({
			DetectedText: 'job text',
			Confidence: '99',
		});
		const described = await send(emulator, 'ci', 'GET', `jobs/${jobId},anunknownid`);
		expect(xml(described).JobsDetail.map((job: { State: string }) => job.State)).toEqual([
			'Success',
		]);
		expect(xml(described).NonExistJobIds).toEqual(['anunknownid']);
	});

	it('fails a job whose input is missing, with a code', async () => {
		const reply = await submit(
			'<Request><Tag>ImageOCR</Tag><Input><Object>nothing.txt</Object></Input><Operation><ImageOCR><Type>general</Type></ImageOCR></Operation></Request>',
		);
		const jobId = String(xml(reply).JobsDetail[0].JobId);
		await until(() => emulator.jobs.byId.get(jobId)?.state === 'Failed');
		const described = await send(emulator, 'ci', 'GET', `jobs/${jobId}`);
		expect(xml(described).JobsDetail[0]).toMatchObject({
			State: 'Failed',
			Code: 'ResourceNotFound',
		});
	});

	it.each([
		['<Request><Tag>Other</Tag></Request>', /Request.Tag must be ImageOCR or ImageLicenseRec/],
		[
			'<Request><Tag>ImageOCR</Tag><Operation><ImageOCR><Type>general</Type></ImageOCR></Operation></Request>',
			/Request.Input.Object is required/,
		],
		[
			'<Request><Tag>ImageOCR</Tag><Input><Object>a</Object></Input><Operation><JobLevel>5</JobLevel><ImageOCR><Type>general</Type></ImageOCR></Operation></Request>',
			/JobLevel must be 0, 1 or 2/,
		],
		['<!DOCTYPE r [<!ENTITY a "b">]><Request/>', /DOCTYPE/],
		['<Request><Tag>ImageOCR', /not well-formed/],
	])('refuses a bad submission %#', async (body, message) => {
		const reply = await submit(body);
		expect(reply.status).toBe(400);
		expect(reply.text).toMatch(message);
		// The CI table's codes: InvalidContent for a body that is not XML, InvalidArgument otherwise.
		expect(errorCode(reply)).toBe(
			/DOCTYPE|not well-formed/.test(xml(reply, 'Error').Message)
				? 'InvalidContent'
				: 'InvalidArgument',
		);
		expect(emulator.stats.jobsSubmitted).toBe(0);
	});
});

describe('command line', () => {
	it('prints ready once both ports listen, names the CA to trust, and stops on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			[
				join(__dirname, '../../node_modules/tsx/dist/cli.mjs'),
				join(__dirname, '../../emulator/cli.ts'),
				'--cos-port',
				'0',
				'--ci-port',
				'0',
				'--engine',
				'text',
				'--last-page',
				'empty',
			],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const output = await new Promise<string>((resolve, reject) => {
			let text = '';
			child.stdout.on('data', (chunk) => {
				text += chunk;
				if (text.includes('\n')) resolve(text);
			});
			child.on('exit', (exitCode) => reject(new Error(`exited with ${exitCode}`)));
		});
		expect(output).toBe('ready\n');
		expect(stderr).toMatch(/CI https:\/\/127\.0\.0\.1:\d+/);
		expect(stderr).toContain(`NODE_EXTRA_CA_CERTS=${EMULATOR_CA_PATH}`);
		const exitCode = await new Promise((resolve) => {
			child.removeAllListeners('exit');
			child.on('exit', resolve);
			child.kill('SIGTERM');
		});
		expect(exitCode).toBe(0);
	}, 30000);
});
