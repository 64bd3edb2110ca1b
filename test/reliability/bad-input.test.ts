/**
 * Bad input, each case refused before any request is sent, with a message that names the
 * parameter (or credential field) and says what is allowed.
 */
import { inlineBinary } from '../helpers/n8n';
import { singleNodeWorkflow } from '../helpers/workflows';
import { runScanned, useSecretEmulator } from './scanned';

const { emulator, credential } = useSecretEmulator();

interface Case {
	/** Node parameters (resource and operation included). */
	parameters: Record<string, unknown>;
	credential?: Record<string, string>;
	/** The message, naming the parameter. */
	message: RegExp;
	/** What is allowed, in the message or the description. */
	allowed: RegExp;
}

const recognize = (parameters: Record<string, unknown>) => ({
	resource: 'ocr',
	operation: 'recognizeText',
	...parameters,
});
const fromObject = (objectKey: string) => recognize({ source: 'object', objectKey });
const fromUrl = (url: string) => recognize({ source: 'url', url });
const submit = (parameters: Record<string, unknown>) => ({
	resource: 'job',
	operation: 'submitOcrJob',
	source: 'object',
	objectKey: 'scan.png',
	...parameters,
});
const createTemplate = (name: string) => ({ resource: 'template', operation: 'create', name });
const pdfPages = (pdfPages: string) =>
	recognize({ source: 'object', objectKey: 'a.pdf', pdfMode: 'pages', pdfPages });

const URL_ALLOWED = /http:\/\/ or https:\/\/ address/;
const PAGES_ALLOWED = /page numbers from 1 and ranges/;

