import { expect } from 'chai';
import { MeetingVoteBallot } from '../../src/meetings/meeting-vote.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { screenshot, type UserWindow } from '../helpers/e2e-browser.js';
import { useBrowserAndApp } from '../helpers/e2e-tablet.js';
import { addParticipant, buildMeeting } from '../integration/meetings-votes-fixtures.js';

describe('Votes on a tablet: the live page’s panel', function () {
  this.timeout(120_000);
  const room = useBrowserAndApp();
  let chair: UserWindow;
  let member: UserWindow;

  it('the chair opens a secret vote, a member votes with a big button and keeps the receipt, everyone sees the result', async () => {
    const agency = await buildAgency();
    const chairUser = await buildUser(agency, ['leader'], { fullName: 'Chủ tịch Trần Bình' });
    const secretary = await buildUser(agency, ['clerk'], { fullName: 'Thư ký Lê Thu' });
    const memberUser = await buildUser(agency, ['specialist'], { fullName: 'Ủy viên Phạm An' });
    const other = await buildUser(agency, ['specialist'], { fullName: 'Ủy viên Đỗ Hà' });
    const { meeting } = await buildMeeting(agency, chairUser, secretary);
    await addParticipant(meeting, memberUser);
    await addParticipant(meeting, other);
    chair = await room.signIn(chairUser.username);
    member = await room.signIn(memberUser.username);
    await member.page.goto(`/meetings/${meeting.id}/live`);
    await member.page.getByText('Chưa có biểu quyết nào.').waitFor();

    await chair.page.goto(`/meetings/${meeting.id}/votes`);
    await chair.page.getByLabel('Câu hỏi biểu quyết').fill('Bầu Phó Chủ tịch UBND (phiếu kín)');
    await chair.page.getByLabel('Bỏ phiếu kín').check();
    await Promise.all([
      chair.page.waitForURL(/\/votes\/\d+$/),
      chair.page.getByTestId('open-vote').click(),
    ]);
    await chair.page.goto(`/meetings/${meeting.id}/live`);
    await chair.page.getByText('Đã biểu quyết: 0/2').waitFor();

    // The member's page follows: the open vote appears with its big buttons.
    const agree = member.page.getByRole('button', { name: 'Đồng ý', exact: true });
    await agree.waitFor();
    const box = await agree.boundingBox();
    expect(box!.height).to.be.at.least(56);
    await agree.click();
    const receipt = await member.page.getByTestId('receipt').textContent();
    expect(receipt).to.match(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await member.page.getByText('Bạn đã biểu quyết.').waitFor();
    await screenshot(member.page, 'meetings-votes-member-receipt');

    // The chair's count moves without reloading.
    await chair.page.getByText('Đã biểu quyết: 1/2').waitFor();
    chair.page.once('dialog', (d) => void d.accept());
    await chair.page.getByTestId(/^close-vote-/).click();
    // The member's panel shows the result with the rule applied (2 members, 1 in favour).
    await member.page
      .getByText('Không thông qua: 1/2 thành viên đồng ý, chưa đạt trên 1/2 tổng số')
      .waitFor();
    const ballots = await MeetingVoteBallot.findAll({ where: { receiptCode: receipt! } });
    expect(ballots).to.have.length(1);

    // The vote's page publishes the ballot under the receipt the member kept.
    await member.page.goto(`/meetings/${meeting.id}/votes`);
    await member.page.getByRole('link', { name: 'Xem' }).first().click();
    await member.page.getByTestId('ballots').getByText(receipt!).waitFor();
    await screenshot(member.page, 'meetings-votes-published');
  });
});
