import { expect } from 'chai';
import type { Meeting, MeetingItem } from '../../src/meetings/meeting.model.js';
import { wrap } from '../../src/meetings/meeting-pdf.js';
import type { MinutesRecord } from '../../src/meetings/minutes-record.js';
import {
  blanksIn,
  CLOSING_BLANK,
  minutesSkeleton,
  vietnamTimeText,
  withClosingTime,
} from '../../src/meetings/minutes-skeleton.js';
import { DecreeDocument } from '../../src/meetings/meeting-pdf.js';
import type { User } from '../../src/users/user.model.js';

const at = (iso: string) => new Date(iso);

function record(overrides: Partial<MinutesRecord> = {}): MinutesRecord {
  return {
    meeting: {
      id: 7,
      title: 'Giao ban tuần',
      startsAt: at('2026-12-17T01:30:00Z'),
      openedAt: at('2026-12-17T01:35:00Z'),
      closedAt: at('2026-12-17T03:05:00Z'),
      onlineUrl: null,
    } as Meeting,
    agencyName: 'UBND huyện Demo',
    parentAgencyName: null,
    roomName: 'Phòng họp 1',
    chair: { fullName: 'Trần Văn Hùng', positionTitle: 'Chủ tịch' } as User,
    secretary: { fullName: 'Lê Thị Mai', positionTitle: null } as User,
    attendees: [
      {
        name: 'A',
        organisation: null,
        role: 'member',
        attendance: 'present',
        reason: null,
        deputyName: null,
      },
      {
        name: 'B',
        organisation: null,
        role: 'member',
        attendance: 'online',
        reason: null,
        deputyName: null,
      },
      {
        name: 'C',
        organisation: null,
        role: 'member',
        attendance: 'absent',
        reason: 'Ốm',
        deputyName: null,
      },
      {
        name: 'D',
        organisation: null,
        role: 'member',
        attendance: 'deputy',
        reason: null,
        deputyName: 'E',
      },
      {
        name: 'F',
        organisation: 'Sở X',
        role: 'guest',
        attendance: null,
        reason: null,
        deputyName: null,
      },
    ],
    items: [
      { id: 1, title: 'Mục một', presenterName: 'Ông P', status: 'done' },
      { id: 2, title: 'Mục rút', presenterName: null, status: 'withdrawn' },
      { id: 3, title: 'Mục hai', presenterName: null, status: 'planned' },
    ] as MeetingItem[],
    presenters: new Map([[1, 'Ông P']]),
    speeches: [
      {
        itemId: 1,
        itemTitle: 'Mục một',
        speakerName: 'A',
        startedAt: at('2026-12-17T01:40:00Z'),
        endedAt: null,
        seconds: 65,
      },
    ],
    votes: [{ itemId: 3, question: 'Thông qua?', secret: true, result: 'Thông qua: 3/5' }],
    ...overrides,
  };
}

