import { AppError } from '../../src/http/app-error.js';
import { Op } from 'sequelize';
import { formatCodeNumber } from '../../src/registers/number-series.js';
import { expect } from 'chai';
import request from 'supertest';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { storedSignatureCheck } from '../../src/files/signature-check.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import {
  completeAssignment,
  directIncoming,
  fileIncoming,
  presentToLeader,
  reportProgress,
} from '../../src/incoming/incoming.service.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { outgoingDetail } from '../../src/api/outgoing.json.js';
import { db } from '../../src/db/index.js';
import { loadOutgoingAccess } from '../../src/outgoing/outgoing.access.js';
import { deliveryStatus } from '../../src/outgoing/outgoing.delivery-status.js';
import {
  getDelivery,
  listArrivals,
  openDeliveryFile,
  refuseDelivery,
  registerDelivery,
} from '../../src/outgoing/outgoing.deliveries.js';
import {
  OutgoingDocument,
  OutgoingRecipient,
  OutgoingStatusEvent,
} from '../../src/outgoing/outgoing.model.js';
import { answerRecall, recallOutgoing } from '../../src/outgoing/outgoing.recall.js';
import { addTrustAnchor } from '../../src/pki/trust.js';
import { signPdf } from '../../src/signing/index.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { issuedDocument } from '../helpers/matrix-table-deliveries.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { makePdf, signerOf, testPki } from '../unit/signing/helpers/index.js';
import { notificationText } from '../../src/notifications/notification-text.js';
import { sendBackIncoming } from '../../src/incoming/incoming.workflow.js';

const actor = (user: User) => ({ user, ip: '127.0.0.1' });
const events = async (recipientId: number) =>
  (await OutgoingStatusEvent.findAll({ where: { recipientId }, order: [['id', 'ASC']] })).map(
    (e) => e.status,
  );

