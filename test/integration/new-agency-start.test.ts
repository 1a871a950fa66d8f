import { expect } from 'chai';
import { Op } from 'sequelize';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { postForm, registerThroughForm, signIn } from './incoming-helpers.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { vietnamPublicHolidays } from '../../src/calendar/vietnam-holidays.js';
import { Holiday } from '../../src/calendar/calendar.model.js';
import { Agency } from '../../src/agencies/agency.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';

const holidayDates = (year: number) => vietnamPublicHolidays(year).holidays.map((h) => h.date);

describe('a new agency (issue 11 §7)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it("gets this year's and next year's public holidays when the admin creates it", async () => {
    const year = Number(todayInVietnam().slice(0, 4));
    const dates = [...holidayDates(year), ...holidayDates(year + 1)];
    expect(dates.length).to.be.greaterThan(15);
    await Holiday.destroy({ where: { date: { [Op.in]: dates } } });
    const parent = await buildAgency();
    const admin = await signIn(ctx.app, await buildUser(parent, ['admin']));
    const code = `000.00.${String(Date.now() % 100).padStart(2, '0')}.H${String(Date.now() % 90).padStart(2, '0')}`;
    const res = await postForm(admin, '/admin/agency/children', {
      name: 'UBND xã Mới Lập',
      abbreviation: 'UBND',
      code,
      parentId: String(parent.id),
    });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    expect(await Agency.count({ where: { parentId: parent.id } })).to.equal(1);
    const seeded = await Holiday.findAll({ where: { date: { [Op.in]: dates } } });
    expect(seeded.map((h) => String(h.date).slice(0, 10)).sort()).to.deep.equal(
      [...new Set(dates)].sort(),
    );
    expect(
      await AuditLog.count({ where: { action: 'holiday.seed', userId: admin.user.id } }),
    ).to.equal(2);
  });

  it('explains on the present form that there is no leader yet, with a link for an admin', async () => {
    const agency = await buildAgency();
    const clerk = await signIn(ctx.app, await buildUser(agency, ['clerk']));
    const id = await registerThroughForm(clerk, { subject: 'Văn bản khi chưa có lãnh đạo' });
    const page = await clerk.session.agent.get(`/incoming/${id}`);
    expect(page.text).to.contain('data-testid="no-leader"');
    expect(page.text).to.contain('Cơ quan chưa có tài khoản lãnh đạo nên chưa thể trình văn bản');
    expect(page.text).to.not.contain('id="present-leader"');
    expect(page.text).to.not.contain('href="/admin/users/new"');

    const clerkAdmin = await signIn(ctx.app, await buildUser(agency, ['clerk', 'admin']));
    const adminPage = await clerkAdmin.session.agent.get(`/incoming/${id}`);
    expect(adminPage.text).to.contain('href="/admin/users/new"');

    await buildUser(agency, ['leader'], { fullName: 'Đỗ Văn Lãnh Đạo' });
    const withLeader = await clerk.session.agent.get(`/incoming/${id}`);
    expect(withLeader.text).to.contain('id="present-leader"').and.contain('Đỗ Văn Lãnh Đạo');
    expect(withLeader.text).to.not.contain('data-testid="no-leader"');
  });
});
