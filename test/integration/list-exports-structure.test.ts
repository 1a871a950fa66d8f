/**
 * The structure lists' exports (issue 11): the agency tree, the units, the holidays of a year,
 * the approval templates, the meeting rooms and one's delegations as XLSX, as their pages show
 * them, refused to whoever may not see the page, audited.
 */
import { expect } from 'chai';
import { ApprovalTemplate } from '../../src/approvals/approval.model.js';
import { Holiday } from '../../src/calendar/calendar.model.js';
import { MeetingRoom } from '../../src/meetings/meeting.model.js';
import { Delegation } from '../../src/users/delegation.model.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { download, exportHrefIn, lastAuditOf, readSheet } from '../helpers/xlsx-export.js';

describe('structure list exports (XLSX)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let agency: Agency;
  let admin: User;
  let specialist: User;

  before(async () => {
    ctx = await testApp();
    agency = await buildAgency({ name: 'UBND huyện Xuất Thử', address: 'Số 1 Trần Phú' });
    admin = await buildUser(agency, ['admin']);
    specialist = await buildUser(agency, ['specialist']);
  });

  /** The export as `user`, after checking the page links to it; its sheet. */
  async function exported(user: User, page: string, firstHeading: string) {
    const { agent } = await loginAs(ctx.app, user);
    const href = exportHrefIn((await agent.get(page)).text);
    expect(href, `the link on ${page}`).to.be.a('string');
    const res = await download(agent, href!);
    expect(res.status).to.equal(200);
    return readSheet(res.body as Buffer, firstHeading);
  }

  it('exports the agency and those below it, each under its parent', async () => {
    await buildAgency({ parentId: agency.id, name: 'UBND xã Con', code: '000.00.31.H99' });
    const sheet = await exported(admin, '/admin/agency', 'Tên cơ quan');
    expect(sheet.header).to.deep.equal(['Tên cơ quan', 'Tên viết tắt', 'Mã định danh', 'Địa chỉ']);
    expect(sheet.rows).to.deep.equal([
      ['UBND huyện Xuất Thử', 'UBND', agency.code, 'Số 1 Trần Phú'],
      ['— UBND xã Con', 'UBND', '000.00.31.H99', ''],
    ]);
    expect((await lastAuditOf('agency.export', admin.id))?.entityType).to.equal('agency');
    const refused = await (
      await loginAs(ctx.app, specialist)
    ).agent.get('/admin/agency/export.xlsx');
    expect(refused.status).to.equal(403);
  });

  it('exports the units with their people counted, a unit under its parent', async () => {
    const parent = await buildDepartment(agency, { name: 'Văn phòng', abbreviation: 'VP' });
    const child = await buildDepartment(agency, {
      name: 'Tổ Một cửa',
      abbreviation: 'TMC',
      parentId: parent.id,
    });
    await buildUser(agency, ['specialist'], { departmentId: child.id });
    await buildUser(agency, ['specialist'], { departmentId: child.id });
    const sheet = await exported(admin, '/admin/departments', 'Tên đơn vị');
    expect(sheet.header).to.deep.equal(['Tên đơn vị', 'Tên viết tắt', 'Số người dùng']);
    expect(sheet.rows).to.deep.equal([
      ['Văn phòng', 'VP', '0'],
      ['— Tổ Một cửa', 'TMC', '2'],
    ]);
    const foreign = await buildUser(await buildAgency(), ['admin']);
    const theirs = await download(
      (await loginAs(ctx.app, foreign)).agent,
      '/admin/departments/export.xlsx',
    );
    expect((await readSheet(theirs.body as Buffer, 'Tên đơn vị')).rows).to.deep.equal([]);
  });

  it('exports the holidays of the year the page shows, days as dates', async () => {
    for (const [date, name] of [
      ['2087-01-01', 'Tết Dương lịch (xuất thử)'],
      ['2087-09-02', 'Quốc khánh (xuất thử)'],
    ])
      await Holiday.findOrCreate({ where: { date }, defaults: { date, name } });
    const sheet = await exported(admin, '/admin/holidays?year=2087', 'Ngày');
    expect(sheet.rows).to.deep.equal([
      ['2087-01-01', 'Tết Dương lịch (xuất thử)'],
      ['2087-09-02', 'Quốc khánh (xuất thử)'],
    ]);
    expect(sheet.formats[0]![0]).to.equal('dd/mm/yyyy');
    expect(sheet.lines.flat()).to.include('Bộ lọc: Ngày nghỉ lễ năm 2087');
    expect((await lastAuditOf('holiday.export', admin.id))?.details).to.include({ year: 2087 });
    const refused = await (
      await loginAs(ctx.app, specialist)
    ).agent.get('/admin/holidays/export.xlsx?year=2087');
    expect(refused.status).to.equal(403);
  });

  it('exports the approval templates as the page words them', async () => {
    await ApprovalTemplate.create({
      agencyId: agency.id,
      name: 'Duyệt công văn (xuất thử)',
      documentType: 'CV',
      departmentId: null,
      steps: JSON.stringify([{}, {}]),
    });
    const sheet = await exported(admin, '/admin/approval-templates', 'Tên quy trình');
    expect(sheet.header).to.deep.equal([
      'Tên quy trình',
      'Loại văn bản',
      'Đơn vị soạn thảo',
      'Các bước',
      'Trạng thái',
    ]);
    expect(sheet.rows).to.deep.equal([
      ['Duyệt công văn (xuất thử)', 'Công văn', 'Mọi đơn vị', '2', 'Đang dùng'],
    ]);
    expect(await lastAuditOf('approval_template.export', admin.id)).not.to.equal(null);
  });

  it('exports the meeting rooms to those who keep them', async () => {
    await MeetingRoom.create({
      agencyId: agency.id,
      name: 'Phòng họp tầng 2',
      location: 'Nhà A',
      capacity: 30,
    });
    const clerk = await buildUser(agency, ['clerk']);
    const sheet = await exported(clerk, '/meetings/rooms', 'Tên phòng');
    expect(sheet.header).to.deep.equal(['Tên phòng', 'Vị trí', 'Sức chứa (người)', 'Đang sử dụng']);
    expect(sheet.rows).to.deep.equal([['Phòng họp tầng 2', 'Nhà A', '30', 'Có']]);
    expect((await lastAuditOf('meeting_room.export', clerk.id))?.entityType).to.equal(
      'meeting_room',
    );
    const refused = await (
      await loginAs(ctx.app, specialist)
    ).agent.get('/meetings/rooms/export.xlsx');
    expect(refused.status).to.equal(403);
  });

  it('exports one’s delegations, given and held, in the page’s tables', async () => {
    const leader = await buildUser(agency, ['leader'], { fullName: 'Lãnh Đạo Giao' });
    const deputy = await buildUser(agency, ['leader'], { fullName: 'Phó Được Giao' });
    await Delegation.create({
      agencyId: agency.id,
      principalId: leader.id,
      delegateId: deputy.id,
      form: 'KT',
      actions: JSON.stringify(['outgoing.sign']),
      startsOn: '2090-03-01',
      endsOn: '2090-03-10',
      parentId: null,
      note: 'Đi công tác',
      createdById: leader.id,
    });
    const given = await exported(leader, '/profile/delegations', 'Mục');
    expect(given.header).to.deep.equal([
      'Mục',
      'Người ủy quyền',
      'Người được ủy quyền',
      'Hình thức',
      'Công việc được giao',
      'Ghi chú',
      'Từ ngày',
      'Đến hết ngày',
      'Tình trạng',
    ]);
    expect(given.rows).to.have.length(1);
    expect(given.rows[0]!.slice(0, 4)).to.deep.equal([
      'Ủy quyền tôi đã giao',
      'Lãnh Đạo Giao',
      'Phó Được Giao',
      'KT. (ký thay)',
    ]);
    expect(given.rows[0]!.slice(5)).to.deep.equal([
      'Đi công tác',
      '2090-03-01',
      '2090-03-10',
      'Chưa đến ngày',
    ]);
    const held = await exported(deputy, '/profile/delegations', 'Mục');
    expect(held.rows.map((r) => r[0])).to.deep.equal(['Ủy quyền tôi được giao']);
    const none = await exported(specialist, '/profile/delegations', 'Mục');
    expect(none.rows).to.deep.equal([]);
    expect((await lastAuditOf('delegation.export', leader.id))?.details).to.include({ rows: 1 });
  });
});
