import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Response } from 'superagent';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { loginAs, type Session } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';
import {
  AUTHOR,
  DEPARTMENT_NAME,
  INFO_DEPARTMENT_NAME,
  PARENT_AGENCY,
  PERIOD_2025,
  seedRegisters,
  SPECIALIST_NAME,
  SUBJECT,
  type RegisterFixture,
} from './registers-seed.js';

const INCOMING_HEADERS = [
  'Ngày đến',
  'Số đến',
  'Tác giả',
  'Số, ký hiệu',
  'Ngày tháng',
  'Tên loại và trích yếu nội dung',
  'Đơn vị hoặc người nhận',
  'Ngày chuyển',
  'Ký nhận',
  'Ghi chú',
];
const TRACKING_HEADERS = [
  'Số đến',
  'Tên loại, số và ký hiệu, ngày tháng, tác giả và trích yếu',
  'Đơn vị hoặc người nhận',
  'Thời hạn giải quyết',
  'Tiến độ giải quyết',
  'Số, ký hiệu văn bản trả lời',
  'Ghi chú',
];

const hasTool = (name: string) => {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

function binary(res: Response, done: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-registers-'));
let fileCount = 0;
function writePdf(pdf: Buffer): string {
  const file = path.join(dir, `register-${(fileCount += 1)}.pdf`);
  writeFileSync(file, pdf);
  return file;
}
function pdfText(pdf: Buffer, mode: '-layout' | '-raw', pages?: [number, number]): string {
  const range = pages ? ['-f', String(pages[0]), '-l', String(pages[1])] : [];
  return execFileSync('pdftotext', [mode, ...range, '-enc', 'UTF-8', writePdf(pdf), '-'], {
    encoding: 'utf8',
  });
}
const flat = (text: string) => text.replace(/\s+/g, ' ');

async function download(session: Session, url: string) {
  return session.agent.get(url).buffer(true).parse(binary);
}

describe('register exports (PDF, XLSX)', () => {
  let fx: RegisterFixture;
  let clerk: Session;

  before(async function () {
    if (!hasTool('pdftotext') || !hasTool('pdffonts')) {
      // In CI a missing tool fails the run; on a workstation the PDF checks are skipped.
      if (process.env.CI) throw new Error('pdftotext/pdffonts (poppler-utils) are required in CI');
      this.skip();
    }
    const { app } = await testApp();
    fx = await seedRegisters();
    clerk = await loginAs(app, fx.clerk);
  });

  it('prints the incoming register as a PDF with exact Vietnamese text, the period only and this agency only', async () => {
    const res = await download(clerk, `/registers/incoming.pdf?${PERIOD_2025}`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.headers['content-disposition']).to.equal(
      `attachment; filename="so-van-ban-den_2025-01-01_2025-12-31.pdf"; filename*=UTF-8''${encodeURIComponent('Sổ văn bản đến 2025-01-01 - 2025-12-31.pdf')}`,
    );
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');

    const layout = pdfText(pdf, '-layout');
    expect(layout).to.contain('SỔ ĐĂNG KÝ VĂN BẢN ĐẾN');
    expect(layout).to.contain('ỦY BAN NHÂN DÂN HUYỆN THANH LIÊM');
    expect(layout).to.contain('Từ ngày 01/01/2025 đến ngày 31/12/2025');
    expect(layout).to.contain(SPECIALIST_NAME);
    expect(layout).to.contain('15/QĐ-UBND');
    expect(layout).to.match(/Trang 1\/\d+/);

    // Raw order keeps each wrapped cell's lines together: long cells read back whole.
    const raw = flat(pdfText(pdf, '-raw'));
    for (const header of INCOMING_HEADERS) expect(raw).to.contain(header);
    expect(raw).to.contain(SUBJECT);
    expect(raw).to.contain(`Quyết định: ${SUBJECT}`);
    expect(raw).to.contain(AUTHOR);
    expect(raw).to.match(/06\/01\/2025 01 Sở Nội vụ tỉnh Hà Nam 15\/QĐ-UBND 03\/01\/2025/);
    expect(raw).to.contain(
      `${SPECIALIST_NAME} Phối hợp: ${DEPARTMENT_NAME} Để biết: ${INFO_DEPARTMENT_NAME}`,
    );
    expect(raw).to.contain('07/01/2025'); // Ngày chuyển: the first hand-over
    for (const n of ['02', '03', '09'])
      expect(raw).to.match(new RegExp(`\\d\\d/\\d\\d/2025 ${n} `));
    expect(raw).to.match(/15\/09\/2025 10 /);
    expect(raw).to.contain('Từ số 01 đến số 10');
    expect(raw).to.contain('Văn bản mật thử nghiệm');
    // The type name is written once: "Công văn thử số 5" opens with its type already.
    expect(raw).to.contain('Cơ quan gửi số 5 105/CV-VP 15/05/2025 Công văn thử số 5');
    expect(raw).not.to.contain('Công văn: Công văn');
    expect(raw).not.to.contain('Văn bản ngoài kỳ báo cáo');
    expect(raw).not.to.contain('Văn bản của cơ quan khác');

    // Appendix IV: a cover page, then the table with its numbered column row under the headings.
    const cover = flat(pdfText(pdf, '-raw', [1, 1]));
    expect(cover).to.contain(`${PARENT_AGENCY.toUpperCase()} ỦY BAN NHÂN DÂN HUYỆN THANH LIÊM`);
    expect(cover).to.contain('SỔ ĐĂNG KÝ VĂN BẢN ĐẾN Năm: 2025');
    expect(cover).to.contain('Từ số 01 đến số 10');
    expect(cover).to.contain('Quyển số: 01');
    expect(cover).not.to.contain('Ngày đến');
    const table = flat(pdfText(pdf, '-raw', [2, 2]));
    expect(table).to.contain('Ghi chú (1) (2) (3) (4) (5) (6) (7) (8) (9) (10) 06/01/2025 01');
    expect(table).not.to.contain('Quyển số');

    const fonts = execFileSync('pdffonts', [writePdf(pdf)], { encoding: 'utf8' });
    const fontRows = fonts.split('\n').slice(2).filter(Boolean);
    expect(fontRows.length).to.be.greaterThan(0);
    for (const row of fontRows) {
      expect(row).to.match(/^[A-Z]{6}\+DejaVuSerif/);
      expect(row).to.match(/TrueType/);
      expect(row).to.match(/yes\s+yes\s+yes/); // emb, sub, uni
    }

    const audit = await AuditLog.findOne({
      where: { action: 'register.export', userId: fx.clerk.id },
      order: [['id', 'DESC']],
    });
    expect(JSON.parse(audit!.details!)).to.include({
      kind: 'incoming',
      from: '2025-01-01',
      to: '2025-12-31',
      format: 'pdf',
    });
  });

  it('prints every number of the range for a reader below a secret document\u2019s clearance, its content masked as "Văn bản mật"', async () => {
    const { app } = await testApp();
    const low = await loginAs(app, fx.lowClearanceClerk);
    const pdf = (await download(low, `/registers/incoming.pdf?${PERIOD_2025}`)).body as Buffer;
    const raw = flat(pdfText(pdf, '-raw'));
    expect(raw).to.contain(SUBJECT);
    expect(raw).to.contain('Từ số 01 đến số 10');
    expect(raw).to.match(/03\/03\/2025 03 Văn bản mật 15\/04\/2025 04 /);
    expect(raw).not.to.contain('Văn bản mật thử nghiệm');
    expect(raw).not.to.contain('Cơ quan gửi số 3');
    expect(raw).not.to.contain('103/CV-VP');

    const tracking = flat(
      pdfText(
        (await download(low, `/registers/tracking.pdf?${PERIOD_2025}`)).body as Buffer,
        '-raw',
      ),
    );
    expect(tracking).to.match(/ 03 Văn bản mật /);
    expect(tracking).not.to.contain('Cơ quan gửi số 3');

    const res = await download(low, `/registers/incoming.xlsx?${PERIOD_2025}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const numbers = Array.from({ length: 10 }, (_, i) => sheet.getRow(8 + i).getCell(2).value);
    expect(numbers).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const secret = sheet.getRow(10);
    expect((secret.getCell(1).value as Date).toISOString()).to.equal('2025-03-03T00:00:00.000Z');
    expect(secret.getCell(6).value).to.equal('Văn bản mật');
    for (const c of [3, 4, 5, 7, 8, 10]) expect(secret.getCell(c).value).to.equal(null);

    const page = await low.agent.get(`/registers?${PERIOD_2025}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Tổng số: 10 văn bản');
    expect(page.text).not.to.contain('Văn bản mật thử nghiệm');
  });

  it('prints the tracking register with deadlines and the overdue mark', async () => {
    const res = await download(clerk, `/registers/tracking.pdf?${PERIOD_2025}`);
    expect(res.status).to.equal(200);
    const raw = flat(pdfText(res.body as Buffer, '-raw'));
    expect(raw).to.contain('SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN');
    for (const header of TRACKING_HEADERS) expect(raw).to.contain(header);
    expect(raw).to.contain(`Quyết định số 15/QĐ-UBND ngày 03/01/2025 của ${AUTHOR}: ${SUBJECT}`);
    expect(raw).to.match(/20\/01\/2025 Đã có ý kiến chỉ đạo; Quá hạn/);
    expect(raw).to.contain('Hoàn thành ngày 12/02/2025');
  });

  it('exports the incoming register as XLSX with Appendix IV headers, real dates and numbers', async () => {
    const res = await download(clerk, `/registers/incoming.xlsx?${PERIOD_2025}`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('spreadsheetml.sheet');
    expect(res.headers['content-disposition']).to.contain(
      'filename="so-van-ban-den_2025-01-01_2025-12-31.xlsx"',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.getCell('A1').value).to.equal(
      `${PARENT_AGENCY.toUpperCase()}\nỦY BAN NHÂN DÂN HUYỆN THANH LIÊM`,
    );
    expect(sheet.getCell('A2').value).to.equal('SỔ ĐĂNG KÝ VĂN BẢN ĐẾN');
    expect(sheet.getCell('A3').value).to.equal('Năm: 2025');
    expect(sheet.getCell('A5').value).to.equal('Quyển số: 01');
    const header = sheet.getRow(6);
    expect(INCOMING_HEADERS.map((_, i) => header.getCell(i + 1).value)).to.deep.equal(
      INCOMING_HEADERS,
    );
    expect(header.getCell(1).font?.bold).to.equal(true);
    const numbered = sheet.getRow(7);
    expect(INCOMING_HEADERS.map((_, i) => numbered.getCell(i + 1).value)).to.deep.equal(
      INCOMING_HEADERS.map((_, i) => `(${i + 1})`),
    );
    expect(sheet.views[0]).to.include({ state: 'frozen', ySplit: 7 });
    // The headings and the column numbers are printed again at the top of every page.
    expect(sheet.pageSetup.printTitlesRow).to.equal('6:7');

    const first = sheet.getRow(8);
    expect(first.getCell(1).value).to.be.instanceOf(Date);
    expect((first.getCell(1).value as Date).toISOString()).to.equal('2025-01-06T00:00:00.000Z');
    expect(first.getCell(1).numFmt).to.equal('dd/mm/yyyy');
    expect(first.getCell(2).value).to.equal(1);
    expect(first.getCell(2).numFmt).to.equal('00');
    expect(first.getCell(3).value).to.equal(AUTHOR);
    expect(first.getCell(4).value).to.equal('15/QĐ-UBND');
    expect((first.getCell(5).value as Date).toISOString()).to.equal('2025-01-03T00:00:00.000Z');
    expect(first.getCell(6).value).to.equal(`Quyết định: ${SUBJECT}`);
    // Column 7: every unit it was handed to, the lead first, then support and information.
    expect(first.getCell(7).value).to.equal(
      `${SPECIALIST_NAME}\nPhối hợp: ${DEPARTMENT_NAME}\nĐể biết: ${INFO_DEPARTMENT_NAME}`,
    );
    expect((first.getCell(8).value as Date).toISOString()).to.equal('2025-01-07T00:00:00.000Z');
    expect(String(first.getCell(10).value)).to.contain('Khẩn');

    expect(sheet.getRow(12).getCell(6).value).to.equal('Công văn thử số 5');

    const presented = sheet.getRow(11); // no. 4: presented to the leader, nobody assigned yet
    expect(presented.getCell(7).value).to.equal('Phạm Quốc Hùng');
    expect((presented.getCell(8).value as Date).toISOString()).to.equal('2025-04-16T00:00:00.000Z');

    const numbers = Array.from({ length: 10 }, (_, i) => sheet.getRow(8 + i).getCell(2).value);
    expect(numbers).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(sheet.getRow(18).getCell(2).value).to.equal(null);
  });

  it('exports the tracking register as XLSX with the deadline as a date and the progress', async () => {
    const res = await download(clerk, `/registers/tracking.xlsx?${PERIOD_2025}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = sheet.getRow(6);
    expect(TRACKING_HEADERS.map((_, i) => header.getCell(i + 1).value)).to.deep.equal(
      TRACKING_HEADERS,
    );
    const first = sheet.getRow(7);
    expect(first.getCell(1).value).to.equal(1);
    expect((first.getCell(4).value as Date).toISOString()).to.equal('2025-01-20T00:00:00.000Z');
    expect(String(first.getCell(5).value)).to.contain('Quá hạn');
    expect(String(first.getCell(3).value)).to.contain(SPECIALIST_NAME);
    expect(first.getCell(6).value).to.equal(null);
  });
});
