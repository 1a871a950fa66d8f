import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { samplePdf } from '../../src/demo/sample-pdf.js';
import { buildEdxml } from '../fixtures/edxml.js';
import {
  E2E_AGENCY,
  E2E_PASSWORD,
  E2E_USERS,
  sharedServer,
  type E2EServer,
} from '../helpers/e2e-server.js';
import {
  launchBrowser,
  login,
  openWindow,
  screenshot,
  type UserWindow,
} from '../helpers/e2e-browser.js';

const inDays = (days: number) =>
  new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
const today = () => inDays(0);

/** Picks the option of a labelled <select> whose text contains `text`. */
async function chooseOption(page: Page, label: string, text: string, exact = true): Promise<void> {
  const select = page.getByLabel(label, { exact });
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  expect(value, `option "${text}" in "${label}"`).to.be.a('string');
  await select.selectOption(value!);
}

/** Clicks a submit button and waits for the post/redirect/get round trip to finish. */
async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
}

/** Opens a document from the person's "Cần xử lý" (to handle) list by its subject. */
async function openFromToHandle(page: Page, subject: string): Promise<void> {
  await page.goto('/incoming?tab=toHandle');
  await page.getByRole('link', { name: 'Cần xử lý' }).waitFor();
  await page.getByRole('link', { name: subject }).click();
  await page.getByTestId('subject').waitFor();
  expect(await page.getByTestId('subject').textContent()).to.equal(subject);
}

async function statusText(page: Page): Promise<string> {
  return ((await page.getByTestId('status').textContent()) ?? '').trim();
}

/** A clerk registers a document with a PDF and presents it to the leader; returns the detail page path. */
async function registerAndPresent(
  page: Page,
  subject: string,
  pdfFile: string,
  codeNumber: string,
): Promise<string> {
  await login(page, E2E_USERS.clerk.username, E2E_PASSWORD);
  await fillRegistration(page, subject, codeNumber);
  await page.getByLabel('Tệp văn bản (PDF)').setInputFiles(pdfFile);
  await submit(page, 'Vào sổ');
  await page.getByText(/Đã vào sổ văn bản đến, số đến \d+/).waitFor();
  expect(new URL(page.url()).pathname).to.match(/^\/incoming\/\d+$/);
  const detailPath = new URL(page.url()).pathname;
  expect(await statusText(page)).to.equal('Đã vào sổ');

  await chooseOption(page, 'Lãnh đạo', E2E_USERS.leader.fullName);
  await page
    .getByLabel('Ghi chú', { exact: true })
    .fill('Kính trình đồng chí Chủ tịch cho ý kiến chỉ đạo.');
  await submit(page, 'Trình lãnh đạo');
  await page.getByText('Đã trình lãnh đạo.').waitFor();
  expect(await statusText(page)).to.equal('Đã trình lãnh đạo');
  return detailPath;
}

/** Opens the registration form (signed in as the clerk) and fills every field but the files. */
async function fillRegistration(page: Page, subject: string, codeNumber: string): Promise<void> {
  await page.getByRole('link', { name: 'Vào sổ văn bản đến' }).first().click();
  await page.getByRole('heading', { name: 'Vào sổ văn bản đến' }).waitFor();
  await page.getByLabel('Loại văn bản').selectOption('CV');
  await page.getByLabel('Nơi gửi (cơ quan ban hành)').fill('Sở Tài chính tỉnh Hà Tĩnh');
  await page.getByLabel('Số', { exact: true }).fill(codeNumber);
  await page.getByLabel('Ký hiệu', { exact: true }).fill('STC-NS');
  await page.getByLabel('Ngày ban hành').fill(today());
  await page.getByLabel('Trích yếu').fill(subject);
  await page.getByLabel('Người ký', { exact: true }).fill('Nguyễn Văn Thành');
  await page.getByLabel('Độ khẩn').selectOption({ label: 'Khẩn' });
}

