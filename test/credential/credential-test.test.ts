/** The credential's "Test" button, as n8n runs it, against the emulator. */
import { startEmulator, type Emulator } from '../../emulator';
import { useEmulator } from '../helpers/emulator-setup';
import { testCredential } from '../helpers/n8n';

const { emulator, credential } = useEmulator();

describe('credential test', () => {
	it('succeeds with good keys, listing one OCR template on the CI endpoint', async () => {
		expect(await testCredential('tencentCloudInfiniteApi', credential())).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(emulator().requests).toEqual([
			expect.objectContaining({
				service: 'ci',
				method: 'GET',
				path: '/template',
				query: { tag: 'ImageOCR', pageNumber: '1', pageSize: '1' },
				status: 200,
			}),
		]);
	});

	it('fails with a clear message when the SecretKey is wrong', async () => {
		const result = await testCredential(
			'tencentCloudInfiniteApi',
			credential({ secretKey: 'not-the-key' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Access denied \(403\): check SecretId and SecretKey/);
	});

	it('fails with a clear message when the SecretId is unknown', async () => {
		const result = await testCredential(
			'tencentCloudInfiniteApi',
			credential({ secretId: 'AKIDunknown' }),
		);
		expect(result).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/^Not authorized \(401\): the SecretId is not known/),
		});
	});

	it('names the field when the bucket is malformed, before any request', async () => {
		const result = await testCredential(
			'tencentCloudInfiniteApi',
			credential({ bucket: 'My_Bucket' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Bucket "My_Bucket" is not valid: use BucketName-APPID/);
		expect(emulator().requests).toHaveLength(0);
	});

	it('names the field when an endpoint is not a URL', async () => {
		const result = await testCredential(
			'tencentCloudInfiniteApi',
			credential({ ciEndpoint: 'localhost:9001' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/CI Endpoint/);
		expect(emulator().requests).toHaveLength(0);
	});
});

describe('credential test with temporary credentials', () => {
	let sts: Emulator;
	beforeAll(async () => {
		sts = await startEmulator({ sessionToken: 'sts-session-token', engine: 'text' });
	});
	afterAll(async () => await sts.close());
	const data = (sessionToken: string) => ({
		...credential(),
		secretId: sts.options.secretId,
		secretKey: sts.options.secretKey,
		cosEndpoint: sts.cosUrl,
		ciEndpoint: sts.ciUrl,
		sessionToken,
	});

	it('succeeds with the session token and fails without it', async () => {
		expect(
			(await testCredential('tencentCloudInfiniteApi', data('sts-session-token'))).status,
		).toBe('OK');
		expect((await testCredential('tencentCloudInfiniteApi', data(''))).status).toBe('Error');
	});
});
