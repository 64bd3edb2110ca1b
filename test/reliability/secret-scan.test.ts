/**
 * The scan that guards every run of this suite: it must find a secret wherever n8n could carry one
 * (an error's non-enumerable message or stack, a cause chain, a log entry, an item), and the error
 * paths that involve the keys themselves must not carry them.
 */
import { NodeApiError } from 'n8n-workflow';

import { singleNodeWorkflow } from '../helpers/workflows';
import {
	leaksIn,
	runScanned,
	SECRET_KEY,
	SESSION_TOKEN,
	stringsIn,
	useSecretEmulator,
} from './scanned';

const { emulator, credential } = useSecretEmulator();

describe('the scan finds what it looks for', () => {
	it('in an error’s message and stack (not enumerable), a nested cause, a log entry, an item', () => {
		const inMessage = new Error(`signing with ${SECRET_KEY} failed`);
		const inCause = new Error('outer', {
			cause: { config: { headers: { 'x-cos-security-token': SESSION_TOKEN } } },
		});
		const authorization =
			'q-sign-algorithm=sha1&q-ak=AKIDX&q-sign-time=1;2&q-key-time=1;2&q-header-list=host&q-url-param-list=&q-signature=abc';
		expect(leaksIn(stringsIn(inMessage))).toEqual(['SecretKey']);
		expect(leaksIn(stringsIn(inCause))).toEqual(['session token']);
		expect(
			leaksIn(
				stringsIn([
					{
						level: 'debug',
						message: 'request',
						meta: { headers: { Authorization: authorization } },
					},
				]),
			),
		).toEqual(['Authorization header']);
		expect(leaksIn(stringsIn({ json: { note: 'nothing here' } }))).toEqual([]);
		expect(leaksIn(['a wrong key: wrong-key-123'], { secretKey: ['wrong-key-123'] })).toEqual([
			'SecretKey',
		]);
	});

	it('in n8n’s own API error built from an axios-like failure that carries the request', () => {
		const error = new NodeApiError(
			{ id: '1', name: 'CI', type: 't', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				message: 'failed',
				config: {
					headers: {
						Authorization: `q-sign-algorithm=sha1&q-ak=AKID&q-sign-time=1;2&q-signature=${SECRET_KEY}`,
					},
				},
			} as never,
		);
		expect(leaksIn(stringsIn(error)).length).toBeGreaterThan(0);
	});
});

describe('error paths that involve the keys carry none of them', () => {
	it.each([
		[
			'a wrong SecretKey (SignatureDoesNotMatch, with the server’s StringToSign)',
			{ secretKey: 'WRONG-secret-key-5d1c9e' },
			/SignatureDoesNotMatch/,
		],
		[
			'a wrong session token (InvalidToken)',
			{ sessionToken: 'WRONG-session-token-77a1' },
			/InvalidToken/,
		],
		['an unknown SecretId (InvalidAccessKeyId)', { secretId: 'AKIDUNKNOWN' }, /InvalidAccessKeyId/],
		[
			'a SecretKey with a space (refused before signing)',
			{ secretKey: 'has space-3f9a' },
			/SecretKey must not contain spaces/,
		],
		[
			'an endpoint nobody listens on (connection refused, retried)',
			{ cosEndpoint: 'http://127.0.0.1:9' },
			/connection was refused/,
		],
	])('%s', async (_name, overrides, expected) => {
		emulator().objects.set('a.txt', Buffer.from('text'));
		const result = await runScanned(
			singleNodeWorkflow({
				resource: 'ocr',
				operation: 'recognizeText',
				source: 'object',
				objectKey: 'a.txt',
			}),
			{
				credentials: { tencentCloudInfiniteApi: credential(overrides) },
			},
		);
		expect(`${result.error?.message} ${result.error?.description}`).toMatch(expected);
	});
});
