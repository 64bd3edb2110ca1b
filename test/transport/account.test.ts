import { resolveAccount } from '../../nodes/TencentCloudInfinite/transport/account';

const good = {
	secretId: 'AKIDx',
	secretKey: 'key',
	bucket: 'examplebucket-1250000000',
	region: 'ap-guangzhou',
};

describe('resolveAccount', () => {
	it('builds the virtual-host COS and CI origins', () => {
		const account = resolveAccount(good);
		expect(account.cosOrigin).toBe(
			'https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com',
		);
		expect(account.ciOrigin).toBe('https://examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com');
	});

	it('uses endpoint overrides as origins, http allowed', () => {
		const account = resolveAccount({
			...good,
			cosEndpoint: 'http://127.0.0.1:9000/',
			ciEndpoint: ' https://ci.example.com ',
		});
		expect(account.cosOrigin).toBe('http://127.0.0.1:9000');
		expect(account.ciOrigin).toBe('https://ci.example.com');
	});

	it.each([
		['secretId', { secretId: '' }, /SecretId is missing/],
		['secretKey', { secretKey: '' }, /SecretKey is missing/],
		['secretId', { secretId: 'AKID x' }, /SecretId must not contain spaces/],
		[
			'bucket',
			{ bucket: 'examplebucket' },
			/Bucket "examplebucket" is not valid: use BucketName-APPID/,
		],
		['bucket', { bucket: 'Bad_Bucket-125' }, /Bucket "Bad_Bucket-125" is not valid/],
		['bucket', { bucket: '-bucket-125' }, /Bucket/],
		['region', { region: 'cos.ap-guangzhou' }, /Region "cos.ap-guangzhou" is not valid/],
		['region', { region: 'AP Guangzhou' }, /Region/],
		['cosEndpoint', { cosEndpoint: 'not a url' }, /COS Endpoint "not a url" is not a URL/],
		[
			'ciEndpoint',
			{ ciEndpoint: 'ftp://host' },
			/CI Endpoint must start with https:\/\/ or http:\/\//,
		],
		[
			'ciEndpoint',
			{ ciEndpoint: 'https://host/path' },
			/CI Endpoint must hold only the scheme, host and port/,
		],
		['cosEndpoint', { cosEndpoint: 'https://user:pw@host' }, /COS Endpoint must hold only/],
	])('rejects a bad %s', (field, change, message) => {
		let error: unknown;
		try {
			resolveAccount({ ...good, ...change });
		} catch (caught) {
			error = caught;
		}
		expect(error).toMatchObject({ field });
		expect((error as Error).message).toMatch(message);
	});
});
