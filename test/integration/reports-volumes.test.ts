import { expect } from 'chai';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { Register } from '../../src/registers/register.model.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';
import { testApp } from '../helpers/test-app.js';
import { download, sheetTexts } from '../helpers/xlsx-export.js';

let arrival = 0;
/** An incoming document registered by `clerk` on the day given. */
async function buildIncoming(
  agency: Agency,
  clerk: User,
  fields: { documentType: string; arrivalDate: Date },
) {
  const [register] = await Register.findOrCreate({
    where: { agencyId: agency.id, kind: 'incoming', year: 2026 },
    defaults: {
      agencyId: agency.id,
      kind: 'incoming',
      year: 2026,
      name: 'Sổ văn bản đến 2026',
      lastNumber: 0,
    },
  });
  arrival += 1;
  return IncomingDocument.create({
    agencyId: agency.id,
    registerId: register.id,
    arrivalNumber: arrival,
    fromOrganName: 'Sở Nội vụ',
    subject: `Văn bản đến ${arrival}`,
    status: 'registered',
    createdById: clerk.id,
    ...fields,
  } as never);
}

/** The figures of the volume table: type → [incoming, outgoing, total]. */
function tableOf(html: string): Record<string, number[]> {
  const rows: Record<string, number[]> = {};
  for (const m of html.matchAll(/<tr data-type="([^"]+)">([\s\S]*?)<\/tr>/g))
    rows[m[1]!] = [...m[2]!.matchAll(/>(\d+)</g)].map((n) => Number(n[1]));
  return rows;
}
const unescape = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

describe('the volume report: incoming registered and outgoing issued, by type', function () {
  this.timeout(60_000);

  it('counts the agency’s documents of the period by type, draws them, exports them and opens the lists behind each figure', async () => {
    const { app } = await testApp();
    const agency = await buildAgency();
    const other = await buildAgency();
    const clerk = await buildUser(agency, ['clerk'], { secretClearance: 3 });
    const specialist = await buildUser(agency, ['specialist']);
    const at = (iso: string) => new Date(`${iso}T09:00:00+07:00`);
    // March 2026: 3 decisions and a plan received, a decision issued; one of each outside it.
    for (const [type, day] of [
      ['QĐ', '2026-03-02'],
      ['QĐ', '2026-03-15'],
      ['QĐ', '2026-03-31'],
      ['KH', '2026-03-20'],
      ['QĐ', '2026-04-01'],
    ] as const)
      await buildIncoming(agency, clerk, { documentType: type, arrivalDate: at(day) });
    await buildIncoming(other, await buildUser(other, ['clerk']), {
      documentType: 'QĐ',
      arrivalDate: at('2026-03-10'),
    });
    const base = { agencyId: agency.id, createdById: clerk.id, subject: 'Văn bản đi' };
    await OutgoingDocument.bulkCreate([
      {
        ...base,
        documentType: 'QĐ',
        status: 'issued',
        codeNumber: 1,
        codeNotation: 'QĐ-UBND',
        promulgationDate: '2026-03-05',
      },
      {
        ...base,
        documentType: 'CV',
        status: 'recalled',
        codeNumber: 2,
        codeNotation: 'UBND-VP',
        promulgationDate: '2026-03-06',
      },
      {
        ...base,
        documentType: 'CV',
        status: 'issued',
        codeNumber: 3,
        codeNotation: 'UBND-VP',
        promulgationDate: '2026-02-28',
      },
      { ...base, documentType: 'QĐ', status: 'draft' },
    ] as never[]);

    const session = await loginAs(app, clerk);
    const page = await session.agent.get('/reports/volumes?period=month&year=2026&month=3');
    expect(page.status).to.equal(200);
    expect(tableOf(page.text)).to.deep.equal({ QĐ: [3, 1, 4], KH: [1, 0, 1], CV: [0, 1, 1] });
    expect(page.text).to.contain('data-testid="volumes-chart"');
    expect(page.text).to.match(/data-testid="volumes-total">[\s\S]*?>4<[\s\S]*?>2<[\s\S]*?>6</);
    expect(
      await AuditLog.count({ where: { action: 'report.volumes.view', userId: clerk.id } }),
    ).to.equal(1);

    // A figure opens exactly its documents on the list.
    const link = /<tr data-type="QĐ">[\s\S]*?href="([^"]+)" data-kind="incoming"/.exec(
      unescape(page.text),
    )![1]!;
    const listed = await session.agent.get(link);
    expect(listed.status).to.equal(200);
    expect(/data-testid="total">([^<]*)</.exec(listed.text)![1]).to.equal('Tổng số: 3 văn bản');
    const outgoingLink = /<tr data-type="CV">[\s\S]*?href="([^"]+)" data-kind="outgoing"/.exec(
      unescape(page.text),
    )![1]!;
    const issued = await session.agent.get(outgoingLink);
    expect(/data-testid="total">([^<]*)</.exec(issued.text)![1]).to.equal('Tổng số: 1 văn bản');

    const xlsx = await download(
      session.agent,
      '/reports/volumes.xlsx?period=month&year=2026&month=3',
    );
    expect(xlsx.status).to.equal(200);
    const texts = (await sheetTexts(xlsx.body as Buffer)).join(' | ');
    expect(texts).to.contain('Quyết định').and.contain('Kế hoạch').and.contain('Công văn');
    expect(
      await AuditLog.count({ where: { action: 'report.volumes.export', userId: clerk.id } }),
    ).to.equal(1);

    // Not a specialist's report; a period that is not one is refused in Vietnamese.
    const refused = await (await loginAs(app, specialist)).agent.get('/reports/volumes');
    expect(refused.status).to.equal(403);
    const bad = await session.agent.get('/reports/volumes?period=custom&from=31/02/2026&to=x');
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('id="r-from-error"').and.contain('id="r-to-error"');
    expect(bad.text).to.contain('Không có ngày này trong lịch');
    const empty = await session.agent.get('/reports/volumes?period=year&year=2001');
    expect(empty.text).to.contain('Trong kỳ này không có văn bản');
  });
});
