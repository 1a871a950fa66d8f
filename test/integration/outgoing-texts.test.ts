import { expect } from 'chai';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { db } from '../../src/db/index.js';
import { DocumentJob } from '../../src/documents/document-job.model.js';
import { listOutgoing } from '../../src/outgoing/outgoing.list.js';
import { addAttachments, addMainVersion, createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import {
  dropOlderMainTexts,
  indexOutgoingTexts,
  OUTGOING_TEXT_JOB,
} from '../../src/outgoing/outgoing.texts.js';
import { readDocumentTexts } from '../../src/documents/document-texts.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { testApp } from '../helpers/test-app.js';

const idsOn = (html: string) =>
  [...html.matchAll(/data-testid="outgoing-row-(\d+)"/g)].map((m) => Number(m[1]));

/**
 * SPEC 3.6: search "over metadata and document text" for outgoing documents too. The text of a
 * draft's main file (its current version) and attachments is read after upload by a background
 * job; each typed word is then found in the fields or in that text.
 */
describe('outgoing search reads the text of the files', function () {
  this.timeout(120_000);
  let app: Awaited<ReturnType<typeof testApp>>['app'];
  let drafter: User;
  let stranger: User;

  before(async () => {
    ({ app } = await testApp());
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    drafter = await buildUser(agency, ['specialist'], { departmentId: department.id });
    const elsewhere = await buildDepartment(agency);
    stranger = await buildUser(agency, ['specialist'], { departmentId: elsewhere.id });
  });

  const draft = async (subject: string, body: string, attachment?: string) =>
    createDraft(
      DraftFieldsSchema.parse({ documentType: 'CV', subject }),
      {
        main: { buffer: await makePdf(1, body), originalName: 'du-thao.pdf' },
        attachments: attachment
          ? [{ buffer: await makePdf(1, attachment), originalName: 'phu-luc.pdf' }]
          : [],
      },
      { user: drafter, ip: null },
    );
  const found = async (user: User, q: string) =>
    (await listOutgoing(user, 'all', 100, { q })).map((r) => r.document.id);

  it('finds a draft by the words of its file and of its attachments once the job read them', async () => {
    const doc = await draft(
      'V/v tổ chức hội nghị',
      'Phuong an ung pho bao so 9 tai vung ven bien',
      'Danh sach ho dan can di doi khan cap',
    );
    // The reading is queued with the draft, and nothing is found by the files' words before.
    const job = await DocumentJob.findOne({
      where: { kind: OUTGOING_TEXT_JOB, documentKind: 'outgoing', documentId: doc.id },
    });
    expect(job?.status).to.equal('queued');
    expect(await found(drafter, 'ung pho bao')).to.deep.equal([]);
    const session = await loginAs(app, drafter);
    // Its page says the files are being read.
    const reading = await session.agent.get(`/outgoing/${doc.id}`);
    expect(reading.text).to.include('data-testid="text-status">Đang đọc nội dung các tệp');

    expect(await indexOutgoingTexts(doc.id)).to.equal(2);
    expect(await indexOutgoingTexts(doc.id)).to.equal(0); // read once
    expect(await found(drafter, 'UNG PHÓ BÃO ven biển')).to.deep.equal([doc.id]);
    // A word of the fields and a word of the attachment together.
    expect(await found(drafter, 'hội nghị di doi')).to.deep.equal([doc.id]);
    expect(await found(drafter, 'hoi nghi khong co')).to.deep.equal([]);
    // Someone who may not see the draft does not find it by its text either.
    expect(await found(stranger, 'ung pho bao')).to.deep.equal([]);
    // Each reading is audited.
    expect(
      await AuditLog.count({
        where: { action: 'outgoing.text_extract', entityId: String(doc.id) },
      }),
    ).to.equal(2);

    // Its page shows what was read, file by file.
    const read = await session.agent.get(`/outgoing/${doc.id}`);
    await DocumentJob.update({ status: 'done' }, { where: { id: job!.id } });
    const done = await session.agent.get(`/outgoing/${doc.id}`);
    for (const page of [read, done])
      expect(page.text).to.match(
        /data-testid="document-texts"[\s\S]*du-thao\.pdf[\s\S]*Phuong an ung pho bao so 9[\s\S]*phu-luc\.pdf[\s\S]*Danh sach ho dan/,
      );
    expect(done.text).not.to.include('data-testid="text-status"');
    // Through the list page, the export's filter and the API alike (one definition).
    const page = await session.agent.get('/outgoing').query({ tab: 'all', q: 'ven bien' });
    expect(page.status).to.equal(200);
    expect(idsOn(page.text)).to.deep.equal([doc.id]);
    // Where the words were found: an excerpt of the file, the words marked; its showing audited.
    expect(page.text).to.match(
      /data-testid="search-found">Tìm thấy trong tệp du-thao\.pdf:[^<]*<mark>ven bien<\/mark>/,
    );
    const subject = await session.agent.get('/outgoing').query({ tab: 'all', q: 'hoi nghi' });
    expect(subject.text).to.include('V/v tổ chức <mark>hội nghị</mark>');
    const shown = await AuditLog.findAll({ where: { action: 'outgoing.excerpt.view' } });
    expect(
      shown.map((a) => JSON.parse(String(a.details)) as { documentIds: number[] }),
    ).to.deep.include({
      q: 'ven bien',
      documentIds: [doc.id],
    });
  });

  it('searches the current version of the main file, not an earlier draft', async () => {
    const doc = await draft('V/v kế hoạch năm', 'Noi dung cu ve trong cay xanh');
    await indexOutgoingTexts(doc.id);
    expect(await found(drafter, 'trong cay xanh')).to.deep.equal([doc.id]);
    await addMainVersion(
      doc.id,
      { buffer: await makePdf(1, 'Noi dung moi ve nuoc sach nong thon'), originalName: 'v2.pdf' },
      { user: drafter, ip: null },
    );
    await addAttachments(
      doc.id,
      [{ buffer: await makePdf(1, 'Bang du toan kinh phi'), originalName: 'du-toan.pdf' }],
      { user: drafter, ip: null },
    );
    const queued = await DocumentJob.count({
      where: { kind: OUTGOING_TEXT_JOB, documentId: doc.id, status: 'queued' },
    });
    expect(queued).to.equal(3);
    expect(await indexOutgoingTexts(doc.id)).to.equal(2);
    expect(await found(drafter, 'nuoc sach')).to.deep.equal([doc.id]);
    expect(await found(drafter, 'du toan kinh phi')).to.deep.equal([doc.id]);
    expect(await found(drafter, 'trong cay xanh')).to.deep.equal([]);
    const [texts] = await db().query(
      `SELECT COUNT(*) AS n FROM document_texts WHERE documentKind = 'outgoing' AND documentId = ?`,
      { replacements: [doc.id] },
    );
    expect(Number((texts as Array<{ n: unknown }>)[0]!.n)).to.equal(2);

    // A runner that read the first version late (after the second was read) keeps no text of it.
    const late = await readDocumentTexts('outgoing', doc.id, {
      action: 'outgoing.text_extract',
      filesWhere: "f.role = 'main' AND f.version = 1",
      afterEach: (_read, transaction) => dropOlderMainTexts(doc.id, transaction),
    });
    expect(late).to.equal(1);
    expect(await found(drafter, 'trong cay xanh')).to.deep.equal([]);
    expect(await found(drafter, 'nuoc sach')).to.deep.equal([doc.id]);
  });

  it('takes what is typed literally: LIKE wildcards, quotes, a long query', async () => {
    const doc = await draft('V/v ký tự đặc biệt', 'Ty le 100% hoan thanh_dung han');
    await indexOutgoingTexts(doc.id);
    expect(await found(drafter, '100%')).to.deep.equal([doc.id]);
    expect(await found(drafter, 'thanh_dung')).to.deep.equal([doc.id]);
    expect(await found(drafter, "' OR 1=1 --")).to.deep.equal([]);
    expect(await found(drafter, 'x'.repeat(5000))).to.deep.equal([]);
  });
});
