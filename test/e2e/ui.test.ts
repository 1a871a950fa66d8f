import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { E2E_PASSWORD, E2E_USERS, sharedServer, type E2EServer } from '../helpers/e2e-server.js';
import { launchBrowser, login, openWindow, screenshot } from '../helpers/e2e-browser.js';

describe('e2e: language and layout', function () {
  let server: E2EServer;
  let browser: Browser;

  before(async function () {
    browser = await launchBrowser(this);
    server = await sharedServer();
  });
  after(async () => {
    await browser?.close();
  });

  it('switches the interface to English and back to Vietnamese', async () => {
    const { page, context } = await openWindow(browser, server.baseUrl);
    await login(page, E2E_USERS.clerk.username, E2E_PASSWORD);
    await page.goto('/notifications');
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).to.equal('vi');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    expect(new URL(page.url()).pathname).to.equal('/notifications');
    await page.getByRole('link', { name: 'Incoming documents' }).first().waitFor();

    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).to.equal('vi');
    await page.getByRole('link', { name: 'Văn bản đến', exact: true }).first().waitFor();
    await context.close();
  });

  it('at tablet width (768x1024) hides the menu behind a toggle that opens it', async () => {
    const { page, context } = await openWindow(browser, server.baseUrl, {
      width: 768,
      height: 1024,
    });
    await login(page, E2E_USERS.clerk.username, E2E_PASSWORD);
    await page.goto('/notifications');
    const toggle = page.getByRole('button', { name: 'Danh mục', exact: true });
    await toggle.waitFor();
    const nav = page.getByRole('navigation', { name: 'Danh mục chính' });
    expect(await nav.isVisible()).to.equal(false);
    expect(await toggle.getAttribute('aria-expanded')).to.equal('false');

    await toggle.click();
    await nav.waitFor();
    expect(await toggle.getAttribute('aria-expanded')).to.equal('true');
    await nav.getByRole('link', { name: 'Văn bản đến', exact: true }).waitFor();
    // Nothing spills past the tablet's width.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).to.be.at.most(0);
    await screenshot(page, 'tablet-menu-open');
    await context.close();
  });

  it('signs in with the keyboard alone, and labels every field of the forms it reaches', async () => {
    const { page, context } = await openWindow(browser, server.baseUrl);
    await page.goto('/login');
    const focusedName = () =>
      page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? '');
    for (let i = 0; i < 15 && (await focusedName()) !== 'username'; i++)
      await page.keyboard.press('Tab');
    expect(await focusedName()).to.equal('username');
    await page.keyboard.type(E2E_USERS.clerk.username);
    await page.keyboard.press('Tab');
    expect(await focusedName()).to.equal('password');
    await page.keyboard.type(E2E_PASSWORD);
    await Promise.all([
      page.waitForURL((u) => u.pathname !== '/login'),
      page.keyboard.press('Enter'),
    ]);

    // Every field a person fills in has a label (or an aria-label) that names it.
    for (const path of ['/incoming/new', '/incoming?tab=all', '/profile']) {
      await page.goto(path);
      const unlabelled = await page.evaluate(() =>
        Array.from(document.querySelectorAll('input, select, textarea'))
          .filter((el) => !['hidden', 'submit', 'button'].includes((el as HTMLInputElement).type))
          .filter((el) => {
            const field = el as HTMLInputElement;
            return !(field.labels?.length || field.getAttribute('aria-label'));
          })
          .map((el) => (el as HTMLInputElement).name || el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled, path).to.deep.equal([]);
    }
    await context.close();
  });
});
