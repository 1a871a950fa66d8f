import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Locator, Page } from 'playwright-core';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { formatIssueDate } from '../../src/outgoing/outgoing.issue.js';
import { loadCrls, loadTrustAnchors } from '../../src/pki/trust.js';
import { verifyPdf } from '../../src/signing/verify.js';
import { decisionDocx } from '../fixtures/docx-draft.js';
import {
  E2E_ADMIN,
  E2E_AGENCY,
  E2E_DEPARTMENTS,
  E2E_PASSWORD,
  E2E_USERS,
  seedAgency,
  seedUsers,
  sharedServer,
  type AgencySeed,
  type E2EServer,
} from '../helpers/e2e-server.js';
import {
  launchBrowser,
  login,
  openWindow,
  screenshot,
  type UserWindow,
} from '../helpers/e2e-browser.js';
import { pdfsig } from '../interop/verifiers.js';

/*
 * An outgoing decision from the drafter's DOCX to the recipient agency's leader, in chromium
 * against the real server (issue 12 §7): drafted and converted by LibreOffice, initialled by the
 * head of department, commented by a consulted department, signed by the leader with the PIN,
 * numbered and sealed by the clerk, registered by the recipient agency's clerk in one click, and
 * tracked by the sender (03, then 04 once the recipient's leader directs it). The delivered file
 * carries two signatures valid in pdfsig and in our verifier, and shows the number and the date.
 */

const PIN = '246813';

/** The consulted person: the head of another department of the drafting agency. */
const CONSULTED = {
  username: 'truongphong.nv',
  fullName: 'Hoàng Văn Nội Vụ',
  positionTitle: 'Trưởng phòng',
  roles: ['dept_head' as const],
  department: 'NV',
};

/** Another agency of the deployment (a commune under the district) with its clerk and leader. */
const RECIPIENT = {
  agency: { name: 'UBND xã Thử Nghiệm', code: '000.01.31.H99', abbreviation: 'UBND' },
  departments: [
    { name: 'Văn phòng - Thống kê', abbreviation: 'VPTK' },
    { name: 'Bộ phận Tài chính - Kế toán', abbreviation: 'TCKT' },
  ],
  users: [
    {
      username: 'vanthu.xa',
      fullName: 'Đỗ Thị Văn Thư Xã',
      positionTitle: 'Văn thư',
      roles: ['clerk'],
      department: 'VPTK',
    },
    {
      username: 'chutich.xa',
      fullName: 'Vũ Văn Chủ Tịch Xã',
      positionTitle: 'Chủ tịch',
      roles: ['leader'],
    },
    {
      username: 'ketoan.xa',
      fullName: 'Bùi Thị Kế Toán',
      positionTitle: 'Trưởng bộ phận',
      roles: ['dept_head'],
      department: 'TCKT',
    },
  ],
} satisfies AgencySeed;

const [RECIPIENT_CLERK, RECIPIENT_LEADER] = RECIPIENT.users;
const TCKH = E2E_DEPARTMENTS.find((d) => d.abbreviation === 'TCKH')!.name;

/** Picks the option of a <select> whose text contains `text`. */
async function chooseOption(select: Locator, text: string): Promise<void> {
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  expect(value, `option "${text}"`).to.be.a('string');
  await select.selectOption(value!);
}

/** Clicks a submit button and waits for the post/redirect/get round trip to finish. */
async function submit(page: Page, button: Locator): Promise<void> {
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), button.click()]);
  await page.waitForLoadState('load');
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/**
 * Reloads the page until `target` shows: for work the server does in the background (the DOCX
 * conversion by the job runner) or that another person does (the recipient's steps).
 */
async function reloadUntil(page: Page, target: Locator, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await target.first().waitFor({ timeout: 2_000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await page.reload();
  }
}

/** The recipient's row of the sender's delivery status section. */
const recipientStatus = (page: Page) =>
  page
    .getByTestId('delivery-status')
    .locator('tr', { hasText: RECIPIENT.agency.name })
    .getByTestId('recipient-status');

function requireTool(ctx: Mocha.Context, tool: string, pkg: string): void {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0) return;
  if (process.env.CI) throw new Error(`${tool} not installed (apt-get install -y ${pkg})`);
  ctx.skip();
}

