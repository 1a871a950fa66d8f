import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import JSZip from 'jszip';
import { db } from '../../src/db/index.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentJob } from '../../src/documents/document-job.model.js';
import {
  enqueueJob,
  registerJobHandler,
  runQueuedJobs,
} from '../../src/documents/document-jobs.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { AppError } from '../../src/http/app-error.js';
import { translator } from '../../src/i18n/index.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { compareVersions } from '../../src/outgoing/outgoing.detail.js';
import { addMainVersion, createDraft, dismissAdvice } from '../../src/outgoing/outgoing.drafts.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import type { User } from '../../src/users/user.model.js';
import { makeDocx } from '../interop/docx-fixture.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { decree30Draft } from '../fixtures/draft.js';
import { testApp } from '../helpers/test-app.js';
import { QUYET_DINH, replaceRow } from '../unit/drafting/samples.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

describe('outgoing drafts in DOCX: converted to PDF by a background job, versions compared', function () {
  this.timeout(180_000);
  let specialist: User;
  let leader: User;

  before(async function () {
    if (spawnSync('sh', ['-c', 'command -v soffice']).status !== 0) {
      if (process.env.CI === 'true') throw new Error('LibreOffice (soffice) is not installed');
      this.skip();
    }
    await testApp();
    const agency = await buildAgency();
    const dept = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    leader = await buildUser(agency, ['leader']);
  });

  it('stores the DOCX as the source, converts it in the job, and the PDF is version 1', async () => {
    const docx = await makeDocx(
      replaceRow(QUYET_DINH, 'Số: 15/QĐ-UBND', [
        'Số:      /QĐ-UBND',
        'Hà Nội, ngày    tháng    năm 2026',
      ]),
    );
    const doc = await createDraft(
      DraftFieldsSchema.parse({
        documentType: 'QĐ',
        subject: 'Về việc thử chuyển DOCX',
        signerId: String(leader.id),
      }),
      { main: { buffer: docx, originalName: 'du-thao.docx' } },
      actorOf(specialist),
    );
    const source = await DocumentFile.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id, role: 'source' },
    });
    expect(source!.originalName).to.equal('du-thao.docx');
    // Not submitted while the PDF does not exist yet.
    const early = await submitDraft(doc.id, {}, actorOf(specialist)).catch((e: unknown) => e);
    expect(early).to.be.instanceOf(AppError);
    expect((early as AppError).code).to.equal('OUTGOING_CONVERTING');

    expect(await runQueuedJobs()).to.be.greaterThan(0);
    const job = await DocumentJob.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id },
    });
    expect(job!.status, job!.error ?? '').to.equal('done');
    const main = await DocumentFile.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id, role: 'main' },
    });
    expect(main!.version).to.equal(1);
    expect(main!.originalName).to.equal('du-thao.pdf');
    const converted = await DocumentEvent.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id, action: 'converted' },
    });
    expect(converted).to.not.equal(null);
    expect(
      await Notification.count({ where: { userId: specialist.id, kind: 'outgoing.converted' } }),
    ).to.equal(1);

    // A second version as PDF: the comparison shows the line that changed.
    await addMainVersion(
      doc.id,
      { buffer: await decree30Draft('Về việc thử chuyển DOCX, bản sửa'), originalName: 'v2.pdf' },
      actorOf(specialist),
    );
    const diff = await compareVersions(doc.id, 1, 2, actorOf(specialist));
    expect(diff.added + diff.removed).to.be.greaterThan(0);
    const added = diff.hunks.filter((h) => h.kind === 'added').flatMap((h) => h.lines);
    expect(added.join('\n')).to.contain('bản sửa');
    await submitDraft(doc.id, {}, actorOf(specialist));
  });

  it('refuses a file that claims to be DOCX but is not, keeping nothing', async () => {
    const before = await DocumentJob.count();
    const err = await createDraft(
      DraftFieldsSchema.parse({ documentType: 'CV', subject: 'V/v tệp giả' }),
      {
        main: {
          buffer: Buffer.from('PK\u0003\u0004 not really word/document'),
          originalName: 'x.docx',
        },
      },
      actorOf(specialist),
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AppError);
    expect(await DocumentJob.count()).to.equal(before);
  });

  it('refuses a DOCX that is a decompression bomb with a Vietnamese 422, storing and queueing nothing', async () => {
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<Types/>');
    zip.file('word/document.xml', '<w:document/>');
    zip.file('word/media/image1.png', new Uint8Array(80 * 1024 * 1024));
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const [jobs, stored] = [await DocumentJob.count(), await StoredFile.count()];
    const err = await createDraft(
      DraftFieldsSchema.parse({ documentType: 'CV', subject: 'V/v tệp nén độc hại' }),
      { main: { buffer: bomb, originalName: 'du-thao.docx' } },
      actorOf(specialist),
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).code).to.equal('FILE_DOCX_INFLATES');
    expect((err as AppError).status).to.equal(422);
    expect(translator('vi')('errors:FILE_DOCX_INFLATES', (err as AppError).params)).to.contain(
      'giải nén ra quá lớn',
    );
    expect(await DocumentJob.count()).to.equal(jobs);
    expect(await StoredFile.count()).to.equal(stored);
  });

  it('gives a queued job to one runner only, even when several processes poll together', async () => {
    let runs = 0;
    registerJobHandler('test-count', async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 50));
    });
    await db().transaction((transaction) =>
      enqueueJob('test-count', { kind: 'outgoing', id: 1 }, {}, null, transaction),
    );
    await Promise.all([runQueuedJobs(), runQueuedJobs(), runQueuedJobs()]);
    expect(runs).to.equal(1);
  });

  it('adds no converted version to a draft that moved on while LibreOffice ran', async () => {
    const docx = await makeDocx(QUYET_DINH);
    const doc = await createDraft(
      DraftFieldsSchema.parse({
        documentType: 'QĐ',
        subject: 'V/v chuyển đổi muộn',
        signerId: String(leader.id),
      }),
      { main: { buffer: await decree30Draft(), originalName: 'ban-pdf.pdf' } },
      actorOf(specialist),
    );
    // A DOCX version queued, then the drafter submits the PDF version before it is converted.
    await addMainVersion(
      doc.id,
      { buffer: docx, originalName: 'ban-sua.docx' },
      actorOf(specialist),
    );
    await DocumentJob.update(
      { status: 'done' },
      { where: { documentKind: 'outgoing', documentId: doc.id, status: 'queued' } },
    );
    await submitDraft(doc.id, {}, actorOf(specialist));
    // The conversion (the drafts' text readings are jobs of their own).
    const conversion = { documentKind: 'outgoing', documentId: doc.id, kind: 'docx-to-pdf' };
    await DocumentJob.update({ status: 'queued' }, { where: conversion });
    await runQueuedJobs();
    const job = await DocumentJob.findOne({ where: conversion });
    expect(job!.status).to.equal('failed');
    expect(job!.error).to.match(/moved on/);
    expect(
      await DocumentFile.count({
        where: { documentKind: 'outgoing', documentId: doc.id, role: 'main' },
      }),
    ).to.equal(1);
  });

  it('dismisses only the check’s own advice, once', async () => {
    const doc = await createDraft(
      DraftFieldsSchema.parse({ documentType: 'CV', subject: 'V/v bỏ qua gợi ý' }),
      { main: { buffer: await decree30Draft(), originalName: 'du-thao.pdf' } },
      actorOf(specialist),
    );
    const unknown = await dismissAdvice(doc.id, 'x'.repeat(40), actorOf(specialist)).catch(
      (e: unknown) => e,
    );
    expect((unknown as AppError).status).to.equal(422);
    await dismissAdvice(doc.id, 'national-heading', actorOf(specialist));
    await dismissAdvice(doc.id, 'national-heading', actorOf(specialist));
    const events = await DocumentEvent.count({
      where: { documentKind: 'outgoing', documentId: doc.id, action: 'advice_dismissed' },
    });
    expect(events).to.equal(1);
  });
});
