/**
 * The invitation (giấy mời) of a meeting as Decree 30 Appendix I lays it out: the agency beside
 * the national heading, "Số:        /GM-…" left blank for issuance, GIẤY MỜI and the meeting,
 * who is invited, the chair, the time, the place or the online link, the agenda (a secret item
 * only as "Nội dung mật"), the room's check-in QR code, and the chair's signature block.
 */
import QRCode from 'qrcode';
import { DecreeDocument, placeDateText } from './meeting-pdf.js';
import { vietnamTimeText } from './minutes-skeleton.js';

export interface InvitationContent {
  title: string;
  agencyName: string;
  parentAgencyName: string | null;
  abbreviation: string;
  place: string;
  startsAt: Date;
  endsAt: Date;
  roomName: string | null;
  onlineUrl: string | null;
  chair: { fullName: string; positionTitle: string | null } | null;
  /** Who is invited, as printed ("Ông/Bà …, Trưởng phòng …", "Phòng Tài chính", "… (Sở …)"). */
  invitees: string[];
  items: { title: string; presenter: string | null; secret: boolean }[];
  checkInUrl: string;
  recipients: string[];
}

/** The excerpt: "Dự cuộc họp <title>". */
export const invitationSubject = (title: string) => `Mời dự cuộc họp ${title}`.slice(0, 1000);

const MAX_INVITEES_PRINTED = 40;

const clock = (d: Date) => {
  const v = new Date(d.getTime() + 7 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(v.getUTCHours())} giờ ${pad(v.getUTCMinutes())} phút`;
};

export async function renderInvitationPdf(c: InvitationContent): Promise<Buffer> {
  const doc = await DecreeDocument.create(`Giấy mời: ${c.title}`);
  doc.header({
    parentAgency: c.parentAgencyName,
    agency: c.agencyName,
    numberLine: `Số:        /GM-${c.abbreviation}`,
    placeDate: placeDateText(c.place, null),
  });
  doc.title('GIẤY MỜI', invitationSubject(c.title));
  const printed = c.invitees.slice(0, MAX_INVITEES_PRINTED);
  const more = c.invitees.length - printed.length;
  const chair = c.chair ? [c.chair.positionTitle, c.chair.fullName].filter(Boolean).join(' ') : '';
  const where = [
    c.roomName ? `Địa điểm: ${c.roomName}.` : null,
    c.onlineUrl ? `Họp trực tuyến: ${c.onlineUrl}` : null,
  ].filter((l): l is string => l !== null);
  const lines = [
    `${c.agencyName} trân trọng kính mời:`,
    ...printed.map((name) => `- ${name};`),
    ...(more > 0 ? [`- Và ${more} đại biểu khác (theo danh sách kèm theo).`] : []),
    `Dự cuộc họp ${c.title}${chair ? ` do ${chair} chủ trì` : ''}.`,
    `Thời gian: ${vietnamTimeText(c.startsAt)} đến ${clock(c.endsAt)}.`,
    ...(where.length > 0 ? where : ['Địa điểm: sẽ thông báo sau.']),
    'Nội dung (chương trình họp):',
    ...(c.items.length > 0
      ? c.items.map(
          (item, i) =>
            `${i + 1}. ${item.secret ? 'Nội dung mật' : item.title}` +
            (item.presenter && !item.secret ? ` (trình bày: ${item.presenter})` : ''),
        )
      : ['Theo chương trình gửi kèm.']),
    'Tài liệu họp được đăng trên hệ thống phòng họp không giấy; đề nghị đại biểu xác nhận tham dự ' +
      'hoặc cử người dự thay trên hệ thống và mang theo máy tính bảng khi dự họp./.',
  ];
  doc.text(lines.join('\n'));
  const png = await QRCode.toBuffer(c.checkInUrl, { errorCorrectionLevel: 'M', margin: 1 });
  await doc.image(png, 72, `Mã QR điểm danh: quét khi đến phòng họp (${c.checkInUrl})`);
  doc.signatures(
    null,
    {
      title: [(c.chair?.positionTitle || 'Chủ trì cuộc họp').toUpperCase()],
      name: c.chair?.fullName ?? '',
    },
    ['Nơi nhận:', '- Như trên;', ...c.recipients.slice(0, 10).map((r) => `- ${r};`), '- Lưu: VT.'],
  );
  return doc.save();
}
