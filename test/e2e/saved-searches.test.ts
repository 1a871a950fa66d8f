import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { samplePdf } from '../../src/demo/sample-pdf.js';
import { E2E_PASSWORD, E2E_USERS, sharedServer, type E2EServer } from '../helpers/e2e-server.js';
import {
  launchBrowser,
  login,
  openWindow,
  screenshot,
  type UserWindow,
} from '../helpers/e2e-browser.js';

/** Clicks a submit button and waits for the post/redirect/get round trip to finish. */
async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
}

/** The clerk registers a document from the Sở Tài chính with this subject. */
async function register(page: Page, subject: string, pdfFile: string): Promise<void> {
  await page.goto('/incoming/new');
  await page.getByLabel('Loại văn bản').selectOption('CV');
  await page.getByLabel('Nơi gửi (cơ quan ban hành)').fill('Sở Tài chính tỉnh Hà Tĩnh');
  await page.getByLabel('Số', { exact: true }).fill(String(Date.now() % 1_000_000));
  await page.getByLabel('Ký hiệu', { exact: true }).fill('STC-NS');
  await page.getByLabel('Trích yếu').fill(subject);
  await page.getByLabel('Tệp văn bản (PDF)').setInputFiles(pdfFile);
  await submit(page, 'Vào sổ');
  await page.getByText(/Đã vào sổ văn bản đến, số đến \d+/).waitFor();
}

const rowSubjects = async (page: Page) =>
  (await page.locator('table.incoming-list tbody tr td:nth-child(5) > a').allTextContents()).map(
    (s) => s.trim(),
  );

describe('e2e: saved searches', function () {
  let server: E2EServer;
  let browser: Browser;
  let pdfFile: string;
  const windows: UserWindow[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    server = await sharedServer();
    pdfFile = path.join(server.dir, 'tim-kiem-da-luu.pdf');
    writeFileSync(
      pdfFile,
      await samplePdf({
        issuer: 'Sở Tài chính tỉnh Hà Tĩnh',
        notation: '77/STC-NS',
        title: 'Công văn',
        subject: 'V/v quyết toán ngân sách',
        signer: 'Nguyễn Văn Thành',
        pages: 1,
      }),
    );
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const [i, w] of windows.entries())
        await screenshot(w.page, `failed-saved-search-${i}`).catch(() => {});
      console.error(server.logs().slice(-3000));
    }
    for (const w of windows.splice(0)) await w.context.close();
  });
  after(async () => {
    await browser?.close();
  });

  it('a clerk saves a filtered list, opens it again from any tab (with what was registered since), renames and deletes it', async () => {
    const w = await openWindow(browser, server.baseUrl);
    windows.push(w);
    const { page } = w;
    const mark = `quyết toán ${Date.now()}`;
    await login(page, E2E_USERS.clerk.username, E2E_PASSWORD);
    await register(page, `V/v ${mark} quý I`, pdfFile);

    // The list filtered as the clerk works every day: all registered, search words, a sender.
    await page.goto('/incoming?tab=all');
    await page.getByLabel('Trích yếu, số, ký hiệu').fill(mark);
    await page.getByLabel('Nơi gửi', { exact: true }).fill('sở tài chính');
    await Promise.all([
      page.waitForURL(/[?&]q=/),
      page.getByRole('button', { name: 'Lọc', exact: true }).click(),
    ]);
    expect(await rowSubjects(page)).to.deep.equal([`V/v ${mark} quý I`]);

    await page.locator('summary', { hasText: 'Tìm kiếm đã lưu' }).click();
    await page.getByLabel('Lưu tìm kiếm này').fill('Quyết toán của Sở Tài chính');
    await submit(page, 'Lưu tìm kiếm này');
    await page.getByText('Đã lưu tìm kiếm “Quyết toán của Sở Tài chính”.').waitFor();
    await screenshot(page, 'saved-search-saved');

    // A document registered afterwards is in the results when the search is opened again.
    await register(page, `V/v ${mark} quý II`, pdfFile);
    await page.goto('/incoming?tab=toHandle');
    await page.locator('summary', { hasText: 'Tìm kiếm đã lưu' }).click();
    await Promise.all([
      page.waitForURL(/\/incoming\?tab=all&/),
      page.getByRole('link', { name: 'Quyết toán của Sở Tài chính' }).click(),
    ]);
    expect(await page.getByLabel('Trích yếu, số, ký hiệu').inputValue()).to.equal(mark);
    expect((await rowSubjects(page)).sort()).to.deep.equal(
      [`V/v ${mark} quý I`, `V/v ${mark} quý II`].sort(),
    );

    // The management page: its conditions in words, a new name, then deleted after a confirmation.
    await page.goto('/saved-searches');
    const row = page.locator('tr', { hasText: 'Quyết toán của Sở Tài chính' });
    expect(await row.textContent()).to.include(`Trích yếu, số, ký hiệu: “${mark}”`);
    await row.getByLabel('Tên tìm kiếm').fill('Quyết toán ngân sách');
    await submit(page, 'Đổi tên');
    await page.getByText('Đã đổi tên tìm kiếm.').waitFor();
    await screenshot(page, 'saved-searches-page');
    page.once('dialog', (dialog) => void dialog.accept());
    await submit(page, 'Xóa');
    await page.getByText('Đã xóa tìm kiếm “Quyết toán ngân sách”.').waitFor();
    expect(await page.locator('tr', { hasText: 'Quyết toán ngân sách' }).count()).to.equal(0);
  });
});
