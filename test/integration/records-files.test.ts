import { expect } from 'chai';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentGrant } from '../../src/documents/document.model.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import request from 'supertest';
import {
  RecordsFile,
  RecordsFileItem,
  RecordsFileMember,
} from '../../src/records-files/records-file.model.js';
import { oneYearAfter, transferDueOf } from '../../src/records-files/records-files.service.js';
import { sendTransferNotices } from '../../src/records-files/records-files.notices.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { makePdf } from '../fixtures/pdf.js';
import { decodeEntities } from '../helpers/page-language.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { download, isWorkbook, readSheet, sheetTexts } from '../helpers/xlsx-export.js';
import { buildOffice, postForm, signIn, type Actor, type Office } from './incoming-helpers.js';

/** The field's message on a re-rendered form. */
const fieldError = (html: string, id: string) =>
  decodeEntities(new RegExp(`id="${id}-error">([^<]*)<`).exec(html)?.[1] ?? '');

/** The document rows of a file's page, as "kind:id". */
const listedDocuments = (html: string) =>
  [...html.matchAll(/data-document="([a-z]+:\d+)"/g)].map((m) => m[1]);

/**
 * A refusal the person can act on (the file's state, a duplicate): 409, the file's page as it now
 * is, with the reason.
 */
function toldOnFile(res: { status: number; text: string }, message: string) {
  expect(res.status, res.text.slice(0, 200)).to.equal(409);
  const page = decodeEntities(res.text);
  expect(page).to.include('data-testid="records-file"');
  expect(page).to.match(new RegExp(`data-testid="form-error">[^<]*${message}`));
}

const fileIdOf = (location: string | undefined) => {
  const m = /^\/records-files\/(\d+)$/.exec(location ?? '');
  if (!m) throw new Error(`Not a file's page: ${location}`);
  return Number(m[1]);
};

