/**
 * The example workflows (examples/*.json), imported with n8n's CLI into a real n8n that has this
 * package installed as a community package, run headless with `n8n execute`, against the emulator.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startEmulator, type Emulator } from '../../emulator';
import {
	EXAMPLE_CREDENTIAL,
	emulatorCredential,
	exampleFiles,
	localizeExample,
	seedEmulator,
	startSampleServer,
	type ExampleWorkflow,
	type SampleServer,
} from '../helpers/real-n8n/examples';
import { CREDENTIAL_TYPE, N8nHome, NODE_TYPE, TRIGGER_TYPE } from '../helpers/real-n8n/instance';

jest.setTimeout(120_000);

const BAD_CREDENTIAL = { id: 'tciWrongKeyCred', name: 'Tencent Cloud Infinite (wrong key)' };
const SAMPLE_TEXT = ['Tencent Cloud Infinite', 'OCR sample 2026', 'Hello n8n'];

let emulator: Emulator;
let samples: SampleServer;
let home: N8nHome;
const examples: Record<string, ExampleWorkflow> = {};

/** More cases, built from the examples: a wrong key, and a missing object with "continue on error". */
function extraWorkflows(): Array<Record<string, unknown>> {
	const where = { filesDir: home.filesDir, imageBase: samples.url, n8nBase: home.url };
	const wrongKey = localizeExample('recognize-text-from-url.json', where);
	wrongKey.id = 'tciCaseWrongKey';
	wrongKey.name = 'Case: a credential with a wrong SecretKey';
	for (const node of wrongKey.nodes)
		if (node.credentials) node.credentials = { [CREDENTIAL_TYPE]: BAD_CREDENTIAL };

	const missing = localizeExample('recognize-text-from-cos-object.json', where);
	missing.id = 'tciCaseMissingObject';
	missing.name = 'Case: a missing object, continue on error';
	const keys = missing.nodes.find((node) => node.name === 'Object keys')!;
	(keys.parameters.assignments as { assignments: Array<{ value: string }> }).assignments[0].value =
		'samples/missing.png';
	Object.assign(missing.nodes.find((node) => node.name === 'Recognize Text')!, {
		onError: 'continueRegularOutput',
	});
	return [wrongKey, missing].map(({ file: _file, ...workflow }) => workflow);
}

beforeAll(async () => {
	// Long enough for submit-and-cancel-job to cancel its job before it starts (half-way it runs).
	emulator = await startEmulator({ jobDelayMs: 2000 });
	seedEmulator(emulator);
	samples = await startSampleServer();
	home = await N8nHome.create({ name: 'examples' });
	const good = emulatorCredential(emulator);
	await home.importCredentials([
		good,
		{ ...good, ...BAD_CREDENTIAL, data: { ...good.data, secretKey: 'not-the-secret-key' } },
	]);
	const where = { filesDir: home.filesDir, imageBase: samples.url, n8nBase: home.url };
	for (const file of exampleFiles()) examples[file] = localizeExample(file, where);
	await home.importWorkflows([
		...Object.values(examples).map(({ file: _file, ...workflow }) => workflow),
		...extraWorkflows(),
	]);
}, 300_000);

afterAll(async () => {
	await home?.dispose();
	await samples?.close();
	await emulator?.close();
});

async function run(file: string) {
	const outcome = await home.execute(examples[file].id);
	if (outcome.error || outcome.status !== 'success') {
		throw new Error(
			`${file} failed in n8n: ${outcome.error ?? outcome.status}\n${outcome.cli.output.slice(-3000)}`,
		);
	}
	return outcome;
}

