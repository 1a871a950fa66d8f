import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import type { Agency } from '../../src/agencies/agency.model.js';
import { createTemplate } from '../../src/approvals/approval-templates.service.js';
import { ApprovalFlow } from '../../src/approvals/approval.model.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { addMainVersion, createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { createDelegation, DelegationSchema } from '../../src/users/delegations.service.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import {
  buildAgency,
  buildDepartment,
  buildUser,
  loginAs,
  type Session,
} from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';
import { draftPdf } from './outgoing-issue-fixtures.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

interface Signed {
  session: Session;
  csrf: string;
}

/**
 * Issue 12 §2: "Every action records which version it was taken on; a delegate acts for a
 * leader within the delegation's dates; the record names both." Each action of the chain (and
 * the signer's return), through the pages and the API.
 */
describe('approval chains: every action records its version, and a delegate’s names both', function () {
  this.timeout(90_000);
  let app: Express;
  let agency: Agency;
  let drafter: User;
  let head: User;
  let chairman: User;
  let deputy: User;
  let expert: User;
  let legal: User;
  let pdf: Buffer;
  const sessions = new Map<number, Signed>();
  const tokens = new Map<number, string>();

  before(async () => {
    ({ app } = await testApp());
    pdf = await draftPdf();
    agency = await buildAgency();
    const dept = await buildDepartment(agency);
    drafter = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    head = await buildUser(agency, ['dept_head'], { departmentId: dept.id, fullName: 'Lê Hải' });
    chairman = await buildUser(agency, ['leader'], { fullName: 'Trần Chủ Tịch' });
    deputy = await buildUser(agency, ['leader'], { fullName: 'Phạm Phó Chủ Tịch' });
    expert = await buildUser(agency, ['specialist'], { fullName: 'Vũ Chuyên Viên' });
    legal = await buildUser(agency, ['specialist'], { fullName: 'Đỗ Pháp Chế' });
    await createTemplate(
      agency.id,
      {
        name: 'Công văn',
        documentType: 'CV',
        departmentId: dept.id,
        allowExtraReviewers: true,
        steps: [
          {
            title: 'Trưởng phòng',
            members: [{ userId: head.id }],
            rule: 'all',
            days: 2,
            kind: 'approve',
          },
          {
            title: 'Chủ tịch',
            members: [{ userId: chairman.id }],
            rule: 'all',
            days: 2,
            kind: 'approve',
          },
        ],
      },
      { userId: head.id, ip: null },
    );
    // The deputy approves and signs for the chairman today (KT.).
    await createDelegation(
      DelegationSchema.parse({
        principalId: chairman.id,
        delegateId: deputy.id,
        form: 'KT',
        actions: ['outgoing.approve', 'outgoing.sign'],
        startsOn: todayInVietnam(),
        endsOn: todayInVietnam(),
      }),
      actorOf(chairman),
    );
    for (const user of [drafter, head, deputy, expert, legal]) {
      const session = await loginAs(app, user);
      sessions.set(user.id, { session, csrf: await session.csrf() });
      tokens.set(
        user.id,
        (await createAccessToken(user, 'test', { userId: user.id, ip: null })).token,
      );
    }
  });

  const page = (user: User, url: string, body: Record<string, string> = {}) => {
    const who = sessions.get(user.id)!;
    return who.session.agent
      .post(url)
      .type('form')
      .send({ ...body, _csrf: who.csrf });
  };
  const api = (user: User, url: string) =>
    request(app)
      .post(url)
      .set('Authorization', `Bearer ${tokens.get(user.id)}`);

  /** A draft at version 2 (so a version left out of a record cannot pass for the first). */
  async function draftAtVersion2() {
    const doc = await createDraft(
      DraftFieldsSchema.parse({
        documentType: 'CV',
        subject: 'Về việc ghi nhận phiên bản',
        signerId: String(chairman.id),
      }),
      { main: { buffer: pdf, originalName: 'du-thao.pdf' } },
      actorOf(drafter),
    );
    await addMainVersion(doc.id, { buffer: pdf, originalName: 'du-thao-2.pdf' }, actorOf(drafter));
    return doc;
  }

  const latestFlow = async (documentId: number) =>
    (await ApprovalFlow.findOne({
      where: { documentKind: 'outgoing', documentId },
      order: [['id', 'DESC']],
    }))!;

  /** The document's events from the chain (and the signer's return), with what each says. */
  async function recorded(documentId: number) {
    const events = await DocumentEvent.findAll({
      where: { documentKind: 'outgoing', documentId },
      order: [['id', 'ASC']],
    });
    return events
      .filter((e) => e.action.startsWith('approval.') || e.action === 'return')
      .map((e) => {
        const data = JSON.parse(e.data ?? '{}') as { version?: unknown; onBehalfOf?: unknown };
        return {
          action: e.action,
          actorId: e.actorId,
          version: data.version,
          onBehalfOf: data.onBehalfOf ?? null,
        };
      });
  }

  it('records the version and, for the chairman’s delegate, both names on every action of the chain and on the signer’s return', async () => {
    const doc = await draftAtVersion2();
    expect((await page(drafter, `/outgoing/${doc.id}/submit`)).status).to.equal(303);
    const flow = await latestFlow(doc.id);
    // The drafter comments on the chain's page and adds a reviewer through the API.
    expect(
      (await page(drafter, `/approvals/${flow.id}/comment`, { body: 'Xin ý kiến sớm' })).status,
    ).to.equal(303);
    const adjusted = await api(drafter, `/api/v1/outgoing/${doc.id}/approval/steps`).send({
      reviewers: [expert.id],
      afterStep: 1,
    });
    expect(adjusted.status, adjusted.text).to.equal(200);
    await api(head, `/api/v1/outgoing/${doc.id}/approval`).send({ action: 'approve' }).expect(200);
    await api(expert, `/api/v1/outgoing/${doc.id}/approval`).send({ action: 'agree' }).expect(200);
    // The chairman's step: his deputy comments, asks someone more, and approves, for him.
    const commented = await api(deputy, `/api/v1/outgoing/${doc.id}/approval`).send({
      action: 'comment',
      comment: 'Đề nghị lấy thêm ý kiến pháp chế',
    });
    expect(commented.status, commented.text).to.equal(200);
    expect(
      (await page(deputy, `/approvals/${flow.id}/reviewers`, { userId: String(legal.id) })).status,
    ).to.equal(303);
    await api(deputy, `/api/v1/outgoing/${doc.id}/approval`)
      .send({ action: 'approve' })
      .expect(200);
    await api(legal, `/api/v1/outgoing/${doc.id}/approval`).send({ action: 'agree' }).expect(200);
    // Ready to sign: the deputy, who signs for the chairman, sends it back to the drafter.
    const returned = await page(deputy, `/outgoing/${doc.id}/return`, { reason: 'Sửa căn cứ' });
    expect(returned.status).to.equal(303);

    const forChairman = chairman.id;
    expect(await recorded(doc.id)).to.deep.equal([
      { action: 'approval.submit', actorId: drafter.id, version: 2, onBehalfOf: null },
      { action: 'approval.comment', actorId: drafter.id, version: 2, onBehalfOf: null },
      { action: 'approval.chain_adjusted', actorId: drafter.id, version: 2, onBehalfOf: null },
      { action: 'approval.approve', actorId: head.id, version: 2, onBehalfOf: null },
      { action: 'approval.agree', actorId: expert.id, version: 2, onBehalfOf: null },
      { action: 'approval.comment', actorId: deputy.id, version: 2, onBehalfOf: forChairman },
      {
        action: 'approval.reviewer_added',
        actorId: deputy.id,
        version: 2,
        onBehalfOf: forChairman,
      },
      { action: 'approval.approve', actorId: deputy.id, version: 2, onBehalfOf: forChairman },
      { action: 'approval.agree', actorId: legal.id, version: 2, onBehalfOf: null },
      { action: 'approval.approved', actorId: legal.id, version: 2, onBehalfOf: null },
      { action: 'return', actorId: deputy.id, version: 2, onBehalfOf: forChairman },
    ]);
    // The audit log says the same of the delegate's steps.
    const audits = await AuditLog.findAll({
      where: {
        entityType: 'outgoing',
        entityId: doc.id,
        action: ['approval.comment', 'approval.reviewer_added', 'outgoing.return'],
        userId: deputy.id,
      },
    });
    expect(audits).to.have.length(3);
    for (const a of audits)
      expect(JSON.parse(a.details!), a.action).to.include({ version: 2, onBehalfOf: forChairman });

    // The timeline names both and the version; so does the chain's comment list and the API.
    const detail = await sessions.get(drafter.id)!.session.agent.get(`/outgoing/${doc.id}`);
    const lines = [...detail.text.matchAll(/<li data-testid="trail-event">([\s\S]*?)<\/li>/g)].map(
      (m) =>
        m[1]!
          .replace(/<[^>]+>/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
    );
    const deputyLines = lines.filter((l) => l.includes('Phạm Phó Chủ Tịch'));
    expect(deputyLines).to.have.length(4);
    for (const l of deputyLines)
      expect(l).to.contain('(thay Trần Chủ Tịch)').and.contain('(phiên bản 2)');
    expect(detail.text).to.contain('Phạm Phó Chủ Tịch (thay Trần Chủ Tịch)');
    const json = await request(app)
      .get(`/api/v1/outgoing/${doc.id}`)
      .set('Authorization', `Bearer ${tokens.get(drafter.id)}`);
    const back = (json.body.trail as { action: string; version: unknown; onBehalfOf: unknown }[])
      .filter((t) => t.action === 'return')
      .map((t) => ({ version: t.version, onBehalfOf: t.onBehalfOf }));
    expect(back).to.deep.equal([
      { version: 2, onBehalfOf: { id: chairman.id, fullName: 'Trần Chủ Tịch' } },
    ]);
  });

  it('records the version of a withdrawal and of a resubmission', async () => {
    const doc = await draftAtVersion2();
    await api(drafter, `/api/v1/outgoing/${doc.id}/submit`).send({}).expect(200);
    expect(
      (await page(drafter, `/approvals/${(await latestFlow(doc.id)).id}/withdraw`)).status,
    ).to.equal(303);
    await api(drafter, `/api/v1/outgoing/${doc.id}/submit`).send({}).expect(200);
    await api(head, `/api/v1/outgoing/${doc.id}/approval`)
      .send({ action: 'return', comment: 'Sửa' })
      .expect(200);
    await api(drafter, `/api/v1/outgoing/${doc.id}/submit`).send({}).expect(200);
    expect(await recorded(doc.id)).to.deep.equal([
      { action: 'approval.submit', actorId: drafter.id, version: 2, onBehalfOf: null },
      { action: 'approval.withdraw', actorId: drafter.id, version: 2, onBehalfOf: null },
      { action: 'approval.submit', actorId: drafter.id, version: 2, onBehalfOf: null },
      { action: 'approval.return', actorId: head.id, version: 2, onBehalfOf: null },
      { action: 'approval.resubmit', actorId: drafter.id, version: 2, onBehalfOf: null },
    ]);
    // Three submissions, three lines on the timeline: the document's own 'submit', written in
    // the same step as the chain's, is not shown a second time.
    const detail = await sessions.get(drafter.id)!.session.agent.get(`/outgoing/${doc.id}`);
    const lines = [...detail.text.matchAll(/<li data-testid="trail-event">([\s\S]*?)<\/li>/g)]
      .map((m) =>
        m[1]!
          .replace(/<[^>]+>/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      .filter((l) => /trình/.test(l));
    expect(lines).to.have.length(3);
    expect(lines.filter((l) => l.includes('trình duyệt theo quy trình'))).to.have.length(2);
    expect(lines.filter((l) => l.includes('trình lại'))).to.have.length(1);
  });
});
