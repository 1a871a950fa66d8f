import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import { createTemplate } from '../../src/approvals/approval-templates.service.js';
import {
  ApprovalDecision,
  ApprovalFlow,
  ApprovalStep,
} from '../../src/approvals/approval.model.js';
import { actOnApproval } from '../../src/approvals/approvals.service.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
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

const post = (who: Signed, url: string, body: Record<string, string | string[]>) =>
  who.session.agent
    .post(url)
    .type('form')
    .send({ ...body, _csrf: who.csrf });

/**
 * Issue 12 §2: "the drafter may adjust the chain for one document within what the template
 * allows (add a consulted unit — lấy ý kiến góp ý — or a reviewer)", on the submit form, on the
 * chain's page and through the API.
 */
describe('approval chains: the drafter’s consulted units and reviewers for one document', function () {
  this.timeout(60_000);
  let app: Express;
  let agency: Agency;
  let dept: Department;
  let legal: Department;
  let headless: Department;
  let foreignDept: Department;
  let drafter: User;
  let head: User;
  let legalHead: User;
  let expert: User;
  let chairman: User;
  let retired: User;
  let foreignUser: User;
  let pdf: Buffer;
  let drafterS: Signed;

  before(async () => {
    ({ app } = await testApp());
    pdf = await draftPdf();
    agency = await buildAgency();
    dept = await buildDepartment(agency);
    legal = await buildDepartment(agency, { name: 'Phòng Tư pháp' });
    headless = await buildDepartment(agency, { name: 'Phòng Không Trưởng' });
    drafter = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    head = await buildUser(agency, ['dept_head'], { departmentId: dept.id, fullName: 'Lê Hải' });
    legalHead = await buildUser(agency, ['dept_head'], {
      departmentId: legal.id,
      fullName: 'Đỗ Pháp Chế',
    });
    expert = await buildUser(agency, ['specialist'], { fullName: 'Vũ Chuyên Viên' });
    chairman = await buildUser(agency, ['leader'], { fullName: 'Trần Chủ Tịch' });
    retired = await buildUser(agency, ['specialist'], { isActive: false });
    const foreign = await buildAgency();
    foreignDept = await buildDepartment(foreign);
    foreignUser = await buildUser(foreign, ['specialist']);
    const steps = [
      { title: 'Trưởng phòng', members: [{ userId: head.id }], rule: 'all' as const, days: 2 },
      { title: 'Chủ tịch', members: [{ userId: chairman.id }], rule: 'all' as const, days: 2 },
    ].map((s) => ({ ...s, kind: 'approve' as const }));
    const admin = { userId: head.id, ip: null };
    await createTemplate(
      agency.id,
      {
        name: 'Công văn',
        documentType: 'CV',
        departmentId: dept.id,
        allowExtraReviewers: true,
        steps,
      },
      admin,
    );
    await createTemplate(
      agency.id,
      {
        name: 'Quyết định',
        documentType: 'QĐ',
        departmentId: dept.id,
        allowExtraReviewers: false,
        steps,
      },
      admin,
    );
    const session = await loginAs(app, drafter);
    drafterS = { session, csrf: await session.csrf() };
  });

  const draft = async (documentType = 'CV') =>
    createDraft(
      DraftFieldsSchema.parse({
        documentType,
        subject: 'Về việc lấy ý kiến các đơn vị',
        signerId: String(chairman.id),
      }),
      { main: { buffer: pdf, originalName: 'du-thao.pdf' } },
      actorOf(drafter),
    );

  const stepsOf = async (documentId: number) => {
    const flow = await ApprovalFlow.findOne({ where: { documentKind: 'outgoing', documentId } });
    if (!flow) return null;
    const steps = await ApprovalStep.findAll({
      where: { flowId: flow.id },
      order: [['position', 'ASC']],
    });
    const asked = async (stepId: number) =>
      (await ApprovalDecision.findAll({ where: { stepId } })).map((d) => d.assigneeId);
    return Promise.all(
      steps.map(async (s) => ({ title: s.title, kind: s.kind, asked: await asked(s.id) })),
    );
  };

  const nothingSaved = async (id: number) => {
    expect(await stepsOf(id)).to.equal(null);
    expect((await OutgoingDocument.findByPk(id))!.status).to.equal('draft');
  };

  it('offers units and people on the submit form, shows them as steps before sending, and sends them', async () => {
    const doc = await draft();
    const page = await drafterS.session.agent.get(`/outgoing/${doc.id}`);
    expect(page.text).to.contain('data-testid="chain-additions"').and.contain('Phòng Tư pháp');
    expect(page.text).to.contain('Vũ Chuyên Viên');

    const additions = {
      consultedUnits: [String(legal.id)],
      reviewers: [String(expert.id)],
    };
    const preview = await post(drafterS, `/outgoing/${doc.id}/submit`, {
      ...additions,
      preview: '1',
    });
    expect(preview.status).to.equal(200);
    const shown = [
      ...preview.text.matchAll(/data-testid="preview-step"( data-added="true")?>([^<]+)/g),
    ].map((m) => `${m[2]!.trim()}${m[1] ? ' +' : ''}`);
    expect(shown).to.deep.equal([
      'Trưởng phòng',
      'Lấy ý kiến: Phòng Tư pháp +',
      'Lấy ý kiến: Vũ Chuyên Viên +',
      'Chủ tịch',
    ]);
    // The form keeps what was chosen; nothing is sent by a preview.
    expect(preview.text).to.match(new RegExp(`<option value="${legal.id}" selected>`));
    await nothingSaved(doc.id);

    const sent = await post(drafterS, `/outgoing/${doc.id}/submit`, additions);
    expect(sent.status).to.equal(303);
    expect(await stepsOf(doc.id)).to.deep.equal([
      { title: 'Trưởng phòng', kind: 'approve', asked: [head.id] },
      { title: 'Lấy ý kiến: Phòng Tư pháp', kind: 'consult', asked: [legalHead.id] },
      { title: 'Lấy ý kiến: Vũ Chuyên Viên', kind: 'consult', asked: [expert.id] },
      { title: 'Chủ tịch', kind: 'approve', asked: [chairman.id] },
    ]);
  });

  it('refuses a unit or person not of the agency (or not one to ask) with a Vietnamese field error, nothing saved', async () => {
    const doc = await draft();
    const cases: [Record<string, string[] | string>, string][] = [
      [{ consultedUnits: [String(foreignDept.id)] }, 'Hãy chọn đơn vị thuộc cơ quan.'],
      [{ consultedUnits: ['2000000000'] }, 'Hãy chọn đơn vị thuộc cơ quan.'],
      [{ consultedUnits: [String(headless.id)] }, 'chưa có trưởng đơn vị để cho ý kiến'],
      [
        { reviewers: [String(foreignUser.id)] },
        'Người được lấy ý kiến phải là người đang làm việc',
      ],
      [{ reviewers: [String(retired.id)] }, 'Người được lấy ý kiến phải là người đang làm việc'],
      [{ reviewers: [String(drafter.id)] }, 'Người được lấy ý kiến phải là người đang làm việc'],
      [{ reviewers: ['abc'] }, 'số'],
      [{ reviewers: [String(expert.id)], afterStep: '7' }, 'Vị trí thêm phải là một bước'],
    ];
    for (const [body, message] of cases) {
      for (const preview of [{}, { preview: '1' }] as Record<string, string>[]) {
        const res = await post(drafterS, `/outgoing/${doc.id}/submit`, { ...body, ...preview });
        expect(res.status, JSON.stringify(body)).to.equal(422);
        expect(res.text, JSON.stringify(body)).to.contain(message).and.contain('field-error');
      }
    }
    await nothingSaved(doc.id);

    // A template that does not allow additions: none offered, and none taken.
    const decision = await draft('QĐ');
    const page = await drafterS.session.agent.get(`/outgoing/${decision.id}`);
    expect(page.text).not.to.contain('data-testid="chain-additions"');
    const refused = await post(drafterS, `/outgoing/${decision.id}/submit`, {
      reviewers: [String(expert.id)],
    });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain(
      'Quy trình duyệt này không cho người soạn thảo thêm đơn vị, người lấy ý kiến.',
    );
    await nothingSaved(decision.id);
  });

  it('lets the drafter add to the running chain on its page, after the active step', async () => {
    const doc = await draft();
    expect((await post(drafterS, `/outgoing/${doc.id}/submit`, {})).status).to.equal(303);
    const flow = (await ApprovalFlow.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id },
    }))!;
    const chainPage = await drafterS.session.agent.get(`/approvals/${flow.id}`);
    expect(chainPage.text).to.contain('data-testid="approval-adjust-form"');
    // Not before the active step: the head has the draft now.
    const before = await post(drafterS, `/approvals/${flow.id}/steps`, {
      consultedUnits: [String(legal.id)],
      afterStep: '0',
    });
    expect(before.status).to.equal(422);
    expect(before.text).to.contain('không trước bước đang chờ ý kiến');
    const foreign = await post(drafterS, `/approvals/${flow.id}/steps`, {
      consultedUnits: [String(foreignDept.id)],
    });
    expect(foreign.status).to.equal(422);
    expect(foreign.text).to.contain('Hãy chọn đơn vị thuộc cơ quan.');
    expect(await ApprovalStep.count({ where: { flowId: flow.id } })).to.equal(2);

    const added = await post(drafterS, `/approvals/${flow.id}/steps`, {
      consultedUnits: [String(legal.id)],
    });
    expect(added.status).to.equal(303);
    expect((await stepsOf(doc.id))!.map((s) => s.title)).to.deep.equal([
      'Trưởng phòng',
      'Lấy ý kiến: Phòng Tư pháp',
      'Chủ tịch',
    ]);
    // The head's approval moves the chain to the consulted unit, whose head is asked.
    await actOnApproval(flow.id, actorOf(head), { action: 'approve' });
    await flow.reload();
    expect(flow.currentPosition).to.equal(2);
    const headSession = await loginAs(app, legalHead);
    expect((await headSession.agent.get(`/approvals/${flow.id}`)).text).to.contain(
      'data-testid="approval-act-form"',
    );
    // Someone else than the drafter may not adjust the chain.
    const headS = { session: headSession, csrf: await headSession.csrf() };
    expect(
      (await post(headS, `/approvals/${flow.id}/steps`, { reviewers: [String(expert.id)] })).status,
    ).to.equal(403);
  });

  it('does the same through the JSON API, described in openapi.json', async () => {
    const token = (await createAccessToken(drafter, 'test', { userId: drafter.id, ip: null }))
      .token;
    const api = (url: string) => request(app).post(url).set('Authorization', `Bearer ${token}`);
    const doc = await draft();
    const unknown = await api(`/api/v1/outgoing/${doc.id}/submit`).send({
      consultedUnits: [foreignDept.id],
      reviewers: [2_000_000_000],
    });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.fields).to.deep.equal({
      consultedUnits: 'Hãy chọn đơn vị thuộc cơ quan.',
      reviewers:
        'Người được lấy ý kiến phải là người đang làm việc trong cơ quan và không phải người soạn thảo.',
    });
    await nothingSaved(doc.id);

    const submitted = await api(`/api/v1/outgoing/${doc.id}/submit`).send({
      reviewers: [expert.id],
      afterStep: 0,
    });
    expect(submitted.status, submitted.text).to.equal(200);
    expect(submitted.body.approval.steps.map((s: { title: string }) => s.title)).to.deep.equal([
      'Lấy ý kiến: Vũ Chuyên Viên',
      'Trưởng phòng',
      'Chủ tịch',
    ]);

    const badUnit = await api(`/api/v1/outgoing/${doc.id}/approval/steps`).send({
      consultedUnits: [headless.id],
    });
    expect(badUnit.status).to.equal(422);
    expect(badUnit.body.error.fields.consultedUnits).to.contain('chưa có trưởng đơn vị');
    const empty = await api(`/api/v1/outgoing/${doc.id}/approval/steps`).send({});
    expect(empty.status).to.equal(422);
    expect(empty.body.error.fields.consultedUnits).to.equal(
      'Hãy chọn đơn vị hoặc người cần lấy ý kiến.',
    );
    const adjusted = await api(`/api/v1/outgoing/${doc.id}/approval/steps`).send({
      consultedUnits: [legal.id],
      afterStep: 2,
    });
    expect(adjusted.status, adjusted.text).to.equal(200);
    expect(adjusted.body.approval.steps.map((s: { title: string }) => s.title)).to.deep.equal([
      'Lấy ý kiến: Vũ Chuyên Viên',
      'Trưởng phòng',
      'Lấy ý kiến: Phòng Tư pháp',
      'Chủ tịch',
    ]);

    const openapi = await request(app).get('/api/v1/openapi.json');
    const schemaOf = (path: string) =>
      openapi.body.paths[path].post.requestBody.content['application/json'].schema;
    expect(Object.keys(schemaOf('/outgoing/{id}/submit').properties)).to.include.members([
      'templateId',
      'consultedUnits',
      'reviewers',
      'afterStep',
    ]);
    expect(Object.keys(schemaOf('/outgoing/{id}/approval/steps').properties)).to.have.members([
      'consultedUnits',
      'reviewers',
      'afterStep',
    ]);
  });
});
