import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { E2E_PASSWORD, E2E_USERS, sharedServer, type E2EServer } from '../helpers/e2e-server.js';
import {
  launchBrowser,
  login,
  openWindow,
  screenshot,
  type UserWindow,
} from '../helpers/e2e-browser.js';

describe('e2e: forms that help', function () {
  let server: E2EServer;
  let browser: Browser;
  const windows: UserWindow[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    server = await sharedServer();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      for (const [i, w] of windows.entries())
        await screenshot(w.page, `failed-forms-${i}`).catch(() => {});
    for (const w of windows.splice(0)) await w.context.close();
  });
  after(async () => {
    await browser?.close();
  });

  const clerkWindow = async () => {
    const w = await openWindow(browser, server.baseUrl);
    windows.push(w);
    await login(w.page, E2E_USERS.clerk.username, E2E_PASSWORD);
    return w.page;
  };

  it('types dates day first, and a refused form puts the focus on its first error', async () => {
    const page = await clerkWindow();
    await page.goto('/incoming/new');
    const promulgation = page.locator('#promulgationDate');
    expect(await promulgation.getAttribute('type')).to.equal('text');
    await promulgation.fill('5/3/2026');
    await promulgation.blur();
    expect(await promulgation.inputValue()).to.equal('05/03/2026');
    await page.locator('#dueDate').fill('2026/13/40');
    // Nothing else filled in: the server refuses, the page comes back with the errors.
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.locator('form.incoming-form button[type="submit"]').first().click(),
    ]);
    await page.waitForLoadState('load');
    await page.locator('.field-error').first().waitFor();
    const firstInvalid = await page
      .locator('form [aria-invalid="true"]')
      .first()
      .getAttribute('id');
    const focused = await page.evaluate(() => document.activeElement?.id ?? null);
    expect(focused).to.equal(firstInvalid);
    expect(await page.locator('#dueDate-error').textContent()).to.equal(
      'Ngày phải có dạng ngày/tháng/năm, ví dụ 05/03/2026',
    );
    expect(await promulgation.inputValue()).to.equal('05/03/2026');
    expect(page.url()).not.to.include('_csrf');
  });

  it('shows the time of Hỏa tốc hẹn giờ only for that urgency', async () => {
    const page = await clerkWindow();
    await page.goto('/incoming/new');
    const time = page.locator('#urgentDeliverBy');
    expect(await time.isVisible()).to.equal(false);
    await page.locator('#urgency').selectOption('4');
    expect(await time.isVisible()).to.equal(true);
    await time.fill('05/12/2026 14:30');
    // A time typed stays in sight whatever is chosen after.
    await page.locator('#urgency').selectOption('0');
    expect(await time.isVisible()).to.equal(true);
  });

  it("shows a report period's own fields only, and sends only those", async () => {
    const page = await clerkWindow();
    await page.goto('/reports/on-time');
    const shown = async () =>
      Object.fromEntries(
        await Promise.all(
          ['r-year', 'r-month', 'r-quarter', 'r-from', 'r-to'].map(
            async (id) => [id, await page.locator(`#${id}`).isVisible()] as const,
          ),
        ),
      );
    expect(await shown()).to.deep.equal({
      'r-year': true,
      'r-month': true,
      'r-quarter': false,
      'r-from': false,
      'r-to': false,
    });
    await page.locator('#r-period').selectOption('quarter');
    expect(await shown()).to.include({ 'r-year': true, 'r-month': false, 'r-quarter': true });
    await page.locator('#r-period').selectOption('custom');
    expect(await shown()).to.deep.equal({
      'r-year': false,
      'r-month': false,
      'r-quarter': false,
      'r-from': true,
      'r-to': true,
    });
    await page.locator('#r-from').fill('01/11/2026');
    await page.locator('#r-to').fill('30/11/2026');
    await Promise.all([
      page.waitForURL(/period=custom/),
      page.locator('form.filters button[type="submit"]').click(),
    ]);
    const sent = new URL(page.url()).searchParams;
    expect(sent.get('from')).to.equal('01/11/2026');
    expect(sent.has('month')).to.equal(false);
    expect(sent.has('year')).to.equal(false);
    expect(await page.locator('.field-error').count()).to.equal(0);
  });

  it('suggests senders from the directory on the registration form', async () => {
    const page = await clerkWindow();
    await page.goto('/senders');
    await page.locator('#new-sender-name').fill('Sở Khoa học và Công nghệ tỉnh Thử');
    await page
      .getByLabel(/^Mã định danh/)
      .last()
      .fill('000.00.51.H41');
    await Promise.all([
      page.waitForURL('**/senders'),
      page.getByRole('button', { name: 'Thêm', exact: true }).click(),
    ]);
    await page.getByText('Đã thêm nơi gửi.').waitFor();

    await page.goto('/incoming/new');
    await page.locator('#fromOrganName').pressSequentially('khoa hoc');
    await page.waitForResponse((r) => r.url().includes('/senders/lookup'));
    await page
      .locator('#sender-options option[value="Sở Khoa học và Công nghệ tỉnh Thử"]')
      .waitFor({ state: 'attached' });
    await page.locator('#fromOrganName').fill('Sở Khoa học và Công nghệ tỉnh Thử');
    await page.locator('#fromOrganName').dispatchEvent('change');
    expect(await page.locator('#fromOrganId').inputValue()).to.equal('000.00.51.H41');
  });
});
