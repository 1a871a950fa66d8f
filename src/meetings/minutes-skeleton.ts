/**
 * The skeleton of the minutes (biên bản), written from the meeting's record in the order of the
 * Decree 30 form: time and place, composition, chair and secretary, the content item by item
 * (speakers, votes), the conclusions and the closing time. Pure: the secretary edits the text.
 */
import type { MinutesAttendee, MinutesRecord } from './minutes-record.js';

const pad = (n: number) => String(n).padStart(2, '0');
const vietnam = (d: Date) => new Date(d.getTime() + 7 * 3600_000);

/** "08 giờ 30 phút, ngày 17 tháng 12 năm 2026" (Vietnam time). */
export function vietnamTimeText(d: Date): string {
  const v = vietnam(d);
  return (
    `${pad(v.getUTCHours())} giờ ${pad(v.getUTCMinutes())} phút, ngày ${pad(v.getUTCDate())} ` +
    `tháng ${pad(v.getUTCMonth() + 1)} năm ${v.getUTCFullYear()}`
  );
}

/** "08:30" (Vietnam time). */
const clock = (d: Date) => {
  const v = vietnam(d);
  return `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}`;
};

const duration = (seconds: number | null) => {
  if (seconds == null) return '';
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? ` (${m} phút ${pad(s)} giây)` : ` (${s} giây)`;
};

const who = (a: MinutesAttendee) => [a.name, a.organisation].filter(Boolean).join(' — ');

function attendanceLines(attendees: MinutesAttendee[]): string[] {
  const of = (state: string | null) => attendees.filter((a) => a.attendance === state);
  const lines: string[] = [];
  const group = (title: string, people: MinutesAttendee[], describe = who) => {
    if (people.length === 0) return;
    lines.push(`${title} (${people.length}):`);
    for (const p of people) lines.push(`- ${describe(p)}`);
  };
  group('Có mặt', of('present'));
  group('Tham dự trực tuyến', of('online'));
  group('Cử người dự thay', of('deputy'), (p) =>
    p.deputyName ? `${who(p)}: cử ${p.deputyName} dự thay` : who(p),
  );
  group('Vắng mặt', of('absent'), (p) => (p.reason ? `${who(p)} (lý do: ${p.reason})` : who(p)));
  group('Chưa điểm danh', of(null));
  return lines;
}

/** The closing line before the meeting has closed, its time left for the secretary. */
export const CLOSING_BLANK = 'Cuộc họp kết thúc vào ... giờ ... phút, ngày ... tháng ... năm ...';
const CLOSING_BLANK_RE =
  /Cuộc họp kết thúc vào\s*\.{3}\s*giờ\s*\.{3}\s*phút,\s*ngày\s*\.{3}\s*tháng\s*\.{3}\s*năm\s*\.{3}\.?/gu;

/** The closing line once the meeting closed, written as the opening time is. */
export const closingLine = (closedAt: Date) =>
  `Cuộc họp kết thúc vào ${vietnamTimeText(closedAt)}.`;

/**
 * The minutes' text with the closing time filled in once the meeting has closed (a draft begun
 * while it ran still has the blank line); the text as it is before then.
 */
export function withClosingTime(body: string, closedAt: Date | null | undefined): string {
  return closedAt ? body.replace(CLOSING_BLANK_RE, closingLine(closedAt)) : body;
}

/** A blank left to fill: "..." standing as a word (not the end of "v.v..."). */
const BLANK_RE = /(^|[\s:(])\.{3}(?=$|[\s.,;:)])/u;

/** The lines (1-based, with their text) that still hold a blank "..." to fill. */
export function blanksIn(body: string): { line: number; text: string }[] {
  return body
    .split('\n')
    .map((text, i) => ({ line: i + 1, text: text.trim() }))
    .filter((l) => BLANK_RE.test(l.text));
}

/** The text the secretary starts the minutes from. */
export function minutesSkeleton(record: MinutesRecord, conclusions: string[] = []): string {
  const { meeting } = record;
  const place = [record.roomName, meeting.onlineUrl ? `trực tuyến: ${meeting.onlineUrl}` : null]
    .filter(Boolean)
    .join('; ');
  const lines: string[] = [
    `Thời gian bắt đầu: ${vietnamTimeText(meeting.openedAt ?? meeting.startsAt)}.`,
    `Địa điểm: ${place ? `${place}.` : '...'}`,
    `Chủ trì (chủ tọa): ${record.chair ? record.chair.fullName : '...'}${
      record.chair?.positionTitle ? `, ${record.chair.positionTitle}` : ''
    }.`,
    `Thư ký (người ghi biên bản): ${record.secretary ? record.secretary.fullName : '...'}.`,
    '',
    'I. THÀNH PHẦN THAM DỰ',
    ...attendanceLines(record.attendees),
    '',
    'II. NỘI DUNG CUỘC HỌP',
  ];
  const items = record.items.filter((i) => i.status !== 'withdrawn');
  items.forEach((item, n) => {
    lines.push(`${n + 1}. ${item.title}`);
    const presenter = record.presenters.get(item.id);
    if (presenter) lines.push(`Trình bày: ${presenter}.`);
    const speeches = record.speeches.filter((s) => s.itemId === item.id);
    if (speeches.length > 0) {
      lines.push('Ý kiến phát biểu:');
      for (const s of speeches) {
        const at = s.startedAt ? ` lúc ${clock(s.startedAt)}` : '';
        lines.push(`- ${s.speakerName}${at}${duration(s.seconds)}: ...`);
      }
    }
    for (const v of record.votes.filter((x) => x.itemId === item.id))
      lines.push(`Biểu quyết${v.secret ? ' (phiếu kín)' : ''}: ${v.question} — ${v.result}`);
    lines.push('');
  });
  const loose = record.votes.filter((v) => !items.some((i) => i.id === v.itemId));
  for (const v of loose)
    lines.push(`Biểu quyết${v.secret ? ' (phiếu kín)' : ''}: ${v.question} — ${v.result}`);
  lines.push('III. KẾT LUẬN CỦA CHỦ TỌA');
  if (conclusions.length === 0) lines.push('1. ...');
  conclusions.forEach((c, n) => lines.push(`${n + 1}. ${c}`));
  lines.push('');
  lines.push(meeting.closedAt ? closingLine(meeting.closedAt) : CLOSING_BLANK);
  return lines.join('\n');
}