describe('records files (hồ sơ, Decree 30 Articles 28–30, Appendix VI)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let office: Office;
  let clerk: Actor;
  let leader: Actor;
  let specialist: Actor;
  let head: Actor;
  let reader: Actor;
  let stranger: Actor;
  let pdf: Buffer;
  let year: number;

  const form = (overrides: Record<string, string> = {}) => ({
    code: `TCKH.${Math.random().toString(36).slice(2, 8)}`,
    title: 'Hồ sơ về việc lập dự toán ngân sách năm 2027',
    year: String(year),
    retention: '10',
    departmentId: String(office.department.id),
    description: '',
    ...overrides,
  });

  /** Opens a file through the form as `actor`; its id. */
  const openFile = async (actor: Actor, overrides: Record<string, string> = {}) => {
    const res = await postForm(actor, '/records-files', form(overrides));
    expect(res.status, res.text.slice(0, 400)).to.equal(303);
    return fileIdOf(res.headers.location);
  };

  /** Lets a person open an incoming document (an access grant by the clerk). */
  const grant = (documentId: number, userId: number) =>
    DocumentGrant.create({
      documentKind: 'incoming',
      documentId,
      userId,
      grantedById: office.clerk.id,
    });

  /** An incoming document the specialist may see (a grant), registered by the clerk. */
  const documentForSpecialist = async (subject = 'Về việc lập dự toán ngân sách năm 2027') => {
    const doc = await registerDocument(office.clerk, { subject }, pdf);
    await grant(doc.id, office.specialist.id);
    return doc;
  };

  const add = (actor: Actor, fileId: number, kind: string, documentId: number, back?: string) =>
    postForm(actor, '/records-files/documents', {
      fileId: String(fileId),
      kind,
      documentId: String(documentId),
      ...(back ? { back } : {}),
    });

  before(async () => {
    ctx = await testApp();
    pdf = await makePdf(1);
    office = await buildOffice();
    year = new Date().getFullYear();
    clerk = await signIn(ctx.app, office.clerk);
    leader = await signIn(ctx.app, office.leader);
    specialist = await signIn(ctx.app, office.specialist);
    head = await signIn(ctx.app, office.deptHead);
    reader = await signIn(ctx.app, office.reader);
    const elsewhere = await buildAgency();
    stranger = await signIn(ctx.app, await buildUser(elsewhere, ['clerk']));
  });

  it('opens a file from the form: its page shows it, and the opening and the view are audited', async () => {
    const id = await openFile(specialist, { code: 'TCKH-01', retention: 'permanent' });
    const file = (await RecordsFile.findByPk(id))!;
    expect(file).to.include({
      code: 'TCKH-01',
      codeKey: 'TCKH-01',
      keeperId: office.specialist.id,
      departmentId: office.department.id,
      status: 'open',
      retentionYears: null,
      year,
    });
    const page = await specialist.session.agent.get(`/records-files/${id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('TCKH-01').and.include('Vĩnh viễn').and.include('Đang lập');
    const audit = await AuditLog.findAll({
      where: { entityType: 'records_file', entityId: String(id) },
    });
    expect(audit.map((a) => a.action)).to.include.members([
      'records_file.create',
      'records_file.view',
    ]);
    // The list shows it, with its keeper.
    const list = await specialist.session.agent.get(`/records-files?year=${year}`);
    expect(list.text).to.include(`data-records-file="${id}"`).and.include('Phạm Chuyên Viên');
  });

  it('refuses bad input with a Vietnamese message beside the field, and saves nothing', async () => {
    const before = await RecordsFile.count();
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ code: '' }, 'rf-code', /./],
      [{ code: '   \u200b ' }, 'rf-code', /./],
      [{ code: '<script>alert(1)</script>' }, 'rf-code', /chữ, số/],
      [{ code: 'X'.repeat(31) }, 'rf-code', /./],
      [{ title: '' }, 'rf-title', /./],
      [{ title: 'Đ'.repeat(501) }, 'rf-title', /./],
      [{ retention: '7' }, 'rf-retention', /thời hạn bảo quản/],
      [{ retention: 'forever' }, 'rf-retention', /thời hạn bảo quản/],
      [{ year: '99999' }, 'rf-year', /./],
      [{ year: 'năm nay' }, 'rf-year', /./],
      // A specialist makes files of their own unit only.
      [{ departmentId: String(office.reader.departmentId) }, 'rf-department', /đơn vị mình/],
      [{ departmentId: '999999999' }, 'rf-department', /đơn vị/],
    ];
    for (const [overrides, field, message] of cases) {
      const res = await postForm(specialist, '/records-files', form(overrides));
      expect(res.status, JSON.stringify(overrides)).to.equal(422);
      expect(fieldError(res.text, field), JSON.stringify(overrides)).to.match(message);
      expect(res.text).not.to.match(/at .*\.ts:\d+/);
    }
    // Arrays and objects where text is expected.
    const odd = await specialist.session.agent
      .post('/records-files')
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(specialist.token)}&code[]=a&code[]=b&title[x]=y&year=${year}&retention=10`,
      );
    expect(odd.status).to.equal(422);
    expect(await RecordsFile.count()).to.equal(before);
  });

  it('keeps one code per agency and year, compared without case or spacing; another year may reuse it', async () => {
    await openFile(specialist, { code: 'KH 05' });
    const again = await postForm(specialist, '/records-files', form({ code: 'kh  05' }));
    expect(again.status).to.equal(422);
    expect(fieldError(again.text, 'rf-code')).to.match(/đã có hồ sơ mang số và ký hiệu này/);
    await openFile(specialist, { code: 'KH 05', year: String(year - 1) });
    // Another agency's clerk has codes of their own.
    await openFile(stranger, { code: 'KH 05', departmentId: '' });
  });

  it('gathers a document from its page, in several files, and the page lists the files', async () => {
    const doc = await documentForSpecialist();
    const first = await openFile(specialist, { code: 'DT-2027' });
    const second = await openFile(specialist, { code: 'NS-2027' });
    const page = await specialist.session.agent.get(`/incoming/${doc.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('data-testid="records-files-panel"').and.include('DT-2027');

    const res = await add(specialist, first, 'incoming', doc.id, `/incoming/${doc.id}`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/incoming/${doc.id}`);
    expect((await add(specialist, second, 'incoming', doc.id)).headers.location).to.equal(
      `/records-files/${second}`,
    );
    // A second time into the same file: refused, one row.
    const twice = await add(specialist, first, 'incoming', doc.id, `/incoming/${doc.id}`);
    await toldOnFile(twice, 'Văn bản này đã có trong hồ sơ');
    expect(await RecordsFileItem.count({ where: { recordsFileId: first } })).to.equal(1);

    for (const id of [first, second]) {
      const filePage = await specialist.session.agent.get(`/records-files/${id}`);
      expect(listedDocuments(filePage.text)).to.deep.equal([`incoming:${doc.id}`]);
      expect(decodeEntities(filePage.text)).to.include('Về việc lập dự toán ngân sách năm 2027');
    }
    const after = await specialist.session.agent.get(`/incoming/${doc.id}`);
    const panel = after.text.slice(after.text.indexOf('records-files-panel'));
    expect(panel.slice(0, panel.indexOf('</section>')))
      .to.include(`/records-files/${first}"`)
      .and.include(`/records-files/${second}"`);
    // A redirect elsewhere than a document's page is not followed.
    const third = await openFile(specialist, { code: 'NS-2027-B' });
    const outside = await add(specialist, third, 'incoming', doc.id, 'https://evil.example/x');
    expect(outside.headers.location).to.equal(`/records-files/${third}`);
    const audit = await AuditLog.findOne({
      where: { action: 'records_file.add_document', entityId: String(first) },
    });
    expect(audit?.userId).to.equal(office.specialist.id);
  });

  it("offers on a document's page the reader's own open files and those shared to add to; shows the files holding it that the reader may see", async () => {
    const doc = await documentForSpecialist('Văn bản cho bảng hồ sơ');
    await grant(doc.id, office.reader.id);
    const own = await openFile(specialist, { code: 'BANG-01' });
    const sharedToAdd = await openFile(specialist, { code: 'BANG-02' });
    const sharedToRead = await openFile(specialist, { code: 'BANG-03' });
    const notShared = await openFile(specialist, { code: 'BANG-04' });
    const clerksOwn = await openFile(clerk, { code: 'BANG-VT', departmentId: '' });
    await postForm(specialist, `/records-files/${sharedToAdd}/members`, {
      userId: String(office.reader.id),
      canAdd: '1',
    });
    await postForm(specialist, `/records-files/${sharedToRead}/members`, {
      userId: String(office.reader.id),
    });
    const panelOf = async (actor: Actor) => {
      const html = (await actor.session.agent.get(`/incoming/${doc.id}`)).text;
      const start = html.indexOf('data-testid="records-files-panel"');
      const panel = start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
      return {
        offered: [...panel.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1])),
        holding: [...panel.matchAll(/href="\/records-files\/(\d+)"/g)].map((m) => Number(m[1])),
      };
    };
    expect((await panelOf(reader)).offered).to.deep.equal([sharedToAdd]);
    const keepers = await panelOf(specialist);
    expect(keepers.offered).to.include.members([own, sharedToAdd, sharedToRead, notShared]);
    expect(keepers.offered).not.to.include(clerksOwn);
    // A clerk is offered their own files, not everyone's open ones.
    const clerks = await panelOf(clerk);
    expect(clerks.offered).to.include(clerksOwn);
    expect(clerks.offered).not.to.include.members([own, notShared]);

    for (const id of [sharedToRead, notShared])
      expect((await add(specialist, id, 'incoming', doc.id)).status).to.equal(303);
    // Held: the reader sees the file shared with them, not the other; the keeper, the unit's
    // head and the clerk see both; the held files are offered no more.
    expect((await panelOf(reader)).holding).to.deep.equal([sharedToRead]);
    expect((await panelOf(specialist)).holding).to.have.members([sharedToRead, notShared]);
    expect((await panelOf(specialist)).offered).not.to.include.members([sharedToRead, notShared]);
    await grant(doc.id, office.deptHead.id);
    expect((await panelOf(head)).holding).to.have.members([sharedToRead, notShared]);
    expect((await panelOf(clerk)).holding).to.include.members([sharedToRead, notShared]);
  });

  it("opens a new file from a document's panel with the document in it, in one transaction", async () => {
    const doc = await documentForSpecialist('Văn bản mở hồ sơ mới');
    const page = await specialist.session.agent.get(`/incoming/${doc.id}`);
    const link = decodeEntities(
      /href="([^"]*)" data-testid="records-file-new-with"/.exec(page.text)?.[1] ?? '',
    );
    expect(link).to.equal(`/records-files/new?kind=incoming&documentId=${doc.id}`);
    const formPage = await specialist.session.agent.get(link);
    expect(formPage.status).to.equal(200);
    expect(formPage.text).to.include('name="withDocumentId" value="' + doc.id + '"');
    // It names the document, goes back to it when cancelled, and its button opens the file.
    const named = decodeEntities(formPage.text);
    expect(named).to.match(
      /data-testid="records-file-first">[^<]*<a href="\/incoming\/\d+">[^<]*Văn bản mở hồ sơ mới</,
    );
    expect(named).to.include(`<a href="/incoming/${doc.id}">Hủy</a>`);
    expect(named).to.match(/<button type="submit" class="primary">Mở hồ sơ<\/button>/);
    const res = await postForm(specialist, '/records-files', {
      ...form({ code: 'MOI-01' }),
      withKind: 'incoming',
      withDocumentId: String(doc.id),
    });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    expect(res.headers.location).to.equal(`/incoming/${doc.id}`);
    const file = (await RecordsFile.findOne({
      where: { agencyId: office.agency.id, code: 'MOI-01' },
    }))!;
    expect(
      await RecordsFileItem.count({ where: { recordsFileId: file.id, documentId: doc.id } }),
    ).to.equal(1);
    // A document the person may not see: refused, and no file is left behind.
    const notMine = await registerDocument(office.clerk, { subject: 'Văn bản người khác' }, pdf);
    const before = await RecordsFile.count();
    const refused = await postForm(specialist, '/records-files', {
      ...form({ code: 'MOI-02' }),
      withKind: 'incoming',
      withDocumentId: String(notMine.id),
    });
    expect(refused.status).to.equal(404);
    expect(await RecordsFile.count()).to.equal(before);
    // A bad form keeps the document for the next try.
    const bad = await postForm(specialist, '/records-files', {
      ...form({ code: '' }),
      withKind: 'incoming',
      withDocumentId: String(doc.id),
    });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.include('name="withDocumentId" value="' + doc.id + '"');
    expect(
      (await specialist.session.agent.get('/records-files/new?kind=meeting&documentId=1')).status,
    ).to.equal(422);
  });

  it('files a completed document (lưu hồ sơ) into a records file in the same step, from the page and the API; a refused file leaves it unfiled', async () => {
    const completed = async (subject: string) => {
      const doc = await registerDocument(office.clerk, { subject }, pdf);
      await IncomingDocument.update({ status: 'completed' }, { where: { id: doc.id } });
      return doc;
    };
    const statusOf = async (id: number) => (await IncomingDocument.findByPk(id))!.status;
    const itemsOf = (documentId: number) =>
      RecordsFileItem.findAll({ where: { documentKind: 'incoming', documentId } });
    const doc = await completed('Văn bản lưu vào hồ sơ khi lưu');
    const clerksFile = await openFile(clerk, { code: 'LUU-01', departmentId: '' });
    const closedFile = await openFile(clerk, { code: 'LUU-02', departmentId: '' });
    const earlier = await registerDocument(
      office.clerk,
      { subject: 'Văn bản của hồ sơ đã kết thúc' },
      pdf,
    );
    expect((await add(clerk, closedFile, 'incoming', earlier.id)).status).to.equal(303);
    expect((await postForm(clerk, `/records-files/${closedFile}/close`, {})).status).to.equal(303);
    const strangersFile = await openFile(stranger, { code: 'LUU-KHAC', departmentId: '' });

    // The filing form offers the clerk's open files, not the closed one.
    const page = await clerk.session.agent.get(`/incoming/${doc.id}`);
    const select = /data-testid="file-records-file">([\s\S]*?)<\/select>/.exec(page.text)?.[1];
    expect(select, 'the filing form offers records files').to.be.a('string');
    const offered = [...select!.matchAll(/<option value="(\d*)"/g)].map((m) => m[1]);
    expect(offered[0]).to.equal('');
    expect(offered).to.include(String(clerksFile)).and.not.include(String(closedFile));

    // Refused: another agency's file, a made-up one, a closed one, a value that is no id.
    const addsBefore = await AuditLog.count({ where: { action: 'records_file.add_document' } });
    for (const [recordsFileId, status, message] of [
      [String(strangersFile), 404, /Không tìm thấy hồ sơ/],
      ['2000000000', 404, /Không tìm thấy hồ sơ/],
      [String(closedFile), 409, /Hồ sơ đã kết thúc/],
      ['hồ sơ 1', 422, /./],
    ] as const) {
      const res = await postForm(clerk, `/incoming/${doc.id}/file`, { recordsFileId });
      expect(res.status, recordsFileId).to.equal(status);
      expect(decodeEntities(res.text), recordsFileId).to.match(message);
      expect(res.text).not.to.match(/at .*\.ts:\d+/);
      expect(await statusOf(doc.id), recordsFileId).to.equal('completed');
    }
    expect(await itemsOf(doc.id)).to.have.length(0);
    expect(await AuditLog.count({ where: { action: 'records_file.add_document' } })).to.equal(
      addsBefore,
    );

    // Work still open and not confirmed: the page comes back whole, the file still chosen.
    const open = await IncomingAssignment.create({
      documentId: doc.id,
      role: 'support',
      assigneeDepartmentId: office.department.id,
      assignedById: office.leader.id,
      status: 'pending',
    });
    const unconfirmed = await postForm(clerk, `/incoming/${doc.id}/file`, {
      recordsFileId: String(clerksFile),
    });
    expect(unconfirmed.status).to.equal(422);
    expect(unconfirmed.text)
      .to.include('data-testid="records-files-panel"')
      .and.match(new RegExp(`<option value="${clerksFile}" selected>`));
    await open.destroy();

    // Filed into the clerk's file: one transaction, both audited, the file's page lists it.
    const filed = await postForm(clerk, `/incoming/${doc.id}/file`, {
      recordsFileId: String(clerksFile),
    });
    expect(filed.status, filed.text.slice(0, 300)).to.equal(303);
    const told = decodeEntities((await clerk.session.agent.get(`/incoming/${doc.id}`)).text);
    expect(told).to.include('Văn bản đã được đưa vào hồ sơ LUU-01');
    // What was done first, then where it went.
    expect(told.indexOf('Đã lưu hồ sơ.')).to.be.within(0, told.indexOf('Văn bản đã được đưa vào'));
    expect(await statusOf(doc.id)).to.equal('filed');
    expect((await itemsOf(doc.id)).map((i) => i.recordsFileId)).to.deep.equal([clerksFile]);
    expect(
      await AuditLog.count({
        where: { action: 'records_file.add_document', entityId: String(clerksFile) },
      }),
    ).to.equal(1);
    const filePage = await clerk.session.agent.get(`/records-files/${clerksFile}`);
    expect(listedDocuments(filePage.text)).to.include(`incoming:${doc.id}`);

    // Filed into no records file: the clerk is told it is in none yet.
    const loose = await completed('Văn bản lưu chưa vào hồ sơ');
    expect((await postForm(clerk, `/incoming/${loose.id}/file`, {})).status).to.equal(303);
    const looseInfo = decodeEntities((await clerk.session.agent.get(`/incoming/${loose.id}`)).text);
    expect(looseInfo).to.include('Văn bản chưa thuộc hồ sơ nào. Có thể đưa vào hồ sơ');

    // Through the API, into a file already holding the document: filed, still one row.
    const viaApi = await completed('Văn bản lưu qua API');
    expect((await add(clerk, clerksFile, 'incoming', viaApi.id)).status).to.equal(303);
    const token = (
      await createAccessToken(office.clerk, 'lưu hồ sơ', { userId: office.clerk.id, ip: null })
    ).token;
    const refused = await request(ctx.app)
      .post(`/api/v1/incoming/${viaApi.id}/file`)
      .set('Authorization', `Bearer ${token}`)
      .send({ recordsFileId: strangersFile });
    expect(refused.status).to.equal(404);
    expect(await statusOf(viaApi.id)).to.equal('completed');
    const api = await request(ctx.app)
      .post(`/api/v1/incoming/${viaApi.id}/file`)
      .set('Authorization', `Bearer ${token}`)
      .send({ recordsFileId: clerksFile });
    expect(api.status, JSON.stringify(api.body)).to.equal(200);
    expect(await statusOf(viaApi.id)).to.equal('filed');
    expect(await itemsOf(viaApi.id)).to.have.length(1);
    const badType = await request(ctx.app)
      .post(`/api/v1/incoming/${viaApi.id}/file`)
      .set('Authorization', `Bearer ${token}`)
      .send({ recordsFileId: { id: 1 } });
    expect(badType.status).to.be.within(400, 422);
  });

  it('never gathers a document the person may not see, nor one of another agency, nor a made-up one', async () => {
    const file = await openFile(specialist, { code: 'AN-01' });
    const notMine = await registerDocument(
      office.clerk,
      { subject: 'Văn bản không giao cho tôi' },
      pdf,
    );
    const strangersDoc = await registerDocument(
      await buildUser(await buildAgency(), ['clerk']),
      { subject: 'Văn bản của cơ quan khác' },
      pdf,
    );
    for (const [kind, id] of [
      ['incoming', notMine.id],
      ['incoming', strangersDoc.id],
      ['incoming', 2_000_000_000],
      ['outgoing', 2_000_000_000],
    ] as const) {
      const res = await add(specialist, file, kind, id);
      expect(res.status, `${kind} ${id}`).to.equal(404);
      expect(decodeEntities(res.text)).not.to.include('Văn bản không giao cho tôi');
    }
    for (const body of [
      { fileId: String(file), kind: 'meeting', documentId: String(notMine.id) },
      { fileId: String(file), kind: 'incoming', documentId: '-1' },
      { fileId: 'abc', kind: 'incoming', documentId: String(notMine.id) },
    ]) {
      const res = await postForm(specialist, '/records-files/documents', body);
      expect(res.status, JSON.stringify(body)).to.be.within(400, 422);
    }
    expect(await RecordsFileItem.count({ where: { recordsFileId: file } })).to.equal(0);
    // A kind of document that is not one (a link typed or tampered with) is said as such, the
    // field named as people read it, never by its parameter.
    const kindSaid = 'Chỉ văn bản đến hoặc văn bản đi mới đưa được vào hồ sơ';
    const opened = decodeEntities(
      (await specialist.session.agent.get(`/records-files/new?kind=foo&documentId=${notMine.id}`))
        .text,
    );
    expect(opened).to.include(`<strong>Loại văn bản đưa vào hồ sơ</strong>: ${kindSaid}`);
    expect(opened).not.to.include('withKind').and.not.include('Không tìm thấy văn bản này');
    const posted = await postForm(specialist, '/records-files/documents', {
      fileId: String(file),
      kind: 'zzz',
      documentId: String(notMine.id),
    });
    expect(posted.status).to.equal(422);
    expect(decodeEntities(posted.text)).to.include(kindSaid).and.not.include('Không tìm thấy');
  });

  it('shows a file to its keeper, the clerks, the leaders, its unit head and whom it is shared with; to nobody else', async () => {
    const file = await openFile(specialist, { code: 'XEM-01' });
    for (const actor of [specialist, clerk, leader, head])
      expect((await actor.session.agent.get(`/records-files/${file}`)).status).to.equal(200);
    for (const actor of [reader, stranger]) {
      const res = await actor.session.agent.get(`/records-files/${file}`);
      expect(res.status).to.equal(404);
      expect(decodeEntities(res.text)).not.to.include('XEM-01');
      const list = await actor.session.agent.get(`/records-files?year=${year}`);
      expect(list.text).not.to.include(`data-records-file="${file}"`);
    }
    // Shared read-only: the reader sees it, may not add to it, change it or share it.
    const share = await postForm(specialist, `/records-files/${file}/members`, {
      userId: String(office.reader.id),
    });
    expect(share.status).to.equal(303);
    expect((await reader.session.agent.get(`/records-files/${file}`)).status).to.equal(200);
    const mine = await registerDocument(office.clerk, { subject: 'Văn bản của người đọc' }, pdf);
    await grant(mine.id, office.reader.id);
    expect((await add(reader, file, 'incoming', mine.id)).status).to.equal(403);
    expect((await postForm(reader, `/records-files/${file}/close`, {})).status).to.equal(403);
    expect(
      (
        await postForm(reader, `/records-files/${file}/members`, {
          userId: String(office.supporter.id),
        })
      ).status,
    ).to.equal(403);
    // With canAdd, they may add a document they see, and take out what they added.
    await postForm(specialist, `/records-files/${file}/members`, {
      userId: String(office.reader.id),
      canAdd: '1',
    });
    expect(await RecordsFileMember.count({ where: { recordsFileId: file } })).to.equal(1);
    expect((await add(reader, file, 'incoming', mine.id)).status).to.equal(303);
    const item = (await RecordsFileItem.findOne({ where: { recordsFileId: file } }))!;
    expect(
      (await postForm(reader, `/records-files/${file}/documents/${item.id}/delete`, {})).status,
    ).to.equal(303);
    // Shared with someone of another agency, or with nobody: refused.
    const strangerShare = await postForm(specialist, `/records-files/${file}/members`, {
      userId: String(stranger.user.id),
    });
    expect(strangerShare.status).to.equal(422);
    expect(fieldError(strangerShare.text, 'rf-share-user')).to.match(/cán bộ/);
    // Unshared: not found again.
    await postForm(specialist, `/records-files/${file}/members/${office.reader.id}/delete`, {});
    expect((await reader.session.agent.get(`/records-files/${file}`)).status).to.equal(404);
  });

  it('lists to a reader only the documents they may open, and counts the others without telling them', async () => {
    const file = await openFile(specialist, { code: 'KIN-01' });
    const seen = await documentForSpecialist('Văn bản ai cũng xem được trong hồ sơ');
    await grant(seen.id, office.reader.id);
    const hidden = await documentForSpecialist('Văn bản riêng của chuyên viên');
    // The keeper's own draft: nobody else may see a draft.
    const draft = await OutgoingDocument.create({
      agencyId: office.agency.id,
      departmentId: office.department.id,
      documentType: 'CV',
      subject: 'Dự thảo chưa trình của chuyên viên',
      status: 'draft',
      urgency: 0,
      confidentiality: 0,
      normative: false,
      signingForm: '',
      createdById: office.specialist.id,
    });
    for (const [kind, id] of [
      ['incoming', seen.id],
      ['incoming', hidden.id],
      ['outgoing', draft.id],
    ] as const)
      expect((await add(specialist, file, kind, id)).status, `${kind} ${id}`).to.equal(303);
    const own = await specialist.session.agent.get(`/records-files/${file}`);
    expect(listedDocuments(own.text)).to.deep.equal([
      `incoming:${seen.id}`,
      `incoming:${hidden.id}`,
      `outgoing:${draft.id}`,
    ]);
    // The draft has no number or date yet: said so, not left blank.
    const draftRow = own.text.slice(own.text.indexOf(`data-document="outgoing:${draft.id}"`));
    expect(decodeEntities(draftRow.slice(0, draftRow.indexOf('</tr>')))).to.include('Chưa cấp số');
    await postForm(specialist, `/records-files/${file}/members`, {
      userId: String(office.reader.id),
    });
    const shared = await reader.session.agent.get(`/records-files/${file}`);
    const text = decodeEntities(shared.text);
    expect(listedDocuments(shared.text)).to.deep.equal([`incoming:${seen.id}`]);
    expect(text).to.include('Hồ sơ có 2 văn bản bạn không có quyền xem');
    expect(text)
      .not.to.include('Văn bản riêng của chuyên viên')
      .and.not.to.include('Dự thảo chưa trình');
    // The clerk sees the registered ones, not the draft.
    const clerks = await clerk.session.agent.get(`/records-files/${file}`);
    expect(listedDocuments(clerks.text)).to.deep.equal([
      `incoming:${seen.id}`,
      `incoming:${hidden.id}`,
    ]);
  });

  it('closes a file: no more documents, transfer due a year on when kept 5 years or more; reopens; a clerk records the transfer', async () => {
    const doc = await documentForSpecialist();
    const kept = await openFile(specialist, { code: 'DONG-10', retention: '10' });
    const short = await openFile(specialist, { code: 'DONG-02', retention: '2' });
    // An empty file is neither closed nor transferred (it is deleted): no button, and a post is
    // refused with the reason.
    const empty = await specialist.session.agent.get(`/records-files/${short}`);
    expect(empty.text).not.to.include(`action="/records-files/${short}/close"`);
    toldOnFile(
      await postForm(specialist, `/records-files/${short}/close`, {}),
      'Hồ sơ chưa có văn bản nào nên không thể kết thúc',
    );
    expect((await RecordsFile.findByPk(short))!.status).to.equal('open');
    expect((await add(specialist, kept, 'incoming', doc.id)).status).to.equal(303);
    expect((await add(specialist, short, 'incoming', doc.id)).status).to.equal(303);
    // Its document is still being handled: the page says so before closing, and the close
    // button's confirmation counts it; closing stays allowed.
    const before = decodeEntities(
      (await specialist.session.agent.get(`/records-files/${kept}`)).text,
    );
    const warning =
      /data-testid="records-file-unfinished">([\s\S]*?)<\/div>/.exec(before)?.[1] ?? '';
    expect(warning).to.include('Hồ sơ còn 1 văn bản chưa giải quyết xong').and.include('Đã vào sổ');
    expect(before).to.include(
      'data-confirm="Hồ sơ còn 1 văn bản chưa giải quyết xong. Vẫn kết thúc hồ sơ?',
    );
    await IncomingDocument.update({ status: 'filed' }, { where: { id: doc.id } });
    const done = await specialist.session.agent.get(`/records-files/${kept}`);
    expect(done.text).not.to.include('records-file-unfinished');
    expect(decodeEntities(done.text)).to.include('Đã lưu hồ sơ');
    for (const id of [kept, short])
      expect((await postForm(specialist, `/records-files/${id}/close`, {})).status).to.equal(303);
    const closed = (await RecordsFile.findByPk(kept))!;
    expect(closed.status).to.equal('closed');
    expect(closed.transferDueOn).to.equal(oneYearAfter(closed.closedOn!));
    expect((await RecordsFile.findByPk(short))!.transferDueOn).to.equal(null);
    const page = await specialist.session.agent.get(`/records-files/${short}`);
    expect(decodeEntities(page.text)).to.include('Không phải nộp lưu');

    // Closed: nothing added, nothing changed, nothing removed, not deleted; the panel offers it no more.
    const other = await documentForSpecialist('Văn bản đến sau khi kết thúc');
    const late = await add(specialist, kept, 'incoming', other.id, `/incoming/${other.id}`);
    await toldOnFile(late, 'Hồ sơ đã kết thúc');
    const item = (await RecordsFileItem.findOne({ where: { recordsFileId: kept } }))!;
    for (const [path, body] of [
      [`/records-files/${kept}/documents/${item.id}/delete`, {}],
      [`/records-files/${kept}`, form({ code: 'DONG-10' })],
      [`/records-files/${kept}/close`, {}],
    ] as const)
      await toldOnFile(await postForm(specialist, path, body), 'Hồ sơ đã kết thúc');
    // The reader sees it but may change nothing in any state: forbidden, not told a state.
    expect((await postForm(reader, `/records-files/${kept}/reopen`, {})).status).to.be.oneOf([
      403, 404,
    ]);
    expect(await RecordsFileItem.count({ where: { recordsFileId: kept } })).to.equal(1);
    expect((await RecordsFile.findByPk(kept))!.title).to.not.equal('');
    const docPage = await specialist.session.agent.get(`/incoming/${other.id}`);
    expect(docPage.text).not.to.match(new RegExp(`<option value="${kept}"`));
    // The keeper may not record the transfer; a clerk may, once.
    expect((await postForm(specialist, `/records-files/${kept}/transfer`, {})).status).to.equal(
      403,
    );
    expect((await postForm(clerk, `/records-files/${kept}/transfer`, {})).status).to.equal(303);
    expect((await RecordsFile.findByPk(kept))!).to.include({
      status: 'transferred',
      transferredById: office.clerk.id,
    });
    await toldOnFile(
      await postForm(clerk, `/records-files/${kept}/transfer`, {}),
      'Hồ sơ đã nộp lưu vào Lưu trữ cơ quan',
    );
    await toldOnFile(
      await postForm(specialist, `/records-files/${kept}/reopen`, {}),
      'Hồ sơ đã nộp lưu',
    );
    // A file closed too early is reopened: open again, its dates cleared.
    expect((await postForm(specialist, `/records-files/${short}/reopen`, {})).status).to.equal(303);
    expect((await RecordsFile.findByPk(short))!).to.include({
      status: 'open',
      closedOn: null,
      transferDueOn: null,
    });
    const actions = (
      await AuditLog.findAll({ where: { entityType: 'records_file', entityId: String(kept) } })
    ).map((a) => a.action);
    expect(actions).to.include.members(['records_file.close', 'records_file.transfer']);
  });

  it('tells a member who gathered a document into a file since closed the same state as its keeper (409), not "not allowed"', async () => {
    const supporter = await signIn(ctx.app, office.supporter);
    const doc = await documentForSpecialist('Văn bản thành viên đưa vào hồ sơ');
    await grant(doc.id, office.supporter.id);
    const id = await openFile(specialist, { code: 'TV-01' });
    const shared = await postForm(specialist, `/records-files/${id}/members`, {
      userId: String(office.supporter.id),
      canAdd: '1',
    });
    expect(shared.status).to.equal(303);
    expect((await add(supporter, id, 'incoming', doc.id)).status).to.equal(303);
    expect((await postForm(specialist, `/records-files/${id}/close`, {})).status).to.equal(303);
    const item = (await RecordsFileItem.findOne({ where: { recordsFileId: id } }))!;
    expect(item.addedById).to.equal(office.supporter.id);
    toldOnFile(
      await postForm(supporter, `/records-files/${id}/documents/${item.id}/delete`, {}),
      'Hồ sơ đã kết thúc',
    );
    expect(await RecordsFileItem.count({ where: { recordsFileId: id } })).to.equal(1);
    // Its share no longer lets them add: refused as such, whatever the file's state.
    await RecordsFileMember.update(
      { canAdd: false },
      { where: { recordsFileId: id, userId: office.supporter.id } },
    );
    const refused = await postForm(
      supporter,
      `/records-files/${id}/documents/${item.id}/delete`,
      {},
    );
    expect(refused.status).to.equal(403);
  });

  it('computes the transfer date from the closing day and the retention', () => {
    expect(oneYearAfter('2026-12-07')).to.equal('2027-12-07');
    expect(oneYearAfter('2028-02-29')).to.equal('2029-02-28');
    expect(transferDueOf(null, '2026-03-01')).to.equal('2027-03-01');
    expect(transferDueOf(5, '2026-03-01')).to.equal('2027-03-01');
    expect(transferDueOf(3, '2026-03-01')).to.equal(null);
  });

  it('never records the transfer of a file kept under 5 years: no button, a forged post told why, not on the transfer list', async () => {
    const doc = await documentForSpecialist('Văn bản của hồ sơ bảo quản ngắn hạn');
    const short = await openFile(specialist, { code: 'NGAN-03', retention: '3' });
    expect((await add(specialist, short, 'incoming', doc.id)).status).to.equal(303);
    expect((await postForm(specialist, `/records-files/${short}/close`, {})).status).to.equal(303);
    const page = decodeEntities((await clerk.session.agent.get(`/records-files/${short}`)).text);
    expect(page).to.include('Không phải nộp lưu');
    expect(page).not.to.include(`action="/records-files/${short}/transfer"`);
    toldOnFile(
      await postForm(clerk, `/records-files/${short}/transfer`, {}),
      'Hồ sơ có thời hạn bảo quản dưới 5 năm không phải nộp lưu',
    );
    expect((await RecordsFile.findByPk(short))!).to.include({
      status: 'closed',
      transferredOn: null,
    });
    expect(
      await AuditLog.count({
        where: { action: 'records_file.transfer', entityId: String(short) },
      }),
    ).to.equal(0);
    // The keeper, who may record no transfer at all, is still refused as such.
    expect((await postForm(specialist, `/records-files/${short}/transfer`, {})).status).to.equal(
      403,
    );
    // One recorded as transferred before this rule (by mistake) is not the archive's either.
    await RecordsFile.update(
      { status: 'transferred', transferredOn: `${year}-06-01`, transferredById: office.clerk.id },
      { where: { id: short } },
    );
    const list = await download(
      clerk.session.agent,
      `/records-files/transfer-list.xlsx?year=${year}`,
    );
    expect(list.status).to.equal(200);
    const rows = (await readSheet(list.body as Buffer, 'STT')).rows;
    expect(rows.some((r) => r[1] === 'NGAN-03')).to.equal(false);
  });

  it('tells the keeper and the clerks 30 days before the transfer is due, once', async () => {
    const id = await openFile(specialist, { code: 'NHAC-01', retention: 'permanent' });
    await RecordsFile.update(
      { status: 'closed', closedOn: '2026-01-15', transferDueOn: '2027-01-15' },
      { where: { id } },
    );
    const told = () =>
      Notification.findAll({
        where: { kind: 'records_file.transfer_due', link: `/records-files/${id}` },
      });
    // 31 days before: not yet (another test's day is used to claim each run).
    await sendTransferNotices('2026-12-15');
    expect(await told()).to.have.length(0);
    await sendTransferNotices('2026-12-16');
    const notices = await told();
    expect(notices.map((n) => n.userId).sort()).to.include.members([
      office.specialist.id,
      office.clerk.id,
    ]);
    expect(notices.every((n) => n.userId !== office.reader.id)).to.equal(true);
    // The same day again (another process) and the next day: nobody told twice.
    expect(await sendTransferNotices('2026-12-16')).to.equal(null);
    await sendTransferNotices('2026-12-17');
    expect(await told()).to.have.length(notices.length);
    const bell = await specialist.session.agent.get('/notifications');
    expect(decodeEntities(bell.text)).to.include(
      'Hồ sơ NHAC-01 “Hồ sơ về việc lập dự toán ngân sách năm 2027” cần nộp lưu vào Lưu trữ cơ quan trước ngày 15/01/2027',
    );
    expect((await RecordsFile.findByPk(id))!.transferNoticeOn).to.equal('2026-12-16');
  });

  it("exports the year's catalogue of the agency for clerks and leaders, audited; refuses others", async () => {
    const id = await openFile(clerk, { code: '01.VP', retention: 'permanent', departmentId: '' });
    const lastYear = await openFile(clerk, {
      code: '02.VP',
      year: String(year - 1),
      departmentId: '',
    });
    const res = await download(clerk.session.agent, `/records-files/catalogue.xlsx?year=${year}`);
    expect(res.status).to.equal(200);
    expect(isWorkbook(res)).to.equal(true);
    expect(String(res.headers['content-disposition'])).to.include(`danh-muc-ho-so-${year}-`);
    const sheet = await readSheet(res.body as Buffer, 'Số và ký hiệu hồ sơ');
    const row = sheet.rows.find((r) => r[0] === '01.VP');
    expect(row, JSON.stringify(sheet.rows)).to.not.equal(undefined);
    expect(row).to.include('Vĩnh viễn');
    expect(sheet.rows.some((r) => r[0] === '02.VP')).to.equal(false);
    // This agency's "KH 05" once; the other agency's own "KH 05" is not in it.
    expect(sheet.rows.filter((r) => r[0] === 'KH 05')).to.have.length(1);
    const audit = await AuditLog.findOne({
      where: { action: 'records_file.export', userId: office.clerk.id },
      order: [['id', 'DESC']],
    });
    expect(audit).to.not.equal(null);
    expect(
      (await download(leader.session.agent, `/records-files/catalogue.xlsx?year=${year}`)).status,
    ).to.equal(200);
    expect(
      (await download(specialist.session.agent, '/records-files/catalogue.xlsx')).status,
    ).to.equal(403);
    expect(
      (await download(clerk.session.agent, '/records-files/catalogue.xlsx?year=abc')).status,
    ).to.equal(422);
    expect(id).to.not.equal(lastYear);
    // The list's count says what it counts.
    expect(sheet.lines.flat().join(' ')).to.match(/Tổng số: \d+ hồ sơ/);
  });

  it('exports the catalogue of the files the list shows: its status and words too, named in the workbook', async () => {
    const kept = await openFile(clerk, { code: 'DM-LOC-01', title: 'Hồ sơ danh mục lọc theo từ' });
    await openFile(clerk, { code: 'DM-KHAC-02', title: 'Hồ sơ danh mục khác' });
    const page = decodeEntities(
      (await clerk.session.agent.get(`/records-files?year=${year}&status=open&q=DM-LOC`)).text,
    );
    const href = /data-testid="export-xlsx"/.test(page)
      ? /href="(\/records-files\/catalogue\.xlsx\?[^"]*)" data-testid="export-xlsx"/.exec(page)?.[1]
      : undefined;
    expect(href, 'catalogue link').to.not.equal(undefined);
    const params = new URL(href!, 'http://x').searchParams;
    expect([params.get('year'), params.get('status'), params.get('q')]).to.deep.equal([
      String(year),
      'open',
      'DM-LOC',
    ]);
    const res = await download(clerk.session.agent, href!);
    expect(res.status).to.equal(200);
    const sheet = await readSheet(res.body as Buffer, 'Số và ký hiệu hồ sơ');
    expect(sheet.rows.map((r) => r[0])).to.deep.equal(['DM-LOC-01']);
    const lines = sheet.lines.flat().join(' ');
    expect(lines)
      .to.include('Trạng thái: Đang lập')
      .and.include('Số, ký hiệu hoặc tiêu đề: DM-LOC');
    expect(lines).to.include('Tổng số: 1 hồ sơ').and.not.include('dòng');
    // Closed, it is no longer among the open ones.
    await RecordsFile.update({ status: 'closed' }, { where: { id: kept } });
    const closed = await download(clerk.session.agent, href!);
    expect((await readSheet(closed.body as Buffer, 'Số và ký hiệu hồ sơ')).rows).to.have.length(0);
  });

  it("exports a file's table of contents (only what the reader may open, the rest counted) and the year's list of files transferred", async () => {
    const file = await openFile(specialist, { code: 'ML-01', retention: '20' });
    const first = await registerDocument(
      office.clerk,
      {
        subject: 'Kế hoạch kiểm kê tài sản',
        promulgationDate: `${year}-02-03`,
        documentType: 'KH',
      },
      pdf,
    );
    const second = await registerDocument(
      office.clerk,
      { subject: 'Văn bản mật của chuyên viên', promulgationDate: `${year}-03-28` },
      pdf,
    );
    for (const doc of [first, second]) {
      await grant(doc.id, office.specialist.id);
      expect((await add(specialist, file, 'incoming', doc.id)).status).to.equal(303);
    }
    await grant(first.id, office.reader.id);
    // Gathered last but dated first: a file lists its documents by date.
    const earliest = await registerDocument(
      office.clerk,
      { subject: 'Công văn đầu năm', promulgationDate: `${year}-01-05` },
      pdf,
    );
    await grant(earliest.id, office.specialist.id);
    expect((await add(specialist, file, 'incoming', earliest.id)).status).to.equal(303);
    await postForm(specialist, `/records-files/${file}/members`, {
      userId: String(office.reader.id),
    });
    const page = await specialist.session.agent.get(`/records-files/${file}`);
    expect(page.text).to.include(`href="/records-files/${file}/contents.xlsx"`);
    expect(listedDocuments(page.text)).to.deep.equal([
      `incoming:${earliest.id}`,
      `incoming:${first.id}`,
      `incoming:${second.id}`,
    ]);

    const own = await download(specialist.session.agent, `/records-files/${file}/contents.xlsx`);
    expect(own.status).to.equal(200);
    expect(String(own.headers['content-disposition'])).to.include('muc-luc-van-ban-ml-01-');
    const sheet = await readSheet(own.body as Buffer, 'STT');
    expect(sheet.rows.map((r) => r[0])).to.deep.equal(['1', '2', '3']);
    // The type before the subject, unless the subject begins with it.
    expect(sheet.rows[0]![3]).to.equal('Công văn đầu năm');
    expect(sheet.rows[1]![3]).to.equal('Kế hoạch kiểm kê tài sản');
    expect(sheet.rows[2]![3]).to.equal('Công văn: Văn bản mật của chuyên viên');
    expect(sheet.header.at(-1)).to.equal('Ghi chú');
    expect(sheet.rows[1]![2]).to.equal(`${year}-02-03`);
    expect(sheet.rows[1]![4]).to.equal('Sở Tài chính');
    expect(sheet.lines.flat().join(' ')).to.include('Hồ sơ số ML-01');
    expect(sheet.lines.flat().join(' ')).to.include('Tổng số: 3 văn bản');

    // The reader it is shared with gets the one they may open, and a count of the other.
    const theirs = await download(reader.session.agent, `/records-files/${file}/contents.xlsx`);
    expect(theirs.status).to.equal(200);
    const texts = (await sheetTexts(theirs.body as Buffer)).join('\n');
    expect(texts).to.include('Kế hoạch kiểm kê tài sản');
    expect(texts).not.to.include('Văn bản mật của chuyên viên');
    expect(texts).to.include('Hồ sơ có 2 văn bản bạn không có quyền xem');
    const audit = await AuditLog.findOne({
      where: { action: 'records_file.contents.export', userId: office.reader.id },
    });
    expect(audit?.entityId).to.equal(String(file));
    // The unit's head sees the file and may export it; another agency's clerk finds nothing.
    expect(
      (await download(head.session.agent, `/records-files/${file}/contents.xlsx`)).status,
    ).to.equal(200);
    expect(
      (await download(stranger.session.agent, `/records-files/${file}/contents.xlsx`)).status,
    ).to.equal(404);

    // Closed and transferred this year: on the year's transfer list, with its documents' span.
    expect((await postForm(specialist, `/records-files/${file}/close`, {})).status).to.equal(303);
    expect((await postForm(clerk, `/records-files/${file}/transfer`, {})).status).to.equal(303);
    const list = await download(
      clerk.session.agent,
      `/records-files/transfer-list.xlsx?year=${year}`,
    );
    expect(list.status).to.equal(200);
    expect(String(list.headers['content-disposition'])).to.include(
      `muc-luc-ho-so-nop-luu-${year}-`,
    );
    const transferred = await readSheet(list.body as Buffer, 'STT');
    const row = transferred.rows.find((r) => r[1] === 'ML-01');
    expect(row, JSON.stringify(transferred.rows)).to.not.equal(undefined);
    expect(row![3]).to.equal(`05/01/${year} – 28/03/${year}`);
    expect(row).to.include('20 năm');
    // Files not transferred are not on it.
    expect(transferred.rows.some((r) => r[1] === 'TCKH-01')).to.equal(false);
    expect(
      (await download(specialist.session.agent, '/records-files/transfer-list.xlsx')).status,
    ).to.equal(403);
    const empty = await download(
      leader.session.agent,
      `/records-files/transfer-list.xlsx?year=${year - 5}`,
    );
    expect(empty.status).to.equal(200);
    expect((await readSheet(empty.body as Buffer, 'STT')).rows).to.have.length(0);
  });

  it('filters the list by year, status and words (wildcards taken as typed), and refuses bad filters with a message', async () => {
    const open = await openFile(specialist, { code: 'LOC-01', title: 'Hồ sơ lọc 100% ngân_sách' });
    const closed = await openFile(specialist, { code: 'LOC-02', title: 'Hồ sơ lọc đã kết thúc' });
    const old = await openFile(specialist, { code: 'LOC-03', year: String(year - 3) });
    const doc = await documentForSpecialist('Văn bản của hồ sơ lọc đã kết thúc');
    expect((await add(specialist, closed, 'incoming', doc.id)).status).to.equal(303);
    expect((await postForm(specialist, `/records-files/${closed}/close`, {})).status).to.equal(303);
    const ids = async (query: string) => {
      const res = await specialist.session.agent.get(`/records-files?${query}`);
      expect(res.status, query).to.equal(200);
      return [...res.text.matchAll(/data-records-file="(\d+)"/g)].map((m) => Number(m[1]));
    };
    const lọc = encodeURIComponent('LOC-0');
    expect(await ids(`year=${year}&q=${lọc}`)).to.have.members([open, closed]);
    expect(await ids(`year=${year}&q=${lọc}&status=closed`)).to.deep.equal([closed]);
    expect(await ids(`year=${year - 3}&q=${lọc}`)).to.deep.equal([old]);
    // Every year when the year is left empty.
    expect(await ids(`year=&q=${lọc}`)).to.have.members([open, closed, old]);
    // Without accents, in any case.
    expect(await ids(`year=&q=${encodeURIComponent('ngan_SACH')}`)).to.deep.equal([open]);
    expect(await ids(`year=&q=${encodeURIComponent('loc-01')}`)).to.deep.equal([open]);
    // "%" and "_" are characters to find, not wildcards.
    expect(await ids(`year=&q=${encodeURIComponent('100%')}`)).to.deep.equal([open]);
    expect(await ids(`year=&q=${encodeURIComponent('ngân_sách')}`)).to.deep.equal([open]);
    expect(await ids(`year=&q=${encodeURIComponent('%')}`)).to.deep.equal([open]);
    // A page past the last shows the last.
    expect(await ids(`year=&q=${lọc}&page=99999`)).to.have.members([open, closed, old]);
    // A filter typed wrong: the list, with the reason beside its field (a page that is not one is
    // the first, as a stale link's).
    for (const query of ['status=lost', 'year=20x6', `q=${'a'.repeat(201)}`]) {
      const res = await specialist.session.agent.get(`/records-files?${query}`);
      expect(res.status, query).to.equal(422);
      expect(res.text).to.include('data-testid="records-files"');
      expect(res.text).to.include('class="field-error"');
      expect(res.text).not.to.match(/at .*\.ts:\d+/);
    }
    expect((await specialist.session.agent.get('/records-files?page=-1')).status).to.equal(200);
  });

  it('switches the language back to the page with its filters', async () => {
    const page = await specialist.session.agent.get(`/records-files?year=${year - 3}&status=open`);
    const back = decodeEntities(/name="back" value="([^"]*)"/.exec(page.text)?.[1] ?? '');
    expect(back).to.equal(`/records-files?year=${year - 3}&status=open`);
    const res = await postForm(specialist, '/language', { lng: 'en', back });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(back);
    const english = await specialist.session.agent.get(back);
    expect(english.text).to.include('Records files');
    await postForm(specialist, '/language', { lng: 'vi', back: '/' });
  });

  it("pages a long file's documents, 50 a page, and says the whole count", async () => {
    const id = await openFile(clerk, { code: 'DAI-01', departmentId: '' });
    const docs = [];
    for (let i = 0; i < 51; i++)
      docs.push(
        await registerDocument(
          office.clerk,
          { subject: `Văn bản thứ ${i + 1} của hồ sơ dài`, promulgationDate: `${year}-01-01` },
          pdf,
        ),
      );
    for (const doc of docs) expect((await add(clerk, id, 'incoming', doc.id)).status).to.equal(303);
    const first = await clerk.session.agent.get(`/records-files/${id}`);
    expect(listedDocuments(first.text)).to.have.length(50);
    expect(first.text).to.include('<span class="muted">(51)</span>');
    expect(decodeEntities(first.text)).to.include(`href="/records-files/${id}?page=2"`);
    const second = await clerk.session.agent.get(`/records-files/${id}?page=2`);
    expect(listedDocuments(second.text)).to.deep.equal([`incoming:${docs[50]!.id}`]);
    // Past the last page: the last; not a page number: the first, as a stale link's.
    const past = await clerk.session.agent.get(`/records-files/${id}?page=9`);
    expect(listedDocuments(past.text)).to.deep.equal([`incoming:${docs[50]!.id}`]);
    const typo = await clerk.session.agent.get(`/records-files/${id}?page=abc`);
    expect(typo.status).to.equal(200);
    expect(listedDocuments(typo.text)).to.have.length(50);
  });

  it('reads a file of tens of thousands of items, the missing ones counted', async () => {
    const id = await openFile(clerk, { code: 'LON-01', departmentId: '' });
    const real = await registerDocument(
      office.clerk,
      { subject: 'Văn bản thật của hồ sơ lớn' },
      pdf,
    );
    expect((await add(clerk, id, 'incoming', real.id)).status).to.equal(303);
    // Items standing for documents that are not there: counted, never described.
    const missing = (kind: 'incoming' | 'outgoing', count: number, from: number) =>
      Array.from({ length: count }, (_, i) => ({
        recordsFileId: id,
        documentKind: kind,
        documentId: from + i,
        addedById: office.clerk.id,
      }));
    await RecordsFileItem.bulkCreate(missing('incoming', 33_000, 10_000_000));
    await RecordsFileItem.bulkCreate(missing('outgoing', 2_500, 10_000_000));
    const res = await clerk.session.agent.get(`/records-files/${id}`);
    expect(res.status, res.text.slice(0, 300)).to.equal(200);
    expect(listedDocuments(res.text)).to.deep.equal([`incoming:${real.id}`]);
    expect(decodeEntities(res.text)).to.include('Hồ sơ có 35500 văn bản bạn không có quyền xem');
  });

  it('deletes only an empty open file', async () => {
    const full = await openFile(specialist, { code: 'XOA-01' });
    const doc = await documentForSpecialist();
    await add(specialist, full, 'incoming', doc.id);
    const refused = await postForm(specialist, `/records-files/${full}/delete`, {});
    await toldOnFile(refused, 'Hồ sơ đã có văn bản');
    expect(await RecordsFile.count({ where: { id: full } })).to.equal(1);
    const empty = await openFile(specialist, { code: 'XOA-02' });
    expect((await postForm(reader, `/records-files/${empty}/delete`, {})).status).to.equal(404);
    expect((await postForm(specialist, `/records-files/${empty}/delete`, {})).status).to.equal(303);
    expect(await RecordsFile.count({ where: { id: empty } })).to.equal(0);
  });

  it('edits an open file: the keeper and a clerk; the unit head only sees it', async () => {
    const id = await openFile(specialist, { code: 'SUA-01' });
    const res = await postForm(
      specialist,
      `/records-files/${id}`,
      form({ code: 'SUA-01', title: 'Tiêu đề mới của hồ sơ', retention: '20' }),
    );
    expect(res.status).to.equal(303);
    expect((await RecordsFile.findByPk(id))!).to.include({
      title: 'Tiêu đề mới của hồ sơ',
      retentionYears: 20,
    });
    expect(
      (await postForm(head, `/records-files/${id}`, form({ code: 'SUA-01' }))).status,
    ).to.equal(403);
    expect(
      (
        await postForm(
          clerk,
          `/records-files/${id}`,
          form({ code: 'SUA-01', title: 'Văn thư sửa' }),
        )
      ).status,
    ).to.equal(303);
    // Someone who sees the file but may not change it is refused before the form is read.
    const invalid = await postForm(leader, `/records-files/${id}`, form({ code: '' }));
    expect(invalid.status).to.equal(403);
    expect(invalid.text).not.to.include('data-testid="records-file-form"');
    const update = await AuditLog.findOne({
      where: { action: 'records_file.update', entityId: String(id), userId: office.clerk.id },
    });
    expect(update).to.not.equal(null);
  });
});
