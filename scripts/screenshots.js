// @ts-check
'use strict';

/**
 * `npm run screenshots`: docs/images/<template>.png, each template as the real n8n editor shows
 * it. Sets up what `npm start` does (temporary user folder, free ports), signs in with headless
 * Chromium (Debian's `chromium` package, driven by playwright-core: no browser download), opens
 * each template, zooms to fit and saves a 1400x800 screenshot.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startDemoEnvironment, stopOnSignals } = require('./demo-environment');
const { root } = require('./ensure-deps');

const CHROMIUM = '/usr/bin/chromium';
const OUT_DIR = path.join(root, 'docs', 'images');
const VIEWPORT = { width: 1400, height: 800 };
// quiet, offline, no first-run UI; a fresh profile per run
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Signs in through the editor's own form.
 * @param {import('playwright-core').Page} page @param {string} url @param {{ email: string, password: string }} owner
 */
async function signIn(page, url, owner) {
	await page.goto(`${url}/signin`);
	await page.fill('input[name="emailOrLdapLoginId"]', owner.email);
	await page.fill('input[name="password"]', owner.password);
	await page.click('[data-test-id="form-submit-button"]');
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });
}

/**
 * Opens a workflow, closes whatever overlays it, zooms to fit and saves the screenshot.
 * @param {import('playwright-core').Page} page @param {string} url @param {string} file
 */
async function screenshotWorkflow(page, url, file) {
	await page.goto(url);
	await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
	await page.waitForLoadState('networkidle');
	// close modals and toasts that may have opened with the editor
	await page.keyboard.press('Escape');
	for (const close of await page.locator('.el-notification__closeBtn, .el-dialog__headerbtn, .el-message-box__headerbtn').all()) {
		if (await close.isVisible()) await close.click();
	}
	await page.click('[data-test-id="zoom-to-fit"]');
	// the fit is animated
	await page.waitForTimeout(1000);
	await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height / 2);
	await page.screenshot({ path: file });
}

async function main() {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found. Install Debian's Chromium: sudo apt-get install chromium`);
	}
	const { chromium } = require('playwright-core');
	stopOnSignals();
	const demo = await startDemoEnvironment({});
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'qase-scim-chromium-'));
	/** @type {import('playwright-core').BrowserContext | undefined} */
	let browser;
	try {
		browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: VIEWPORT });
		const page = browser.pages()[0] || (await browser.newPage());
		await signIn(page, demo.n8n.url, demo.owner);
		fs.mkdirSync(OUT_DIR, { recursive: true });
		for (const template of demo.templates) {
			const file = path.join(OUT_DIR, `${template.slug}.png`);
			await screenshotWorkflow(page, `${demo.n8n.url}/workflow/${template.id}`, file);
			console.log(`${path.relative(root, file)}: ${template.name}`);
		}
	} finally {
		await browser?.close();
		fs.rmSync(profile, { recursive: true, force: true });
		await demo.stop();
	}
}

main().catch((error) => {
	console.error(`npm run screenshots failed: ${error instanceof Error ? error.message : error}`);
	process.exit(1);
});