describe('e2e: an outgoing decision from a DOCX draft to the recipient agency', function () {
  this.timeout(300_000);
  let server: E2EServer;
  let browser: Browser;
  const windows: UserWindow[] = [];

  before(async function () {
    requireTool(this, 'soffice', 'libreoffice-writer-nogui');
    requireTool(this, 'pdfsig', 'poppler-utils');
    requireTool(this, 'certutil', 'libnss3-tools');
    browser = await launchBrowser(this);
    server = await sharedServer();
    await seedUsers(server, [CONSULTED]);
    await seedAgency(server, RECIPIENT);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const [i, w] of windows.entries())
        await screenshot(w.page, `failed-outgoing-${i}`).catch(() => {});
      console.error(server.logs().slice(-3000));
    }
    for (const w of windows.splice(0)) await w.context.close();
  });
  after(async () => {
    await browser?.close();
  });

  const signIn = async (username: string) => {
    const w = await openWindow(browser, server.baseUrl);
    windows.push(w);
    w.page.on('dialog', (dialog) => dialog.accept());
    await login(w.page, username, E2E_PASSWORD);
    return w.page;
  };

  it('drafts, converts, initials, consults, signs, seals, delivers, registers and tracks it', async () => {
    const stamp = Date.now();
    const subject = `Về việc phân bổ kinh phí chuyển đổi số năm 2026 cho các xã (${stamp})`;
    const files = path.join(server.dir, `outgoing-${stamp}`);
    mkdirSync(files, { recursive: true });
    const docxFile = path.join(files, 'du-thao-quyet-dinh.docx');
    writeFileSync(
      docxFile,
      await decisionDocx({
        district: 'HUYỆN THỬ NGHIỆM',
        place: 'Hà Nội',
        subject,
        signerName: E2E_USERS.leader.fullName,
        recipients: [`- ${RECIPIENT.agency.name};`],
      }),
    );

    // 0. Quản trị: the chain (the drafter's head initials, the Nội vụ head is consulted) and the
    // agency's seal credential.
    const admin = await signIn(E2E_ADMIN.username);
    await admin.goto('/admin/approval-templates/new');
    await admin.locator('#name').fill(`Quyết định của Phòng TCKH (${stamp})`);
    await admin.locator('#documentType').selectOption('QĐ');
    await chooseOption(admin.locator('#departmentId'), TCKH);
    await admin.locator('#s0_title').fill('Trưởng phòng soạn thảo ký nháy');
    await admin.locator('#s0_type').selectOption('role_drafter');
    await admin.locator('#s0_kind').selectOption('approve');
    await admin.locator('#s0_role').selectOption('dept_head');
    await admin.locator('#s0_days').fill('2');
    await admin.locator('#s1_title').fill('Lấy ý kiến Phòng Nội vụ');
    await admin.locator('#s1_type').selectOption('person');
    await admin.locator('#s1_kind').selectOption('consult');
    await chooseOption(admin.locator('#s1_userId'), CONSULTED.fullName);
    await admin.locator('#s1_days').fill('2');
    await submit(admin, button(admin, 'Lưu'));
    await admin.getByText('Đã thêm quy trình duyệt.').waitFor();

    await admin.goto('/admin/agency');
    await admin
      .locator('tr', { has: admin.getByRole('cell', { name: E2E_AGENCY.name, exact: true }) })
      .getByRole('link', { name: 'Sửa' })
      .click();
    await admin.getByTestId('seal-link').click();
    const sealButton = admin.getByTestId('seal-setup').getByRole('button');
    await submit(admin, sealButton);
    await admin.getByText('Đã tạo chứng thư số con dấu của cơ quan.').waitFor();
    expect(await admin.getByTestId('certificate-serial').textContent()).to.match(/\S/);

    // 0b. Lãnh đạo: a signing key on the server, protected by the PIN.
    const leader = await signIn(E2E_USERS.leader.username);
    await leader.goto('/profile/signing');
    await leader.locator('#pin').fill(PIN);
    await leader.locator('#pinConfirm').fill(PIN);
    await submit(leader, leader.locator('form[action="/profile/signing/enrol"] button'));
    await leader.getByText('Đã cấp chứng thư số và khóa ký số của bạn.').waitFor();

    // 1. Chuyên viên: the draft with the DOCX, for the commune; LibreOffice makes it a PDF.
    const specialist = await signIn(E2E_USERS.specialist.username);
    await specialist.goto('/outgoing/new');
    await specialist.locator('#documentType').selectOption('QĐ');
    await specialist.locator('#subject').fill(subject);
    await specialist
      .locator('#summary')
      .fill('Phân bổ kinh phí chuyển đổi số năm 2026 cho các xã theo phụ lục.');
    await chooseOption(specialist.locator('#signerId'), E2E_USERS.leader.fullName);
    await specialist.locator('#signingForm').selectOption('TM');
    await specialist.locator('#signerTitle').fill('Chủ tịch');
    await specialist.locator('#placeName').fill('Hà Nội');
    await chooseOption(specialist.locator('#recipientAgencyIds'), RECIPIENT.agency.name);
    await specialist
      .locator('#recipientsNote')
      .fill(`- Như Điều 3;\n- ${RECIPIENT.agency.name};\n- Lưu: VT, TCKH.`);
    await specialist.locator('#files').setInputFiles(docxFile);
    await submit(specialist, specialist.getByTestId('save-draft'));
    await specialist.getByText('Đã lưu dự thảo.').waitFor();
    expect(new URL(specialist.url()).pathname).to.match(/^\/outgoing\/\d+$/);
    const outgoingPath = new URL(specialist.url()).pathname;
    await reloadUntil(
      specialist,
      specialist.getByTestId('versions').locator('li', { hasText: 'du-thao-quyet-dinh.pdf' }),
    );
    expect(await specialist.getByTestId('conversion-status').count()).to.equal(0);
    expect(await specialist.getByTestId('trail').textContent()).to.contain('chuyển DOCX sang PDF');
    // The converted PDF reads as a Decree 30 decision: no layout advice for it.
    expect(await specialist.getByTestId('decree30-advice').count()).to.equal(0);
    // The converted PDF's text is read for search: words of its body (not of any field) and of
    // its subject find it, with where they were found.
    const outgoingId = outgoingPath.split('/').pop()!;
    await specialist.goto(
      `/outgoing?tab=all&q=${encodeURIComponent(`chịu trách nhiệm thi hành ${stamp}`)}`,
    );
    await reloadUntil(specialist, specialist.getByTestId('search-found'));
    const row = specialist.getByTestId(`outgoing-row-${outgoingId}`);
    // Listed at all only because its file holds "chịu trách nhiệm thi hành": no field does.
    expect(await row.getByTestId('search-found').textContent()).to.match(
      /^Tìm thấy trong tệp du-thao-quyet-dinh\.pdf:/,
    );
    expect(await row.getByTestId('search-found').locator('mark').count()).to.be.greaterThan(0);
    expect(await row.locator('mark').first().textContent()).to.equal(String(stamp));
    await specialist.goto(outgoingPath);
    await chooseOption(specialist.locator('#templateId'), `Quyết định của Phòng TCKH (${stamp})`);
    await submit(specialist, specialist.getByTestId('submit-draft'));
    await specialist.getByText('Đã trình duyệt.').waitFor();
    expect(await specialist.getByTestId('outgoing-status').textContent()).to.equal(
      'Đang trình duyệt',
    );

    // 2. Trưởng phòng TCKH: ký nháy on the approval panel.
    const head = await signIn(E2E_USERS.head.username);
    await head.goto(outgoingPath);
    const headPanel = head.getByTestId('approval-panel');
    await headPanel.getByLabel('Ý kiến', { exact: true }).fill('Đã rà soát nội dung, ký nháy.');
    await submit(head, headPanel.getByRole('button', { name: 'Ký nháy', exact: true }));
    await head.getByText('Đã ghi nhận ý kiến của bạn.').waitFor();
    expect(await head.getByTestId('approval-step-1').textContent()).to.contain('Ký nháy');

    // 2b. Trưởng phòng Nội vụ (consulted): góp ý.
    const consulted = await signIn(CONSULTED.username);
    await consulted.goto(outgoingPath);
    const consultPanel = consulted.getByTestId('approval-panel');
    await consultPanel
      .getByLabel('Ý kiến', { exact: true })
      .fill('Đề nghị bổ sung căn cứ Nghị quyết của HĐND huyện về dự toán năm 2026.');
    await submit(consulted, consultPanel.getByRole('button', { name: 'Góp ý', exact: true }));
    await consulted.getByText('Đã ghi nhận ý kiến của bạn.').waitFor();
    const steps = consulted.getByTestId('approval-panel');
    expect(await steps.getByTestId('approval-step-2').textContent()).to.contain(
      'Đề nghị bổ sung căn cứ Nghị quyết',
    );
    expect(await steps.getByTestId('approval-status').textContent()).to.equal('Đã duyệt');

    // 3. Lãnh đạo: signs with the PIN in the PDF view.
    await leader.goto(outgoingPath);
    await leader.getByTestId('open-sign').click();
    await leader.locator('.pdf-sign-viewer canvas').first().waitFor();
    await leader.locator('#pin').fill(PIN);
    await submit(leader, leader.getByTestId('sign'));
    await leader.getByText('Đã ký số văn bản.').waitFor();
    expect(await leader.getByTestId('outgoing-status').textContent()).to.equal(
      'Đã ký, chờ phát hành',
    );

    // 3b. Văn thư: Cấp số và phát hành (number, seal, dispatch to the commune).
    const clerk = await signIn(E2E_USERS.clerk.username);
    await clerk.goto(outgoingPath);
    await clerk.getByTestId('issue').click();
    // The issuance page: the signed PDF with where the number and the date will be written.
    await clerk.locator('.pdf-sign-viewer canvas').first().waitFor();
    await submit(clerk, clerk.getByTestId('confirm-issue'));
    await clerk.getByText(/Đã phát hành văn bản số \d+\/QĐ-UBND\./).waitFor();
    const numberSymbol = /(\d+\/QĐ-UBND)/.exec(
      (await clerk.getByTestId('outgoing-number').textContent()) ?? '',
    )![1];
    expect(await clerk.getByTestId('outgoing-status').textContent()).to.equal('Đã phát hành');
    expect(await recipientStatus(clerk).textContent()).to.contain('Đã đến');
    await screenshot(clerk, 'outgoing-flow-issued');

    // 4. Văn thư xã: the arrival in the queue, its signatures checked, registered in one click.
    const recipientClerk = await signIn(RECIPIENT_CLERK.username);
    await recipientClerk.goto('/incoming/arrivals');
    const arrival = recipientClerk.getByTestId('arrivals').locator('tr', { hasText: subject });
    await arrival.waitFor();
    expect(await arrival.textContent()).to.contain(E2E_AGENCY.name);
    // The queue writes the number without Decree 30's leading zero (1/QĐ-UBND for 01/QĐ-UBND).
    const [number, symbol] = numberSymbol.split('/');
    await arrival
      .getByRole('link', { name: new RegExp(`^0?${Number(number)}/${symbol}$`) })
      .click();
    await recipientClerk.getByTestId('register-form').waitFor();
    expect(await recipientClerk.getByTestId('subject').textContent()).to.equal(subject);
    const arrivalCheck = recipientClerk.getByTestId('signature-check').first();
    expect(await arrivalCheck.getAttribute('class')).to.contain('signature-valid');
    expect(await arrivalCheck.locator('div', { hasText: '✓' }).count()).to.equal(2);
    await screenshot(recipientClerk, 'outgoing-flow-arrival');
    await submit(recipientClerk, recipientClerk.getByTestId('register-form').getByRole('button'));
    await recipientClerk.getByText(/Đã vào sổ văn bản đến, số đến \d+/).waitFor();
    expect(new URL(recipientClerk.url()).pathname).to.match(/^\/incoming\/\d+$/);
    const incomingPath = new URL(recipientClerk.url()).pathname;
    // Registered with the sender's metadata filled in.
    expect(await recipientClerk.getByTestId('subject').textContent()).to.equal(subject);
    expect(await recipientClerk.getByTestId('status').textContent()).to.contain('Đã vào sổ');

    // The sender sees 03 (registered).
    await specialist.goto(outgoingPath);
    await reloadUntil(
      specialist,
      recipientStatus(specialist).getByText('Đã vào sổ', { exact: true }),
    );

    // 4b. Văn thư xã presents it, Chủ tịch xã directs it to a department: the sender sees 04.
    const present = recipientClerk.locator('form', {
      has: button(recipientClerk, 'Trình lãnh đạo'),
    });
    await chooseOption(present.getByLabel('Lãnh đạo'), RECIPIENT_LEADER.fullName);
    await submit(recipientClerk, button(recipientClerk, 'Trình lãnh đạo'));
    await recipientClerk.getByText('Đã trình lãnh đạo.').waitFor();

    const recipientLeader = await signIn(RECIPIENT_LEADER.username);
    await recipientLeader.goto(incomingPath);
    await recipientLeader
      .getByLabel('Ý kiến chỉ đạo')
      .fill('Giao Bộ phận Tài chính - Kế toán chủ trì triển khai.');
    await chooseOption(
      recipientLeader.getByLabel('Chủ trì', { exact: true }),
      'Bộ phận Tài chính - Kế toán',
    );
    await submit(recipientLeader, button(recipientLeader, 'Chỉ đạo'));
    await recipientLeader.getByText('Đã ghi ý kiến chỉ đạo và giao xử lý.').waitFor();

    await reloadUntil(
      specialist,
      recipientStatus(specialist).getByText('Đã phân công', { exact: true }),
    );
    const history = await recipientStatus(specialist).locator('li').allTextContents();
    expect(history.map((h) => h.replace(/\s+\d.*$/s, '').trim())).to.include.members([
      'Đã đến',
      'Đã vào sổ',
      'Đã phân công',
    ]);
    await screenshot(specialist, 'outgoing-flow-tracked');

    // 5. The delivered file, downloaded from the commune's incoming document.
    await recipientClerk.goto(incomingPath);
    const download = recipientClerk
      .locator('.file-list li')
      .first()
      .getByRole('link', { name: 'Tải về' });
    const href = await download.getAttribute('href');
    const response = await recipientClerk.request.get(href!);
    expect(response.status()).to.equal(200);
    const delivered = Buffer.from(await response.body());
    const deliveredFile = path.join(files, 'da-phat-hanh.pdf');
    writeFileSync(deliveredFile, delivered);

    // Two signatures, valid per pdfsig with an NSS database trusting the deployment's CA...
    const certsDir = server.env.CERTS_DIR!;
    const caFile = path.join(certsDir, 'trust', 'agency-ca.pem');
    const nssDir = path.join(files, 'nss');
    mkdirSync(nssDir);
    for (const args of [
      ['-N', '-d', `sql:${nssDir}`, '--empty-password'],
      ['-A', '-d', `sql:${nssDir}`, '-n', 'agency-ca', '-t', 'CT,C,C', '-i', caFile],
    ])
      expect(spawnSync('certutil', args).status, `certutil ${args[0]}`).to.equal(0);
    const sig = pdfsig(deliveredFile, nssDir);
    expect(sig.signatures, sig.raw).to.have.length(2);
    for (const s of sig.signatures) {
      expect(s.signatureValidation, sig.raw).to.equal('Signature is Valid.');
      expect(s.certificateValidation, sig.raw).to.equal('Certificate is Trusted.');
    }
    expect(sig.signatures.map((s) => s.commonName)).to.deep.equal([
      E2E_USERS.leader.fullName,
      E2E_AGENCY.name,
    ]);

    // ...and per our verifier with the deployment's trust anchors.
    const report = verifyPdf(delivered, {
      trustAnchors: loadTrustAnchors(certsDir),
      crls: loadCrls(certsDir),
    });
    expect(report.signatures, JSON.stringify(report.problems)).to.have.length(2);
    for (const s of report.signatures) {
      expect(s.valid, JSON.stringify(s.problems)).to.equal(true);
      expect(s.chainTrusted).to.equal(true);
    }
    expect(report.modifiedAfterSigning).to.equal(false);
    expect(report.valid, JSON.stringify(report.problems)).to.equal(true);

    // The seal revision wrote the number in the gap of "Số:        /QĐ-UBND" and the place and
    // date line over the draft's blank one (its text, last in the content order, reads whole).
    const pdftotext = (mode: string) =>
      spawnSync('pdftotext', [mode, deliveredFile, '-'], { encoding: 'utf8' })
        .stdout.normalize('NFC')
        .replace(/[ \t]+/g, ' ');
    const layout = pdftotext('-layout');
    expect(layout, layout).to.match(new RegExp(`Số: ${number} /QĐ-UBND`));
    const raw = pdftotext('-raw');
    expect(raw, raw).to.contain(`${number} Hà Nội, ${formatIssueDate(todayInVietnam())}`);
    expect(readFileSync(deliveredFile).subarray(0, 5).toString('latin1')).to.equal('%PDF-');
  });
});
