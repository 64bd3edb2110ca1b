/**
 * Headless Chromium (Debian's `chromium` package) driven by playwright-core, for editor tests.
 * A fresh profile per launch (playwright gives each launch its own --user-data-dir and removes it
 * on close), no sandbox (CI runs as root), and every request that does not go to 127.0.0.1 is
 * aborted, so the editor's own calls to the internet (npm registry look-ups for community nodes)
 * neither leave the machine nor wait for a timeout. Closing is bounded: a browser that does not
 * close within 15 s is killed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { REPO_ROOT } from './install';
import { DEFAULT_OWNER, type Owner } from './instance';
import { track } from './registry';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

export interface Browser {
	context: BrowserContext;
	page: Page;
	/** Requests the browser tried to send off the machine (aborted). */
	blocked: string[];
	close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
		);
	}
	// A browser server, so that its process can be killed if closing hangs.
	const server = await chromium.launchServer({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		timeout: 60_000,
	});
	const pid = server.process().pid;
	const untrack = pid ? track({ kind: 'pid', id: pid, what: 'chromium' }) : () => undefined;
	const browser = await chromium.connect(server.wsEndpoint(), { timeout: 30_000 });
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const blocked: string[] = [];
	await context.route(
		(url) => url.hostname !== '127.0.0.1' && url.protocol !== 'data:' && url.protocol !== 'blob:',
		async (route) => {
			blocked.push(route.request().url());
			await route.abort('blockedbyclient');
		},
	);
	const page = await context.newPage();
	// "Leave without saving?" and other dialogs must not hold navigation or closing.
	page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));
	return {
		context,
		page,
		blocked,
		close: async () => {
			let timer: NodeJS.Timeout | undefined;
			const closed = await Promise.race([
				(async () => {
					await browser.close();
					await server.close();
					return true;
				})().catch(() => false),
				new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 15_000))),
			]);
			clearTimeout(timer);
			if (!closed) await server.kill().catch(() => undefined);
			untrack();
		},
	};
}

/** Signs in through the editor's sign-in form. */
export async function signIn(
	page: Page,
	baseUrl: string,
	owner: Owner = DEFAULT_OWNER,
): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	await page.fill('input[name=emailOrLdapLoginId]', owner.email);
	await page.fill('input[name=password]', owner.password);
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
	mkdirSync(ARTIFACTS, { recursive: true });
	const file = path.join(ARTIFACTS, name);
	await page.screenshot({ path: file });
	return file;
}
