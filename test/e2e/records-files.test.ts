import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { todayInVietnam } from '../../src/calendar/working-days.js';
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

/** The specialist drafts an outgoing document with a PDF; returns its page's path. */
async function draft(page: Page, subject: string, pdfFile: string): Promise<string> {
  await page.goto('/outgoing/new');
  await page.locator('#documentType').selectOption('CV');
  await page.locator('#subject').fill(subject);
  await page.locator('#files').setInputFiles(pdfFile);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByTestId('save-draft').click(),
  ]);
  await page.waitForLoadState('load');
  await page.getByText('Đã lưu dự thảo.').waitFor();
  const pathname = new URL(page.url()).pathname;
  expect(pathname).to.match(/^\/outgoing\/\d+$/);
  return pathname;
}

/** The choices of the "Hồ sơ" panel on a document's page (empty when it offers none). */
const offered = async (page: Page) =>
  (await page.getByTestId('records-files-panel').locator('select option').allTextContents()).map(
    (s) => s.trim(),
  );

/** The files the panel says hold the document. */
const holding = async (page: Page) =>
  (await page.getByTestId('records-files-panel').locator('ul li a').allTextContents()).map((s) =>
    s.trim(),
  );

describe('e2e: records files', function () {
  let server: E2EServer;
  let browser: Browser;
  let pdfFile: string;
  const windows: UserWindow[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    server = await sharedServer();
    pdfFile = path.join(server.dir, 'du-thao-ho-so.pdf');
    writeFileSync(
      pdfFile,
      await samplePdf({
        issuer: 'UBND huyện Thử Nghiệm',
        notation: '/UBND-TCKH',
        title: 'Công văn',
        subject: 'V/v lập dự toán ngân sách năm 2027',
        signer: 'Trần Văn Chủ Tịch',
        pages: 1,
      }),
    );
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const [i, w] of windows.entries())
        await screenshot(w.page, `failed-records-files-${i}`).catch(() => {});
      console.error(server.logs().slice(-3000));
    }
    for (const w of windows.splice(0)) await w.context.close();
  });
  after(async () => {
    await browser?.close();
  });

  it('a specialist opens a file, adds a document from its page, sees it in the file, closes the file and is no longer offered it', async () => {
    const w = await openWindow(browser, server.baseUrl);
    windows.push(w);
    const { page } = w;
    const stamp = String(Date.now() % 1_000_000);
    const code = `TCKH.${stamp}`;
    const title = `Hồ sơ xây dựng dự toán ngân sách năm 2027 (${stamp})`;
    const label = `${code} — ${title}`;
    // The form's year is the agency's (Vietnam's) current year.
    const year = todayInVietnam().slice(0, 4);
    await login(page, E2E_USERS.specialist.username, E2E_PASSWORD);

    // Two documents the specialist may see: drafts of their own.
    const filed = `V/v lập dự toán ngân sách năm 2027 (${stamp})`;
    const other = `V/v báo cáo thu chi quý IV (${stamp})`;
    const filedPath = await draft(page, filed, pdfFile);
    const otherPath = await draft(page, other, pdfFile);
    // With no file of theirs yet, the panel offers none.
    expect(await page.getByTestId('records-files-panel').textContent()).to.include(
      'Bạn chưa có hồ sơ đang lập để đưa văn bản vào.',
    );
    expect(await offered(page)).to.deep.equal([]);

    // The new-file form: refused empty, with the field's message, then accepted.
    await page.goto('/records-files');
    await page.getByTestId('records-file-new').click();
    await page.getByRole('heading', { name: 'Mở hồ sơ mới' }).waitFor();
    await submit(page, 'Mở hồ sơ');
    expect(await page.locator('#rf-code-error').textContent()).to.include(
      'Vui lòng nhập thông tin này.',
    );
    await page.getByLabel('Số và ký hiệu hồ sơ').fill(code);
    await page.getByLabel('Tiêu đề hồ sơ').fill(title);
    await page.getByLabel('Thời hạn bảo quản').selectOption({ label: '10 năm' });
    await submit(page, 'Mở hồ sơ');
    await page.getByText('Đã mở hồ sơ.').waitFor();
    expect(new URL(page.url()).pathname).to.match(/^\/records-files\/\d+$/);
    const filePath = new URL(page.url()).pathname;
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(label);
    expect(await page.getByTestId('records-file-status').textContent()).to.equal('Đang lập');
    expect(await page.getByTestId('records-file-retention').textContent()).to.equal('10 năm');
    await page.getByText('Hồ sơ chưa có văn bản nào.', { exact: false }).waitFor();

    // From the document's page: "Đưa vào hồ sơ" with the new file chosen.
    await page.goto(filedPath);
    const panel = page.getByTestId('records-files-panel');
    expect(await offered(page)).to.deep.equal([`${label} (${year})`]);
    expect(await holding(page)).to.deep.equal([]);
    await panel.getByLabel('Chọn hồ sơ').selectOption({ index: 0 });
    await submit(page, 'Đưa vào hồ sơ');
    await page.getByText(`Đã đưa văn bản vào hồ sơ ${code}.`).waitFor();
    expect(new URL(page.url()).pathname).to.equal(filedPath);
    expect(await holding(page)).to.deep.equal([label]);
    expect(await offered(page)).to.deep.equal([]);
    await screenshot(page, 'records-files-panel');

    // The file's page lists the document, linked to it.
    await page.getByTestId('records-files-panel').getByRole('link', { name: label }).click();
    await page.waitForURL((url) => url.pathname === filePath);
    const documents = page.getByTestId('records-file-documents');
    const row = documents.locator(`tr[data-document="outgoing:${filedPath.split('/').pop()}"]`);
    expect(await row.count()).to.equal(1);
    expect(await row.getByRole('link', { name: filed }).getAttribute('href')).to.equal(filedPath);
    expect(await documents.locator('tbody tr').count()).to.equal(1);

    // The other document is offered the file while it is open.
    await page.goto(otherPath);
    expect(await offered(page)).to.include(`${label} (${year})`);

    // Closing the file (after its confirmation): "Đã kết thúc", a transfer due a year on.
    await page.goto(filePath);
    page.once('dialog', (dialog) => void dialog.accept());
    await submit(page, 'Kết thúc hồ sơ');
    await page.getByText('Đã kết thúc hồ sơ.').waitFor();
    expect(await page.getByTestId('records-file-status').textContent()).to.equal('Đã kết thúc');
    expect(await page.getByTestId('records-file').getAttribute('data-status')).to.equal('closed');
    expect(await page.getByTestId('records-file-transfer-due').count()).to.equal(1);
    expect(
      await page.getByRole('button', { name: 'Kết thúc hồ sơ', exact: true }).count(),
    ).to.equal(0);
    expect(await page.getByRole('button', { name: 'Mở lại hồ sơ', exact: true }).count()).to.equal(
      1,
    );
    // Nothing is taken out of a closed file.
    expect(await page.getByRole('button', { name: 'Rút khỏi hồ sơ' }).count()).to.equal(0);
    await screenshot(page, 'records-file-closed');

    // The document pages: the closed file is no longer offered, and still holds its document.
    await page.goto(otherPath);
    expect(await page.getByTestId('records-files-panel').textContent()).to.include(
      'Bạn chưa có hồ sơ đang lập để đưa văn bản vào.',
    );
    expect(await offered(page)).to.deep.equal([]);
    await page.goto(filedPath);
    expect(await holding(page)).to.deep.equal([label]);
    expect(await offered(page)).to.deep.equal([]);

    // The list shows it closed.
    await page.goto('/records-files');
    const listed = page.getByTestId('records-files').locator('tr', { hasText: code });
    expect(await listed.locator('td').nth(6).textContent()).to.include('Đã kết thúc');
  });
});
