/**
 * The conclusion notice (thông báo kết luận) as an outgoing draft leaves the drafter: the number
 * and the date left blank for issuance ("Số:        /TB-…", "…, ngày      tháng      năm …"),
 * the chair's conclusions in order, "Nơi nhận" beside the chair's title and name, so that the
 * outgoing flow finds where the number, the date and the signature go.
 */
import { DecreeDocument, placeDateText } from './meeting-pdf.js';
import { vietnamTimeText } from './minutes-skeleton.js';
import type { MinutesRecord } from './minutes-record.js';

export interface NoticeText {
  abbreviation: string;
  place: string;
  conclusions: string[];
  recipients: string[];
}

/** The excerpt: "Kết luận của Chủ tịch Nguyễn Văn A tại <meeting>". */
export function noticeSubject(record: MinutesRecord): string {
  const chair = record.chair;
  const who = chair ? [chair.positionTitle, chair.fullName].filter(Boolean).join(' ') : '';
  return `Kết luận của ${who || 'chủ trì'} tại cuộc họp ${record.meeting.title}`.slice(0, 1000);
}

export async function renderNoticePdf(record: MinutesRecord, text: NoticeText): Promise<Buffer> {
  const { meeting, chair } = record;
  const doc = await DecreeDocument.create(`Thông báo: ${noticeSubject(record)}`);
  doc.header({
    parentAgency: record.parentAgencyName,
    agency: record.agencyName,
    numberLine: `Số:        /TB-${text.abbreviation}`,
    placeDate: placeDateText(text.place, null),
  });
  doc.title('THÔNG BÁO', noticeSubject(record));
  const present = record.attendees.filter((a) =>
    ['present', 'online', 'deputy'].includes(a.attendance ?? ''),
  );
  const lines = [
    `Vào ${vietnamTimeText(meeting.openedAt ?? meeting.startsAt)}, ${record.agencyName} tổ chức cuộc họp ${meeting.title}` +
      `${record.roomName ? ` tại ${record.roomName}` : ''}.`,
    `Chủ trì: ${chair ? [chair.fullName, chair.positionTitle].filter(Boolean).join(', ') : '...'}.` +
      (present.length > 0 ? ` Số người tham dự: ${present.length}.` : ''),
    `Sau khi nghe báo cáo và ý kiến phát biểu của các đại biểu dự họp, ${
      chair?.positionTitle ?? 'chủ trì cuộc họp'
    } kết luận như sau:`,
    ...text.conclusions.map((c, i) => `${i + 1}. ${c}`),
    `${record.agencyName} thông báo để các cơ quan, đơn vị liên quan biết, thực hiện./.`,
  ];
  doc.text(lines.join('\n'));
  doc.signatures(
    null,
    {
      title: [(chair?.positionTitle || 'Chủ trì cuộc họp').toUpperCase()],
      name: chair?.fullName ?? '',
    },
    ['Nơi nhận:', ...text.recipients.slice(0, 12).map((r) => `- ${r};`), '- Lưu: VT.'],
  );
  return doc.save();
}
