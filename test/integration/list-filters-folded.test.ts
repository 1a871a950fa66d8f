import { expect } from 'chai';
import { testApp } from '../helpers/test-app.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { buildMeeting } from '../helpers/meeting-minutes-fixture.js';
import { listIncoming } from '../../src/incoming/incoming.queries.js';
import { ListQuerySchema } from '../../src/incoming/incoming.schemas.js';
import { listMeetings } from '../../src/meetings/meetings.prepare.service.js';
import { MeetingListQuery } from '../../src/meetings/meetings.prepare.schemas.js';
import { agencyDirectory } from '../../src/users/directory.service.js';
import { listUsers } from '../../src/users/user-admin.service.js';
import { UserFilterSchema } from '../../src/users/users.schemas.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';

/**
 * The lists' text filters find what a clerk types in Vietnamese whatever its accents and case,
 * "d" finding "đ", on SQLite and MariaDB alike (folded columns, src/db/folded.ts).
 */
describe('list filters: accent- and case-insensitive', function () {
  this.timeout(60_000);
  let agency: Agency;
  let clerk: User;

  before(async () => {
    await testApp();
    agency = await buildAgency();
    clerk = await buildUser(agency, ['clerk']);
  });

  const register = (fromOrganName: string) =>
    registerDocument(clerk, { fromOrganName, subject: 'Về việc lập dự toán' });

  it('the incoming list\'s sender filter ("Nơi gửi")', async () => {
    const finance = await register('Sở Tài chính tỉnh Đắk Lắk');
    const other = await register('UBND tỉnh Thử');
    const bySender = async (sender: string) =>
      (await listIncoming(clerk, ListQuerySchema.parse({ tab: 'all', sender }))).rows.map(
        (r) => r.document.id,
      );
    for (const typed of [
      'SỞ TÀI CHÍNH',
      'so tai chinh',
      'dak lak',
      'so tai chinh dak lak',
      'Sở Tài chính tỉnh Đắk Lắk',
    ])
      expect(await bySender(typed), typed).to.deep.equal([finance.id]);
    expect(await bySender('ubnd tinh thu')).to.deep.equal([other.id]);
    // A typed % is no wildcard.
    expect(await bySender('%')).to.deep.equal([]);
    // An edit of the sender is found by its new name.
    await other.update({ fromOrganName: 'Sở Y tế tỉnh Đồng Nai' });
    expect(await bySender('so y te dong nai')).to.deep.equal([other.id]);
  });

  it("the meetings list's search by title", async () => {
    const chair = await buildUser(agency, ['leader']);
    const secretary = await buildUser(agency, ['clerk']);
    const future = new Date(Date.now() + 86_400_000);
    const meeting = await buildMeeting(
      { chair, secretary },
      {
        title: 'Họp bàn Đề án chuyển đổi số',
        status: 'published',
        startsAt: future,
        endsAt: new Date(future.getTime() + 3600_000),
      },
    );
    for (const q of ['de an chuyen doi', 'ĐỀ ÁN', 'họp bàn'])
      expect(
        (await listMeetings(secretary, MeetingListQuery.parse({ q }))).meetings.map((m) => m.id),
        q,
      ).to.deep.equal([meeting.id]);
  });

  it('the directory and the user list, by name, title and department', async () => {
    const dept = await buildDepartment(agency, { name: 'Phòng Tổ chức cán bộ' });
    const person = await buildUser(agency, ['specialist'], {
      fullName: 'Đặng Thị Thu Hà',
      positionTitle: 'Chuyên viên chính',
      departmentId: dept.id,
    });
    const ids = (d: Awaited<ReturnType<typeof agencyDirectory>>) =>
      [...d.leaders, ...d.unplaced, ...d.departments.flatMap((x) => x.people)].map((p) => p.id);
    for (const q of ['dang thi thu ha', 'ĐẶNG THỊ', 'chuyen vien chinh', 'to chuc can bo'])
      expect(ids(await agencyDirectory(agency.id, q)), q).to.include(person.id);
    for (const q of ['dang thi thu ha', 'THU HÀ'])
      expect(
        (await listUsers(agency.id, UserFilterSchema.parse({ q }))).rows.map((u) => u.id),
        q,
      ).to.deep.equal([person.id]);
  });
});
