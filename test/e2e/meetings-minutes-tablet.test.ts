import { expect } from 'chai';
import { MeetingMinutes } from '../../src/meetings/meeting-minutes.model.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { screenshot } from '../helpers/e2e-browser.js';
import { TABLET, useBrowserAndApp } from '../helpers/e2e-tablet.js';
import { buildMeeting } from '../helpers/meeting-minutes-fixture.js';
import { enrolForTest, TEST_PIN } from '../helpers/signing-keys.js';

describe('Minutes on a tablet: written, signed by the secretary and the chair, the notice drafted', function () {
  this.timeout(120_000);
  const room = useBrowserAndApp();

  it('the secretary edits the skeleton and submits, both sign with their PIN, the notice goes to outgoing', async () => {
    const agency = await buildAgency();
    const chairUser = await buildUser(agency, ['leader'], {
      fullName: 'Trần Văn Hùng',
      positionTitle: 'Chủ tịch',
    });
    const secretaryUser = await buildUser(agency, ['specialist'], { fullName: 'Lê Thị Mai' });
    const member = await buildUser(agency, ['dept_head'], { fullName: 'Phạm Quốc Bảo' });
    await enrolForTest(chairUser);
    await enrolForTest(secretaryUser);
    const meeting = await buildMeeting({
      chair: chairUser,
      secretary: secretaryUser,
      members: [member],
    });
    const secretary = await room.signIn(secretaryUser.username);
    const chair = await room.signIn(chairUser.username);

    // While the meeting runs: the skeleton from the record, edited and saved.
    const s = secretary.page;
    await s.goto(`/meetings/${meeting.id}/minutes`);
    const editor = s.getByLabel('Nội dung biên bản');
    expect(await editor.inputValue()).to.contain('Phạm Quốc Bảo');
    const width = (await editor.boundingBox())!.width;
    expect(width).to.be.at.most(TABLET.width);
    await editor.fill(
      (await editor.inputValue()) + '\nÝ kiến: đồng chí Bảo đề nghị ưu tiên hạ tầng số.',
    );
    const save = s.getByRole('button', { name: 'Lưu biên bản' });
    expect((await save.boundingBox())!.height).to.be.at.least(44);
    await Promise.all([s.waitForURL(/\/minutes$/), save.click()]);
    await s.getByText('Đã lưu biên bản.').waitFor();
    await screenshot(s, 'meetings-minutes-editor');

    // After it closes: submitted, then the secretary signs first.
    await meeting.update({ status: 'closed', closedAt: new Date() });
    await s.reload();
    // The closing time is written in as the opening time is; a blank "..." left (the
    // conclusions) keeps the minutes from being submitted, and the page says where.
    expect(await editor.inputValue()).to.match(
      /Cuộc họp kết thúc vào \d\d giờ \d\d phút, ngày \d\d tháng \d\d năm \d{4}\./,
    );
    await Promise.all([
      s.waitForURL(/\/minutes\/submit$/),
      s.getByTestId('minutes-submit').click(),
    ]);
    await s.getByText(/Biên bản còn \d+ chỗ để trống «\.\.\.» chưa điền/).waitFor();
    await editor.fill(
      (await editor.inputValue())
        .replace(/^1\. \.\.\.$/m, '1. Giao Văn phòng tổng hợp ý kiến.')
        .replace(/: \.\.\.$/gm, ': thống nhất với nội dung trình bày.'),
    );
    await Promise.all([
      s.waitForURL(/\/minutes$/),
      s.getByRole('button', { name: 'Lưu biên bản' }).click(),
    ]);
    await s.getByText('Đã lưu biên bản.').waitFor();
    await Promise.all([s.waitForURL(/\/minutes$/), s.getByTestId('minutes-submit').click()]);
    await s.getByText('Đã trình ký biên bản.').waitFor();
    await s.getByLabel('Mã PIN ký số').fill(TEST_PIN);
    await Promise.all([s.waitForURL(/\/minutes$/), s.getByTestId('minutes-sign').click()]);
    await s.getByText('Đã ký biên bản.').waitFor();

    // The chair signs from the same page.
    const c = chair.page;
    await c.goto(`/meetings/${meeting.id}/minutes`);
    await c.getByLabel('Mã PIN ký số').fill(TEST_PIN);
    await Promise.all([
      c.waitForURL(/\/minutes$/),
      c.getByRole('button', { name: 'Ký biên bản (chủ tọa)' }).click(),
    ]);
    await c.getByTestId('minutes-status').getByText('Đã ký').waitFor();
    await screenshot(c, 'meetings-minutes-signed');
    expect((await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!.status).to.equal(
      'signed',
    );

    // The conclusions, then the notice drafted into the outgoing flow.
    await s.goto(`/meetings/${meeting.id}/conclusions`);
    await s.getByLabel('Thêm kết luận').fill('Giao Phòng Tài chính bố trí kinh phí năm 2027.');
    await Promise.all([
      s.waitForURL(/\/conclusions$/),
      s.getByRole('button', { name: 'Lưu kết luận' }).click(),
    ]);
    await s.getByText('Đã lưu kết luận.').waitFor();
    await s.getByPlaceholder('Sở Tài chính | 000.00.02.H99').fill('Sở Nội vụ');
    await Promise.all([s.waitForURL(/\/conclusions$/), s.getByTestId('notice-compose').click()]);
    await s.getByTestId('notice-panel').getByText('Dự thảo').waitFor();
    await screenshot(s, 'meetings-minutes-notice');
    const minutes = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    const notice = (await OutgoingDocument.findByPk(minutes.noticeOutgoingId!))!;
    expect([notice.documentType, notice.signerId]).to.deep.equal(['TB', chairUser.id]);
    await secretary.context.close();
    await chair.context.close();
  });
});