const CASES: Record<string, Case> = {
	'credential: bucket without APPID': {
		parameters: fromObject('a.png'),
		credential: { bucket: 'examplebucket' },
		message: /^Credential field "bucket": Bucket "examplebucket" is not valid/,
		allowed: /BucketName-APPID/,
	},
	'credential: bucket in upper case': {
		parameters: fromObject('a.png'),
		credential: { bucket: 'Example-1250000000' },
		message: /^Credential field "bucket"/,
		allowed: /lowercase letters/,
	},
	'credential: region with spaces': {
		parameters: fromObject('a.png'),
		credential: { region: 'ap guangzhou' },
		message: /^Credential field "region"/,
		allowed: /ap-guangzhou/,
	},
	'credential: region with a dot': {
		parameters: fromObject('a.png'),
		credential: { region: 'ap-guangzhou.evil.com' },
		message: /^Credential field "region"/,
		allowed: /region ID such as/,
	},
	'credential: COS endpoint with a path': {
		parameters: fromObject('a.png'),
		credential: { cosEndpoint: 'https://cos.example.com/bucket' },
		message: /^Credential field "cosEndpoint"/,
		allowed: /only the scheme, host and port/,
	},
	'credential: CI endpoint with ftp:': {
		parameters: createTemplate('t'),
		credential: { ciEndpoint: 'ftp://ci.example.com' },
		message: /^Credential field "ciEndpoint"/,
		allowed: /https:\/\/ or http:\/\//,
	},
	'credential: endpoint with user and password': {
		parameters: fromObject('a.png'),
		credential: { cosEndpoint: 'https://user:pw@cos.example.com' },
		message: /^Credential field "cosEndpoint"/,
		allowed: /only the scheme, host and port/,
	},
	'credential: endpoint that is not a URL': {
		parameters: fromObject('a.png'),
		credential: { cosEndpoint: 'cos.example.com' },
		message: /^Credential field "cosEndpoint"/,
		allowed: /must be a URL such as/,
	},
	// Values from expressions: n8n itself refuses an empty required field or a malformed ID typed in directly.
	'object key: empty': {
		parameters: fromObject('={{ "" }}'),
		message: /^"Object Key" is empty/,
		allowed: /Enter the key/,
	},
	'object key: only slashes': {
		parameters: fromObject('///'),
		message: /^"Object Key" is empty/,
		allowed: /Enter the key/,
	},
	'object key: over 850 bytes': {
		parameters: fromObject('写'.repeat(300)),
		message: /^"Object Key" is longer than 850 bytes/,
		allowed: /at most 850 bytes/,
	},
	'job object key: empty': {
		parameters: submit({ objectKey: ' ' }),
		message: /^"Object Key" is empty/,
		allowed: /Enter the key/,
	},
	'URL: not a URL': {
		parameters: fromUrl('scan.png'),
		message: /^"URL" is not a valid URL/,
		allowed: URL_ALLOWED,
	},
	'URL: file:': {
		parameters: fromUrl('file:///etc/passwd'),
		message: /^"URL" must use http or https, not file/,
		allowed: URL_ALLOWED,
	},
	'URL: ftp:': {
		parameters: fromUrl('ftp://example.com/a.png'),
		message: /^"URL" must use http or https, not ftp/,
		allowed: URL_ALLOWED,
	},
	'URL: javascript:': {
		parameters: fromUrl('javascript:alert(1)'),
		message: /^"URL" must use http or https, not javascript/,
		allowed: URL_ALLOWED,
	},
	'URL: data:': {
		parameters: fromUrl('data:image/png;base64,AAAA'),
		message: /^"URL" must use http or https, not data/,
		allowed: URL_ALLOWED,
	},
	'URL: credentials in it': {
		parameters: fromUrl('https://user:secret@example.com/a.png'),
		message: /^"URL" must not contain a user name or password/,
		allowed: URL_ALLOWED,
	},
	'binary: no such binary property': {
		parameters: recognize({ source: 'binary', binaryPropertyName: 'scan' }),
		message: /"scan"/,
		allowed: /binary/i,
	},
	'template name: a space': {
		parameters: createTemplate('my template'),
		message: /^"Name"/,
		allowed: /letters.*digits.*_.*-/,
	},
	'template name: over 64 characters': {
		parameters: createTemplate('a'.repeat(65)),
		message: /^"Name"/,
		allowed: /64/,
	},
	'template name: empty': {
		parameters: createTemplate('={{ "" }}'),
		message: /^"Name" is empty/,
		allowed: /Letters/,
	},
	'template ID: not an ID': {
		parameters: {
			resource: 'template',
			operation: 'get',
			templateId: { __rl: true, mode: 'id', value: '={{ "../jobs" }}' },
		},
		message: /^"Template" must be a template ID/,
		allowed: /t1460606b9752148c4ab182f55163ba7cd/,
	},
	'User Data: a newline': {
		parameters: submit({ options: { userData: 'line\nbreak' } }),
		message: /^"User Data"/,
		allowed: /printable ASCII/,
	},
	'User Data: Chinese characters': {
		parameters: submit({ options: { userData: '订单' } }),
		message: /^"User Data"/,
		allowed: /printable ASCII/,
	},
	'User Data: over 1024 characters': {
		parameters: submit({ options: { userData: 'x'.repeat(1025) } }),
		message: /^"User Data" is 1025 characters long; at most 1024/,
		allowed: /at most 1024/,
	},
	'Job Level: 3': {
		parameters: submit({ options: { jobLevel: 3 } }),
		message: /^"Job Level" is 3, which is not one of 0, 1, 2/,
		allowed: /0, 1, 2/,
	},
	'Job Level: -1': {
		parameters: submit({ options: { jobLevel: -1 } }),
		message: /^"Job Level" is -1/,
		allowed: /0, 1, 2/,
	},
	'Callback URL: empty': {
		parameters: submit({ callbackType: 'url', callbackUrl: '={{ "" }}' }),
		message: /^"Callback URL" is empty/,
		allowed: URL_ALLOWED,
	},
	'Callback URL: ftp:': {
		parameters: submit({ callbackType: 'url', callbackUrl: 'ftp://example.com/hook' }),
		message: /^"Callback URL" must use http or https/,
		allowed: URL_ALLOWED,
	},
	'Callback URL: not a URL': {
		parameters: submit({ callbackType: 'url', callbackUrl: 'my-n8n/webhook' }),
		message: /^"Callback URL" is not a valid URL/,
		allowed: URL_ALLOWED,
	},
	'Callback: TDMQ without a queue name': {
		parameters: submit({ callbackType: 'tdmq', mqRegion: 'gz', mqName: '={{ "" }}' }),
		message: /^"TDMQ Name" is empty/,
		allowed: /TDMQ queue or topic/,
	},
	'Callback: a type that does not exist': {
		parameters: submit({
			callbackType: '={{ "Url" }}',
			callbackUrl: 'https://example.com/hook',
			mqName: 'q',
			mqRegion: 'gz',
		}),
		message: /^"Callback" is "Url"/,
		allowed: /"queue", "url", "tdmq", "none"/,
	},
	'Recognition Type: from an expression, in capitals': {
		parameters: recognize({
			source: 'object',
			objectKey: 'a.png',
			recognitionType: '={{ "GENERAL" }}',
		}),
		message: /^"Recognition Type" is "GENERAL"/,
		allowed: /"general", "handwriting"/,
	},
	'Language: from an expression, a name': {
		parameters: recognize({
			source: 'object',
			objectKey: 'a.png',
			languageType: '={{ "english" }}',
		}),
		message: /^"Language" is "english"/,
		allowed: /"zh", "zh_rare"/,
	},
	'binary: a text file': {
		parameters: recognize({ source: 'binary', binaryPropertyName: 'data' }),
		message: /^"a.txt" is text\/plain/,
		allowed: /PNG, JPG, JPEG, BMP or PDF/,
	},
	'PDF pages: a descending range': {
		parameters: pdfPages('3-1'),
		message: /^"Pages" has "3-1", which is not a page or a range/,
		allowed: PAGES_ALLOWED,
	},
	'PDF pages: page 0': {
		parameters: pdfPages('0,2'),
		message: /^"Pages" has "0"/,
		allowed: PAGES_ALLOWED,
	},
	'PDF pages: words': {
		parameters: pdfPages('first'),
		message: /^"Pages" has "first"/,
		allowed: PAGES_ALLOWED,
	},
	'PDF pages: empty': {
		parameters: pdfPages(' , '),
		message: /^"Pages" is empty/,
		allowed: PAGES_ALLOWED,
	},
	'PDF pages: over 2000 pages': {
		parameters: pdfPages('1-5000'),
		message: /^"Pages" selects more than 2000 pages/,
		allowed: PAGES_ALLOWED,
	},
	'Items at Once: 0': {
		parameters: recognize({ source: 'object', objectKey: 'a.png', options: { itemsAtOnce: 0 } }),
		message: /^"Items at Once"/,
		allowed: /whole number from 1/,
	},
	'Request Timeout: 0': {
		parameters: recognize({ source: 'object', objectKey: 'a.png', options: { requestTimeout: 0 } }),
		message: /^"Request Timeout \(Seconds\)" must be a whole number from 1, not 0/,
		allowed: /from 1/,
	},
	'Poll Interval: 0': {
		parameters: submit({ waitForCompletion: true, options: { pollInterval: 0 } }),
		message: /^"Poll Interval \(Seconds\)"/,
		allowed: /whole number from 1/,
	},
};

describe('bad input is refused before any request, naming the parameter and what is allowed', () => {
	it.each(Object.entries(CASES))('%s', async (_name, badCase) => {
		const result = await runScanned(singleNodeWorkflow(badCase.parameters), {
			credentials: { tencentCloudInfiniteApi: credential(badCase.credential) },
			inputItems: [{ json: {}, binary: { data: inlineBinary('text', 'a.txt', 'text/plain') } }],
		});
		expect(result.error?.message).toMatch(badCase.message);
		expect(`${result.error?.message}\n${result.error?.description ?? ''}`).toMatch(badCase.allowed);
		expect(emulator().requests).toEqual([]);
	});
});