describe('dispatch and tracking of outgoing documents inside the deployment', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  const pki = testPki();
  let signedPdf: Buffer;
  let sender: Agency;
  let receiver: Agency;
  let third: Agency;
  let ownDept: Department;
  let senderClerk: User;
  let drafter: User;
  let senderLeader: User;
  let ownHead: User;
  let recvClerk: User;
  let recvLeader: User;
  let recvSpecialist: User;
  let thirdClerk: User;
  let outsider: User;

  before(async () => {
    ctx = await testApp();
    addTrustAnchor(ctx.config.certsDir, pki.root.cert, 'dispatch-test-root');
    signedPdf = await signPdf(await makePdf(), { signer: signerOf(pki.rsaSigner) });
    sender = await buildAgency({ name: 'UBND tỉnh Gửi Thử' });
    receiver = await buildAgency({ name: 'Sở Nội vụ Nhận Thử' });
    third = await buildAgency({ name: 'Sở Tài chính Nhận Thử' });
    ownDept = await buildDepartment(sender);
    senderClerk = await buildUser(sender, ['clerk'], { fullName: 'Văn thư Gửi' });
    drafter = await buildUser(sender, ['specialist'], { departmentId: ownDept.id });
    senderLeader = await buildUser(sender, ['leader'], { fullName: 'Phạm Văn Ký' });
    ownHead = await buildUser(sender, ['dept_head'], { departmentId: ownDept.id });
    recvClerk = await buildUser(receiver, ['clerk'], { fullName: 'Văn thư Nhận' });
    recvLeader = await buildUser(receiver, ['leader']);
    recvSpecialist = await buildUser(receiver, ['specialist']);
    thirdClerk = await buildUser(third, ['clerk']);
    outsider = await buildUser(receiver, ['specialist']);
  });

  const issue = (overrides: Partial<Parameters<typeof issuedDocument>[0]> = {}) =>
    issuedDocument({
      sender,
      clerk: senderClerk,
      createdBy: drafter,
      signer: senderLeader,
      departmentId: ownDept.id,
      pdf: signedPdf,
      recipients: [
        { agency: receiver },
        { department: ownDept },
        { name: 'Bộ Nội vụ', code: '000.00.00.G09' },
      ],
      ...overrides,
    });

  describe('dispatch', () => {
    it('puts the document in each agency’s queue (01) and tells its clerks, marking urgent ones', async () => {
      const auditBefore = Number((await AuditLog.max('id')) ?? 0);
      const { document, recipients } = await issue({ urgency: 3 });
      const [agency, department, external] = await OutgoingRecipient.findAll({
        where: { outgoingId: document.id },
        order: [['position', 'ASC']],
      });
      expect(agency.status).to.equal('01');
      expect(agency.statusAt).to.be.instanceOf(Date);
      expect(await events(agency.id)).to.deep.equal(['01']);
      expect(department.status).to.equal(null);
      expect(external.status).to.equal(null);
      const note = await Notification.findOne({
        where: { userId: recvClerk.id, link: `/incoming/arrivals/${recipients[0].id}` },
      });
      expect(notificationText(note!, 'vi')).to.equal(
        `[Hỏa tốc] Văn bản đến mới từ UBND tỉnh Gửi Thử: ${formatCodeNumber(document.codeNumber!)}/UBND-VP — ${document.subject}`,
      );
      // The department recipient's head is told and may follow the document.
      expect(
        await Notification.count({ where: { userId: ownHead.id, kind: 'delivery.department' } }),
      ).to.be.greaterThan(0);
      const status = await deliveryStatus(document.id, ownHead);
      expect(status.recipients.map((r) => r.status?.text ?? r.kindLabel)).to.deep.equal([
        'Đã đến',
        'Gửi nội bộ (đã báo trưởng phòng)',
        'Gửi ngoài hệ thống',
      ]);
      // The latest: a migration test that went down and up before may have reused the id.
      const trail = await DocumentEvent.findOne({
        where: { documentKind: 'outgoing', documentId: document.id, action: 'dispatch' },
        order: [['id', 'DESC']],
      });
      expect(JSON.parse(trail!.data!)).to.include({ agencies: 1, departments: 1, external: 1 });
      expect(
        await AuditLog.count({
          where: {
            action: 'outgoing.dispatch',
            entityId: document.id,
            id: { [Op.gt]: auditBefore },
          },
        }),
      ).to.equal(1);
    });
    it('reads an access outside a transaction, then the API detail’s files, trail and statuses, in one round trip each on MariaDB', async () => {
      const { document } = await issue();
      const logged: string[] = [];
      const options = (db() as unknown as { options: { logging: unknown } }).options;
      const before = options.logging;
      options.logging = (sql: string) => logged.push(sql);
      let access: Awaited<ReturnType<typeof loadOutgoingAccess>>;
      let accessReads: string[];
      let json: Awaited<ReturnType<typeof outgoingDetail>>;
      try {
        access = await loadOutgoingAccess(senderClerk, document.id);
        accessReads = logged.splice(0);
        json = await outgoingDetail(document.id, actor(senderClerk), {
          audit: false,
          loaded: access!,
        });
      } finally {
        options.logging = before;
      }
      const mysql = db().getDialect() === 'mysql';
      expect(accessReads, accessReads.join('\n')).to.have.length(mysql ? 1 : 2);
      expect(accessReads.join('\n')).to.include('outgoing_recipients');
      expect(access!.recipients).to.have.length(3);
      expect(logged, logged.join('\n')).to.have.length(mysql ? 1 : 3);
      for (const table of ['document_files', 'document_events', 'outgoing_status_events'])
        expect(logged.join('\n')).to.include(table);
      // The same answer as the statuses and the trail read on their own.
      const status = await deliveryStatus(document.id, senderClerk);
      expect(json!.recipients).to.deep.equal(status.recipients);
      expect(json!.recipients[0].history.map((h) => h.code)).to.deep.equal(['01']);
      expect(json!.trail.map((e) => e.action)).to.include('dispatch');
    });
  });

  describe('the receiving clerk’s queue', () => {
    it('lists the delivery for the receiving clerks only; to anyone else it does not exist', async () => {
      const { document, recipients } = await issue();
      const id = recipients[0].id;
      const clerk = await loginAs(ctx.app, recvClerk);
      // Clerks find the queue in the menu.
      expect((await clerk.agent.get('/incoming')).text).to.contain('href="/incoming/arrivals"');
      const reader = await loginAs(ctx.app, outsider);
      expect((await reader.agent.get('/incoming')).text).not.to.contain(
        'href="/incoming/arrivals"',
      );
      const list = await clerk.agent.get('/incoming/arrivals');
      expect(list.status).to.equal(200);
      expect(list.text)
        .to.contain('Văn bản đến chờ tiếp nhận')
        .and.contain(`href="/incoming/arrivals/${id}"`);
      const page = await clerk.agent.get(`/incoming/arrivals/${id}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('UBND tỉnh Gửi Thử').and.contain(document.subject);
      expect(page.text).to.contain('Chữ ký số hợp lệ').and.contain('Nguyễn Thị Hằng');
      expect(page.text).to.contain('Phạm Văn Ký');

      for (const user of [senderClerk, thirdClerk, outsider, recvLeader]) {
        const other = await loginAs(ctx.app, user);
        expect((await other.agent.get(`/incoming/arrivals/${id}`)).status, user.fullName).to.equal(
          404,
        );
      }
      const third = await loginAs(ctx.app, thirdClerk);
      expect((await third.agent.get('/incoming/arrivals')).text).not.to.contain(
        `/incoming/arrivals/${id}"`,
      );
      expect(
        await AuditLog.count({ where: { action: 'delivery.view', userId: recvClerk.id } }),
      ).to.be.greaterThan(0);
    });

    it('registers in one click: sender metadata, the same stored files with their signature check, status 03', async () => {
      const { document, recipients, signedFileId } = await issue({ confidentiality: 0 });
      const id = recipients[0].id;
      const clerk = await loginAs(ctx.app, recvClerk);
      const csrf = await clerk.csrf();
      const res = await clerk.agent
        .post(`/incoming/arrivals/${id}/register`)
        .type('form')
        .send({ _csrf: csrf });
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
      const incomingId = Number(/\/incoming\/(\d+)$/.exec(res.headers.location)![1]);
      const incoming = (await IncomingDocument.findByPk(incomingId))!;
      expect(incoming.agencyId).to.equal(receiver.id);
      expect(incoming).to.include({
        fromOrganName: 'UBND tỉnh Gửi Thử',
        fromOrganId: sender.code,
        codeNumber: formatCodeNumber(document.codeNumber!),
        codeNotation: 'UBND-VP',
        documentType: 'CV',
        subject: document.subject,
        signerName: 'Phạm Văn Ký',
        urgency: 0,
        confidentiality: 0,
        status: 'registered',
      });
      expect(incoming.pageAmount).to.equal((await StoredFile.findByPk(signedFileId))!.pageCount);
      expect(incoming.promulgationDate).to.equal(document.promulgationDate);
      const files = await DocumentFile.findAll({
        where: { documentKind: 'incoming', documentId: incomingId },
      });
      expect(files.map((f) => [f.fileId, f.role])).to.deep.equal([[signedFileId, 'main']]);
      expect(storedSignatureCheck(files[0])!.status).to.equal('valid');
      const recipient = (await OutgoingRecipient.findByPk(id))!;
      expect(recipient.status).to.equal('03');
      expect(recipient.incomingId).to.equal(incomingId);
      expect(await events(id)).to.deep.equal(['01', '03']);
      const trail = await DocumentEvent.findOne({
        where: { documentKind: 'incoming', documentId: incomingId, action: 'register' },
      });
      expect(JSON.parse(trail!.data!).delivery).to.include({
        recipientId: id,
        outgoingId: document.id,
      });
      // The incoming page says where it came from.
      const detail = await clerk.agent.get(`/incoming/${incomingId}`);
      expect(detail.text).to.contain('Văn bản nhận trong hệ thống từ UBND tỉnh Gửi Thử');

      // A second click is refused and leaves the queue.
      const again = await clerk.agent
        .post(`/incoming/arrivals/${id}/register`)
        .type('form')
        .send({ _csrf: csrf });
      expect(again.status).to.equal(409);
      expect(again.text).to.contain('đã được vào sổ hoặc đã bị từ chối');
      expect((await clerk.agent.get('/incoming/arrivals')).text).not.to.contain(
        `/incoming/arrivals/${id}"`,
      );
    });

    it('gives one incoming document for two concurrent clicks', async () => {
      const { recipients } = await issue();
      const id = recipients[0].id;
      const before = await IncomingDocument.count({ where: { agencyId: receiver.id } });
      const results = await Promise.allSettled([
        registerDelivery(id, actor(recvClerk)),
        registerDelivery(id, actor(recvClerk)),
        registerDelivery(id, actor(recvClerk)),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(ok).to.have.length(1);
      expect(refused.map((r) => (r.reason as { status: number }).status)).to.deep.equal([409, 409]);
      expect(await IncomingDocument.count({ where: { agencyId: receiver.id } })).to.equal(
        before + 1,
      );
      expect(await events(id)).to.deep.equal(['01', '03']);
    });

    it('refuses (02) only with a reason, in Vietnamese, and tells the sender', async () => {
      const { document, recipients } = await issue();
      const id = recipients[0].id;
      const clerk = await loginAs(ctx.app, recvClerk);
      const csrf = await clerk.csrf();
      const empty = await clerk.agent
        .post(`/incoming/arrivals/${id}/refuse`)
        .type('form')
        .send({ _csrf: csrf, reason: ' ' });
      expect(empty.status).to.equal(422);
      expect(empty.text).to.contain('Vui lòng nhập lý do');
      expect((await OutgoingRecipient.findByPk(id))!.status).to.equal('01');
      const res = await clerk.agent
        .post(`/incoming/arrivals/${id}/refuse`)
        .type('form')
        .send({ _csrf: csrf, reason: 'Gửi nhầm cơ quan' });
      expect(res.status).to.equal(303);
      const recipient = (await OutgoingRecipient.findByPk(id))!;
      expect(recipient).to.include({ status: '02', statusNote: 'Gửi nhầm cơ quan' });
      expect(
        await Notification.count({ where: { userId: senderClerk.id, kind: 'delivery.refused' } }),
      ).to.be.greaterThan(0);
      const status = await deliveryStatus(document.id, senderClerk);
      expect(status.recipients[0].status).to.include({
        code: '02',
        text: 'Từ chối',
        note: 'Gửi nhầm cơ quan',
      });
      await expectRejects(registerDelivery(id, actor(recvClerk)), 409);
      await expectRejects(refuseDelivery(id, { reason: 'lần hai' }, actor(recvClerk)), 409);
    });
  });

  describe('trả lại nơi gửi of a delivered document', () => {
    it('says 02 with the reason to the sending agency and tells its people', async () => {
      const { document, recipients } = await issue();
      const id = recipients[0].id;
      const incoming = await registerDelivery(id, actor(recvClerk));
      // Returned to the clerk by the leader (misaddressed), the clerk sends it back.
      await IncomingDocument.update({ status: 'returned' }, { where: { id: incoming.id } });
      await sendBackIncoming(incoming.id, { reason: 'Không thuộc thẩm quyền' }, actor(recvClerk));
      expect((await IncomingDocument.findByPk(incoming.id))!.status).to.equal('sent_back');
      expect((await OutgoingRecipient.findByPk(id))!).to.include({
        status: '02',
        statusNote: 'Không thuộc thẩm quyền',
      });
      const told = await Notification.findOne({
        where: { userId: senderClerk.id, kind: 'delivery.sentBack' },
        order: [['id', 'DESC']],
      });
      expect(told, 'the sending clerk is told').to.not.equal(null);
      expect(notificationText(told!, 'vi'))
        .to.contain('trả lại văn bản')
        .and.contain('Không thuộc thẩm quyền');
      const status = await deliveryStatus(document.id, senderClerk);
      expect(status.recipients[0].status).to.include({
        code: '02',
        note: 'Không thuộc thẩm quyền',
      });
    });
  });

  async function expectRejects(p: Promise<unknown>, status: number) {
    try {
      await p;
    } catch (err) {
      expect((err as { status: number }).status).to.equal(status);
      return;
    }
    expect.fail(`expected a ${status}`);
  }

  describe('status sync as the recipient works', () => {
    it('follows 01 → 03 → 04 → 05 → 06, each with its time, seen by the sender', async () => {
      const { document, recipients } = await issue();
      const id = recipients[0].id;
      const incoming = await registerDelivery(id, actor(recvClerk));
      await presentToLeader(incoming.id, { leaderId: recvLeader.id }, actor(recvClerk));
      expect((await OutgoingRecipient.findByPk(id))!.status).to.equal('03');
      const [lead] = await directIncoming(
        incoming.id,
        { lead: { userId: recvSpecialist.id }, support: [], info: [] },
        actor(recvLeader),
      );
      expect((await OutgoingRecipient.findByPk(id))!.status).to.equal('04');
      await reportProgress(
        incoming.id,
        { assignmentId: lead.id, percent: 40 },
        actor(recvSpecialist),
      );
      expect((await OutgoingRecipient.findByPk(id))!.status).to.equal('05');
      await reportProgress(
        incoming.id,
        { assignmentId: lead.id, percent: 60 },
        actor(recvSpecialist),
      );
      await completeAssignment(
        incoming.id,
        { assignmentId: lead.id, resultNote: 'Đã xong' },
        actor(recvSpecialist),
      );
      expect((await OutgoingRecipient.findByPk(id))!.status).to.equal('06');
      await fileIncoming(incoming.id, actor(recvClerk));
      expect(await events(id)).to.deep.equal(['01', '03', '04', '05', '06']);

      const { token } = await createAccessToken(senderClerk, 'theo dõi', {
        userId: senderClerk.id,
        ip: null,
      });
      const api = await request(ctx.app)
        .get(`/api/v1/outgoing/${document.id}/deliveries`)
        .set('Authorization', `Bearer ${token}`);
      expect(api.status).to.equal(200);
      const first = api.body.recipients[0];
      expect(first.status).to.include({ code: '06', label: 'Hoàn thành', text: 'Hoàn thành' });
      expect(first.history.map((h: { text: string }) => h.text)).to.deep.equal([
        'Đã đến',
        'Đã vào sổ',
        'Đã phân công',
        'Đang xử lý',
        'Hoàn thành',
      ]);
      expect(first.history.every((h: { at: string }) => !Number.isNaN(Date.parse(h.at)))).to.equal(
        true,
      );
      const page = await (
        await loginAs(ctx.app, senderClerk)
      ).agent.get(`/outgoing/${document.id}/deliveries`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Hoàn thành').and.contain('Gửi ngoài hệ thống');
    });
  });

  describe('recall (thu hồi)', () => {
    it('asks every agency reached (13); an accepted recall withdraws the incoming document and closes its work, a refused one needs a reason', async () => {
      const { document, recipients } = await issue({
        recipients: [{ agency: receiver }, { agency: third }],
      });
      const [toReceiver, toThird] = recipients;
      const incoming = await registerDelivery(toReceiver.id, actor(recvClerk));
      await presentToLeader(incoming.id, { leaderId: recvLeader.id }, actor(recvClerk));
      const [lead] = await directIncoming(
        incoming.id,
        { lead: { userId: recvSpecialist.id }, support: [], info: [] },
        actor(recvLeader),
      );
      // Only the sender's clerk recalls, with a reason.
      await expectRejects(recallOutgoing(document.id, { reason: 'x' }, actor(drafter)), 403);
      const sender = await loginAs(ctx.app, senderClerk);
      const empty = await sender.agent
        .post(`/outgoing/${document.id}/recall`)
        .type('form')
        .send({ _csrf: await sender.csrf(), reason: '' });
      expect(empty.status).to.equal(422);
      expect(empty.text).to.contain('Vui lòng nhập lý do');
      const res = await sender.agent
        .post(`/outgoing/${document.id}/recall`)
        .type('form')
        .send({ _csrf: await sender.csrf(), reason: 'Ban hành sai thẩm quyền' });
      expect(res.status).to.equal(303);
      expect((await OutgoingDocument.findByPk(document.id))!.status).to.equal('recalled');
      for (const r of [toReceiver, toThird]) {
        const row = (await OutgoingRecipient.findByPk(r.id))!;
        expect(row).to.include({ recallStatus: '13', recallNote: 'Ban hành sai thẩm quyền' });
      }
      expect(
        await Notification.count({ where: { userId: thirdClerk.id, kind: 'delivery.recall' } }),
      ).to.equal(1);
      // The waiting delivery cannot be registered while the recall waits.
      await expectRejects(registerDelivery(toThird.id, actor(thirdClerk)), 409);
      const thirdPage = await (await loginAs(ctx.app, thirdClerk)).agent.get('/incoming/arrivals');
      expect(thirdPage.text).to.contain('Yêu cầu thu hồi chờ trả lời');

      // Refused without a reason: 422; with one: 16.
      await expectRejects(answerRecall(toThird.id, { accept: false }, actor(thirdClerk)), 422);
      await answerRecall(toThird.id, { accept: false, reason: 'Đã triển khai' }, actor(thirdClerk));
      expect((await OutgoingRecipient.findByPk(toThird.id))!).to.include({
        recallStatus: '16',
        recallNote: 'Đã triển khai',
      });

      // Accepted: the incoming document is withdrawn, its open work closed, its trail kept.
      const clerk = await loginAs(ctx.app, recvClerk);
      const ok = await clerk.agent
        .post(`/incoming/arrivals/${toReceiver.id}/recall`)
        .type('form')
        .send({ _csrf: await clerk.csrf(), accept: '1' });
      expect(ok.status).to.equal(303);
      expect((await OutgoingRecipient.findByPk(toReceiver.id))!.recallStatus).to.equal('15');
      const withdrawn = (await IncomingDocument.findByPk(incoming.id))!;
      expect(withdrawn.status).to.equal('withdrawn');
      expect((await IncomingAssignment.findByPk(lead.id))!.status).to.equal('returned');
      const actions = (
        await DocumentEvent.findAll({
          where: { documentKind: 'incoming', documentId: incoming.id },
          order: [['id', 'ASC']],
        })
      ).map((e) => e.action);
      expect(actions).to.deep.equal(['register', 'present', 'direct', 'withdraw']);
      expect(
        await Notification.count({
          where: { userId: recvSpecialist.id, kind: 'incoming.withdrawn' },
        }),
      ).to.equal(1);
      const list = await clerk.agent.get('/incoming?tab=all');
      expect(list.text).to.contain('data-testid="withdrawn"').and.contain('Đã thu hồi');
      const specialist = await loginAs(ctx.app, recvSpecialist);
      expect((await specialist.agent.get('/incoming?tab=inProgress')).text).not.to.contain(
        `href="/incoming/${incoming.id}"`,
      );
      expect((await specialist.agent.get('/incoming?tab=toHandle')).text).not.to.contain(
        `href="/incoming/${incoming.id}"`,
      );
      // A second answer is refused.
      await expectRejects(answerRecall(toReceiver.id, { accept: true }, actor(recvClerk)), 409);

      // The sender sees each answer.
      const status = await deliveryStatus(document.id, senderClerk);
      expect(status.recipients.map((r) => r.recall?.text)).to.deep.equal([
        'Đồng ý thu hồi',
        'Từ chối thu hồi',
      ]);
      expect(status.status).to.equal('recalled');
      expect(
        await Notification.count({
          where: { userId: senderClerk.id, kind: 'delivery.recallAccepted' },
        }),
      ).to.be.greaterThan(0);
      // A recalled document cannot be recalled again.
      await expectRejects(
        recallOutgoing(document.id, { reason: 'lần hai' }, actor(senderClerk)),
        409,
      );
    });
  });

  describe('replacement and correction', () => {
    it('links the replacement to the original’s incoming document at the recipient', async () => {
      const original = await issue({ recipients: [{ agency: receiver }] });
      const originalIncoming = await registerDelivery(original.recipients[0].id, actor(recvClerk));
      const replacement = await issue({
        recipients: [{ agency: receiver }],
        relatedId: original.document.id,
        relation: 'replacement',
      });
      const clerk = await loginAs(ctx.app, recvClerk);
      const page = await clerk.agent.get(`/incoming/arrivals/${replacement.recipients[0].id}`);
      const notation = `${formatCodeNumber(original.document.codeNumber!)}/UBND-VP`;
      expect(page.text)
        .to.contain(`Thay thế văn bản số ${notation}`)
        .and.contain(`href="/incoming/${originalIncoming.id}"`);
      const incoming = await registerDelivery(replacement.recipients[0].id, actor(recvClerk));
      const detail = await clerk.agent.get(`/incoming/${incoming.id}`);
      expect(detail.text)
        .to.contain(`Thay thế văn bản số ${notation}`)
        .and.contain(`href="/incoming/${originalIncoming.id}"`);

      const correction = await issue({
        recipients: [{ agency: third }],
        relatedId: original.document.id,
        relation: 'correction',
      });
      const at3 = await (
        await loginAs(ctx.app, thirdClerk)
      ).agent.get(`/incoming/arrivals/${correction.recipients[0].id}`);
      // Not delivered to this agency before: the relation is said, with no link.
      expect(at3.text)
        .to.contain(`Đính chính văn bản số ${notation}`)
        .and.not.contain(`href="/incoming/${originalIncoming.id}"`);
    });
  });

  describe('the API twins', () => {
    it('lists, reads, registers and answers through /api/v1/deliveries with the same rules', async () => {
      const { recipients } = await issue();
      const id = recipients[0].id;
      const { token } = await createAccessToken(recvClerk, 'nhận', {
        userId: recvClerk.id,
        ip: null,
      });
      const { token: foreign } = await createAccessToken(thirdClerk, 'khác', {
        userId: thirdClerk.id,
        ip: null,
      });
      const api = (t: string) => (path: string) =>
        request(ctx.app).get(path).set('Authorization', `Bearer ${t}`);
      const list = await api(token)('/api/v1/deliveries');
      expect(list.body.waiting.map((w: { id: number }) => w.id)).to.include(id);
      const one = await api(token)(`/api/v1/deliveries/${id}`);
      expect(one.body.files[0].signatureCheck.status).to.equal('valid');
      expect((await api(foreign)(`/api/v1/deliveries/${id}`)).status).to.equal(404);
      const refuse = await request(ctx.app)
        .post(`/api/v1/deliveries/${id}/refuse`)
        .set('Authorization', `Bearer ${token}`)
        .send({});
      expect(refuse.status).to.equal(422);
      const reg = await request(ctx.app)
        .post(`/api/v1/deliveries/${id}/register`)
        .set('Authorization', `Bearer ${token}`)
        .send({});
      expect(reg.status).to.equal(201);
      expect(reg.body.status).to.equal('03');
      const again = await request(ctx.app)
        .post(`/api/v1/deliveries/${id}/register`)
        .set('Authorization', `Bearer ${token}`)
        .send({});
      expect(again.status).to.equal(409);
      expect(again.body.code ?? again.body.error?.code).to.equal('DELIVERY_WRONG_STATUS');
      const doc = await request(ctx.app).get('/api/v1/openapi.json');
      expect(doc.body.paths).to.include.keys(
        '/deliveries',
        '/deliveries/{id}/register',
        '/deliveries/{id}/recall-answer',
        '/outgoing/{id}/deliveries',
        '/outgoing/{id}/recall',
      );
      expect(
        doc.body.paths['/deliveries/{id}/recall-answer'].post.requestBody.content[
          'application/json'
        ].schema.properties,
      ).to.have.keys('accept', 'reason');
    });
  });

  describe('what a delivery shows to whom', () => {
    const refusedWith = async (p: Promise<unknown>, status: number) => {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, 'expected a refusal').to.be.instanceOf(AppError);
      expect((err as AppError).status).to.equal(status);
    };
    it('hides a secret delivery from the receiving clerk not cleared for it, everywhere', async () => {
      const { recipients } = await issue({ confidentiality: 2 });
      const id = recipients[0].id;
      const uncleared = recvClerk; // clearance 0
      const cleared = await buildUser(receiver, ['clerk'], { secretClearance: 2 });
      const waiting = (await listArrivals(uncleared)).waiting.map((r) => r.recipient.id);
      expect(waiting).to.not.include(id);
      await refusedWith(getDelivery(id, actor(uncleared)), 404);
      await refusedWith(registerDelivery(id, actor(uncleared)), 404);
      expect((await listArrivals(cleared)).waiting.map((r) => r.recipient.id)).to.include(id);
      expect((await getDelivery(id, actor(cleared))).access.recipient.id).to.equal(id);
    });

    it('closes the files of a delivery whose recall the recipient accepted', async () => {
      const { document, recipients } = await issue();
      const id = recipients[0].id;
      const detail = await getDelivery(id, actor(recvClerk));
      const fileId = detail.files[0]!.file.id;
      const opened = await openDeliveryFile(id, fileId, actor(recvClerk));
      opened.stream.destroy();
      await recallOutgoing(document.id, { reason: 'Ban hành nhầm' }, actor(senderClerk));
      await answerRecall(id, { accept: true }, actor(recvClerk));
      await refusedWith(openDeliveryFile(id, fileId, actor(recvClerk)), 403);
    });
  });
});