describe('the examples', () => {
	it('are the ones these tests know, use this package’s nodes and the example credential, and import into n8n', () => {
		expect(exampleFiles()).toEqual([
			'check-id-card-kyc.json',
			'create-template-and-run-ocr-job.json',
			'job-callback-trigger.json',
			'recognize-text-from-binary-file.json',
			'recognize-text-from-cos-object.json',
			'recognize-text-from-url.json',
			'submit-and-cancel-job.json',
			'submit-id-card-job.json',
			'submit-ocr-job-with-callback.json',
		]);
		for (const workflow of Object.values(examples)) {
			// n8n keeps a trigger's static data (the callback trigger's replay protection) only for ids of at most 21 characters.
			expect(workflow.id.length).toBeLessThanOrEqual(21);
			const ours = workflow.nodes.filter(
				(node) => node.type === NODE_TYPE || node.type === TRIGGER_TYPE,
			);
			expect(ours.length).toBeGreaterThan(0);
			for (const node of ours)
				expect(node.credentials).toEqual({ [CREDENTIAL_TYPE]: EXAMPLE_CREDENTIAL });
		}
	});

	it('recognize-text-from-binary-file: Read/Write Files from Disk reads the sample image, Recognize Text uploads, reads and deletes it', async () => {
		const before = emulator.requests.length;
		const outcome = await run('recognize-text-from-binary-file.json');
		expect(outcome.json('Read sample image')).toEqual([
			expect.objectContaining({ fileName: 'sample.png', mimeType: 'image/png' }),
		]);
		const items = outcome.json('Recognize Text');
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			text: SAMPLE_TEXT.join('\n'),
			fileName: 'sample.png',
			uploadKept: false,
		});
		const lines = items[0].lines as Array<{
			text: string;
			confidence: number;
			box: object;
			polygon: unknown[];
		}>;
		expect(lines.map((line) => line.text)).toEqual(SAMPLE_TEXT);
		for (const line of lines) {
			expect(line.confidence).toBeGreaterThan(50);
			expect(line.polygon).toHaveLength(4);
		}
		const made = emulator.requests
			.slice(before)
			.map((request) => `${request.method} ${request.status}`);
		expect(made).toEqual(['PUT 200', 'GET 200', 'DELETE 204']);
		expect(
			[...emulator.objects.keys()].filter((key) => key.startsWith('n8n-ocr-uploads/')),
		).toEqual([]);
	});

	it('recognize-text-from-url: the service fetches the image from the URL', async () => {
		const outcome = await run('recognize-text-from-url.json');
		const [item] = outcome.json('Recognize Text');
		expect(item).toMatchObject({ text: SAMPLE_TEXT.join('\n'), url: `${samples.url}/sample.png` });
		expect(samples.requests).toContain('/sample.png');
	});

	it('recognize-text-from-cos-object: keys from a Set node, one item per recognized line', async () => {
		const outcome = await run('recognize-text-from-cos-object.json');
		const items = outcome.json('Recognize Text');
		expect(items.map((item) => item.text)).toEqual(SAMPLE_TEXT);
		expect(items.map((item) => item.lineIndex)).toEqual([0, 1, 2]);
		expect(items.every((item) => item.objectKey === 'samples/sample.png')).toBe(true);
	});

	it('create-template-and-run-ocr-job: creates a template, submits a job with it and waits for the result', async () => {
		const outcome = await run('create-template-and-run-ocr-job.json');
		const [template] = outcome.json('Create Template');
		expect(template).toMatchObject({
			templateId: expect.stringMatching(/^t\w+/),
			name: expect.stringMatching(/^n8n-example-\d+$/),
		});
		const [job] = outcome.json('Submit OCR Job and Wait');
		expect(job).toMatchObject({
			state: 'Success',
			tag: 'ImageOCR',
			templateId: template.templateId,
			templateName: template.name,
			objectKey: 'samples/sample.png',
			userData: 'n8n-example',
			text: SAMPLE_TEXT.join('\n'),
		});
	});

	it('submit-id-card-job: the card’s fields come out as a plain object', async () => {
		const outcome = await run('submit-id-card-job.json');
		const [job] = outcome.json('Submit ID Card Job');
		expect(job).toMatchObject({
			state: 'Success',
			tag: 'ImageLicenseRec',
			cardType: 'IDCard',
			objectKey: 'samples/id-card.png',
		});
		expect(job.fields).toMatchObject({
			name: 'Zhang San',
			sex: 'Male',
			ethnicity: 'Han',
			birth: '1990-01-01',
			address: '1 Example Road',
		});
		expect(String((job.fields as Record<string, string>).idNumber)).toMatch(/^\d{18}$/);
	});
});

describe('ID cards and cancelling, in real n8n', () => {
	it('check-id-card-kyc: reads the card photo from disk, recognizes it, writes the portrait back to disk, branches on warnings', async () => {
		const outcome = await run('check-id-card-kyc.json');
		const [card] = outcome.json('Recognize ID Card');
		expect(card.fields).toMatchObject({
			name: 'Zhang San',
			sex: 'Male',
			ethnicity: 'Han',
			birth: '1990-01-01',
			address: '1 Example Road',
		});
		expect(String((card.fields as Record<string, string>).idNumber)).toMatch(/^\d{18}$/);
		expect(card).toMatchObject({ fileName: 'id-card.png', quality: expect.any(Number) });
		const portrait = path.join(
			home.filesDir,
			`portrait-${String((card.fields as Record<string, string>).idNumber)}.jpg`,
		);
		expect(readFileSync(portrait).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
		// The fixture is a clean card: no warning, so the item takes the IF node's false branch.
		expect(outcome.json('Accepted')).toEqual([
			expect.objectContaining({ decision: 'accepted', portrait }),
		]);
		expect(() => outcome.json('Needs review')).toThrow();
	});

	it('submit-and-cancel-job: a job cancelled before it started, confirmed by the service', async () => {
		const outcome = await run('submit-and-cancel-job.json');
		const [submitted] = outcome.json('Submit OCR Job');
		expect(outcome.json('Cancel Job')).toEqual([
			{ jobId: submitted.jobId, cancelled: true, state: 'Cancel', reason: null, tag: 'ImageOCR' },
		]);
	});
});

describe('more cases in real n8n', () => {
	it('a wrong SecretKey fails the workflow with the service’s SignatureDoesNotMatch and its hint', async () => {
		const outcome = await home.execute('tciCaseWrongKey');
		expect(outcome.status).toBe('error');
		expect(outcome.error).toMatch(/SignatureDoesNotMatch/);
		expect(outcome.error).toMatch(/Check the SecretKey/);
	});

	it('a missing object with "On Error: Continue" gives an error item instead of failing', async () => {
		const outcome = await home.execute('tciCaseMissingObject');
		expect(outcome.status).toBe('success');
		const items = outcome.json('Recognize Text');
		expect(items).toHaveLength(1);
		expect(String(items[0].error)).toMatch(/NoSuchKey/);
	});
});
