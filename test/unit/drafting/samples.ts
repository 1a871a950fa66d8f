import fontkit from '@pdf-lib/fontkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PDFDocument } from 'pdf-lib';

/*
 * Realistic drafts laid out as Decree 30/2020 Appendix I does: each row is one line of the page,
 * either text at the left margin or [left column, right column] (the issuing agency beside the
 * national heading, the number beside the place and date, "Nơi nhận" beside the signer).
 */
export type Row = string | [string, string];

export const QUYET_DINH: Row[] = [
  ['ỦY BAN NHÂN DÂN', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'],
  ['HUYỆN DEMO', 'Độc lập - Tự do - Hạnh phúc'],
  ['Số: 15/QĐ-UBND', 'Demo, ngày 02 tháng 11 năm 2026'],
  'QUYẾT ĐỊNH',
  'Về việc phê duyệt Kế hoạch chuyển đổi số năm 2027',
  'ỦY BAN NHÂN DÂN HUYỆN DEMO',
  'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;',
  'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;',
  'Theo đề nghị của Trưởng phòng Văn hóa và Thông tin huyện.',
  'QUYẾT ĐỊNH:',
  'Điều 1. Phê duyệt Kế hoạch chuyển đổi số năm 2027 của huyện Demo.',
  'Điều 2. Quyết định này có hiệu lực kể từ ngày ký.',
  'Điều 3. Chánh Văn phòng HĐND và UBND huyện, Trưởng phòng Văn hóa và',
  'Thông tin và các cơ quan có liên quan chịu trách nhiệm thi hành Quyết định này./.',
  ['Nơi nhận:', 'TM. ỦY BAN NHÂN DÂN'],
  ['- Như Điều 3;', 'CHỦ TỊCH'],
  ['- Chủ tịch, các PCT UBND huyện;', ''],
  ['- Lưu: VT, VHTT.', ''],
  ['', 'Trần Văn Hùng'],
];

export const CONG_VAN: Row[] = [
  ['ỦY BAN NHÂN DÂN', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'],
  ['HUYỆN DEMO', 'Độc lập - Tự do - Hạnh phúc'],
  ['Số: 12/UBND-VP', 'Demo, ngày 05 tháng 11 năm 2026'],
  'V/v đôn đốc báo cáo kết quả chuyển đổi số',
  'Kính gửi: Các phòng, ban chuyên môn thuộc UBND huyện.',
  'Thực hiện Kế hoạch chuyển đổi số năm 2026, Ủy ban nhân dân huyện đề nghị',
  'các phòng, ban gửi báo cáo kết quả về Văn phòng trước ngày 20 tháng 11.',
  ['Nơi nhận:', 'KT. CHỦ TỊCH'],
  ['- Như trên;', 'PHÓ CHỦ TỊCH'],
  ['- Lưu: VT.', ''],
  ['', 'Lê Minh Tuấn'],
];

/** The text of the rows as extractPdfText gives it: columns of one line split by a tab. */
export function rowsToText(rows: Row[]): string {
  return rows.map((r) => (typeof r === 'string' ? r : r.filter(Boolean).join('\t'))).join('\n');
}

/** The rows with the one matching `match` replaced (or removed, when `by` is null). */
export function replaceRow(rows: Row[], match: string, by: Row | null): Row[] {
  const i = rows.findIndex((r) => (typeof r === 'string' ? [r] : r).includes(match));
  if (i < 0) throw new Error(`no row ${match}`);
  return by === null ? rows.toSpliced(i, 1) : rows.toSpliced(i, 1, by);
}

const require = createRequire(import.meta.url);
const font = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf'));

/**
 * A PDF of the rows in DejaVu Serif (a real Unicode font, so the text is Vietnamese), drawn in
 * an order unlike the reading order (right column first, bottom line first) so that the
 * extraction must rebuild the lines from positions. `perPage` rows go on each page.
 */
export async function makeDraftPdf(rows: Row[], perPage = 40): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const serif = await pdf.embedFont(font, { subset: true });
  for (let start = 0; start < rows.length; start += perPage) {
    const page = pdf.addPage([595, 842]);
    const chunk = rows.slice(start, start + perPage);
    const draws: Array<() => void> = [];
    chunk.forEach((row, i) => {
      const y = 790 - i * 18;
      const [left, right] = typeof row === 'string' ? [row, ''] : row;
      const size = 10;
      if (left) draws.push(() => page.drawText(left, { x: 50, y, size, font: serif }));
      if (right) draws.push(() => page.drawText(right, { x: 320, y, size, font: serif }));
    });
    draws.reverse().forEach((draw) => draw());
  }
  return Buffer.from(await pdf.save());
}
