import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Response } from 'superagent';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { Register } from '../../src/registers/register.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { postForm, registerThroughForm, signIn, type Actor } from './incoming-helpers.js';

function binary(res: Response, done: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** The workbook's text rows (cells joined by " | "), to look for titles and rows. */
async function sheetRows(buffer: Buffer): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const rows: string[] = [];
  workbook.worksheets[0].eachRow((row) => {
    const values = (row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)));
    rows.push(values.join(' | '));
  });
  return rows;
}

/** The "Số đến" column (2) of the register's data rows: rows whose first cell is a date. */
async function arrivalNumbers(buffer: Buffer): Promise<number[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const numbers: number[] = [];
  workbook.worksheets[0].eachRow((row) => {
    if (row.getCell(1).value instanceof Date) numbers.push(Number(row.getCell(2).value));
  });
  return numbers;
}

describe('secret incoming documents: their own series of the incoming register', () => {
  let ctx: TestContext;
  const year = Number(todayInVietnam().slice(0, 4));
  const period = `from=${year}-01-01&to=${year}-12-31`;

  before(async () => {
    ctx = await testApp();
  });

  async function office() {
    const agency = await buildAgency();
    const cleared = await signIn(
      ctx.app,
      await buildUser(agency, ['clerk'], { secretClearance: 3 }),
    );
    const uncleared = await signIn(ctx.app, await buildUser(agency, ['clerk']));
    return { agency, cleared, uncleared };
  }

  const numberOf = async (id: number) => (await IncomingDocument.findByPk(id))!.arrivalNumber;

  async function registerMany(clerk: Actor, secret: boolean[], tag: string) {
    const ids: number[] = [];
    for (const [i, isSecret] of secret.entries())
      ids.push(
        await registerThroughForm(clerk, {
          subject: `${tag} ${isSecret ? 'mật' : 'thường'} ${i}`,
          confidentiality: isSecret ? String(1 + (i % 3)) : '0',
        }),
      );
    return ids;
  }

  it('numbers secret documents 1, 2… in the secret series and leaves no gap in the ordinary one', async () => {
    const { agency, cleared } = await office();
    const ids = await registerMany(cleared, [false, true, false, true, false], 'Thứ tự');
    expect(await Promise.all(ids.map(numberOf))).to.deep.equal([1, 1, 2, 2, 3]);

    const registers = await Register.findAll({
      where: { agencyId: agency.id, kind: 'incoming', year },
      order: [['series', 'ASC']],
    });
    expect(registers.map((r) => [r.series, r.lastNumber, r.name])).to.deep.equal([
      ['', 3, `Sổ đăng ký văn bản đến năm ${year}`],
      ['secret', 2, `Sổ đăng ký văn bản đến mật năm ${year}`],
    ]);
    const secretDoc = await IncomingDocument.findByPk(ids[1]);
    expect(secretDoc!.registerId).to.equal(registers[1].id);

    // The form says both next numbers; the detail page names the register.
    const form = await cleared.session.agent.get('/incoming/new');
    expect(form.text).to.match(/data-testid="next-number">04</);
    expect(form.text).to.contain('sổ đăng ký văn bản đến mật (số tiếp theo: 03)');
    const detail = await cleared.session.agent.get(`/incoming/${ids[3]}`);
    expect(detail.text).to.contain(`Sổ đăng ký văn bản đến mật năm ${year}`);
  });

  it('stays gapless in both series when registrations of both kinds run at once', async () => {
    const { cleared } = await office();
    const kinds = [true, false, true, false, true, false, false, true];
    const ids = await Promise.all(
      kinds.map((isSecret, i) =>
        registerThroughForm(cleared, {
          subject: `Đồng thời ${i}`,
          confidentiality: isSecret ? '2' : '0',
        }),
      ),
    );
    const numbers = await Promise.all(ids.map(numberOf));
    const secret = numbers.filter((_, i) => kinds[i]).sort((a, b) => a - b);
    const ordinary = numbers.filter((_, i) => !kinds[i]).sort((a, b) => a - b);
    expect(secret).to.deep.equal([1, 2, 3, 4]);
    expect(ordinary).to.deep.equal([1, 2, 3, 4]);
  });

  it('prints and exports each series as its own register; an uncleared clerk sees the secret numbers as "Văn bản mật"', async () => {
    const { cleared, uncleared } = await office();
    await registerMany(cleared, [false, true, true, false, true], 'Sổ riêng');

    const secretXlsx = await cleared.session.agent
      .get(`/registers/incoming.xlsx?${period}&series=secret`)
      .buffer(true)
      .parse(binary);
    expect(secretXlsx.status).to.equal(200);
    expect(secretXlsx.headers['content-disposition']).to.contain('so-van-ban-den-secret_');
    const secretRows = await sheetRows(secretXlsx.body as Buffer);
    expect(secretRows.join('\n')).to.contain('SỔ ĐĂNG KÝ VĂN BẢN ĐẾN MẬT');
    expect(secretRows.join('\n')).to.contain('Sổ riêng mật 1');
    expect(secretRows.join('\n')).not.to.contain('Sổ riêng thường');
    expect(await arrivalNumbers(secretXlsx.body as Buffer)).to.deep.equal([1, 2, 3]);

    const ordinaryXlsx = await cleared.session.agent
      .get(`/registers/incoming.xlsx?${period}`)
      .buffer(true)
      .parse(binary);
    const ordinaryText = (await sheetRows(ordinaryXlsx.body as Buffer)).join('\n');
    expect(ordinaryText).not.to.contain('ĐẾN MẬT');
    expect(ordinaryText).not.to.contain('Sổ riêng mật');
    expect(await arrivalNumbers(ordinaryXlsx.body as Buffer)).to.deep.equal([1, 2]);

    // The same book for a clerk without clearance: every number, no content.
    const hidden = await uncleared.session.agent.get(
      `/registers?kind=incoming&series=secret&${period}`,
    );
    expect(hidden.status).to.equal(200);
    expect(hidden.text).to.contain('data-testid="register-series"');
    expect(hidden.text).to.match(/aria-current="page">Sổ mật \(văn bản mật\)</);
    expect(hidden.text.match(/>Văn bản mật<\/td>/g) ?? []).to.have.length(3);
    expect(hidden.text).not.to.contain('Sổ riêng mật');
    expect(hidden.text).to.match(/data-testid="register-total">[^<]*3/);

    const pdf = await uncleared.session.agent
      .get(`/registers/incoming.pdf?${period}&series=secret`)
      .buffer(true)
      .parse(binary);
    expect(pdf.status).to.equal(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).to.equal('%PDF-');

    const bogus = await cleared.session.agent.get(`/registers?kind=incoming&series=normative:QĐ`);
    expect(bogus.status).to.equal(422);
  });

  it('refuses moving a registered document between the ordinary and the secret series, next to the field', async () => {
    const { cleared } = await office();
    const [ordinary, secret] = await registerMany(cleared, [false, true], 'Đổi độ mật');
    const fields = {
      fromOrganName: 'Sở Tài chính tỉnh Thử',
      documentType: 'CV',
      subject: 'Đổi độ mật',
      urgency: '0',
    };
    const up = await postForm(cleared, `/incoming/${ordinary}/edit`, {
      ...fields,
      confidentiality: '1',
    });
    expect(up.status).to.equal(422);
    expect(up.text).to.match(
      /id="confidentiality-error">Không thể đổi giữa văn bản thường và văn bản mật sau khi vào sổ/,
    );
    expect((await IncomingDocument.findByPk(ordinary))!.confidentiality).to.equal(0);
    const down = await postForm(cleared, `/incoming/${secret}/edit`, {
      ...fields,
      confidentiality: '0',
    });
    expect(down.status).to.equal(422);
    // Within the secret series the level may be corrected.
    const within = await postForm(cleared, `/incoming/${secret}/edit`, {
      ...fields,
      confidentiality: '3',
    });
    expect(within.status, within.text.slice(0, 300)).to.equal(303);
    expect((await IncomingDocument.findByPk(secret))!.confidentiality).to.equal(3);
  });
});
