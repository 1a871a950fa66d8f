import { Notification } from '../../src/notifications/notification.model.js';
import { renderMessage } from '../../src/notifications/notification-text.js';
import { expect } from 'chai';
import type { Express } from 'express';
import { ApprovalFlow, ApprovalTemplate } from '../../src/approvals/approval.model.js';
import { actOnApproval, startApproval } from '../../src/approvals/approvals.service.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentJob } from '../../src/documents/document-job.model.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { createDelegation, DelegationSchema } from '../../src/users/delegations.service.js';
import type { User } from '../../src/users/user.model.js';
import type { Agency } from '../../src/agencies/agency.model.js';
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
let nextDoc = 9_200_000;

interface Signed {
  session: Session;
  csrf: string;
}

async function signIn(app: Express, user: User): Promise<Signed> {
  const session = await loginAs(app, user);
  return { session, csrf: await session.csrf() };
}

const post = (who: Signed, url: string, body: Record<string, string | string[]>) =>
  who.session.agent
    .post(url)
    .type('form')
    .send({ ...body, _csrf: who.csrf });

describe('approval pages: the panel, its actions and the template administration', () => {
  let app: Express;
  let agency: Agency;
  let specialist: User;
  let head: User;
  let chairman: User;
  let deputy: User;
  let admin: User;
  let outsider: User;

  before(async () => {
    ({ app } = await testApp());
    agency = await buildAgency();
    const dept = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    head = await buildUser(agency, ['dept_head'], {
      departmentId: dept.id,
      fullName: 'Lê Văn Hải',
    });
    chairman = await buildUser(agency, ['leader'], { fullName: 'Trần Văn Bình' });
    deputy = await buildUser(agency, ['leader'], { fullName: 'Nguyễn An' });
    admin = await buildUser(agency, ['admin']);
    outsider = await buildUser(agency, ['specialist']);
  });

  const start = async () => {
    const ref = { kind: 'outgoing' as const, id: ++nextDoc };
    const flow = (await startApproval(
      ref,
      {
        steps: [
          { title: 'Trưởng phòng', members: [{ userId: head.id }], days: 1 },
          { title: 'Chủ tịch', members: [{ userId: chairman.id }] },
        ],
      },
      actorOf(specialist),
      { version: 1 },
    ))!;
    return { ref, flow };
  };

  it('shows the chain and the forms each person may use, and acts through them', async () => {
    const { ref, flow } = await start();
    const [headS, drafterS, outsiderS] = await Promise.all([
      signIn(app, head),
      signIn(app, specialist),
      signIn(app, outsider),
    ]);
    const page = await headS.session.agent.get(`/approvals/${flow.id}`);
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.contain('data-testid="approval-panel"')
      .and.contain(`action="/approvals/${flow.id}/act"`)
      .and.contain('Ký nháy');
    const drafterPage = await drafterS.session.agent.get(`/approvals/${flow.id}`);
    expect(drafterPage.text)
      .to.contain(`action="/approvals/${flow.id}/withdraw"`)
      .and.not.contain(`action="/approvals/${flow.id}/act"`);
    expect((await outsiderS.session.agent.get(`/approvals/${flow.id}`)).status).to.equal(404);

    // A return without a comment is refused with a Vietnamese message and a 422 (the chain's
    // page again, with its document's link), nothing recorded.
    const refused = await post(headS, `/approvals/${flow.id}/act`, { action: 'return' });
    expect([refused.status, refused.headers.location]).to.deep.equal([422, undefined]);
    expect(refused.text)
      .to.contain('Trả lại, từ chối hoặc góp ý cần ghi rõ ý kiến.')
      .and.contain(`href="/outgoing/${ref.id}"`);
    const initialled = await post(headS, `/approvals/${flow.id}/act`, {
      action: 'initial',
      version: '1',
      comment: 'Đã rà soát',
    });
    expect(initialled.status).to.equal(303);
    const after = await headS.session.agent.get(`/approvals/${flow.id}`);
    expect(after.text).to.contain('Đã ghi nhận ý kiến của bạn.').and.contain('Đã rà soát');
    // The drafter can no longer withdraw once the chain moved on with a decision: told why.
    const late = await post(drafterS, `/approvals/${flow.id}/withdraw`, {});
    expect(late.status).to.equal(409);
    expect(late.text).to.contain('Đã có người xử lý văn bản bạn trình; không rút lại được nữa.');
    expect((await ApprovalFlow.findByPk(flow.id))!.status).to.equal('in_progress');
    expect(
      (await post(outsiderS, `/approvals/${flow.id}/comment`, { body: 'Ý kiến' })).status,
    ).to.equal(404);
    const commented = await post(drafterS, `/approvals/${flow.id}/comment`, {
      body: 'Đã tiếp thu',
    });
    expect(commented.status).to.equal(303);
    expect(
      await DocumentEvent.count({
        where: { documentKind: 'outgoing', documentId: ref.id, action: 'approval.comment' },
      }),
    ).to.equal(1);
    expect(
      await AuditLog.count({
        where: { action: 'approval.view', userId: head.id, entityId: String(ref.id) },
      }),
    ).to.be.greaterThan(0);
  });

  it('lets a delegate act for the leader within the delegation, and names both', async () => {
    const { flow } = await start();
    await actOnApproval(flow.id, actorOf(head), { action: 'approve', version: 1 });
    const deputyS = await signIn(app, deputy);
    expect(
      (await post(deputyS, `/approvals/${flow.id}/act`, { action: 'approve' })).status,
      'no delegation yet: the chain is not theirs to see',
    ).to.equal(404);
    await createDelegation(
      DelegationSchema.parse({
        principalId: chairman.id,
        delegateId: deputy.id,
        form: 'KT',
        actions: ['outgoing.approve'],
        startsOn: todayInVietnam(),
        endsOn: todayInVietnam(),
      }),
      actorOf(chairman),
    );
    const dashboard = await deputyS.session.agent.get('/');
    expect(dashboard.text)
      .to.contain('data-testid="approvals-waiting"')
      .and.contain(`href="/outgoing/${flow.documentId}"`)
      .and.contain('thay Trần Văn Bình');
    const panel = await deputyS.session.agent.get(`/approvals/${flow.id}`);
    expect(panel.text).to.contain('Bạn cho ý kiến thay Trần Văn Bình');
    const done = await post(deputyS, `/approvals/${flow.id}/act`, {
      action: 'approve',
      version: '1',
    });
    expect(done.status).to.equal(303);
    const page = await deputyS.session.agent.get(`/approvals/${flow.id}`);
    expect(page.text).to.contain('Nguyễn An (thay Trần Văn Bình)').and.contain('Đã duyệt');
  });

  it('adds a reviewer, withdraws and resubmits through the pages', async () => {
    const { flow } = await start();
    const [headS, drafterS] = await Promise.all([signIn(app, head), signIn(app, specialist)]);
    const missing = await post(headS, `/approvals/${flow.id}/reviewers`, { userId: '' });
    expect(missing.status).to.equal(422);
    expect(missing.text).to.contain('Hãy chọn người cần lấy ý kiến.');
    // Out of range or too long: the chain's page again with the reason, nothing recorded.
    const tooLate = await post(headS, `/approvals/${flow.id}/reviewers`, {
      userId: String(deputy.id),
      days: '999',
    });
    expect(tooLate.status).to.equal(422);
    expect(tooLate.text)
      .to.contain('Thời hạn là số ngày làm việc từ 0 đến 60.')
      .and.contain('data-testid="approval-panel"');
    const tooLong = await post(headS, `/approvals/${flow.id}/comment`, { body: 'ý'.repeat(4001) });
    expect(tooLong.status).to.equal(422);
    expect(tooLong.text).to.contain('Ý kiến dài quá 4.000 ký tự.');
    expect(
      await DocumentEvent.count({
        where: {
          documentKind: 'outgoing',
          documentId: flow.documentId,
          action: ['approval.reviewer_added', 'approval.comment'],
        },
      }),
    ).to.equal(0);
    await post(headS, `/approvals/${flow.id}/reviewers`, { userId: String(deputy.id) });
    expect((await headS.session.agent.get(`/approvals/${flow.id}`)).text).to.contain(
      'Lấy ý kiến: Nguyễn An',
    );
    const second = await start();
    expect((await post(drafterS, `/approvals/${second.flow.id}/withdraw`, {})).status).to.equal(
      303,
    );
    const returned = await start();
    await actOnApproval(returned.flow.id, actorOf(head), { action: 'return', comment: 'Sửa' });
    expect((await post(headS, `/approvals/${returned.flow.id}/resubmit`, {})).status).to.equal(403);
    expect(
      (await post(drafterS, `/approvals/${returned.flow.id}/resubmit`, { version: '2' })).status,
    ).to.equal(303);
    await returned.flow.reload();
    expect([returned.flow.status, returned.flow.round]).to.deep.equal(['in_progress', 2]);
  });

  it('sends a returned draft again only when it is ready, on the version its file has', async () => {
    const draft = await createDraft(
      DraftFieldsSchema.parse({
        documentType: 'CV',
        subject: 'Về việc gửi lại dự thảo',
        signerId: String(chairman.id),
      }),
      { main: { buffer: await draftPdf(), originalName: 'du-thao.pdf' } },
      actorOf(specialist),
    );
    const ref = { kind: 'outgoing' as const, id: draft.id };
    const flow = (await startApproval(
      ref,
      { steps: [{ title: 'Trưởng phòng', members: [{ userId: head.id }] }] },
      actorOf(specialist),
      { version: 1 },
    ))!;
    // The notices name the document, not only the step.
    const noticeOf = async (userId: number, kind: string) => {
      const n = await Notification.findOne({ where: { userId, kind }, order: [['id', 'DESC']] });
      return renderMessage(
        { key: n!.messageKey!, params: JSON.parse(n!.messageParams ?? '{}') },
        'vi',
      );
    };
    expect(await noticeOf(head.id, 'approval.waiting')).to.equal(
      'Chờ bạn cho ý kiến (Trưởng phòng): Về việc gửi lại dự thảo',
    );
    await actOnApproval(flow.id, actorOf(head), { action: 'return', comment: 'Sửa Điều 2' });
    expect(await noticeOf(specialist.id, 'approval.returned')).to.equal(
      'Dự thảo được trả lại (Trưởng phòng): Về việc gửi lại dự thảo',
    );
    // The drafter's new DOCX is still being made into a PDF: the chain may not see it yet.
    const job = await DocumentJob.create({
      kind: 'docx-to-pdf',
      documentKind: 'outgoing',
      documentId: draft.id,
      payload: '{}',
      status: 'queued',
      createdById: specialist.id,
    });
    const drafterS = await signIn(app, specialist);
    const early = await post(drafterS, `/approvals/${flow.id}/resubmit`, { version: '999' });
    expect(early.status).to.equal(409);
    expect(early.text).to.contain('Tệp DOCX đang được chuyển sang PDF');
    await flow.reload();
    expect([flow.status, flow.round]).to.deep.equal(['returned', 1]);

    await job.update({ status: 'done' });
    const sent = await post(drafterS, `/approvals/${flow.id}/resubmit`, { version: '999' });
    expect(sent.status).to.equal(303);
    await flow.reload();
    expect([flow.status, flow.round]).to.deep.equal(['in_progress', 2]);
    const resubmitted = await DocumentEvent.findOne({
      where: { documentKind: 'outgoing', documentId: draft.id, action: 'approval.resubmit' },
    });
    expect(JSON.parse(resubmitted!.data!)).to.include({ version: 1 });
  });

  it('lets the administrator keep chain templates, with Vietnamese field errors', async () => {
    const adminS = await signIn(app, admin);
    expect((await adminS.session.agent.get('/admin/approval-templates')).status).to.equal(200);
    expect((await adminS.session.agent.get('/admin/approval-templates/new')).text).to.contain(
      'name="s0_type"',
    );
    const bad = await post(adminS, '/admin/approval-templates', {
      name: '',
      s0_title: 'Trưởng phòng',
      s0_type: 'group',
      s0_userIds: [String(head.id)],
      s0_days: '99',
      s1_title: 'Lãnh đạo',
      s1_type: 'role_department',
      s1_role: 'leader',
    });
    expect(bad.status).to.equal(422);
    expect(bad.text)
      .to.contain('Hãy nhập tên quy trình.')
      .and.contain('Nhóm cần ít nhất hai người.')
      .and.contain('Thời hạn là số ngày làm việc từ 0 đến 60.')
      .and.contain('Hãy chọn đơn vị của cơ quan.');
    const foreignUser = await buildUser(await buildAgency(), ['leader']);
    const foreign = await post(adminS, '/admin/approval-templates', {
      name: 'Người cơ quan khác',
      s0_title: 'Lãnh đạo',
      s0_type: 'person',
      s0_userId: String(foreignUser.id),
    });
    expect(foreign.status).to.equal(422);
    const name = `Quyết định ${nextDoc}`;
    const ok = await post(adminS, '/admin/approval-templates', {
      name,
      documentType: 'QĐ',
      allowExtraReviewers: '1',
      s0_title: 'Trưởng phòng soạn thảo',
      s0_type: 'role_drafter',
      s0_role: 'dept_head',
      s0_days: '1',
      s1_title: 'Lãnh đạo',
      s1_type: 'group',
      s1_userIds: [String(chairman.id), String(deputy.id)],
      s1_rule: 'any',
      s1_days: '2',
    });
    expect([ok.status, ok.headers.location]).to.deep.equal([303, '/admin/approval-templates']);
    const saved = await ApprovalTemplate.findOne({ where: { name } });
    expect([saved!.documentType, saved!.allowExtraReviewers, saved!.agencyId]).to.deep.equal([
      'QĐ',
      true,
      agency.id,
    ]);
    expect(JSON.parse(saved!.steps)).to.deep.equal([
      {
        title: 'Trưởng phòng soạn thảo',
        members: [{ role: 'dept_head', department: 'drafter' }],
        rule: 'all',
        days: 1,
        kind: 'approve',
      },
      {
        title: 'Lãnh đạo',
        members: [{ userId: chairman.id }, { userId: deputy.id }],
        rule: 'any',
        days: 2,
        kind: 'approve',
      },
    ]);
    const edit = await adminS.session.agent.get(`/admin/approval-templates/${saved!.id}/edit`);
    expect(edit.text).to.contain('value="Trưởng phòng soạn thảo"');
    await post(adminS, `/admin/approval-templates/${saved!.id}/deactivate`, {});
    expect((await saved!.reload()).isActive).to.equal(false);
    expect(
      await AuditLog.count({
        where: { entityType: 'approval_template', entityId: String(saved!.id) },
      }),
    ).to.equal(2);
    const specialistS = await signIn(app, specialist);
    expect((await specialistS.session.agent.get('/admin/approval-templates')).status).to.equal(403);
  });
});
