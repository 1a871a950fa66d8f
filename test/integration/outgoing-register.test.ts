import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Response } from 'superagent';
import type { Agency } from '../../src/agencies/agency.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { OutgoingDocument, OutgoingRecipient } from '../../src/outgoing/outgoing.model.js';
import { Register } from '../../src/registers/register.model.js';
import type { User } from '../../src/users/user.model.js';
import {
  buildAgency,
  buildDepartment,
  buildUser,
  loginAs,
  type Session,
} from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';

const HEADERS = [
  'Số, ký hiệu văn bản',
  'Ngày tháng văn bản',
  'Tên loại và trích yếu nội dung văn bản',
  'Người ký',
  'Nơi nhận văn bản',
  'Đơn vị, người nhận bản lưu',
  'Số lượng bản',
  'Ngày chuyển',
  'Ký nhận',
  'Ghi chú',
];
const PERIOD = 'from=2025-01-01&to=2025-12-31';

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

const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-outgoing-register-'));
let files = 0;
function pdfText(pdf: Buffer, pages?: [number, number]): string {
  const file = path.join(dir, `register-${(files += 1)}.pdf`);
  writeFileSync(file, pdf);
  const range = pages ? ['-f', String(pages[0]), '-l', String(pages[1])] : [];
  return execFileSync('pdftotext', [...range, '-raw', '-enc', 'UTF-8', file, '-'], {
    encoding: 'utf8',
  })
    .normalize('NFC')
    .replace(/\s+/g, ' ');
}

const download = (session: Session, url: string) =>
  session.agent.get(url).buffer(true).parse(binary);