describe('e2e: an incoming document from registration to filing', function () {
  let server: E2EServer;
  let browser: Browser;
  let pdfFile: string;
  const windows: UserWindow[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    server = await sharedServer();
    pdfFile = path.join(server.dir, 'cong-van-e2e.pdf');
    const pdf = await samplePdf({
      issuer: 'Sở Tài chính tỉnh Hà Tĩnh',
      notation: '321/STC-NS',
      title: 'Công văn',
      subject: 'V/v bổ sung dự toán kinh phí chuyển đổi số năm 2026',
      signer: 'Nguyễn Văn Thành',
      pages: 2,
    });
    writeFileSync(pdfFile, pdf);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const [i, w] of windows.entries())
        await screenshot(w.page, `failed-${this.currentTest.title.slice(0, 40)}-${i}`).catch(
          () => {},
        );
      console.error(server.logs().slice(-3000));
    }
    for (const w of windows.splice(0)) await w.context.close();
  });
  after(async () => {
    await browser?.close();
  });

  const open = async (viewport?: { width: number; height: number }) => {
    const w = await openWindow(browser, server.baseUrl, viewport);
    windows.push(w);
    return w.page;
  };

  it('clerk registers and presents, leader directs, head assigns, specialist completes, clerk sees it done and files it', async () => {
    const subject = `V/v bổ sung dự toán kinh phí chuyển đổi số năm 2026 (${Date.now()})`;

    // 1. Văn thư: vào sổ with a PDF, then trình lãnh đạo.
    const clerk = await open();
    const detailPath = await registerAndPresent(clerk, subject, pdfFile, '321');

    // 2. Lãnh đạo: the bell shows the new work; ý kiến chỉ đạo with a lead department and a deadline.
    const leader = await open();
    await login(leader, E2E_USERS.leader.username, E2E_PASSWORD);
    await leader.goto('/incoming?tab=toHandle');
    const bell = leader.getByTestId('unread-count');
    await bell.waitFor();
    expect(Number(await bell.textContent())).to.be.greaterThan(0);
    await openFromToHandle(leader, subject);
    await leader
      .getByLabel('Ý kiến chỉ đạo')
      .fill('Giao Phòng Tài chính - Kế hoạch chủ trì, tham mưu văn bản trả lời.');
    await chooseOption(leader, 'Chủ trì', 'Phòng Tài chính - Kế hoạch');
    await leader.getByLabel('Hạn xử lý (chủ trì)').fill(inDays(7));
    await submit(leader, 'Chỉ đạo');
    await leader.getByText('Đã ghi ý kiến chỉ đạo và giao xử lý.').waitFor();
    expect(await statusText(leader)).to.equal('Đã có ý kiến chỉ đạo');

    // 3. Trưởng phòng: giao xử lý to the specialist of the department.
    const head = await open();
    await login(head, E2E_USERS.head.username, E2E_PASSWORD);
    await openFromToHandle(head, subject);
    await chooseOption(head, 'Giao cho chuyên viên', E2E_USERS.specialist.fullName);
    await submit(head, 'Giao xử lý');
    await head.getByText('Đã giao xử lý.').waitFor();
    expect(await statusText(head)).to.equal('Đang xử lý');

    // 3b. Lãnh đạo đôn đốc: the leader chases the specialist's part, with a short note.
    await leader.goto(detailPath);
    await chooseOption(leader, 'Việc cần đôn đốc', E2E_USERS.specialist.fullName);
    await leader.getByLabel('Lời nhắc (không bắt buộc)').fill('Đề nghị báo cáo trước thứ Năm.');
    await submit(leader, 'Đôn đốc');
    await leader.getByText('Đã đôn đốc người xử lý.').waitFor();
    expect(await leader.getByTestId('trail').textContent()).to.contain('Đôn đốc xử lý');

    // 4. Chuyên viên: báo cáo tiến độ, then hoàn thành with a result note.
    const specialist = await open();
    await login(specialist, E2E_USERS.specialist.username, E2E_PASSWORD);
    await specialist.goto('/notifications');
    await specialist
      .getByText('Đề nghị báo cáo trước thứ Năm.', { exact: false })
      .first()
      .waitFor();
    await openFromToHandle(specialist, subject);
    await specialist.getByLabel('Tiến độ (%)').fill('60');
    await specialist
      .getByLabel('Ghi chú', { exact: true })
      .fill('Đã làm việc với Kho bạc, đang tổng hợp số liệu.');
    await submit(specialist, 'Báo cáo tiến độ');
    await specialist.getByText('Đã báo cáo tiến độ.').waitFor();
    await specialist
      .getByLabel('Kết quả giải quyết')
      .fill('Đã tham mưu Công văn số 45/UBND-TCKH trả lời Sở Tài chính.');
    await submit(specialist, 'Hoàn thành');
    await specialist.getByText('Đã hoàn thành nhiệm vụ.').waitFor();
    expect(await statusText(specialist)).to.equal('Đã hoàn thành');

    // 5. Văn thư: sees it completed (in "to handle", with the result), then lưu hồ sơ.
    await openFromToHandle(clerk, subject);
    expect(new URL(clerk.url()).pathname).to.equal(detailPath);
    expect(await statusText(clerk)).to.equal('Đã hoàn thành');
    await clerk
      .getByText('Đã tham mưu Công văn số 45/UBND-TCKH trả lời Sở Tài chính.')
      .first()
      .waitFor();
    clerk.once('dialog', (dialog) => dialog.accept());
    await submit(clerk, 'Lưu hồ sơ');
    await clerk.getByText('Đã lưu hồ sơ.').waitFor();
    expect(await statusText(clerk)).to.equal('Đã lưu hồ sơ');
    const trail = (await clerk.getByTestId('trail').locator('li').allTextContents()).join('\n');
    for (const name of [
      E2E_USERS.clerk.fullName,
      E2E_USERS.leader.fullName,
      E2E_USERS.head.fullName,
      E2E_USERS.specialist.fullName,
    ]) {
      expect(trail).to.include(name);
    }
    expect(await clerk.getByTestId('trail').locator('li').count()).to.be.at.least(6);
    await screenshot(clerk, 'incoming-flow-filed');

    // Who opened it: everyone in this flow did, so nobody is marked as not having opened it.
    await clerk.getByTestId('access-history-link').click();
    await clerk.getByRole('heading', { name: 'Lịch sử truy cập' }).waitFor();
    const history = clerk.getByTestId('access-history');
    for (const user of [E2E_USERS.leader, E2E_USERS.head, E2E_USERS.specialist])
      await history.locator('tr', { hasText: user.fullName }).waitFor();
    expect(await history.getByTestId('not-opened').count()).to.equal(0);
    await screenshot(clerk, 'incoming-access-history');
  });

  it('shows the PDF inside the detail page (pdf.js served by the app)', async () => {
    const subject = `V/v kiểm tra hiển thị văn bản PDF (${Date.now()})`;
    const clerk = await open();
    const pdfRequests: string[] = [];
    clerk.on('request', (r) => {
      if (/pdf/i.test(r.url())) pdfRequests.push(r.url());
    });
    const detailPath = await registerAndPresent(clerk, subject, pdfFile, '322');
    await clerk.goto(detailPath);
    const canvas = clerk.locator('.pdf-viewer canvas');
    await canvas.first().waitFor();
    expect(await canvas.count()).to.be.at.least(1);
    const size = await canvas
      .first()
      .evaluate((c: HTMLCanvasElement) => ({ w: c.width, h: c.height }));
    expect(size.w).to.be.greaterThan(100);
    expect(size.h).to.be.greaterThan(100);
    // pdf.js comes from the app itself, never from a CDN.
    expect(pdfRequests.every((u) => u.startsWith(server.baseUrl))).to.equal(true);
    await screenshot(clerk, 'incoming-pdf-viewer');
  });

  it('keeps the chosen file through a duplicate warning, then adds an appendix on the detail page', async () => {
    const clerk = await open();
    await login(clerk, E2E_USERS.clerk.username, E2E_PASSWORD);
    const codeNumber = String(900 + (Date.now() % 99));
    for (const attempt of [1, 2]) {
      await fillRegistration(clerk, `V/v văn bản gửi trùng lần ${attempt}`, codeNumber);
      await clerk.getByLabel('Tệp văn bản (PDF)').setInputFiles(pdfFile);
      await submit(clerk, 'Vào sổ');
    }
    // The second one is suspected to duplicate the first: the warning, with the file kept.
    await clerk.getByTestId('duplicate-warning').waitFor();
    const kept = clerk.getByTestId('staged-files');
    expect(await kept.textContent()).to.contain('cong-van-e2e.pdf');
    expect(await kept.getByRole('checkbox').isChecked()).to.equal(true);
    await screenshot(clerk, 'incoming-duplicate-with-kept-file');
    await clerk.getByLabel('Tôi đã kiểm tra, vẫn vào sổ văn bản này').check();
    await submit(clerk, 'Vào sổ');
    await clerk.getByText(/Đã vào sổ văn bản đến, số đến \d+/).waitFor();
    expect(await clerk.locator('.file-list li').count()).to.equal(1);

    const appendix = path.join(server.dir, 'phu-luc-e2e.pdf');
    writeFileSync(
      appendix,
      await samplePdf({
        issuer: 'Sở Tài chính tỉnh Hà Tĩnh',
        notation: '321/STC-NS',
        title: 'Phụ lục',
        subject: 'Phụ lục kèm theo công văn',
        signer: 'Nguyễn Văn Thành',
        pages: 1,
      }),
    );
    await clerk.getByLabel('Bổ sung tệp').setInputFiles(appendix);
    await submit(clerk, 'Bổ sung');
    await clerk.getByText('Đã bổ sung 1 tệp.').waitFor();
    expect(await clerk.locator('.file-list li').count()).to.equal(2);
    expect(await clerk.getByTestId('trail').textContent()).to.contain('Bổ sung tệp');
    await screenshot(clerk, 'incoming-files-kept-and-added');
  });

  it('fills the registration form from an edXML package and registers it with its attachment', async () => {
    const clerk = await open();
    await login(clerk, E2E_USERS.clerk.username, E2E_PASSWORD);
    const codeNumber = String(500 + (Date.now() % 99));
    const subject = `V/v nhận văn bản liên thông edXML ${codeNumber}`;
    const packageFile = path.join(server.dir, 'lien-thong.edxml');
    writeFileSync(
      packageFile,
      buildEdxml({
        to: [E2E_AGENCY.code],
        codeNumber,
        subject,
        attachments: [
          {
            name: 'quyet-dinh-lien-thong.pdf',
            content: await samplePdf({
              issuer: 'Sở Tài chính tỉnh Thử nghiệm',
              notation: `${codeNumber}/QĐ-STC`,
              title: 'Quyết định',
              subject,
              signer: 'Nguyễn Văn Ký',
              pages: 1,
            }),
          },
        ],
      }),
    );
    await clerk.goto('/incoming/new');
    await clerk.getByLabel('Gói edXML (.edxml, .xml)').setInputFiles(packageFile);
    await submit(clerk, 'Đọc gói edXML');
    await clerk.getByTestId('edxml-notice').waitFor();
    expect(await clerk.locator('#codeNumber').inputValue()).to.equal(codeNumber);
    expect(await clerk.locator('#fromOrganId').inputValue()).to.equal('000.00.00.H41');
    expect(await clerk.getByTestId('staged-files').textContent()).to.contain(
      'quyet-dinh-lien-thong.pdf',
    );
    await screenshot(clerk, 'incoming-edxml-read');
    await submit(clerk, 'Vào sổ');
    await clerk.getByText(/Đã vào sổ văn bản đến, số đến \d+/).waitFor();
    expect(await clerk.getByTestId('subject').textContent()).to.equal(subject);
    expect(await clerk.locator('.file-list li').count()).to.equal(1);
  });
});
