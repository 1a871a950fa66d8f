import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { E2E_PASSWORD, startServer, type E2EServer } from '../helpers/e2e-server.js';
import { launchBrowser, login, openWindow, screenshot } from '../helpers/e2e-browser.js';

describe('e2e: first run and sign-in', function () {
  let server: E2EServer;
  let browser: Browser;

  before(async function () {
    browser = await launchBrowser(this);
    server = await startServer({ seed: false });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('leads an empty installation to the setup form, which creates the agency and its administrator', async () => {
    const { page, context } = await openWindow(browser, server.baseUrl);
    await page.goto('/');
    expect(new URL(page.url()).pathname).to.equal('/setup');
    await page.getByLabel('Tên cơ quan').fill('UBND huyện Khởi Tạo');
    await page.getByLabel('Tên viết tắt (dùng trong ký hiệu văn bản)').fill('UBND');
    await page.getByLabel('Mã định danh cơ quan (13 ký tự)').fill('000.00.31.H98');
    await page.getByLabel('Họ và tên').fill('Đỗ Quản Trị');
    await page.getByLabel('Tên đăng nhập').fill('quantri');
    await page.getByLabel('Mật khẩu').fill(E2E_PASSWORD);
    await page.getByRole('button', { name: 'Khởi tạo' }).click();
    await page.waitForURL('**/login');
    await page.getByText('Đã khởi tạo hệ thống').waitFor();

    // The setup form is gone once an agency exists.
    await page.goto('/setup');
    expect(new URL(page.url()).pathname).to.equal('/login');

    await login(page, 'quantri', E2E_PASSWORD);
    await page.getByRole('link', { name: 'Đỗ Quản Trị' }).waitFor();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await screenshot(page, 'setup-admin-signed-in');
    await context.close();
  });

  it('refuses a wrong password with a clear Vietnamese message and stays on the login page', async () => {
    const { page, context } = await openWindow(browser, server.baseUrl);
    await page.goto('/login');
    await page.getByLabel('Tên đăng nhập').fill('quantri');
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau-1');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).to.match(/không đúng/i);
    expect(new URL(page.url()).pathname).to.equal('/login');
    await context.close();
  });
});