describe('outgoing register (Sổ đăng ký văn bản đi)', function () {
  this.timeout(30_000);
  let agency: Agency;
  let clerk: User;
  let clerkSession: Session;
  let signer: User;

  /** An issued document of the agency, numbered in a series of the 2025 register. */
  async function issued(
    codeNumber: number,
    fields: Partial<OutgoingDocument['_creationAttributes']> = {},
    recipients: string[] = ['UBND xã An Bình', 'Sở Nội vụ'],
    target: Agency = agency,
  ): Promise<OutgoingDocument> {
    const series = fields.series ?? '';
    const [register] = await Register.findOrCreate({
      where: { agencyId: target.id, kind: 'outgoing', year: 2025, series },
      defaults: {
        agencyId: target.id,
        kind: 'outgoing',
        year: 2025,
        series,
        name: 'Sổ đăng ký văn bản đi năm 2025',
      },
    });
    const doc = await OutgoingDocument.create({
      agencyId: target.id,
      departmentId: null,
      documentType: 'QĐ',
      subject: `Về việc thử nghiệm số ${codeNumber}`,
      summary: null,
      urgency: 0,
      urgentDeliverBy: null,
      confidentiality: 0,
      normative: false,
      signerId: signer.id,
      signingForm: 'KT',
      principalTitle: 'Chủ tịch',
      signerTitle: 'Phó Chủ tịch',
      recipientsNote: null,
      placeName: 'Hà Nội',
      status: 'issued',
      relatedId: null,
      relation: null,
      createdById: clerk.id,
      registerId: register.id,
      series,
      codeNumber,
      codeNotation: 'QĐ-UBND',
      promulgationDate: `2025-03-${String(codeNumber).padStart(2, '0')}`,
      issuedAt: new Date(`2025-03-${String(codeNumber).padStart(2, '0')}T03:00:00Z`),
      issuedById: clerk.id,
      ...fields,
    });
    await OutgoingRecipient.bulkCreate(
      recipients.map((name, i) => ({ outgoingId: doc.id, position: i + 1, name, code: null })),
    );
    return doc;
  }

  before(async () => {
    const { app } = await testApp();
    agency = await buildAgency({ name: 'Ủy ban nhân dân huyện Thử Đi' });
    const department = await buildDepartment(agency, { name: 'Phòng Văn hóa - Xã hội' });
    clerk = await buildUser(agency, ['clerk'], { fullName: 'Lê Thị Văn Thư', secretClearance: 1 });
    signer = await buildUser(agency, ['leader'], { fullName: 'Trần Văn Hùng' });
    clerkSession = await loginAs(app, clerk);
    await issued(1, { departmentId: department.id, urgency: 1 });
    await issued(2, { status: 'recalled', recalledAt: new Date('2025-04-01T00:00:00Z') });
    await issued(3, { documentType: 'CV', codeNotation: 'UBND-VX', subject: 'V/v thử nghiệm' });
    // Not in this register: another series, another year, a draft, another agency.
    await issued(1, { series: 'secret', confidentiality: 2, subject: 'Văn bản mật thử' });
    await issued(4, { promulgationDate: '2024-12-30', subject: 'Năm trước' });
    await issued(5, { status: 'signed', codeNumber: null, subject: 'Chưa ban hành' });
    await issued(1, { subject: 'Cơ quan khác' }, [], await buildAgency());
  });

  it('prints the register as a PDF: cover, Appendix IV header, the numbered column row and one row per issued document of the series', async function () {
    if (!hasTool('pdftotext')) {
      if (process.env.CI) throw new Error('pdftotext (poppler-utils) is required in CI');
      this.skip();
    }
    const res = await download(clerkSession, `/registers/outgoing.pdf?${PERIOD}`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.headers['content-disposition']).to.contain(
      'filename="so-van-ban-di_2025-01-01_2025-12-31.pdf"',
    );
    const cover = pdfText(res.body as Buffer, [1, 1]);
    expect(cover).to.contain('ỦY BAN NHÂN DÂN HUYỆN THỬ ĐI');
    expect(cover).to.contain('SỔ ĐĂNG KÝ VĂN BẢN ĐI');
    expect(cover).to.contain('Năm: 2025');
    expect(cover).to.contain('Từ số 01 đến số 03');
    expect(cover).not.to.contain('Ngày chuyển');
    const table = pdfText(res.body as Buffer, [2, 2]);
    for (const header of HEADERS) expect(table).to.contain(header);
    expect(table).to.contain('(1) (2) (3) (4) (5) (6) (7) (8) (9) (10)');
    expect(table).to.contain('01/QĐ-UBND');
    expect(table).to.contain('Quyết định: Về việc thử nghiệm số 1');
    expect(table).to.contain('KT. Chủ tịch / Phó Chủ tịch Trần Văn Hùng');
    expect(table).to.contain('UBND xã An Bình; Sở Nội vụ');
    expect(table).to.contain('Văn thư, Phòng Văn hóa - Xã hội');
    expect(table).to.contain('Khẩn');
    expect(table).to.contain('Đã thu hồi');
    expect(table).to.contain('03/UBND-VX');
    expect(table).to.contain('Công văn: V/v thử nghiệm');
    expect(table).to.match(/01\/03\/2025/);
    for (const absent of ['Văn bản mật thử', 'Năm trước', 'Chưa ban hành', 'Cơ quan khác'])
      expect(table).not.to.contain(absent);
    const audit = await AuditLog.findOne({
      where: { action: 'register.export', userId: clerk.id },
      order: [['id', 'DESC']],
    });
    expect(JSON.parse(String(audit!.details))).to.include({
      kind: 'outgoing',
      format: 'pdf',
      series: '',
    });
  });

  it('keeps the secret series in its own register, masked for a reader not cleared for it: its number printed, "Văn bản mật" for the content', async function () {
    if (!hasTool('pdftotext')) this.skip();
    const res = await download(clerkSession, `/registers/outgoing.pdf?${PERIOD}&series=secret`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-disposition']).to.contain('so-van-ban-di-secret_2025');
    expect(pdfText(res.body as Buffer, [1, 1])).to.contain('SỔ ĐĂNG KÝ VĂN BẢN ĐI (VĂN BẢN MẬT)');
    const table = pdfText(res.body as Buffer, [2, 2]);
    expect(table).to.contain('Văn bản mật thử');
    expect(table).not.to.contain('Về việc thử nghiệm số 1');

    const { app } = await testApp();
    const uncleared = await loginAs(app, await buildUser(agency, ['clerk']));
    const hidden = await download(uncleared, `/registers/outgoing.pdf?${PERIOD}&series=secret`);
    const masked = pdfText(hidden.body as Buffer);
    expect(masked).not.to.contain('Văn bản mật thử');
    expect(masked).to.contain('Từ số 01 đến số 01');
    expect(masked).to.match(/01\/\S+ \d\d\/\d\d\/2025 Văn bản mật/);
  });

  it('exports the register as XLSX: Appendix IV headers, the numbered column row, real dates and counts', async () => {
    const res = await download(clerkSession, `/registers/outgoing.xlsx?${PERIOD}`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).to.equal('Sổ văn bản đi');
    expect(sheet.getCell('A2').value).to.equal('SỔ ĐĂNG KÝ VĂN BẢN ĐI');
    const header = sheet.getRow(6);
    expect(HEADERS.map((_, i) => header.getCell(i + 1).value)).to.deep.equal(HEADERS);
    const numbers = sheet.getRow(7);
    expect(HEADERS.map((_, i) => numbers.getCell(i + 1).value)).to.deep.equal(
      HEADERS.map((_, i) => `(${i + 1})`),
    );
    expect(sheet.views[0]).to.include({ state: 'frozen', ySplit: 7 });
    const rows = [8, 9, 10].map((n) => sheet.getRow(n));
    expect(rows.map((r) => r.getCell(1).value)).to.deep.equal([
      '01/QĐ-UBND',
      '02/QĐ-UBND',
      '03/UBND-VX',
    ]);
    expect((rows[0]!.getCell(2).value as Date).toISOString()).to.equal('2025-03-01T00:00:00.000Z');
    expect(rows[0]!.getCell(2).numFmt).to.equal('dd/mm/yyyy');
    expect(rows[0]!.getCell(4).value).to.equal('KT. Chủ tịch / Phó Chủ tịch Trần Văn Hùng');
    expect(rows[0]!.getCell(5).value).to.equal('UBND xã An Bình; Sở Nội vụ');
    expect(rows[0]!.getCell(7).value).to.equal(3);
    expect((rows[0]!.getCell(8).value as Date).toISOString()).to.equal('2025-03-01T00:00:00.000Z');
    expect(String(rows[1]!.getCell(10).value)).to.contain('Đã thu hồi');
    expect(sheet.getRow(11).getCell(1).value).to.equal(null);
  });

  it('shows the register on the registers page with its series and download links, and refuses a malformed series', async () => {
    const page = await clerkSession.agent.get(`/registers?kind=outgoing&${PERIOD}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Sổ văn bản đi');
    expect(page.text).to.contain('01/QĐ-UBND');
    expect(page.text).to.contain('data-testid="register-series"');
    expect(page.text).to.contain('văn bản mật');
    expect(page.text).to.contain('/registers/outgoing.pdf?from&#x3D;2025-01-01');
    const secret = await clerkSession.agent.get(`/registers?kind=outgoing&${PERIOD}&series=secret`);
    expect(secret.text).to.contain('Văn bản mật thử');
    expect(secret.text).to.contain('series&#x3D;secret');
    const incoming = await clerkSession.agent.get('/registers');
    expect(incoming.text).to.match(/kind&#x3D;outgoing[^"]*" *>Sổ văn bản đi</);
    const bad = await clerkSession.agent.get(`/registers/outgoing.xlsx?${PERIOD}&series=x%3Cy`);
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Loại sổ (dãy số) không hợp lệ.');
  });
});
