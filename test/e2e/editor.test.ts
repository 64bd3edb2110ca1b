/**
 * n8n's editor in headless Chromium: sign in, add the Tencent Cloud Infinite node to a new
 * workflow the way a person does (node panel search), and look at its parameter panel; then run
 * an imported example from the editor. Screenshots go to test-artifacts/.
 */
import { startEmulator, type Emulator } from '../../emulator';
import { launchBrowser, screenshot, signIn, type Browser } from '../helpers/real-n8n/browser';
import {
	importExamples,
	seedEmulator,
	startSampleServer,
	type SampleServer,
} from '../helpers/real-n8n/examples';
import { N8nHome, nodeItems, type N8nServer } from '../helpers/real-n8n/instance';

jest.setTimeout(120_000);

let emulator: Emulator;
let samples: SampleServer;
let home: N8nHome;
let server: N8nServer;
let browser: Browser;

beforeAll(async () => {
	emulator = await startEmulator({ jobDelayMs: 300 });
	seedEmulator(emulator);
	samples = await startSampleServer();
	home = await N8nHome.create({ name: 'editor' });
	await importExamples(home, emulator, samples, { files: ['recognize-text-from-url.json'] });
	server = await home.start();
	await server.setupOwner();
	browser = await launchBrowser();
	await signIn(browser.page, server.url);
}, 300_000);

afterAll(async () => {
	await browser?.close();
	await home?.dispose();
	await samples?.close();
	await emulator?.close();
});

describe('the editor', () => {
	it('adds Tencent Cloud Infinite › Recognize Text to a new workflow and shows its parameter panel', async () => {
		const { page } = browser;
		await page.goto(`${server.url}/workflow/new`);
		const creator = page.locator('[data-test-id=node-creator]');

		// A trigger first, as a person starts a workflow.
		await page.locator('[data-test-id=canvas-plus-button]').click();
		await creator.locator('[data-test-id=node-creator-search-bar]').waitFor();
		await page.keyboard.type('Manual');
		await creator
			.locator('[data-test-id=node-creator-item-name]', { hasText: 'Manual Trigger' })
			.first()
			.click();
		await page.locator('[data-test-id=canvas-trigger-node]').waitFor();

		// Then this package's node, from the trigger's + handle and the node panel's search.
		await page.locator('[data-test-id=canvas-handle-plus]').first().click();
		await creator.locator('[data-test-id=node-creator-search-bar]').waitFor();
		await page.keyboard.type('Tencent Cloud Infinite');
		const item = creator
			.locator('[data-test-id=node-creator-item-name]', { hasText: /^Tencent Cloud Infinite$/ })
			.first();
		const found = await item.waitFor({ timeout: 10_000 }).then(
			() => true,
			() => false,
		);
		if (!found) {
			await screenshot(page, 'n8n-editor-node-search.png');
			throw new Error(
				'Searching "Tencent Cloud Infinite" in the node panel finds nothing (screenshot: test-artifacts/n8n-editor-node-search.png). ' +
					'n8n 2.x leaves nodes whose codex categories include "AI" out of the search unless their AI subcategories include "Root Nodes".',
			);
		}
		await item.click();
		await creator
			.getByText(/^Recognize text/i)
			.first()
			.click();

		const panel = page.locator('[data-test-id=ndv]');
		await panel.locator('[data-test-id=parameter-input-source]').waitFor();
		await expectText(panel, [
			'Credential',
			'Resource',
			'Operation',
			'Source',
			'Input Binary Field',
			'Recognition Type',
			'Language',
			'Output',
			'Options',
		]);
		// The only credential of its type is picked for the new node.
		await expect(
			panel.locator('[data-test-id=node-credentials-select] input').inputValue(),
		).resolves.toBe('Tencent Cloud Infinite (local emulator)');
		await expect(
			panel.locator('[data-test-id=parameter-input-operation] input').inputValue(),
		).resolves.toBe('Recognize Text');
		await screenshot(page, 'n8n-editor-recognize-text-panel.png');
	});

	it('runs an imported example (recognize-text-from-url) from the editor and shows the recognized text', async () => {
		const { page } = browser;
		await page.goto(`${server.url}/workflow/tciOcrFromUrl`);
		await page.locator('[data-test-id=execute-workflow-button]').click();

		const [execution] = await server.waitForExecutions('tciOcrFromUrl', 1, 60_000);
		expect(execution.status).toBe('success');
		expect(nodeItems(execution.data, 'Recognize Text')).toEqual([
			expect.objectContaining({ text: 'Tencent Cloud Infinite\nOCR sample 2026\nHello n8n' }),
		]);

		await page.locator('[data-test-id=canvas-node]', { hasText: 'Recognize Text' }).dblclick();
		const output = page.locator('[data-test-id=output-panel]');
		await output.getByText('Hello n8n').first().waitFor({ timeout: 30_000 });
		await screenshot(page, 'n8n-editor-recognize-text-output.png');
	});
});

async function expectText(
	scope: import('playwright-core').Locator,
	labels: string[],
): Promise<void> {
	const text = await scope.innerText();
	const missing = labels.filter((label) => !text.includes(label));
	expect(missing).toEqual([]);
}
