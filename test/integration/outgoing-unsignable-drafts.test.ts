import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { checkUpload } from '../../src/files/file-storage.service.js';
import { AppError } from '../../src/http/app-error.js';
import { addMainVersion, createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';
import { HELVETICA, appendUpdate, rawPdf, rawStream } from '../unit/signing/helpers/raw-pdf.js';
import { drawsUnlisted } from '../unit/signing/helpers/unlisted.js';

const text = (words: string) => rawStream(`BT /F1 24 Tf 72 700 Td (${words}) Tj ET`);

/** One page saying `words`, made by hand (object 4 is its content). */
const onePage = (words: string) =>
  rawPdf(
    {
      1: '<< /Type /Catalog /Pages 2 0 R >>',
      2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      3: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      4: text(words),
      5: HELVETICA,
    },
    '/Root 1 0 R',
  );

/**
 * A draft whose readers disagree: a second body of the page content inside the file's bytes,
 * which pdf.js and poppler take when they rebuild the file (the verifier's SHADOW_OBJECT).
 */
const ambiguousDraft = () =>
  appendUpdate(
    Buffer.concat([
      onePage('DU THAO GOC'),
      Buffer.from(`\n4 0 obj\n${text('NOI DUNG KHAC')}\nendobj\n`, 'latin1'),
    ]),
    { objects: { 6: '<< /Producer (x) >>' } },
  );

/**
 * A draft whose page also draws object 50, which no xref section lists, while a body of it lies
 * in the file: poppler rebuilds the file and prints it (the verifier's REFERENCE_AMBIGUOUS).
 */
const unlistedDraft = () => drawsUnlisted(onePage('DU THAO GOC'), 50, { plant: true });

/** The same page encrypted by qpdf with an owner password only (opens without one). */
function encryptedDraft(): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-encrypted-'));
  writeFileSync(path.join(dir, 'in.pdf'), onePage('DU THAO MA HOA'));
  execFileSync('qpdf', [
    '--encrypt',
    '',
    'chu-so-huu',
    '256',
    '--',
    path.join(dir, 'in.pdf'),
    path.join(dir, 'out.pdf'),
  ]);
  return readFileSync(path.join(dir, 'out.pdf'));
}

describe('outgoing drafts the signing engine could not sign are refused on upload', function () {
  this.timeout(60_000);

  it('refuses an ambiguous or encrypted draft on the form with its reason, saving nothing; the same bytes stay fine as an incoming document', async () => {
    const { app } = await testApp();
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    const specialist = await buildUser(agency, ['specialist'], { departmentId: department.id });
    const session = await loginAs(app, specialist);
    const token = await session.csrf();
    const before = await OutgoingDocument.count({ where: { agencyId: agency.id } });
    const cases: [string, Buffer, string][] = [
      ['mo-ho.pdf', ambiguousDraft(), 'có cấu trúc mơ hồ'],
      ['khong-liet-ke.pdf', unlistedDraft(), 'có cấu trúc mơ hồ'],
      ['ma-hoa.pdf', encryptedDraft(), 'không ký số được'],
    ];
    for (const [name, bytes, reason] of cases) {
      const res = await session.agent
        .post(`/outgoing?_csrf=${encodeURIComponent(token)}`)
        .field('documentType', 'QĐ')
        .field('subject', 'Về việc thử tệp không ký được')
        .attach('files', bytes, name);
      expect(res.status, name).to.equal(422);
      expect(res.text, name).to.contain(reason);
      expect(res.text, name).to.contain(name);
      expect(res.text).not.to.match(/at .*\.ts:\d+/);
    }
    expect(await OutgoingDocument.count({ where: { agencyId: agency.id } })).to.equal(before);
    // Not remembered as hostile: registered as received, the same files are read as usual.
    for (const [name, bytes] of cases) {
      const checked = await checkUpload(bytes, name);
      expect(checked.pageCount, name).to.equal(1);
    }
  });

  it('refuses an ambiguous new version of a draft (422 FILE_PDF_AMBIGUOUS), keeping the draft as it was', async () => {
    await testApp();
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    const drafter = await buildUser(agency, ['specialist'], { departmentId: department.id });
    const who = { user: drafter, ip: null };
    const draft = await createDraft(
      DraftFieldsSchema.parse({ documentType: 'CV', subject: 'V/v thử phiên bản' }),
      { main: { buffer: onePage('PHIEN BAN 1'), originalName: 'v1.pdf' } },
      who,
    );
    const err = await addMainVersion(
      draft.id,
      { buffer: ambiguousDraft(), originalName: 'v2.pdf' },
      who,
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).code).to.equal('FILE_PDF_AMBIGUOUS');
    expect((err as AppError).status).to.equal(422);
  });
});
