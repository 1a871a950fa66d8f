import { expect } from 'chai';
import { Op } from 'sequelize';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { Register } from '../../src/registers/register.model.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { buildAgency, buildUser, csrfTokenOf, loginAs, type Session } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';
import {
  PERIOD_2025,
  seedRegisters,
  SPECIALIST_NAME,
  SUBJECT,
  type RegisterFixture,
} from './registers-seed.js';

describe('registers page', () => {
  let fx: RegisterFixture;
  let clerk: Session;

  before(async () => {
    const { app } = await testApp();
    fx = await seedRegisters();
    clerk = await loginAs(app, fx.clerk);
  });

  it('lists the incoming register of the period with zero-padded numbers and download links', async () => {
    const res = await clerk.agent.get(`/registers?kind=incoming&${PERIOD_2025}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(SUBJECT);
    expect(res.text).to.contain(SPECIALIST_NAME);
    expect(res.text).to.contain('15/QĐ-UBND');
    expect(res.text).to.match(/<td class="register-center">01<\/td>/);
    expect(res.text).to.match(/<td class="register-center">10<\/td>/);
    expect(res.text).to.contain('Tổng số: 10 văn bản');
    expect(res.text).not.to.contain('Văn bản ngoài kỳ báo cáo');
    expect(res.text).not.to.contain('Văn bản của cơ quan khác');
    const html = res.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(html).to.contain('href="/registers/incoming.pdf?from=2025-01-01&to=2025-12-31"');
    expect(html).to.contain('href="/registers/incoming.xlsx?from=2025-01-01&to=2025-12-31"');
    const audit = await AuditLog.findOne({
      where: { action: 'register.view', userId: fx.clerk.id },
      order: [['id', 'DESC']],
    });
    expect(JSON.parse(audit!.details!)).to.include({
      kind: 'incoming',
      from: '2025-01-01',
      to: '2025-12-31',
    });
  });

  it('lists a period across the new year from both years\u2019 registers, and no more', async () => {
    const res = await clerk.agent.get('/registers?kind=incoming&from=2024-12-01&to=2025-01-31');
    expect(res.status).to.equal(200);
    // The 2024 register's document of 30/12/2024 and the 2025 register's no. 1 of 06/01/2025.
    expect(res.text).to.contain('Văn bản ngoài kỳ báo cáo');
    expect(res.text).to.contain(SUBJECT);
    expect(res.text).to.contain('Tổng số: 2 văn bản');
    expect(res.text).not.to.contain('Công văn thử số 2');
  });

  it('defaults to this year and offers this month', async () => {
    const year = todayInVietnam().slice(0, 4);
    const res = await clerk.agent.get('/registers');
    expect(res.status).to.equal(200);
    // The period's fields show dates day first.
    expect(res.text).to.contain(`value="01/01/${year}"`);
    expect(res.text).to.contain(`value="31/12/${year}"`);
    expect(res.text).to.contain('Tháng này');
    expect(res.text).to.contain('Tổng số: 0 văn bản');
  });

  it('shows the tracking register with deadline and overdue mark', async () => {
    const res = await clerk.agent.get(`/registers?kind=tracking&${PERIOD_2025}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Thời hạn giải quyết');
    expect(res.text).to.contain('20/01/2025');
    expect(res.text).to.match(/<tr class="overdue">/);
    expect(res.text).to.contain('Quá hạn');
    expect(res.text).to.contain('Hoàn thành ngày 12/02/2025');
  });

  it('pages a long register, 50 rows a page', async () => {
    const { app } = await testApp();
    const agency = await buildAgency();
    const owner = await buildUser(agency, ['clerk']);
    const register = await Register.create({
      agencyId: agency.id,
      kind: 'incoming',
      year: 2023,
      name: 'Sổ 2023',
      lastNumber: 52,
    });
    await IncomingDocument.bulkCreate(
      Array.from({ length: 52 }, (_, i) => ({
        agencyId: agency.id,
        registerId: register.id,
        arrivalNumber: i + 1,
        arrivalDate: new Date(Date.UTC(2023, 4, 2, 3)),
        fromOrganName: 'Sở Tài chính',
        fromOrganId: null,
        codeNumber: String(i + 1),
        codeNotation: 'STC-NS',
        promulgationDate: '2023-04-28',
        documentType: 'CV',
        subject: `Văn bản hàng loạt thứ ${i + 1}.`,
        signerName: null,
        urgency: 0,
        confidentiality: 0,
        pageAmount: null,
        dueDate: null,
        status: 'registered' as const,
        createdById: owner.id,
      })),
    );
    const session = await loginAs(app, owner);
    const first = await session.agent.get('/registers?from=2023-01-01&to=2023-12-31');
    expect(first.text).to.contain('Văn bản hàng loạt thứ 50.');
    expect(first.text).not.to.contain('Văn bản hàng loạt thứ 51.');
    expect(first.text).to.contain('Trang 1/2');
    const second = await session.agent.get('/registers?from=2023-01-01&to=2023-12-31&page=2');
    expect(second.text).to.contain('Văn bản hàng loạt thứ 52.');
    expect(second.text).not.to.contain('Văn bản hàng loạt thứ 50.');
  });

  it('is open to leaders and refused to specialists and administrators', async () => {
    const { app } = await testApp();
    const leader = await loginAs(app, fx.leader);
    expect((await leader.agent.get(`/registers?${PERIOD_2025}`)).status).to.equal(200);
    for (const user of [fx.specialist, fx.admin]) {
      const session = await loginAs(app, user);
      expect((await session.agent.get('/registers')).status).to.equal(403);
      expect((await session.agent.get(`/registers/incoming.pdf?${PERIOD_2025}`)).status).to.equal(
        403,
      );
      expect((await session.agent.get(`/registers/tracking.xlsx?${PERIOD_2025}`)).status).to.equal(
        403,
      );
    }
  });

  it('answers 422 in Vietnamese for a malformed, reversed or too long period', async () => {
    const bad = [
      ['from=2025-13-01&to=2025-12-31', 'Không có ngày này trong lịch'],
      ['from=abc', 'Ngày không hợp lệ'],
      ['from=2025-02-30', 'Không có ngày này trong lịch'],
      ['from=2025-12-31&to=2025-01-01', 'Ngày bắt đầu phải trước hoặc trùng ngày kết thúc'],
      ['from=2019-01-01&to=2025-12-31', 'không được quá 5 năm'],
    ];
    for (const [q, message] of bad) {
      const page = await clerk.agent.get(`/registers?${q}`);
      expect(page.status, q).to.equal(422);
      expect(page.text, q).to.contain(message);
      // The page keeps its books' tabs, to go on from.
      expect(page.text, q).to.match(/href="\/registers\?kind(=|&#x3D;)outgoing"/);
      const pdf = await clerk.agent.get(`/registers/incoming.pdf?${q}`);
      expect(pdf.status, q).to.equal(422);
      expect(pdf.text, q).to.contain(message);
      expect(pdf.headers['content-type']).to.contain('text/html');
    }
    expect((await clerk.agent.get('/registers?from=2021-01-01&to=2025-12-31')).status).to.equal(
      200,
    );
  });

  it('answers 404 for an unknown register kind', async () => {
    expect((await clerk.agent.get('/registers?kind=archive')).status).to.equal(404);
    expect((await clerk.agent.get('/registers/archive.pdf')).status).to.equal(404);
    expect((await clerk.agent.get('/registers/incoming.docx')).status).to.equal(404);
  });

  it('closes a past year\u2019s register once, audits it, and still exports it', async () => {
    const page = await clerk.agent.get(`/registers?${PERIOD_2025}`);
    expect(page.text).to.contain('Đóng sổ năm 2025');
    const csrf = csrfTokenOf(page.text);
    const res = await clerk.agent
      .post('/registers/close')
      .type('form')
      .send({ _csrf: csrf, year: '2025' });
    expect(res.status).to.equal(303);
    const register = await Register.findByPk(fx.register2025.id);
    expect(register!.closedAt).to.be.instanceOf(Date);
    const audit = await AuditLog.findOne({
      where: { action: 'register.close', entityType: 'register', entityId: String(register!.id) },
    });
    expect(audit?.userId).to.equal(fx.clerk.id);

    const again = await clerk.agent
      .post('/registers/close')
      .type('form')
      .send({ _csrf: csrf, year: '2025' });
    expect(again.status).to.equal(409);
    expect(again.text).to.contain('đã đóng sổ');
    const thisYear = todayInVietnam().slice(0, 4);
    const current = await clerk.agent
      .post('/registers/close')
      .type('form')
      .send({ _csrf: csrf, year: thisYear });
    expect(current.status).to.equal(422);
    const missing = await clerk.agent
      .post('/registers/close')
      .type('form')
      .send({ _csrf: csrf, year: '2010' });
    expect(missing.status).to.equal(404);

    const after = await clerk.agent.get(`/registers?${PERIOD_2025}`);
    expect(after.text).to.match(/Đã đóng sổ ngày \d\d\/\d\d\/\d{4}/);
    expect(after.text).not.to.contain('Đóng sổ năm 2025');
    expect((await clerk.agent.get(`/registers/incoming.pdf?${PERIOD_2025}`)).status).to.equal(200);
  });

  it('lets only clerks close a register, with a valid CSRF token', async () => {
    const { app } = await testApp();
    const leader = await loginAs(app, fx.leader);
    const csrf = await leader.csrf();
    const refused = await leader.agent
      .post('/registers/close')
      .type('form')
      .send({ _csrf: csrf, year: '2024' });
    expect(refused.status).to.equal(403);
    const forged = await clerk.agent
      .post('/registers/close')
      .type('form')
      .send({ _csrf: 'forged', year: '2024' });
    expect(forged.status).to.equal(403);
    const closed = await Register.count({
      where: { agencyId: fx.agency.id, year: 2024, closedAt: { [Op.ne]: null } },
    });
    expect(closed).to.equal(0);
  });
});
