import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { readStoredFile } from '../../src/files/file-storage.service.js';
import { AppError } from '../../src/http/app-error.js';
import { Notification } from '../../src/notifications/notification.model.js';
import {
  formatIssueDate,
  issuanceQueue,
  issueOutgoing,
  numberTextFor,
  placeFromAddress,
  printedNotation,
  sameNotation,
} from '../../src/outgoing/outgoing.issue.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { commitSignature } from '../../src/outgoing/outgoing.signing.js';
import { NumberReservation } from '../../src/registers/number-reservation.model.js';
import { db } from '../../src/db/index.js';
import { withTransaction } from '../../src/db/transaction.js';
import { attachFiles } from '../../src/documents/document-files.js';
import { caPaths } from '../../src/pki/index.js';
import { Register } from '../../src/registers/register.model.js';
import { verifyPdf } from '../../src/signing/index.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { enrolSealForTest } from '../helpers/signing-keys.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import {
  draftPdf,
  leaderSign,
  signedDocument,
  useProductionPdfCheckHeap,
} from './outgoing-issue-fixtures.js';
import { notificationText } from '../../src/notifications/notification-text.js';

const hasTool = (tool: string) => spawnSync('which', [tool]).status === 0;

function withFile<T>(pdf: Buffer, fn: (file: string) => T): T {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'issue-')), 'doc.pdf');
  writeFileSync(file, pdf);
  return fn(file);
}

/**
 * Page 1's text in content order (-raw): the seal's annotations come after the page's own text,
 * so each stamped line reads whole even where it lies over the draft's placeholder text.
 */
const pdftotext = (pdf: Buffer) =>
  withFile(pdf, (file) => {
    const r = spawnSync('pdftotext', ['-raw', '-f', '1', '-l', '1', '-enc', 'UTF-8', file, '-'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
    return r.stdout.normalize('NFC');
  });

/** pdfsig's "Signature Validation" line for each signature (no trust store: only the bytes). */
const pdfsigValidations = (pdf: Buffer) =>
  withFile(pdf, (file) => {
    const r = spawnSync('pdfsig', ['-no-ocsp', file], { encoding: 'utf8' });
    return [...(r.stdout + r.stderr).matchAll(/- Signature Validation: (.*)/g)].map((m) =>
      m[1]!.trim(),
    );
  });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(AppError);
    return e as AppError;
  }
  return expect.fail('expected a refusal');
}

async function issuedFiles(id: number) {
  return DocumentFile.findAll({
    where: { documentKind: 'outgoing', documentId: id, role: 'signed' },
    include: [{ model: StoredFile, as: 'file' }],
    order: [['id', 'ASC']],
  });
}

