import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Response } from 'superagent';
import type { Agency } from '../../src/agencies/agency.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { AppError } from '../../src/http/app-error.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { directIncoming, presentToLeader } from '../../src/incoming/incoming.workflow.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { issueOutgoing } from '../../src/outgoing/outgoing.issue.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { signOutgoing } from '../../src/outgoing/outgoing.signing.js';
import { Register } from '../../src/registers/register.model.js';
import type { User } from '../../src/users/user.model.js';
import {
  buildAgency,
  buildDepartment,
  buildUser,
  csrfTokenOf,
  loginAs,
  type Session,
} from '../factories/index.js';
import { decree30Draft } from '../fixtures/draft.js';
import { enrolForTest, enrolSealForTest, TEST_PIN } from '../helpers/signing-keys.js';
import { testApp } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

function binary(res: Response, done: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

/**
 * Văn bản trả lời: a reply drafted from an incoming document names it, through the pages; the
 * incoming page, the trail and the processing-tracking register (column 6) follow it to its
 * number; someone who may not open the incoming document cannot link a draft to it.
 */
describe('replies to incoming documents (văn bản trả lời)', function () {
  this.timeout(120_000);
  let agency: Agency;
  let specialist: User;
  let outsider: User;
  let leader: User;
  let clerk: User;
  let incoming: IncomingDocument;
  let session: Session;

  before(async () => {
    const { app } = await testApp();
    agency = await buildAgency();
    const dept = await buildDepartment(agency);
    const otherDept = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    outsider = await buildUser(agency, ['specialist'], { departmentId: otherDept.id });
    leader = await buildUser(agency, ['leader'], { positionTitle: 'Chủ tịch' });
    clerk = await buildUser(agency, ['clerk']);
    await enrolForTest(leader);
    await enrolSealForTest(agency.id);
    const year = Number(todayInVietnam().slice(0, 4));
    const register = await Register.create({
      agencyId: agency.id,
      kind: 'incoming',
      year,
      name: `Sổ văn bản đến ${year}`,
      lastNumber: 7,
    } as never);
    incoming = await IncomingDocument.create({
      agencyId: agency.id,
      registerId: register.id,
      arrivalNumber: 7,
      arrivalDate: new Date(),
      fromOrganName: 'Sở Nội vụ tỉnh Hà Nam',
      fromOrganId: '000.00.01.H99',
      codeNumber: '123',
      codeNotation: 'SNV-VP',
      promulgationDate: `${year}-01-02`,
      documentType: 'CV',
      subject: 'Đề nghị báo cáo tình hình biên chế',
      status: 'registered',
      createdById: clerk.id,
    } as never);
    await presentToLeader(incoming.id, { leaderId: leader.id }, actorOf(clerk));
    await directIncoming(
      incoming.id,
      { lead: { userId: specialist.id }, support: [], info: [] },
      actorOf(leader),
    );
    session = await loginAs(app, specialist);
  });

  it('offers the reply from the incoming page, prefilled, and refuses one who may not open it', async () => {
    const page = await session.agent.get(`/incoming/${incoming.id}`);
    expect(page.text).to.contain(`href="/outgoing/new?answers=${incoming.id}"`);
    const form = await session.agent.get(`/outgoing/new?answers=${incoming.id}`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Soạn văn bản trả lời');
    expect(hidden(form.text, 'answersIncomingId')).to.equal(String(incoming.id));
    const year = todayInVietnam().slice(0, 4);
    expect(form.text).to.contain(
      `Trả lời Công văn số 123/SNV-VP ngày 02/01/${year} của Sở Nội vụ tỉnh Hà Nam`,
    );
    expect(form.text).to.contain('Sở Nội vụ tỉnh Hà Nam | 000.00.01.H99');
    expect(form.text).to.contain(`Số đến 07 – Công văn số 123/SNV-VP ngày 02/01/${year}`);
    // Opening the form read the incoming document: in the audit log.
    const viewed = await AuditLog.findAll({
      where: { action: 'incoming.view', entityId: String(incoming.id), userId: specialist.id },
    });
    expect(viewed.map((a) => String(a.details ?? ''))).to.satisfy((d: string[]) =>
      d.some((x) => x.includes('"page":"answer"')),
    );

    // The subject is printed on the document: Vietnamese when the form is read in English too.
    const { app } = await testApp();
    const inEnglish = await loginAs(app, specialist);
    await inEnglish.agent
      .post('/language')
      .type('form')
      .send({ lng: 'en', _csrf: await inEnglish.csrf() });
    const english = await inEnglish.agent.get(`/outgoing/new?answers=${incoming.id}`);
    expect(english.text).to.contain('Draft a reply');
    expect(english.text).to.contain(
      `Trả lời Công văn số 123/SNV-VP ngày 02/01/${year} của Sở Nội vụ tỉnh Hà Nam`,
    );

    const other = await loginAs(app, outsider);
    expect((await other.agent.get(`/outgoing/new?answers=${incoming.id}`)).status).to.equal(404);
    expect((await other.agent.get('/outgoing/new?answers=abc')).status).to.equal(404);
    // A draft naming it through a tampered field is refused beside the field; nothing is saved.
    const before = await OutgoingDocument.count({ where: { agencyId: agency.id } });
    const token = await other.csrf();
    const tampered = await other.agent
      .post(`/outgoing?_csrf=${encodeURIComponent(token)}`)
      .field('documentType', 'CV')
      .field('subject', 'Trả lời giả')
      .field('answersIncomingId', String(incoming.id))
      .attach('files', await decree30Draft('Trả lời giả'), 'tra-loi.pdf');
    expect(tampered.status).to.equal(422);
    expect(tampered.text).to.contain(
      'Văn bản được trả lời phải là văn bản đến của cơ quan mà bạn có quyền xem.',
    );
    expect(tampered.text).not.to.match(/at .*\.ts:\d+/);
    expect(await OutgoingDocument.count({ where: { agencyId: agency.id } })).to.equal(before);
  });

  it('follows the reply from draft to number: the incoming page, its trail and the tracking register', async () => {
    const token = await session.csrf();
    const created = await session.agent
      .post(`/outgoing?_csrf=${encodeURIComponent(token)}`)
      .field('documentType', 'CV')
      .field('subject', 'Báo cáo tình hình biên chế')
      .field('signerId', String(leader.id))
      .field('signingForm', 'TM')
      .field('placeName', 'Hà Nội')
      .field('externalRecipients', 'Sở Nội vụ tỉnh Hà Nam | 000.00.01.H99')
      .field('answersIncomingId', String(incoming.id))
      .attach('files', await decree30Draft('Báo cáo tình hình biên chế'), 'tra-loi.pdf');
    expect(created.status, created.text.slice(0, 400)).to.equal(303);
    const id = Number(/\/outgoing\/(\d+)/.exec(created.headers.location!)![1]);
    const reply = (await OutgoingDocument.findByPk(id))!;
    expect(reply.answersIncomingId).to.equal(incoming.id);

    // The outgoing page names what it answers, with a link.
    const detail = await session.agent.get(`/outgoing/${id}`);
    expect(detail.text).to.contain('data-testid="answers-incoming"');
    expect(detail.text).to.contain(`href="/incoming/${incoming.id}"`);
    // An edit through the form keeps the link (the form carries it).
    const edit = await session.agent.get(`/outgoing/${id}/edit`);
    expect(hidden(edit.text, 'answersIncomingId')).to.equal(String(incoming.id));
    const saved = await session.agent
      .post(`/outgoing/${id}/edit`)
      .type('form')
      .send({
        _csrf: csrfTokenOf(edit.text),
        documentType: 'CV',
        subject: 'Báo cáo tình hình biên chế năm nay',
        signerId: String(leader.id),
        signingForm: 'TM',
        placeName: 'Hà Nội',
        externalRecipients: 'Sở Nội vụ tỉnh Hà Nam | 000.00.01.H99',
        answersIncomingId: hidden(edit.text, 'answersIncomingId'),
      });
    expect(saved.status, saved.text.slice(0, 400)).to.equal(303);
    expect((await reply.reload()).answersIncomingId).to.equal(incoming.id);

    // The drafter sees the draft among the answers; the clerk, who may not open a draft, does not.
    const mine = await session.agent.get(`/incoming/${incoming.id}`);
    expect(mine.text).to.contain('data-testid="answers"');
    expect(mine.text).to.contain(`href="/outgoing/${id}"`);
    const { app } = await testApp();
    const clerkSession = await loginAs(app, clerk);
    const clerkPage = await clerkSession.agent.get(`/incoming/${incoming.id}`);
    expect(clerkPage.status).to.equal(200);
    expect(clerkPage.text).not.to.contain('data-testid="answers"');

    await submitDraft(id, {}, actorOf(specialist));
    await signOutgoing(id, { pin: TEST_PIN }, actorOf(leader));
    const issued = await issueOutgoing(id, {}, actorOf(clerk));
    const number = `${String(issued.codeNumber).padStart(2, '0')}/${issued.codeNotation}`;

    const trail = await DocumentEvent.findAll({
      where: { documentKind: 'incoming', documentId: incoming.id },
      order: [['id', 'ASC']],
    });
    const answerSteps = trail.filter((e) => e.action.startsWith('answer.'));
    expect(answerSteps.map((e) => e.action)).to.deep.equal(['answer.drafted', 'answer.issued']);
    expect(answerSteps[1].note).to.equal(number);
    const issuedPage = await clerkSession.agent.get(`/incoming/${incoming.id}`);
    expect(issuedPage.text).to.contain('data-testid="answers"');
    expect(issuedPage.text).to.contain(number);
    expect(issuedPage.text).to.contain('Phát hành văn bản trả lời');
    // The trail's times are machine-readable (ISO 8601), not a Date's toString.
    expect(issuedPage.text).to.match(/<time class="muted" datetime="\d{4}-\d{2}-\d{2}T[\d:.]+Z">/);
    expect(issuedPage.text).not.to.contain('GMT+');

    // Column 6 of the processing-tracking register: the reply's number and symbol.
    const today = todayInVietnam();
    const period = `from=${today.slice(0, 4)}-01-01&to=${today}`;
    const screen = await clerkSession.agent.get(`/registers?kind=tracking&${period}`);
    expect(screen.status).to.equal(200);
    expect(screen.text).to.contain(number);
    const xlsx = await clerkSession.agent
      .get(`/registers/tracking.xlsx?${period}`)
      .buffer(true)
      .parse(binary);
    expect(xlsx.status).to.equal(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    const cells: string[] = [];
    book.worksheets[0].eachRow((row) => {
      if (String(row.getCell(1).value ?? '').replace(/^0+/, '') === '7')
        cells.push(String(row.getCell(6).value ?? ''));
    });
    expect(cells).to.deep.equal([number]);
  });

  it('lets a draft replace or correct only an issued document its drafter may open', async () => {
    const issued = (await OutgoingDocument.findOne({
      where: { answersIncomingId: incoming.id, status: 'issued' },
    }))!;
    const pdf = await decree30Draft('Đính chính');
    const correction = (by: User) =>
      createDraft(
        DraftFieldsSchema.parse({
          documentType: 'CV',
          subject: 'Đính chính báo cáo biên chế',
          signerId: String(leader.id),
          placeName: 'Hà Nội',
          recipients: [{ name: 'Sở Nội vụ tỉnh Hà Nam' }],
          relatedId: String(issued.id),
          relation: 'correction',
        }),
        { main: { buffer: pdf, originalName: 'dinh-chinh.pdf' } },
        actorOf(by),
      );
    // Another department's specialist may not open it: refused as if it did not exist.
    const refused = await correction(outsider).catch((e: unknown) => e as AppError);
    expect(refused).to.be.instanceOf(AppError);
    expect((refused as AppError).status).to.equal(422);
    expect((refused as AppError).fields).to.deep.equal({
      relatedId: 'errors:OUTGOING_RELATED_INVALID',
    });
    const made = await correction(specialist);
    expect(made.relatedId).to.equal(issued.id);
  });
});
