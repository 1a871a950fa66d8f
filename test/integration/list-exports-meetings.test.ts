/**
 * The meetings' list exports (issue 11): the meetings list, the tasks list and a meeting's tasks
 * as XLSX, as their pages list them (filters, every row past one page), refused as the pages
 * refuse, audited.
 */
import { expect } from 'chai';
import { MeetingTask } from '../../src/meetings/meeting-task.model.js';
import type { Meeting } from '../../src/meetings/meeting.model.js';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { buildMeeting } from '../helpers/meeting-minutes-fixture.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { download, exportHrefIn, lastAuditOf, readSheet } from '../helpers/xlsx-export.js';

/** An instant given as Vietnam wall time. */
const vn = (isoLocal: string) => new Date(Date.parse(`${isoLocal}Z`) - 7 * 3600_000);

describe('meetings list exports (XLSX)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let agency: Agency;
  let unit: Department;
  let chair: User;
  let secretary: User;
  let member: User;
  let outsider: User;
  let closed: Meeting;
  const TITLE = 'Họp xuất danh sách';

  before(async () => {
    ctx = await testApp();
    agency = await buildAgency();
    unit = await buildDepartment(agency, { name: 'Phòng Nội vụ' });
    chair = await buildUser(agency, ['leader'], { fullName: 'Chủ Trì Họp' });
    secretary = await buildUser(agency, ['specialist']);
    member = await buildUser(agency, ['specialist'], { fullName: 'Thành Viên Họp' });
    outsider = await buildUser(agency, ['specialist']);
    // More than one page of the list (20 a page), upcoming, in the year 2090.
    for (let i = 0; i < 22; i += 1)
      await buildMeeting(
        { chair, secretary, members: [member] },
        {
          title: `${TITLE} ${String(i).padStart(2, '0')}`,
          status: 'published',
          startsAt: vn(`2090-05-${String(i + 1).padStart(2, '0')}T08:30:00`),
          endsAt: vn(`2090-05-${String(i + 1).padStart(2, '0')}T10:00:00`),
          openedAt: null,
          onlineUrl: i === 0 ? 'https://hop.example.vn/1' : null,
        },
      );
    closed = await buildMeeting(
      { chair, secretary, members: [member] },
      {
        title: `${TITLE} đã họp`,
        status: 'closed',
        startsAt: new Date(Date.now() - 3 * 3600_000),
        endsAt: new Date(Date.now() - 3600_000),
      },
    );
    const task = (content: string, holder: Partial<MeetingTask['_creationAttributes']>) =>
      MeetingTask.create({
        agencyId: agency.id,
        meetingId: closed.id,
        conclusionId: null,
        content,
        holderUserId: null,
        holderDepartmentId: null,
        assignedById: secretary.id,
        startDate: '2026-01-05',
        workingDays: 5,
        deadline: '2026-01-12',
        ...holder,
      });
    await task('Rà soát hồ sơ cán bộ', { holderUserId: member.id, progressPercent: 40 });
    await task('Báo cáo kết quả', { holderDepartmentId: unit.id, deadline: '2090-12-31' });
  });

  it('exports every meeting the filters find, past the page’s twenty, times as dates; audited', async () => {
    const { agent } = await loginAs(ctx.app, member);
    const page = await agent.get('/meetings').query({ when: 'upcoming', q: 'xuat danh sach' });
    const href = exportHrefIn(page.text)!;
    expect(Object.fromEntries(new URL(href, 'http://x').searchParams)).to.deep.equal({
      when: 'upcoming',
      q: 'xuat danh sach',
    });
    const res = await download(agent, href);
    expect(res.status).to.equal(200);
    expect(res.headers['content-disposition']).to.match(/filename="cuoc-hop-/);
    const sheet = await readSheet(res.body as Buffer, 'Bắt đầu');
    expect(sheet.header).to.deep.equal([
      'Bắt đầu',
      'Kết thúc',
      'Tên cuộc họp',
      'Loại cuộc họp',
      'Trạng thái',
      'Địa điểm',
    ]);
    expect(sheet.rows).to.have.length(22);
    expect(sheet.rows[0]).to.deep.equal([
      '2090-05-01 08:30',
      '2090-05-01 10:00',
      `${TITLE} 00`,
      'Giao ban',
      'Đã phát hành giấy mời',
      'Họp trực tuyến',
    ]);
    expect(sheet.formats[0]!.slice(0, 2)).to.deep.equal(['dd/mm/yyyy hh:mm', 'dd/mm/yyyy hh:mm']);
    expect(sheet.lines.flat()).to.include('Bộ lọc: Sắp diễn ra; Tìm theo tên: "xuat danh sach"');
    const audit = await lastAuditOf('meeting.export', member.id);
    expect(audit?.entityType).to.equal('meeting');
    expect(audit?.details).to.include({ when: 'upcoming', rows: 22, total: 22 });
  });

  it('exports only the meetings the person sees', async () => {
    const { agent } = await loginAs(ctx.app, outsider);
    const res = await download(agent, '/meetings/export.xlsx?when=upcoming&q=xuat+danh+sach');
    expect((await readSheet(res.body as Buffer, 'Bắt đầu')).rows).to.deep.equal([]);
  });

  it('exports a tab of the tasks list with its state filter, deadlines as dates', async () => {
    const { agent } = await loginAs(ctx.app, chair);
    const page = await agent.get('/meetings/tasks').query({ tab: 'all', status: 'any' });
    const href = exportHrefIn(page.text)!;
    expect(href).to.equal('/meetings/tasks/export.xlsx?tab=all&status=any');
    const sheet = await readSheet(
      (await download(agent, href)).body as Buffer,
      'Nội dung nhiệm vụ',
    );
    expect(sheet.header).to.deep.equal([
      'Nội dung nhiệm vụ',
      'Cuộc họp',
      'Đơn vị/cá nhân chủ trì',
      'Thời hạn',
      'Tình trạng',
      'Tiến độ (%)',
    ]);
    expect(sheet.rows).to.deep.equal([
      [
        'Rà soát hồ sơ cán bộ',
        `${TITLE} đã họp`,
        'Thành Viên Họp',
        '2026-01-12',
        'Đang thực hiện – Quá hạn',
        '40',
      ],
      ['Báo cáo kết quả', `${TITLE} đã họp`, 'Phòng Nội vụ', '2090-12-31', 'Đang thực hiện', '0'],
    ]);
    expect(sheet.formats[0]![3]).to.equal('dd/mm/yyyy');
    expect(sheet.lines.flat()).to.include('Bộ lọc: Tất cả; Tình trạng: Tất cả');
    const audit = await lastAuditOf('meeting_task.export', chair.id);
    expect(audit?.details).to.include({ tab: 'all', status: 'any', rows: 2 });
  });

  it('refuses a tab or a state as the tasks page does (403, 422)', async () => {
    const { agent } = await loginAs(ctx.app, member);
    for (const query of ['tab=all', 'tab=unit', 'status=late']) {
      const page = await agent.get(`/meetings/tasks?${query}`);
      const sheet = await agent.get(`/meetings/tasks/export.xlsx?${query}`);
      expect(sheet.status, query).to.equal(page.status).and.be.oneOf([403, 422]);
    }
    expect(await lastAuditOf('meeting_task.export', member.id)).to.equal(null);
    const mine = await download(agent, '/meetings/tasks/export.xlsx?tab=mine&status=any');
    const rows = (await readSheet(mine.body as Buffer, 'Nội dung nhiệm vụ')).rows;
    expect(rows.map((r) => r[0])).to.deep.equal(['Rà soát hồ sơ cán bộ']);
  });

  it('exports a meeting’s tasks to whoever sees the meeting, and to no one else', async () => {
    const url = `/meetings/${closed.id}/tasks/export.xlsx`;
    const { agent } = await loginAs(ctx.app, member);
    const page = await agent.get(`/meetings/${closed.id}/tasks`);
    expect(exportHrefIn(page.text)).to.equal(url);
    const sheet = await readSheet((await download(agent, url)).body as Buffer, 'Nội dung nhiệm vụ');
    expect(sheet.header).not.to.include('Cuộc họp');
    expect(sheet.rows.map((r) => r[0])).to.deep.equal(['Rà soát hồ sơ cán bộ', 'Báo cáo kết quả']);
    expect(sheet.lines.flat()).to.include(`Bộ lọc: Cuộc họp: ${TITLE} đã họp`);
    expect((await lastAuditOf('meeting_task.export', member.id))?.details).to.include({
      meetingId: closed.id,
      rows: 2,
    });

    const stranger = (await loginAs(ctx.app, outsider)).agent;
    const refused = await stranger.get(url);
    expect(refused.status).to.equal((await stranger.get(`/meetings/${closed.id}/tasks`)).status);
    expect(refused.status).to.be.oneOf([403, 404]);
    const foreign = await buildUser(await buildAgency(), ['leader']);
    expect((await (await loginAs(ctx.app, foreign)).agent.get(url)).status).to.be.oneOf([403, 404]);
    expect(await lastAuditOf('meeting_task.export', outsider.id)).to.equal(null);
  });
});
