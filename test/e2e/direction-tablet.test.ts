import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { samplePdf } from '../../src/demo/sample-pdf.js';
import {
  E2E_ADMIN,
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

// An iPad held upright: the detail page stacks, the PDF viewer comes before the action panels.
const TABLET = { width: 768, height: 1024 };
const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
}

/** Whether an element's top lies within the window as it is now scrolled. */
async function inView(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((el) => {
    const box = el.getBoundingClientRect();
    return box.top >= 0 && box.top < window.innerHeight && box.height > 0;
  });
}

describe('e2e: the leader directs a document on a tablet (issue 11 §7)', function () {
  let server: E2EServer;
  let browser: Browser;
  let pdfFile: string;
  const windows: UserWindow[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    server = await sharedServer();
    pdfFile = path.join(server.dir, 'cong-van-may-tinh-bang.pdf');
    writeFileSync(
      pdfFile,
      await samplePdf({
        issuer: 'Sở Nội vụ tỉnh Hà Tĩnh',
        notation: '77/SNV-VP',
        title: 'Công văn',
        subject: 'V/v rà soát vị trí việc làm',
        signer: 'Lê Văn Nội',
        pages: 3,
      }),
    );
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const [i, w] of windows.entries())
        await screenshot(w.page, `failed-direction-tablet-${i}`).catch(() => {});
      console.error(server.logs().slice(-3000));
    }
    for (const w of windows.splice(0)) await w.context.close();
  });
  after(async () => {
    await browser?.close();
  });

  it('picks units and people with search, inserts a phrase and reaches the form without scrolling past the PDF', async () => {
    const subject = `Rà soát vị trí việc làm ${Date.now()}`;
    const clerkWindow = await openWindow(browser, server.baseUrl);
    windows.push(clerkWindow);
    const clerk = clerkWindow.page;
    await login(clerk, E2E_USERS.clerk.username, E2E_PASSWORD);
    await clerk.goto('/incoming/new');
    await clerk.getByLabel('Loại văn bản').selectOption('CV');
    await clerk.getByLabel('Nơi gửi (cơ quan ban hành)').fill('Sở Nội vụ tỉnh Hà Tĩnh');
    await clerk.getByLabel('Số', { exact: true }).fill(String(Date.now() % 100000));
    await clerk.getByLabel('Ký hiệu', { exact: true }).fill('SNV-VP');
    await clerk.getByLabel('Ngày ban hành').fill(today());
    await clerk.getByLabel('Trích yếu').fill(subject);
    await clerk.getByLabel('Tệp văn bản (PDF)').setInputFiles(pdfFile);
    await submit(clerk, 'Vào sổ');
    const detailPath = new URL(clerk.url()).pathname;
    expect(detailPath).to.match(/^\/incoming\/\d+$/);
    const leaderOption = clerk.locator('#present-leader option', {
      hasText: E2E_USERS.leader.fullName,
    });
    // The leader is offered with their title.
    expect(await leaderOption.textContent()).to.contain(`— ${E2E_USERS.leader.positionTitle}`);
    await clerk
      .locator('#present-leader')
      .selectOption((await leaderOption.getAttribute('value'))!);
    await submit(clerk, 'Trình lãnh đạo');

    const leaderWindow = await openWindow(browser, server.baseUrl, TABLET);
    windows.push(leaderWindow);
    const leader = leaderWindow.page;
    await login(leader, E2E_USERS.leader.username, E2E_PASSWORD);
    await leader.goto(detailPath);
    await leader.locator('.pdf-viewer canvas').first().waitFor();

    // Reachable without scrolling past the PDF: the action bar is on the first screen, and its
    // "Chỉ đạo" takes the leader to the form; the PDF is above the form on this width.
    expect(await inView(leader, '[data-testid="goto-direct"]')).to.equal(true);
    expect(await inView(leader, '#direct-note')).to.equal(false);
    const pdfBottom = await leader
      .locator('.pdf-viewer')
      .evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
    const formTop = await leader
      .locator('#direct')
      .evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
    expect(formTop).to.be.greaterThan(pdfBottom);
    await leader.getByTestId('goto-direct').click();
    await leader.waitForFunction(() => location.hash === '#direct');
    expect(await inView(leader, '#direct-note')).to.equal(true);
    expect(await inView(leader, '[data-testid="action-bar"]')).to.equal(true);

    // Units and people in separate pickers, each filtering as one types (no accents needed).
    const units = leader.getByTestId('picker-lead-units');
    const people = leader.getByTestId('picker-lead-people');
    await units.getByRole('searchbox').fill('tai chinh');
    const unitItems = units.locator('li:not([hidden]) .picker-item');
    expect(await unitItems.allTextContents()).to.deep.equal(['Phòng Tài chính - Kế hoạch']);
    await unitItems.first().click();
    expect(await leader.locator('#direct-lead').inputValue()).to.match(/^d:\d+$/);
    expect(await unitItems.first().getAttribute('aria-pressed')).to.equal('true');
    expect(await people.locator('.picker-item[data-value^="d:"]').count()).to.equal(0);
    await people.getByRole('searchbox').fill('truong phong');
    expect(
      await people.locator('li:not([hidden]) .picker-item .name').allTextContents(),
    ).to.deep.equal([E2E_USERS.head.fullName]);
    await units.getByRole('searchbox').fill('xyz không có');
    expect(await units.locator('.picker-empty').isVisible()).to.equal(true);

    const supportPeople = leader.getByTestId('picker-support-people');
    await supportPeople.getByRole('searchbox').fill('chuyen vien');
    const specialist = supportPeople.locator('li:not([hidden]) .picker-item').first();
    expect(await specialist.locator('.name').textContent()).to.equal(E2E_USERS.specialist.fullName);
    expect(await specialist.locator('.title').textContent()).to.contain(
      E2E_USERS.specialist.positionTitle,
    );
    await specialist.click();
    const supportValues = await leader
      .locator('#direct-support')
      .evaluate((s: HTMLSelectElement) => Array.from(s.selectedOptions, (o) => o.value));
    expect(supportValues).to.have.length(1);
    expect(supportValues[0]).to.match(/^u:\d+$/);

    // The select stays the form's field: choosing in it (as a keyboard or another script would)
    // shows in the picker too.
    const info = leader.getByLabel('Để biết', { exact: true });
    const headValue = await info
      .locator('option', { hasText: E2E_USERS.head.fullName })
      .getAttribute('value');
    await info.selectOption(headValue!);
    expect(
      await leader
        .getByTestId('picker-info-people')
        .locator(`.picker-item[data-value="${headValue}"]`)
        .getAttribute('aria-pressed'),
    ).to.equal('true');

    // A ready-made phrase, with the chosen unit and person put in, in one tap.
    await leader
      .getByTestId('direction-phrases')
      .getByRole('button', { name: /chủ trì, phối hợp/ })
      .click();
    expect(await leader.locator('#direct-note').inputValue()).to.equal(
      `Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp ${E2E_USERS.specialist.fullName} tham mưu, xử lý theo quy định.`,
    );
    await submit(leader, 'Chỉ đạo');
    await leader.getByText('Đã có ý kiến chỉ đạo').first().waitFor();
    expect(await leader.getByTestId('status').textContent()).to.contain('Đã có ý kiến chỉ đạo');
    expect(await leader.locator('table.assignments').textContent())
      .to.contain('Phòng Tài chính - Kế hoạch')
      .and.contain(E2E_USERS.specialist.fullName);
  });

  it("finds this year's and next year's public holidays in a new deployment's calendar", async () => {
    const w = await openWindow(browser, server.baseUrl, TABLET);
    windows.push(w);
    await login(w.page, E2E_ADMIN.username, E2E_PASSWORD);
    const year = Number(today().slice(0, 4));
    for (const y of [year, year + 1]) {
      await w.page.goto(`/admin/holidays?year=${y}`);
      const text = (await w.page.locator('main').textContent()) ?? '';
      expect(text, String(y)).to.contain('Quốc khánh (2/9)').and.contain('Tết Dương lịch');
    }
  });
});
