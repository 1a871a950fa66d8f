import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import {
  E2E_ADMIN,
  E2E_PASSWORD,
  E2E_USERS,
  sharedServer,
  type E2EServer,
} from '../helpers/e2e-server.js';
import { launchBrowser, login, openWindow, screenshot } from '../helpers/e2e-browser.js';

/** dd/mm/yyyy hh:mm (Vietnam time), days ahead. */
function vnTime(daysAhead: number, hour: number): string {
  const d = new Date(Date.now() + daysAhead * 86_400_000 + 7 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(hour)}:00`;
}

/** A meeting made through its form by the signed-in clerk, the department head invited; its path. */
async function meetingWithInvitee(page: Page): Promise<string> {
  const { leader, head } = E2E_USERS;
  await page.goto('/meetings/new');
  await page.getByLabel('Tên cuộc họp').fill('Giao ban kiểm tra bố cục');
  await page
    .getByLabel('Chủ trì')
    .selectOption({ label: `${leader.fullName} – ${leader.positionTitle}` });
  await page.getByLabel(/^Bắt đầu/).fill(vnTime(40, 8));
  await page.getByLabel(/^Kết thúc/).fill(vnTime(40, 10));
  await page.getByLabel('Đường dẫn họp trực tuyến').fill('https://hop.example.vn/bo-cuc');
  await Promise.all([
    page.waitForURL(/\/meetings\/\d+$/),
    page.getByRole('button', { name: 'Lưu' }).click(),
  ]);
  const path = new URL(page.url()).pathname;
  await page.getByText('Mời thêm').click();
  await page.getByLabel('Cán bộ trong cơ quan').selectOption({
    label: `${head.fullName} – ${head.positionTitle} – Phòng Tài chính - Kế hoạch`,
  });
  await Promise.all([
    page.waitForURL(/#participants$/),
    page.getByRole('button', { name: 'Mời những người đã chọn' }).click(),
  ]);
  return path;
}

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

  it('shows an approval template step by step: the fields of the chosen type, the next step once one is used', async () => {
    const { page, context } = await openWindow(browser, server.baseUrl);
    await login(page, E2E_ADMIN.username, E2E_PASSWORD);
    await page.goto('/admin/approval-templates/new');
    const step = (i: number) => page.getByTestId(`template-step-${i}`);
    // One empty step: its title and type only.
    expect(await step(0).isVisible()).to.equal(true);
    expect(await step(1).isVisible()).to.equal(false);
    expect(await page.locator('#s0_kind').isVisible()).to.equal(false);
    expect(await page.locator('#s0_userId').isVisible()).to.equal(false);
    // A person's step: the person and the deadline, no role nor group; the next step appears.
    await page.locator('#s0_title').fill('Trưởng phòng thẩm định');
    await page.locator('#s0_type').selectOption('person');
    for (const id of ['#s0_kind', '#s0_userId', '#s0_days'])
      expect(await page.locator(id).isVisible(), id).to.equal(true);
    for (const id of ['#s0_role', '#s0_departmentId', '#s0_userIds'])
      expect(await page.locator(id).isVisible(), id).to.equal(false);
    expect(await step(1).isVisible()).to.equal(true);
    expect(await step(2).isVisible()).to.equal(false);
    // A role in a unit: the role and its unit.
    await page.locator('#s1_type').selectOption('role_department');
    expect(await page.locator('#s1_role').isVisible()).to.equal(true);
    expect(await page.locator('#s1_departmentId').isVisible()).to.equal(true);
    expect(await page.locator('#s1_userId').isVisible()).to.equal(false);
    // "Thêm bước" opens one more empty step.
    expect(await step(3).isVisible()).to.equal(false);
    await page.getByRole('button', { name: 'Thêm bước' }).click();
    expect(await step(3).isVisible()).to.equal(true);
    await screenshot(page, 'approval-template-steps');
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

  it('puts every check box and option button on the line of its label, on every form', async () => {
    const pages: [keyof typeof E2E_USERS, string[]][] = [
      ['specialist', ['/outgoing/new', '/profile/signing', '/incoming?tab=all']],
      ['clerk', ['/incoming/new', '/meetings/new', '/profile']],
    ];
    let seen = 0;
    for (const [who, paths] of pages) {
      const { page, context } = await openWindow(browser, server.baseUrl);
      await login(page, E2E_USERS[who].username, E2E_PASSWORD);
      // A meeting's page: each invitee's row has its "votes" box beside the role and weight.
      if (who === 'clerk') paths.push(await meetingWithInvitee(page));
      for (const path of paths) {
        await page.goto(path);
        // A box wrapped in its label, or named by one: the box's middle lies within the height of
        // the label's first line of text, and the box keeps its own size (not stretched across).
        const boxes = await page.evaluate(() =>
          Array.from(document.querySelectorAll('input[type=checkbox], input[type=radio]'))
            .filter((el) => (el as HTMLElement).offsetParent !== null)
            .map((el) => {
              const box = el.getBoundingClientRect();
              const label = (el as HTMLInputElement).labels?.[0];
              const range = document.createRange();
              const text = label
                ? Array.from(label.childNodes).find(
                    (n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim(),
                  )
                : null;
              if (text) range.selectNodeContents(text);
              const line = text ? range.getClientRects()[0] : null;
              const middle = box.top + box.height / 2;
              return {
                name: (el as HTMLInputElement).name,
                onLine: !!line && middle >= line.top && middle <= line.bottom,
                width: box.width,
              };
            }),
        );
        for (const b of boxes) {
          expect(b.onLine, `${path}: ${b.name} beside its label`).to.equal(true);
          expect(b.width, `${path}: ${b.name} keeps its size`).to.be.below(40);
        }
        seen += boxes.length;
      }
      await context.close();
    }
    expect(seen).to.be.above(2);
  });

  it('keeps the labels meant for screen readers off the screen, still naming their fields', async () => {
    const { page, context } = await openWindow(browser, server.baseUrl);
    await login(page, E2E_USERS.clerk.username, E2E_PASSWORD);
    // The rooms' table names its fields by hidden labels (its columns say them to the eye).
    await page.goto('/meetings/rooms');
    await page.getByLabel('Tên phòng').last().fill(`Phòng họp nhãn ẩn ${Date.now()}`);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/meetings/rooms'),
      page.getByRole('button', { name: 'Thêm phòng' }).click(),
    ]);
    const hidden = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.visually-hidden')).map((el) => {
        const box = el.getBoundingClientRect();
        const field = (el as HTMLLabelElement).htmlFor
          ? document.getElementById((el as HTMLLabelElement).htmlFor)
          : null;
        return {
          text: el.textContent,
          width: box.width,
          height: box.height,
          names: field
            ? Array.from((field as HTMLInputElement).labels ?? []).includes(el as HTMLLabelElement)
            : true,
        };
      }),
    );
    expect(hidden.length).to.be.above(2);
    for (const h of hidden) {
      expect(h.width * h.height, `${h.text} takes no room`).to.be.at.most(1);
      expect(h.names, `${h.text} still names its field`).to.equal(true);
    }
    await context.close();
  });
});