describe('issuing outgoing documents (number, seal, attachments)', function () {
  this.timeout(60_000);
  useProductionPdfCheckHeap();
  let ctx: TestContext;
  let agency: Agency;
  let department: Department;
  let clerk: User;
  let leader: User;
  let drafter: User;
  let draft: Buffer;
  let leaderSigned: Buffer;

  before(async () => {
    ctx = await testApp();
    agency = await buildAgency({ address: '12 Lê Lai, Quận Hoàn Kiếm, TP. Hà Nội' });
    department = await buildDepartment(agency, { abbreviation: 'VX' });
    clerk = await buildUser(agency, ['clerk']);
    leader = await buildUser(agency, ['leader']);
    drafter = await buildUser(agency, ['specialist'], { departmentId: department.id });
    await enrolSealForTest(agency.id);
    draft = await draftPdf();
    leaderSigned = await leaderSign(draft, leader);
  });

  const actor = (user: User) => ({ user, ip: '127.0.0.1' });
  const make = (fields: Partial<OutgoingDocument['_creationAttributes']> = {}, attachments = 0) =>
    Promise.all(Array.from({ length: attachments }, () => draftPdf({ title: 'PHỤ LỤC' }))).then(
      (files) =>
        signedDocument({
          agency,
          department,
          drafter,
          leader,
          draft,
          leaderSigned,
          attachments: files,
          fields,
        }),
    );
  const agencyCa = () => new X509Certificate(readFileSync(caPaths(ctx.config.certsDir).cert));

  it('numbers, seals and records the document; the leader’s signature stays valid (our verifier, pdfsig) and pdftotext reads the number and date', async () => {
    const doc = await make({}, 1);
    const issued = await issueOutgoing(doc.id, {}, actor(clerk));
    expect(issued.status).to.equal('issued');
    const row = await OutgoingDocument.findByPk(doc.id);
    expect(row!.status).to.equal('issued');
    expect(row!.codeNotation).to.equal('QĐ-UBND');
    expect(row!.series).to.equal('');
    expect(row!.codeNumber).to.be.a('number').and.at.least(1);
    expect(String(row!.promulgationDate).slice(0, 10)).to.equal(todayInVietnam());
    expect(row!.issuedById).to.equal(clerk.id);
    expect(row!.issuedAt).to.be.instanceOf(Date);
    const register = await Register.findByPk(row!.registerId!);
    expect(register).to.include({ agencyId: agency.id, kind: 'outgoing', series: '' });
    expect(register!.lastNumber).to.equal(row!.codeNumber);

    const files = await issuedFiles(doc.id);
    // The leader's revision, the sealed main file, the signed attachment.
    expect(files).to.have.length(3);
    const [leaderRow, sealedRow, attachmentRow] = files;
    expect(sealedRow!.signedFromId).to.equal(leaderRow!.id);
    const attachment = await DocumentFile.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id, role: 'attachment' },
    });
    expect(attachmentRow!.signedFromId).to.equal(attachment!.id);

    const sealed = await readStoredFile(sealedRow!.file!);
    expect(sealed.subarray(0, leaderSigned.length).equals(leaderSigned)).to.equal(true);
    const report = verifyPdf(sealed, { trustAnchors: [agencyCa().raw] });
    expect(report.signatures).to.have.length(2);
    expect(report.signatures.map((s) => s.valid)).to.deep.equal([true, true]);
    expect(report.valid, JSON.stringify(report.problems)).to.equal(true);
    const attachmentReport = verifyPdf(await readStoredFile(attachmentRow!.file!), {
      trustAnchors: [agencyCa().raw],
    });
    expect(attachmentReport.valid).to.equal(true);

    const number = String(row!.codeNumber).padStart(2, '0');
    if (!hasTool('pdftotext') || !hasTool('pdfsig')) {
      if (process.env.CI) throw new Error('poppler-utils are required in CI');
      return;
    }
    const validations = pdfsigValidations(sealed);
    expect(validations).to.deep.equal(['Signature is Valid.', 'Signature is Valid.']);
    const text = pdftotext(sealed);
    expect(text).to.include(`${number} Hà Nội, ${formatIssueDate(todayInVietnam())}`);
    expect(text).to.include(`Hà Nội, ${formatIssueDate(todayInVietnam())}`);
    const attachmentText = pdftotext(await readStoredFile(attachmentRow!.file!));
    expect(attachmentText).to.include(`${number}/QĐ-UBND`);
    expect(attachmentText).to.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00/);
  });

  it('shows the issued document’s signed files for what they are, and no empty actions panel', async () => {
    const doc = await make({}, 1);
    await issueOutgoing(doc.id, {}, actor(clerk));
    const files = await issuedFiles(doc.id);
    const page = await (await loginAs(ctx.app, clerk)).agent.get(`/outgoing/${doc.id}`);
    expect(page.status).to.equal(200);
    const signed = /data-testid="signed-files">([\s\S]*?)<\/ul>/.exec(page.text)![1]!;
    const kinds = [
      ...signed.matchAll(
        /<li data-kind="(\w+)"><a href="[^"]*\/files\/(\d+)">[^<]*<\/a> <span class="tag">([^<]*)</g,
      ),
    ];
    expect(kinds.map((k) => [Number(k[2]), k[1], k[3]])).to.deep.equal([
      [files[0]!.id, 'leader', 'Bản lãnh đạo đã ký số'],
      [files[1]!.id, 'issued', 'Bản phát hành: đã cấp số, ký số của cơ quan'],
      [files[2]!.id, 'attachment', 'Phụ lục đã ký số'],
    ]);
    // Nothing is left to do on it here (its recall is with its recipients): no "Xử lý" panel.
    expect(page.text).not.to.contain('id="actions-title"');
  });

  it('names the issued copy with its number, apart from the leader’s signed copy, safely in the download header', async () => {
    const doc = await make({}, 1);
    await issueOutgoing(doc.id, {}, actor(clerk));
    const row = (await OutgoingDocument.findByPk(doc.id))!;
    const number = String(row.codeNumber).padStart(2, '0');
    const [leaderRow, sealedRow, attachmentRow] = await issuedFiles(doc.id);
    expect(leaderRow!.originalName).to.equal('quyet-dinh.signed.pdf');
    expect(sealedRow!.originalName).to.equal(`quyet-dinh-${number}-QĐ-UBND.pdf`);
    expect(attachmentRow!.originalName).to.equal(`phu-luc-1-${number}-QĐ-UBND.pdf`);
    const { agent } = await loginAs(ctx.app, clerk);
    const download = async (fileId: number) =>
      String(
        (await agent.get(`/outgoing/${doc.id}/files/${fileId}?download=1`)).headers[
          'content-disposition'
        ],
      );
    expect(await download(sealedRow!.id)).to.equal(
      `attachment; filename="quyet-dinh-${number}-QD-UBND.pdf"; ` +
        `filename*=UTF-8''quyet-dinh-${number}-Q%C4%90-UBND.pdf`,
    );
    expect(await download(leaderRow!.id)).to.include('filename="quyet-dinh.signed.pdf"');
    // A name with quotes and a line break stays one header value.
    await leaderRow!.update({ originalName: 'a"b\r\nSet-Cookie: x=1.pdf' });
    const hostile = await agent.get(`/outgoing/${doc.id}/files/${leaderRow!.id}`);
    expect(hostile.headers['set-cookie'] ?? []).to.not.satisfy((c: string[]) =>
      c.some((v) => v.startsWith('x=')),
    );
    expect(String(hostile.headers['content-disposition'])).to.equal(
      `inline; filename="a-b-Set-Cookie-x-1.pdf"; filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x%3D1.pdf`,
    );
  });

  it('records the trail event and the audit row, and notifies the drafter and the signer', async () => {
    const doc = await make();
    await issueOutgoing(doc.id, {}, actor(clerk));
    const row = (await OutgoingDocument.findByPk(doc.id))!;
    // Issued, then sent: the issuance writes both trail events in one INSERT, in that order.
    const events = await DocumentEvent.findAll({
      where: { documentKind: 'outgoing', documentId: doc.id },
      order: [['id', 'ASC']],
    });
    const [issued, sent] = events.slice(-2);
    expect([issued!.action, sent!.action]).to.deep.equal(['issue', 'dispatch']);
    expect([issued!.actorId, sent!.actorId]).to.deep.equal([clerk.id, clerk.id]);
    expect(issued!.note).to.equal(null);
    expect(JSON.parse(issued!.data!)).to.deep.equal({
      registerId: row.registerId,
      series: row.series,
      codeNumber: row.codeNumber,
      codeNotation: row.codeNotation,
      attachments: 0,
    });
    const audits = await AuditLog.findAll({
      where: { entityType: 'outgoing', entityId: String(doc.id) },
      order: [['id', 'ASC']],
    });
    expect(audits.slice(-2).map((a) => a.action)).to.deep.equal([
      'outgoing.issue',
      'outgoing.dispatch',
    ]);
    expect(audits.at(-2)!.userId).to.equal(clerk.id);
    const notified = await Notification.findAll({
      where: { kind: 'outgoing.issued', link: `/outgoing/${doc.id}` },
    });
    expect(notified.map((n) => n.userId).sort()).to.deep.equal([drafter.id, leader.id].sort());
    expect(notificationText(notified[0]!, 'vi')).to.include(`/${row.codeNotation}`);
  });

  it('gives back a number taken by a failed issuance: the next issuance gets that same number', async () => {
    const [a, b] = [await make(), await make()];
    const register = await Register.findOne({
      where: { agencyId: agency.id, kind: 'outgoing', series: '' },
    });
    const before = register?.lastNumber ?? 0;
    let failed = 0;
    const err = await issueOutgoing(a.id, {}, actor(clerk), {
      failAfterNumber: async () => {
        failed += 1;
        throw new AppError('INJECTED', 500);
      },
    }).catch((e: unknown) => e);
    expect((err as AppError).code).to.equal('INJECTED');
    expect(failed).to.equal(1);
    const untouched = (await OutgoingDocument.findByPk(a.id))!;
    expect(untouched.status).to.equal('signed');
    expect(untouched.codeNumber).to.equal(null);
    expect(await issuedFiles(a.id)).to.have.length(1);
    const issued = await issueOutgoing(b.id, {}, actor(clerk));
    expect(issued.codeNumber).to.equal(before + 1);
  });

  it('refuses an issuance whose leader-signed file changed while it sealed (409), giving its number back', async () => {
    const doc = await make();
    const err = await issueOutgoing(doc.id, {}, actor(clerk), {
      // Another signed revision arrives between the seal and the issuance's transaction.
      failAfterSeal: async () => {
        const leaderRow = (await DocumentFile.findOne({
          where: { documentKind: 'outgoing', documentId: doc.id, role: 'signed' },
        }))!;
        await DocumentFile.create({
          documentKind: 'outgoing',
          documentId: doc.id,
          fileId: leaderRow.fileId,
          originalName: 'ky-lai.signed.pdf',
          role: 'signed',
          signedFromId: leaderRow.signedFromId,
        });
      },
    }).catch((e: unknown) => e);
    expect((err as AppError).code).to.equal('OUTGOING_FILES_CHANGED');
    expect((err as AppError).status).to.equal(409);
    const row = (await OutgoingDocument.findByPk(doc.id))!;
    expect([row.status, row.codeNumber]).to.deep.equal(['signed', null]);
    expect(
      await NumberReservation.count({ where: { documentKind: 'outgoing', documentId: doc.id } }),
    ).to.equal(0);
  });

  it('refuses a signature of a version that is no longer the latest (409) and takes the latest', async () => {
    const doc = await make({ status: 'in_approval', signedAt: null });
    const v1 = (await DocumentFile.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id, role: 'main' },
    }))!;
    const [v2] = await withTransaction(db(), undefined, (transaction) =>
      attachFiles(
        { kind: 'outgoing', id: doc.id },
        [{ fileId: v1.fileId, originalName: 'quyet-dinh-v2.pdf', role: 'main' }],
        transaction,
      ),
    );
    const stale = await commitSignature(
      doc.id,
      v1,
      leaderSigned,
      'server-key',
      actor(leader),
    ).catch((e: unknown) => e);
    expect((stale as AppError).code).to.equal('OUTGOING_VERSION_CHANGED');
    expect((await OutgoingDocument.findByPk(doc.id))!.status).to.equal('in_approval');
    await commitSignature(doc.id, v2!, leaderSigned, 'server-key', actor(leader));
    expect((await OutgoingDocument.findByPk(doc.id))!.status).to.equal('signed');
  });

  it('numbers secret and normative documents in their own series, with the normative symbol carrying the year', async () => {
    const cleared = await buildUser(agency, ['clerk'], { secretClearance: 1 });
    const secretDoc = await make({ confidentiality: 1 });
    // A clerk not cleared for it does not see it.
    expect((await refusal(issueOutgoing(secretDoc.id, {}, actor(clerk)))).status).to.equal(404);
    const secret = await issueOutgoing(secretDoc.id, {}, actor(cleared));
    expect(secret.series).to.equal('secret');
    expect(secret.codeNumber).to.equal(1);
    const normative = await issueOutgoing((await make({ normative: true })).id, {}, actor(clerk));
    expect(normative.series).to.equal('normative:QĐ');
    expect(normative.codeNumber).to.equal(1);
    expect(normative.codeNotation).to.equal(`${todayInVietnam().slice(0, 4)}/QĐ-UBND`);
  });

  it('writes a công văn’s symbol with the drafting unit and the whole "Số: …" where the draft has no number line', async () => {
    const plain = await draftPdf({
      number: 'V/v thử nghiệm',
      date: 'Hà Nội, ngày      tháng      năm 20   ',
    });
    const signed = await leaderSign(plain, leader);
    const doc = await signedDocument({
      agency,
      department,
      drafter,
      leader,
      draft: plain,
      leaderSigned: signed,
      fields: { documentType: 'CV', placeName: null },
    });
    const issued = await issueOutgoing(
      doc.id,
      { number: { page: 1, rect: [60, 700, 200, 20] } },
      actor(clerk),
    );
    expect(issued.codeNotation).to.equal('UBND-VX');
    const sealed = await readStoredFile((await issuedFiles(doc.id))[1]!.file!);
    expect(verifyPdf(sealed, { trustAnchors: [agencyCa().raw] }).valid).to.equal(true);
    if (!hasTool('pdftotext')) return;
    const text = pdftotext(sealed);
    expect(text).to.include(`Số: ${String(issued.codeNumber).padStart(2, '0')}/UBND-VX`);
    // No place name on the draft: the city of the agency's address.
    expect(text).to.include(`Hà Nội, ${formatIssueDate(todayInVietnam())}`);
  });

  it('refuses a document without a number placeholder unless the clerk places it, taking no number', async () => {
    const plain = await draftPdf({ number: 'V/v thử nghiệm' });
    const doc = await signedDocument({
      agency,
      department,
      drafter,
      leader,
      draft: plain,
      leaderSigned: await leaderSign(plain, leader),
    });
    const register = await Register.findOne({
      where: { agencyId: agency.id, kind: 'outgoing', series: '' },
    });
    const err = await refusal(issueOutgoing(doc.id, {}, actor(clerk)));
    expect(err.status).to.equal(422);
    expect(err.fields).to.have.property('number');
    await register!.reload();
    const after = await Register.findByPk(register!.id);
    expect(after!.lastNumber).to.equal(register!.lastNumber);
  });

  it('refuses issuance by a non-clerk, of a document not signed, and of one already issued', async () => {
    const doc = await make();
    expect((await refusal(issueOutgoing(doc.id, {}, actor(leader)))).status).to.equal(403);
    const other = await buildAgency();
    const foreignClerk = await buildUser(other, ['clerk']);
    expect((await refusal(issueOutgoing(doc.id, {}, actor(foreignClerk)))).status).to.equal(404);
    const draftDoc = await make({ status: 'in_approval' });
    expect((await refusal(issueOutgoing(draftDoc.id, {}, actor(clerk)))).status).to.equal(403);
    await issueOutgoing(doc.id, {}, actor(clerk));
    expect((await refusal(issueOutgoing(doc.id, {}, actor(clerk)))).status).to.equal(403);
  });

  it('refuses a signed document whose signed file signs an older version', async () => {
    const doc = await make();
    const main = await DocumentFile.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id, role: 'main' },
    });
    await DocumentFile.create({
      documentKind: 'outgoing',
      documentId: doc.id,
      fileId: main!.fileId,
      originalName: 'v2.pdf',
      role: 'main',
      version: 2,
    });
    expect((await refusal(issueOutgoing(doc.id, {}, actor(clerk)))).code).to.equal(
      'OUTGOING_NOT_SIGNED',
    );
  });

  it('lists the clerk’s queue urgent first, flagging a document signed before the previous working day as late', async () => {
    const queueAgency = await buildAgency();
    const queueClerk = await buildUser(queueAgency, ['clerk']);
    const base = {
      agencyId: queueAgency.id,
      departmentId: null,
      documentType: 'QĐ',
      subject: 'Hàng đợi',
      summary: null,
      urgentDeliverBy: null,
      confidentiality: 0,
      normative: false,
      signerId: leader.id,
      signingForm: '' as const,
      signerTitle: null,
      recipientsNote: null,
      placeName: null,
      status: 'signed' as const,
      relatedId: null,
      relation: null,
      createdById: drafter.id,
    };
    // Monday 7 December 2026: Friday the 4th is the previous working day, Thursday the 3rd is late.
    const now = new Date('2026-12-07T03:00:00Z');
    const thursday = await OutgoingDocument.create({
      ...base,
      urgency: 0,
      signedAt: new Date('2026-12-03T03:00:00Z'),
    });
    const friday = await OutgoingDocument.create({
      ...base,
      urgency: 0,
      signedAt: new Date('2026-12-04T09:00:00Z'),
    });
    const urgent = await OutgoingDocument.create({
      ...base,
      urgency: 2,
      signedAt: new Date('2026-12-07T01:00:00Z'),
    });
    await OutgoingDocument.create({ ...base, urgency: 0, status: 'issued', signedAt: now });
    const queue = await issuanceQueue(queueClerk, now);
    expect(queue.map((q) => [q.document.id, q.urgent, q.late])).to.deep.equal([
      [urgent.id, true, false],
      [thursday.id, false, true],
      [friday.id, false, false],
    ]);
    expect(await issuanceQueue(leader, now)).to.deep.equal([]);
  });
});

