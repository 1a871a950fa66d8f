import { expect } from 'chai';
import { latestFlowOf } from '../../src/approvals/approvals.access.js';
import { createTemplate } from '../../src/approvals/approval-templates.service.js';
import { actOnApproval } from '../../src/approvals/approvals.service.js';
import { StepsSchema } from '../../src/approvals/approvals.schemas.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { loadOutgoingAccess } from '../../src/outgoing/outgoing.access.js';
import { listOutgoing } from '../../src/outgoing/outgoing.list.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { can } from '../../src/policy/index.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { decree30Draft } from '../fixtures/draft.js';
import { testApp } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

describe('outgoing lists: the view rule as SQL gives exactly what the policy allows', function () {
  this.timeout(120_000);

  it('lists, for every person, exactly the documents can(outgoing.view) lets them open', async () => {
    await testApp();
    const agency = await buildAgency();
    const d = await buildDepartment(agency);
    const e = await buildDepartment(agency);
    const drafter = await buildUser(agency, ['specialist'], { departmentId: d.id });
    const people = {
      drafter,
      colleague: await buildUser(agency, ['specialist'], { departmentId: d.id }),
      headD: await buildUser(agency, ['dept_head'], { departmentId: d.id }),
      headE: await buildUser(agency, ['dept_head'], { departmentId: e.id }),
      leader: await buildUser(agency, ['leader'], { secretClearance: 3 }),
      otherLeader: await buildUser(agency, ['leader'], { secretClearance: 0 }),
      clerk: await buildUser(agency, ['clerk'], { secretClearance: 1 }),
      admin: await buildUser(agency, ['admin']),
      foreign: await buildUser(await buildAgency(), ['clerk']),
    };
    const pdf = await decree30Draft();
    const ids: number[] = [];
    // Drafts and submitted ones, ordinary and secret, one sent to department E.
    for (const [submitted, confidentiality, toE] of [
      [false, 0, false],
      [true, 0, false],
      [true, 2, false],
      [true, 0, true],
    ] as const) {
      const doc = await createDraft(
        DraftFieldsSchema.parse({
          documentType: 'CV',
          subject: 'V/v đối chiếu danh sách',
          signerId: String(people.leader.id),
          confidentiality: String(confidentiality),
          recipients: toE ? [{ departmentId: String(e.id) }] : [],
        }),
        { main: { buffer: pdf, originalName: 'du-thao.pdf' } },
        actorOf(drafter),
      );
      if (submitted) await submitDraft(doc.id, {}, actorOf(drafter));
      ids.push(doc.id);
    }
    for (const [name, user] of Object.entries(people)) {
      const listed = new Set((await listOutgoing(user, 'all', 1000)).map((a) => a.document.id));
      for (const id of ids) {
        const access = await loadOutgoingAccess(user, id);
        const allowed = access != null && can(user, 'outgoing.view', access);
        expect(listed.has(id), `${name}, document ${id}`).to.equal(allowed);
      }
    }
    // The secret one is seen by the cleared leader, not by the clerk cleared for Mật only.
    expect(
      (await listOutgoing(people.clerk, 'all', 1000)).map((a) => a.document.id),
    ).to.not.include(ids[2]);
  });

  it('says where a submitted document stands: at its chain, back with its drafter, or waiting for the signature', async () => {
    const { app } = await testApp();
    const agency = await buildAgency();
    const d = await buildDepartment(agency);
    const drafter = await buildUser(agency, ['specialist'], { departmentId: d.id });
    const head = await buildUser(agency, ['dept_head'], { departmentId: d.id });
    const leader = await buildUser(agency, ['leader']);
    await createTemplate(
      agency.id,
      {
        name: 'Trưởng phòng duyệt',
        documentType: null,
        departmentId: null,
        allowExtraReviewers: false,
        steps: StepsSchema.parse([
          { title: 'Trưởng phòng', members: [{ role: 'dept_head', department: 'drafter' }] },
        ]),
      },
      { userId: (await buildUser(agency, ['admin'])).id, ip: null },
    );
    const pdf = await decree30Draft();
    const submitted = async (subject: string) => {
      const doc = await createDraft(
        DraftFieldsSchema.parse({ documentType: 'CV', subject, signerId: String(leader.id) }),
        { main: { buffer: pdf, originalName: 'du-thao.pdf' } },
        actorOf(drafter),
      );
      await submitDraft(doc.id, {}, actorOf(drafter));
      return doc.id;
    };
    const waiting = await submitted('V/v chờ trưởng phòng');
    const returned = await submitted('V/v bị trả lại');
    const approved = await submitted('V/v đã duyệt');
    const flowOf = async (id: number) => (await latestFlowOf('outgoing', id, agency.id))!.id;
    await actOnApproval(await flowOf(returned), actorOf(head), {
      action: 'return',
      toPosition: 0,
      comment: 'Sửa lại trích yếu',
    });
    await actOnApproval(await flowOf(approved), actorOf(head), { action: 'approve' });

    const statusIn = (html: string, id: number) =>
      /<td>([^<]*)<\/td>\s*<td>[^<]*<\/td>\s*<\/tr>/.exec(
        new RegExp(`data-testid="outgoing-row-${id}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '',
      )?.[1];
    const mine = (await (await loginAs(app, drafter)).agent.get('/outgoing?tab=mine')).text;
    expect(statusIn(mine, waiting)).to.equal('Đang trình duyệt');
    expect(statusIn(mine, returned)).to.equal('Bị trả lại, chờ trình lại');
    expect(statusIn(mine, approved)).to.equal('Chờ ký');
    const signer = await loginAs(app, leader);
    expect(statusIn((await signer.agent.get('/outgoing?tab=to_sign')).text, approved)).to.equal(
      'Chờ ký',
    );
    expect((await signer.agent.get(`/outgoing/${approved}`)).text).to.contain(
      'data-testid="outgoing-status">Chờ ký</span>',
    );
    // Signing a batch with nothing ticked says what to do, not that some field is wrong.
    const none = await signer.agent
      .post('/outgoing/sign-batch')
      .type('form')
      .send({ pin: '123456', _csrf: await signer.csrf() });
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Hãy chọn từ 1 đến 50 văn bản.');
    expect(none.text).not.to.contain('Vui lòng kiểm tra các trường được đánh dấu');
  });

  it('shows the time of a Hỏa tốc hẹn giờ document beside its urgency on the list pages, as its own page does', async () => {
    const { app } = await testApp();
    const agency = await buildAgency();
    const d = await buildDepartment(agency);
    const drafter = await buildUser(agency, ['specialist'], { departmentId: d.id });
    const leader = await buildUser(agency, ['leader']);
    const pdf = await decree30Draft();
    const draft = (subject: string, urgency: Record<string, string>) =>
      createDraft(
        DraftFieldsSchema.parse({
          documentType: 'CV',
          subject,
          signerId: String(leader.id),
          ...urgency,
        }),
        { main: { buffer: pdf, originalName: 'du-thao.pdf' } },
        actorOf(drafter),
      );
    // 14:30 on 5 December 2026 in Vietnam.
    const timed = await draft('V/v họp hẹn giờ', {
      urgency: '4',
      urgentDeliverBy: '05/12/2026 14:30',
    });
    const urgent = await draft('V/v việc khẩn', { urgency: '1' });
    await submitDraft(timed.id, {}, actorOf(drafter));
    const rowOf = (html: string, id: number) =>
      new RegExp(`data-testid="outgoing-row-${id}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
    const shown = 'data-testid="timed-express">Hỏa tốc hẹn giờ: 14:30 05/12/2026</span>';

    const drafterSession = await loginAs(app, drafter);
    const mine = (await drafterSession.agent.get('/outgoing?tab=mine')).text;
    expect(rowOf(mine, timed.id)).to.contain(shown);
    expect(rowOf(mine, urgent.id)).to.contain('>Khẩn</span>').and.not.contain('timed-express');
    const detail = (await drafterSession.agent.get(`/outgoing/${timed.id}`)).text;
    expect(detail).to.contain(shown);

    const session = await loginAs(app, leader);
    for (const tab of ['to_sign', 'all']) {
      const page = (await session.agent.get(`/outgoing?tab=${tab}`)).text;
      expect(rowOf(page, timed.id), tab).to.contain(shown);
    }
    await session.agent
      .post('/language')
      .type('form')
      .send({ lng: 'en', back: '/', _csrf: await session.csrf() });
    const english = (await session.agent.get('/outgoing?tab=to_sign')).text;
    expect(rowOf(english, timed.id)).to.contain(
      'data-testid="timed-express">Timed express: 14:30 05/12/2026</span>',
    );
  });

  it('opens on the tab each person works from, and offers the issuing queue to clerks only', async () => {
    const { app } = await testApp();
    const agency = await buildAgency();
    const d = await buildDepartment(agency);
    const people = {
      specialist: await buildUser(agency, ['specialist'], { departmentId: d.id }),
      leader: await buildUser(agency, ['leader']),
      clerk: await buildUser(agency, ['clerk']),
    };
    const opened = { specialist: 'mine', leader: 'to_sign', clerk: 'to_issue' };
    for (const [role, user] of Object.entries(people)) {
      const page = (await (await loginAs(app, user)).agent.get('/outgoing')).text;
      const shown = [...page.matchAll(/data-testid="tab-(\w+)"/g)].map((m) => m[1]);
      const active = /aria-current="page" class="current" data-testid="tab-(\w+)"/.exec(page)?.[1];
      expect(active, role).to.equal(opened[role as keyof typeof opened]);
      expect(shown.includes('to_issue'), role).to.equal(role === 'clerk');
      expect(page.replace(/&#x3D;/g, '='), role).to.contain(
        `href="/outgoing/export.xlsx?tab=${active}"`,
      );
    }
  });
});
