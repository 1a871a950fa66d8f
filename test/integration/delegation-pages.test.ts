import { expect } from 'chai';
import type { Express } from 'express';
import { ApprovalDecision } from '../../src/approvals/approval.model.js';
import { startApproval } from '../../src/approvals/approvals.service.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { addWorkingDays, todayInVietnam } from '../../src/calendar/working-days.js';
import { dateFieldValue } from '../../src/http/form-fields.js';
import { Delegation } from '../../src/users/delegation.model.js';
import type { User } from '../../src/users/user.model.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import { buildAgency, buildUser, loginAs, type Session } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';

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

const ofPrincipal = (user: User) => Delegation.count({ where: { principalId: user.id } });

describe('delegation pages: a leader hands work to a deputy in the app, and takes it back', () => {
  let app: Express;
  let chairman: User;
  let deputy: User;
  let chief: User;
  let specialist: User;
  let drafter: User;
  let admin: User;
  let foreign: User;
  let agency: Agency;
  let today: string;

  before(async () => {
    ({ app } = await testApp());
    agency = await buildAgency();
    chairman = await buildUser(agency, ['leader'], { fullName: 'Trần Văn Bình' });
    deputy = await buildUser(agency, ['leader'], { fullName: 'Nguyễn Văn An' });
    chief = await buildUser(agency, ['dept_head'], { fullName: 'Lê Thị Hoa' });
    specialist = await buildUser(agency, ['specialist'], { fullName: 'Đỗ Văn Nam' });
    drafter = await buildUser(agency, ['specialist']);
    admin = await buildUser(agency, ['admin']);
    foreign = await buildUser(await buildAgency(), ['leader']);
    today = todayInVietnam();
  });

  it('records a delegation from the form, lets the delegate decide for the leader, and revokes it', async () => {
    const chairmanS = await signIn(app, chairman);
    const page = await chairmanS.session.agent.get('/profile/delegations');
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.contain('Ủy quyền và ký thay')
      .and.contain('data-testid="delegation-form"');
    expect(page.text).to.contain(`<option value="${deputy.id}"`);
    expect(page.text, 'another agency’s people are not offered').not.to.contain(
      `<option value="${foreign.id}"`,
    );

    const created = await post(chairmanS, '/profile/delegations', {
      delegateId: String(deputy.id),
      form: 'KT',
      actions: 'outgoing.approve',
      startsOn: dateFieldValue(today),
      endsOn: dateFieldValue(today),
      note: 'Đi công tác',
    });
    expect([created.status, created.headers.location]).to.deep.equal([303, '/profile/delegations']);
    const row = await Delegation.findOne({ where: { principalId: chairman.id } });
    expect(row).to.include({ delegateId: deputy.id, form: 'KT', createdById: chairman.id });
    expect(row!.actionList()).to.deep.equal(['outgoing.approve']);
    expect(
      await AuditLog.count({ where: { action: 'delegation.create', entityId: String(row!.id) } }),
    ).to.equal(1);

    // The deputy sees it among those received, and decides for the chairman at his step.
    const deputyS = await signIn(app, deputy);
    const held = await deputyS.session.agent.get('/profile/delegations');
    expect(held.text).to.contain('data-testid="delegations-received"').and.contain('Trần Văn Bình');
    const flow = (await startApproval(
      { kind: 'outgoing', id: 9_300_001 },
      { steps: [{ title: 'Chủ tịch', members: [{ userId: chairman.id }] }] },
      { user: drafter, ip: null },
    ))!;
    const acted = await post(deputyS, `/approvals/${flow.id}/act`, { action: 'approve' });
    expect(acted.status, acted.text).to.equal(303);
    const decision = await ApprovalDecision.findOne({ where: { flowId: flow.id } });
    expect(decision).to.include({
      assigneeId: chairman.id,
      actorId: deputy.id,
      delegationId: row!.id,
    });

    // Nobody but the chairman (or the administrator) ends it; then it no longer holds.
    const notTheirs = await post(deputyS, `/profile/delegations/${row!.id}/revoke`, {});
    expect(notTheirs.status).to.equal(403);
    const foreignS = await signIn(app, foreign);
    expect((await post(foreignS, `/profile/delegations/${row!.id}/revoke`, {})).status).to.equal(
      404,
    );
    expect((await post(chairmanS, '/profile/delegations/abc/revoke', {})).status).to.equal(404);
    const revoked = await post(chairmanS, `/profile/delegations/${row!.id}/revoke`, {});
    expect(revoked.status).to.equal(303);
    await row!.reload();
    expect(row!.revokedAt).to.be.instanceOf(Date);
    const after = await chairmanS.session.agent.get('/profile/delegations');
    expect(after.text).to.contain('Đã thu hồi');
  });

  it('refuses a bad form with a 422, Vietnamese reasons and nothing saved', async () => {
    const chiefS = await signIn(app, chief);
    const later = await addWorkingDays(today, 5);
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{ form: 'KT', actions: 'outgoing.sign', startsOn: '', endsOn: '' }, 'delegateId', ''],
      [
        {
          delegateId: String(chief.id),
          form: 'KT',
          actions: 'outgoing.sign',
          startsOn: dateFieldValue(today),
          endsOn: dateFieldValue(today),
        },
        'delegateId',
        'Không thể ủy quyền cho chính mình.',
      ],
      [
        {
          delegateId: String(deputy.id),
          form: 'XX',
          actions: ['outgoing.sign', 'xoa.tat.ca'],
          startsOn: '31/02/2026',
          endsOn: dateFieldValue(today),
        },
        'form',
        'Hình thức ký thay phải là KT., Q., TL. hoặc TUQ.',
      ],
      [
        {
          delegateId: String(deputy.id),
          form: 'KT',
          actions: 'outgoing.sign',
          startsOn: dateFieldValue(later),
          endsOn: dateFieldValue(today),
        },
        'endsOn',
        'Ngày kết thúc ủy quyền không được trước ngày bắt đầu.',
      ],
      [
        {
          delegateId: String(foreign.id),
          form: 'KT',
          actions: 'outgoing.sign',
          startsOn: dateFieldValue(today),
          endsOn: dateFieldValue(today),
        },
        'delegateId',
        'Người ủy quyền và người được ủy quyền phải là người dùng đang hoạt động của cơ quan.',
      ],
      [
        {
          delegateId: String(deputy.id),
          form: 'KT',
          actions: [],
          startsOn: dateFieldValue(today),
          endsOn: dateFieldValue(today),
          note: 'x'.repeat(2001),
        },
        'actions',
        'Hãy chọn ít nhất một công việc được giao.',
      ],
      [
        {
          delegateId: String(deputy.id),
          form: 'KT',
          actions: 'outgoing.sign',
          startsOn: dateFieldValue(today),
          endsOn: dateFieldValue(today),
          note: 'ghi\u0000chú',
        },
        'note',
        '',
      ],
    ];
    for (const [body, field, sentence] of cases) {
      const res = await post(chiefS, '/profile/delegations', body);
      expect(res.status, `${field}: ${JSON.stringify(body).slice(0, 80)}`).to.be.oneOf([400, 422]);
      if (res.status === 422) {
        expect(res.text).to.contain(`id="${field}-error"`);
        if (sentence) expect(res.text).to.contain(sentence);
        expect(res.text).not.to.match(/errors:|forms:/);
      }
    }
    expect(await ofPrincipal(chief)).to.equal(0);
  });

  it('never lets the administrator make himself (or another admin-only account) a delegate, whatever the form sends', async () => {
    const otherAdmin = await buildUser(agency, ['admin']);
    const adminS = await signIn(app, admin);
    const page = await adminS.session.agent.get('/profile/delegations');
    expect(page.text).not.to.contain(`value="${otherAdmin.id}"`);
    for (const who of [admin, otherAdmin]) {
      const res = await post(adminS, '/profile/delegations', {
        principalId: String(chairman.id),
        delegateId: String(who.id),
        form: 'KT',
        actions: 'outgoing.sign',
        startsOn: dateFieldValue(today),
        endsOn: dateFieldValue(today),
      });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('id="delegateId-error"');
      expect(res.text).to.contain('Hãy chọn người được ủy quyền trong danh sách');
      expect(await Delegation.count({ where: { delegateId: who.id } })).to.equal(0);
    }
  });

  it('lets a specialist pass on what they hold, never a TUQ., and give nothing of their own', async () => {
    await Delegation.bulkCreate([
      {
        agencyId: chairman.agencyId,
        principalId: chairman.id,
        delegateId: specialist.id,
        form: 'TL',
        actions: JSON.stringify(['incoming.direct']),
        startsOn: today,
        endsOn: today,
        createdById: chairman.id,
      },
      {
        agencyId: chairman.agencyId,
        principalId: deputy.id,
        delegateId: specialist.id,
        form: 'TUQ',
        actions: JSON.stringify(['outgoing.sign']),
        startsOn: today,
        endsOn: today,
        createdById: deputy.id,
      },
    ]);
    const [tl, tuq] = await Delegation.findAll({
      where: { delegateId: specialist.id },
      order: [['id', 'ASC']],
    });
    const specialistS = await signIn(app, specialist);
    const page = await specialistS.session.agent.get('/profile/delegations');
    const passOn = /<select id="parentId"[\s\S]*?<\/select>/.exec(page.text)?.[0] ?? '';
    expect(passOn).to.contain(`<option value="${tl!.id}"`);
    expect(passOn, 'a TUQ. is not offered to pass on').not.to.contain(`<option value="${tuq!.id}"`);
    const day = dateFieldValue(today);
    const passTuq = await post(specialistS, '/profile/delegations', {
      parentId: String(tuq!.id),
      delegateId: String(drafter.id),
      form: 'KT',
      actions: 'outgoing.sign',
      startsOn: day,
      endsOn: day,
    });
    expect(passTuq.status).to.equal(422);
    expect(passTuq.text).to.contain('không được ủy quyền lại');
    const own = await post(specialistS, '/profile/delegations', {
      delegateId: String(drafter.id),
      form: 'KT',
      actions: 'incoming.direct',
      startsOn: day,
      endsOn: day,
    });
    expect(own.status).to.equal(403);
    const passed = await post(specialistS, '/profile/delegations', {
      parentId: String(tl!.id),
      delegateId: String(drafter.id),
      form: 'TL',
      actions: 'incoming.direct',
      startsOn: day,
      endsOn: day,
    });
    expect(passed.status, passed.text).to.equal(303);
    const child = await Delegation.findOne({ where: { parentId: tl!.id } });
    expect(child).to.include({ principalId: chairman.id, delegateId: drafter.id });
    // The one who passed it on lists it among those given and may end it.
    const listed = await specialistS.session.agent.get('/profile/delegations');
    expect(listed.text).to.contain(`action="/profile/delegations/${child!.id}/revoke"`);

    // The administrator records one for any principal of the agency and sees them all.
    const adminS = await signIn(app, admin);
    const byAdmin = await post(adminS, '/profile/delegations', {
      principalId: String(chief.id),
      delegateId: String(deputy.id),
      form: 'Q',
      actions: ['incoming.direct', 'outgoing.sign'],
      startsOn: day,
      endsOn: day,
    });
    expect(byAdmin.status, byAdmin.text).to.equal(303);
    expect(await ofPrincipal(chief)).to.equal(1);
    const all = await adminS.session.agent.get('/profile/delegations');
    expect(all.text).to.contain('data-testid="delegations-all"').and.contain('Lê Thị Hoa');
  });

  it('speaks English when the person switches to it', async () => {
    const chairmanS = await signIn(app, chairman);
    const switched = await post(chairmanS, '/language', {
      lng: 'en',
      back: '/profile/delegations',
    });
    expect(switched.status).to.equal(303);
    const page = await chairmanS.session.agent.get('/profile/delegations');
    expect(page.text).to.contain('<h1>Delegations</h1>').and.contain('New delegation');
    expect(page.text).not.to.contain('Giao ủy quyền mới');
    const refused = await post(chairmanS, '/profile/delegations', { form: 'KT' });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('Choose at least one piece of work to delegate.');
  });
});