describe('issuance text rules', () => {
  it('writes days below 10 and January and February with a leading zero (Decree 30 Appendix I)', () => {
    expect(formatIssueDate('2026-12-04')).to.equal('ngày 04 tháng 12 năm 2026');
    expect(formatIssueDate('2026-02-15')).to.equal('ngày 15 tháng 02 năm 2026');
    expect(formatIssueDate('2026-03-09')).to.equal('ngày 09 tháng 3 năm 2026');
  });

  it('writes the number only where the draft already prints the symbol', () => {
    expect(numberTextFor('Số:      /QĐ-UBND\tHà Nội', '15', 'QĐ-UBND')).to.equal('15');
    expect(numberTextFor('Số: ........', '15', 'QĐ-UBND')).to.equal('15/QĐ-UBND');
    expect(numberTextFor('V/v thử nghiệm', '05', 'UBND-VX')).to.equal('Số: 05/UBND-VX');
  });

  it('reads the symbol a draft prints after "Số:", and compares it as a clerk would', () => {
    expect(printedNotation('Số:      /QĐ-UBND\tHà Nội, ngày')).to.equal('QĐ-UBND');
    expect(printedNotation('Số: 15/UBND-NV\n')).to.equal('UBND-NV');
    expect(printedNotation('Số: ........')).to.equal(null);
    expect(printedNotation('V/v thử nghiệm')).to.equal(null);
    expect(sameNotation('qđ-ubnd', 'QĐ-UBND')).to.equal(true);
    expect(sameNotation('UBND - TCKH', 'UBND-TCKH')).to.equal(true);
    expect(sameNotation('UBND-NV', 'UBND-TCKH')).to.equal(false);
  });

  it('takes the place from the last part of the agency address', () => {
    expect(placeFromAddress('12 Lê Lai, Quận 1, TP. Hồ Chí Minh')).to.equal('Hồ Chí Minh');
    expect(placeFromAddress('Xã A, Tỉnh Nghệ An')).to.equal('Nghệ An');
    expect(placeFromAddress(null)).to.equal(null);
  });
});
