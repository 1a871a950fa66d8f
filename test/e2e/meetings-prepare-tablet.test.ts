import { expect } from 'chai';
import { Meeting, MeetingItemDocument } from '../../src/meetings/meeting.model.js';
import { MeetingNote } from '../../src/meetings/meetings.prepare.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { screenshot } from '../helpers/e2e-browser.js';
import { useBrowserAndApp } from '../helpers/e2e-tablet.js';

/** dd/mm/yyyy hh:mm (Vietnam time), days ahead. */
function vnTime(daysAhead: number, hour: number): string {
  const d = new Date(Date.now() + daysAhead * 86_400_000 + 7 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(hour)}:00`;
}

describe('Preparing a meeting on a tablet', function () {
  this.timeout(120_000);
  const room = useBrowserAndApp();

  it('the secretary prepares and publishes; a member answers, opens the document and highlights privately', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk'], { fullName: 'Thư ký Lê Thu' });
    const chair = await buildUser(agency, ['leader'], {
      fullName: 'Chủ tịch Trần Bình',
      positionTitle: 'Chủ tịch',
    });
    const member = await buildUser(agency, ['specialist'], {
      fullName: 'Ủy viên Phạm An',
      positionTitle: 'Chuyên viên',
    });
    const secretary = await room.signIn(clerk.username);
    const reader = await room.signIn(member.username);
    const chairWindow = await room.signIn(chair.username);

    const page = secretary.page;
    await page.goto('/meetings');
    await Promise.all([
      page.waitForURL('**/meetings/new'),
      page.getByTestId('meeting-new').click(),
    ]);
    await page.getByLabel('Tên cuộc họp').fill('Giao ban tuần 49');
    await page.getByLabel('Chủ trì').selectOption({ label: 'Chủ tịch Trần Bình – Chủ tịch' });
    await page.getByLabel(/^Bắt đầu/).fill(vnTime(4, 8));
    await page.getByLabel(/^Kết thúc/).fill(vnTime(4, 10));
    await page.getByLabel('Đường dẫn họp trực tuyến').fill('https://hop.example.vn/giao-ban');
    await Promise.all([
      page.waitForURL(/\/meetings\/\d+$/),
      page.getByRole('button', { name: 'Lưu' }).click(),
    ]);
    const meetingId = Number(/\/meetings\/(\d+)$/.exec(page.url())![1]);

    await page.getByText('Mời thêm').click();
    await page
      .getByLabel('Cán bộ trong cơ quan')
      .selectOption({ label: 'Ủy viên Phạm An – Chuyên viên' });
    await Promise.all([
      page.waitForURL(/#participants$/),
      page.getByRole('button', { name: 'Mời những người đã chọn' }).click(),
    ]);
    await page.getByText('Thêm nội dung', { exact: true }).click();
    await page.locator('#new-item-title').fill('Báo cáo tình hình tháng 11');
    await page.locator('#new-item-minutes').fill('20');
    await Promise.all([
      page.waitForURL(/#agenda$/),
      page.getByRole('button', { name: 'Thêm vào chương trình' }).click(),
    ]);
    await page.getByText('Thêm tài liệu họp').click();
    await page.locator('input[type="file"][name="files"]').setInputFiles({
      name: 'bao-cao.pdf',
      mimeType: 'application/pdf',
      buffer: await makePdf(2, 'Bao cao thang 11'),
    });
    await Promise.all([
      page.waitForURL(/#agenda$/),
      page.getByRole('button', { name: 'Tải lên', exact: true }).click(),
    ]);
    page.once('dialog', (d) => void d.accept());
    await Promise.all([page.waitForURL(/\/meetings\/\d+$/), page.getByTestId('publish').click()]);
    await page.getByText('Đã phát hành giấy mời', { exact: true }).first().waitFor();
    expect((await Meeting.findByPk(meetingId))!.status).to.equal('published');
    await screenshot(page, 'meetings-prepare-hub');

    // The member answers with big choices and opens the document.
    const r = reader.page;
    await r.goto(`/meetings/${meetingId}`);
    await r.getByRole('radio', { name: 'Tham dự' }).check();
    const send = r.getByRole('button', { name: 'Gửi trả lời' });
    expect((await send.boundingBox())!.height).to.be.at.least(44);
    await Promise.all([r.waitForURL(/\/meetings\/\d+$/), send.click()]);
    await r.getByTestId('my-rsvp').getByText('Tham dự').waitFor();
    const doc = (await MeetingItemDocument.findOne({ where: { meetingId } }))!;
    await r.getByRole('link', { name: doc.title }).click();
    await r.waitForURL(`**/meetings/${meetingId}/documents/${doc.id}`);
    // pdf.js draws the pages one after the other: wait for the second before counting them.
    await r.locator('.meeting-pdf canvas').nth(1).waitFor();
    expect(await r.locator('.meeting-pdf canvas').count()).to.equal(2);

    // Highlight mode: a drag over the first page marks an area, kept for the reader only.
    await r.getByRole('button', { name: 'Đánh dấu vùng' }).click();
    const layer = r.locator('.note-layer').first();
    const box = (await layer.boundingBox())!;
    await r.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
    await r.mouse.down();
    await r.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.3, { steps: 5 });
    await r.mouse.up();
    const deadline = Date.now() + 5000;
    while (
      (await MeetingNote.count({ where: { itemDocumentId: doc.id } })) === 0 &&
      Date.now() < deadline
    )
      await new Promise((resolve) => setTimeout(resolve, 50));
    const note = await MeetingNote.findOne({ where: { itemDocumentId: doc.id } });
    expect(note?.kind).to.equal('highlight');
    expect(note?.userId).to.equal(member.id);
    const rect = JSON.parse(note!.rect!) as { x: number; w: number };
    expect(rect.x).to.be.closeTo(0.2, 0.03);
    expect(rect.w).to.be.closeTo(0.4, 0.03);
    await r.reload();
    await r.locator('.meeting-pdf canvas').first().waitFor();
    await r.locator('.note-highlight').first().waitFor();
    await screenshot(r, 'meetings-prepare-highlight');

    // The chair opens the same document: none of the member's highlights.
    const c = chairWindow.page;
    await c.goto(`/meetings/${meetingId}/documents/${doc.id}`);
    await c.locator('.meeting-pdf canvas').first().waitFor();
    expect(await c.locator('.note-highlight').count()).to.equal(0);
  });
});