describe('meeting minutes skeleton and PDF text layout', () => {
  it('says Vietnam time in words', () => {
    expect(vietnamTimeText(at('2026-12-17T01:35:00Z'))).to.equal(
      '08 giờ 35 phút, ngày 17 tháng 12 năm 2026',
    );
  });

  it('writes the Decree 30 sections from the record, withdrawn items left out', () => {
    const text = minutesSkeleton(record(), ['Giao X làm Y.']);
    const lines = text.split('\n');
    expect(lines[0]).to.equal('Thời gian bắt đầu: 08 giờ 35 phút, ngày 17 tháng 12 năm 2026.');
    for (const line of [
      'Địa điểm: Phòng họp 1.',
      'Chủ trì (chủ tọa): Trần Văn Hùng, Chủ tịch.',
      'Thư ký (người ghi biên bản): Lê Thị Mai.',
      'Có mặt (1):',
      'Tham dự trực tuyến (1):',
      '- C (lý do: Ốm)',
      '- D: cử E dự thay',
      'Chưa điểm danh (1):',
      '- F — Sở X',
      '1. Mục một',
      'Trình bày: Ông P.',
      '- A lúc 08:40 (1 phút 05 giây): ...',
      '2. Mục hai',
      'Biểu quyết (phiếu kín): Thông qua? — Thông qua: 3/5',
      'III. KẾT LUẬN CỦA CHỦ TỌA',
      '1. Giao X làm Y.',
      'Cuộc họp kết thúc vào 10 giờ 05 phút, ngày 17 tháng 12 năm 2026.',
    ])
      expect(lines, line).to.include(line);
    expect(text).not.to.contain('Mục rút');
  });

  it('fills the closing time once the meeting closed, in the words of the opening time', () => {
    const running = record({
      meeting: { ...record().meeting, closedAt: null } as unknown as Meeting,
    });
    const draft = minutesSkeleton(running, ['Giao Văn phòng theo dõi.']);
    expect(draft).to.include(CLOSING_BLANK);
    expect(draft).to.include('Thời gian bắt đầu: 08 giờ 35 phút, ngày 17 tháng 12 năm 2026.');
    const closedAt = at('2026-12-17T03:05:00Z');
    const filled = withClosingTime(draft, closedAt);
    expect(filled).to.include('Cuộc họp kết thúc vào 10 giờ 05 phút, ngày 17 tháng 12 năm 2026.');
    expect(filled).not.to.include('... giờ');
    // The same line as a skeleton made after the close; nothing else of the text changes.
    expect(filled).to.equal(minutesSkeleton(record(), ['Giao Văn phòng theo dõi.']));
    expect(withClosingTime(draft, null)).to.equal(draft);
    // Edited by hand (spaces, a full stop) it is still found; once filled it stays as it is.
    const typed = 'Cuộc họp kết thúc vào ...  giờ ... phút, ngày ... tháng ... năm ....';
    expect(withClosingTime(typed, closedAt)).to.equal(
      'Cuộc họp kết thúc vào 10 giờ 05 phút, ngày 17 tháng 12 năm 2026.',
    );
    expect(withClosingTime(filled, at('2027-01-01T00:00:00Z'))).to.equal(filled);
  });

  it('finds the blanks "..." left to fill, line by line, not an ellipsis ending a word', () => {
    const text = [
      'Địa điểm: ...',
      'Các ý kiến về quy hoạch, giao thông, v.v...',
      '- A lúc 08:40 (3 phút 05 giây): ...',
      'III. KẾT LUẬN CỦA CHỦ TỌA',
      '1. ...',
      'Ghi chú (...) cuối.',
      CLOSING_BLANK,
    ].join('\n');
    expect(blanksIn(text).map((b) => b.line)).to.deep.equal([1, 3, 5, 6, 7]);
    expect(blanksIn(text)[1]).to.deep.equal({
      line: 3,
      text: '- A lúc 08:40 (3 phút 05 giây): ...',
    });
    // A closed meeting's skeleton: only the speakers' words are left to write.
    const left = blanksIn(minutesSkeleton(record(), ['Giao Văn phòng theo dõi.']));
    expect(left.length).to.be.greaterThan(0);
    for (const b of left) expect(b.text).to.match(/^- .*: \.\.\.$/);
    expect(blanksIn('Thống nhất nội dung.\nKết thúc lúc 10 giờ.')).to.deep.equal([]);
  });

  it('wraps long text within the width, cutting a word longer than a line', async () => {
    const doc = await DecreeDocument.create('thử');
    const lines = wrap(
      `Một câu tiếng Việt khá dài ${'x'.repeat(200)} kết thúc.`,
      doc.regular,
      13,
      200,
    );
    expect(lines.length).to.be.greaterThan(3);
    for (const l of lines) expect(doc.regular.widthOfTextAtSize(l, 13)).to.be.at.most(200);
    expect(lines.join('')).to.contain('x'.repeat(20));
    expect(wrap('\u0000\u200bẤn\tđịnh', doc.regular, 13, 400)).to.deep.equal(['Ấn định']);
  });
});
