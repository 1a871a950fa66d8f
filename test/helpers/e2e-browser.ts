// Debian's chromium driven by playwright-core, plus the steps every end-to-end test repeats.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT_DIR } from '../../src/paths.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const RESULTS_DIR = path.join(ROOT_DIR, 'test-results');

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches headless chromium; without it the suite fails in CI and is skipped elsewhere. */
export async function launchBrowser(ctx: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env.CI)
      throw new Error(`chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
    ctx.skip();
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

export interface UserWindow {
  context: BrowserContext;
  page: Page;
}

/** A separate browser context (its own cookies) for one person. */
export async function openWindow(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1366, height: 900 },
): Promise<UserWindow> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: 'vi-VN' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the login form as a person would. */
export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/login')),
    page.getByRole('button', { name: 'Đăng nhập' }).click(),
  ]);
}

/** Saves a full-page screenshot under test-results/ (gitignored) for debugging. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
