import { expect } from 'chai';
import { screenshot } from '../helpers/e2e-browser.js';
import { useBrowserAndApp } from '../helpers/e2e-tablet.js';
import { buildLiveMeeting, buildLivePeople } from '../integration/meetings-live-fixtures.js';

describe('The meeting room on a tablet: the live page follows the chair', function () {
  this.timeout(120_000);
  const room = useBrowserAndApp();

  it('a member checks in by the QR URL, follows the items, asks to speak and gets the floor; the room display shows the speaker', async () => {
    const people = await buildLivePeople();
    const { meeting, participants } = await buildLiveMeeting(people);
    const errors: string[] = [];
    const onPageError = (err: Error) => errors.push(String(err));
    const chair = await room.signIn(people.chair.username, { onPageError });
    const member = await room.signIn(people.member.username, { onPageError });
    const screen = await room.signIn(people.secretary.username, {
      viewport: { width: 1280, height: 720 },
      onPageError,
    });

    await member.page.goto(`/meetings/checkin/${meeting.checkInToken}`);
    await member.page.getByTestId('checkin-result').getByText('Đã điểm danh').waitFor();
    await member.page.getByRole('link', { name: 'Vào phòng họp' }).click();
    await member.page.getByTestId('connection').getByText('Đang cập nhật trực tiếp').waitFor();

    await screen.page.goto(`/meetings/${meeting.id}/screen`);
    expect(await screen.page.getByTestId('checkin-qr').locator('svg').count()).to.equal(1);

    await chair.page.goto(`/meetings/${meeting.id}/live`);
    await Promise.all([
      chair.page.waitForURL(`**/meetings/${meeting.id}/live`),
      chair.page.getByTestId('open-meeting').click(),
    ]);
    // The member's page reloads on the opening and shows the first item.
    await member.page
      .getByTestId('current-item')
      .getByText('Báo cáo kinh tế - xã hội năm 2026')
      .waitFor();

    // The chair moves on; the member's page follows without a reload.
    await chair.page.getByTestId('next-item').click();
    await member.page.getByTestId('current-item').getByText('Phương án nhân sự mật').waitFor();
    await screen.page.getByTestId('screen-current').getByText('Phương án nhân sự mật').waitFor();
    const agenda = member.page.getByTestId('agenda');
    await agenda.locator('li[data-status="done"]').getByText('Đã thảo luận').waitFor();
    await agenda.locator('li[data-status="current"]').getByText('Đang thảo luận').waitFor();

    const ask = member.page.getByTestId('ask-to-speak');
    const box = await ask.boundingBox();
    expect(box!.height).to.be.at.least(44);
    await ask.click();
    await member.page.getByText('Bạn đã đăng ký phát biểu, đang chờ đến lượt.').waitFor();
    await chair.page.getByTestId('speech-queue').getByText('Thành viên Trần An').waitFor();
    await chair.page.getByTestId(/^grant-\d+$/).click();
    await member.page.getByText('Bạn đang phát biểu.').waitFor();
    await screen.page.getByTestId('speaker').getByText('Thành viên Trần An').waitFor();
    await screenshot(member.page, 'meetings-live-member-tablet');
    await screenshot(screen.page, 'meetings-live-screen');

    // An absence without a reason: the alert says so and the reason box is marked.
    const row = chair.page
      .getByTestId('roster')
      .locator(`tr[data-participant-id="${participants.uncleared.id}"]`);
    await row.getByRole('combobox').selectOption('absent');
    const said = new Promise<string>((resolve) =>
      chair.page.once('dialog', (d) => {
        resolve(d.message());
        void d.accept();
      }),
    );
    await row.getByRole('button', { name: 'Lưu' }).click();
    expect(await said).to.equal('Vui lòng ghi lý do vắng.');
    await row.locator('input[name="reason"][aria-invalid="true"]').waitFor();

    // The chair closes the meeting: every page says it has ended, none tries to reconnect.
    chair.page.once('dialog', (d) => void d.accept());
    await Promise.all([
      chair.page.waitForURL(`**/meetings/${meeting.id}/live`),
      chair.page.getByTestId('close-meeting').click(),
    ]);
    await member.page.getByTestId('meeting-ended').getByText('Cuộc họp đã kết thúc lúc').waitFor();
    await screen.page.getByTestId('meeting-ended').getByText('Cuộc họp đã kết thúc lúc').waitFor();
    await member.page.waitForTimeout(4000);
    expect(await member.page.getByTestId('connection').count()).to.equal(0);
    expect(await member.page.getByText('Mất kết nối').count()).to.equal(0);
    expect(await member.page.getByTestId('item-timer').count()).to.equal(0);
    expect(await screen.page.getByText('Mất kết nối').count()).to.equal(0);
    await screenshot(member.page, 'meetings-live-member-ended');
    expect(errors).to.deep.equal([]);
  });
});
