import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import {
  buildOffice,
  postForm,
  registerThroughForm,
  signIn,
  signInAll,
} from './incoming-helpers.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { incomingCounters, listIncoming } from '../../src/incoming/incoming.service.js';
import { ListQuerySchema } from '../../src/incoming/incoming.schemas.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';

const yesterday = () => new Date(Date.now() - 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10);

describe('incoming access and lists', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it("answers 404 for another agency's document: detail, file, actions, and never lists it", async () => {
    const office = await buildOffice();
    const clerk = await signIn(ctx.app, office.clerk);
    const id = await registerThroughForm(clerk, { subject: 'Văn bản của cơ quan khác' });
    const file = await DocumentFile.findOne({
      where: { documentKind: 'incoming', documentId: id },
    });
    const foreign = await buildAgency();
    const outsider = await signIn(
      ctx.app,
      await buildUser(foreign, ['clerk', 'leader'], { secretClearance: 3 }),
    );
    expect((await outsider.session.agent.get(`/incoming/${id}`)).status).to.equal(404);
    expect((await outsider.session.agent.get(`/incoming/${id}/files/${file!.id}`)).status).to.equal(
      404,
    );
    expect(
      (await postForm(outsider, `/incoming/${id}/comments`, { body: 'xin chào' })).status,
    ).to.equal(404);
    expect(
      (await postForm(outsider, `/incoming/${id}/present`, { leaderId: String(office.leader.id) }))
        .status,
    ).to.equal(404);
    expect((await outsider.session.agent.get('/incoming?tab=all')).text).to.not.contain(
      'Văn bản của cơ quan khác',
    );
    expect((await IncomingDocument.findByPk(id))!.status).to.equal('registered');
    expect(
      await AuditLog.count({ where: { action: 'incoming.view', userId: outsider.user.id } }),
    ).to.equal(0);
  });

  it('hides a document from a specialist outside its chain and shows it once they are assigned', async () => {
    const office = await buildOffice();
    const [clerk, leader, specialist] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.specialist,
    ]);
    const id = await registerThroughForm(clerk, { subject: 'Hồ sơ chưa giao' });
    expect([403, 404]).to.include((await specialist.session.agent.get(`/incoming/${id}`)).status);
    expect((await specialist.session.agent.get('/incoming?tab=toHandle')).text).to.not.contain(
      `data-id="${id}"`,
    );
    expect((await postForm(specialist, `/incoming/${id}/comments`, { body: 'x' })).status).to.equal(
      404,
    );
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    await postForm(leader, `/incoming/${id}/direct`, { lead: `u:${office.specialist.id}` });
    expect((await specialist.session.agent.get(`/incoming/${id}`)).status).to.equal(200);
    expect((await specialist.session.agent.get('/incoming?tab=toHandle')).text).to.contain(
      `data-id="${id}"`,
    );
    // Another specialist of the same department still sees nothing.
    const colleague = await signIn(
      ctx.app,
      await buildUser(office.agency, ['specialist'], { departmentId: office.department.id }),
    );
    expect((await colleague.session.agent.get(`/incoming/${id}`)).status).to.equal(404);
  });

  it('shows a secret document only to the chain, cleared clerks and leaders, and granted users', async () => {
    const office = await buildOffice();
    const cleared = await buildUser(office.agency, ['leader'], {
      secretClearance: 2,
      fullName: 'Lãnh đạo có quyền mật',
    });
    const uncleared = await buildUser(office.agency, ['clerk']);
    const [clerk, leader, other, admin] = await signInAll(ctx, [
      office.clerk,
      cleared,
      uncleared,
      await buildUser(office.agency, ['admin']),
    ]);
    const id = await registerThroughForm(clerk, {
      confidentiality: '2',
      subject: 'Tài liệu tối mật thử nghiệm',
    });
    // The registering clerk is in the chain; a cleared leader sees it; an uncleared clerk and the admin do not.
    expect((await clerk.session.agent.get(`/incoming/${id}`)).status).to.equal(200);
    expect((await leader.session.agent.get(`/incoming/${id}`)).status).to.equal(200);
    expect((await other.session.agent.get(`/incoming/${id}`)).status).to.equal(404);
    expect((await other.session.agent.get('/incoming?tab=all')).text).to.not.contain(
      'Tài liệu tối mật thử nghiệm',
    );
    expect((await other.session.agent.get('/incoming?tab=toHandle')).text).to.not.contain(
      `data-id="${id}"`,
    );
    expect([403, 404]).to.include((await admin.session.agent.get(`/incoming/${id}`)).status);
    // The cleared leader grants the uncleared clerk: now list and detail show it.
    const granted = await postForm(leader, `/incoming/${id}/grants`, {
      userId: String(uncleared.id),
    });
    expect(granted.status).to.equal(303);
    expect((await other.session.agent.get(`/incoming/${id}`)).status).to.equal(200);
    expect((await other.session.agent.get('/incoming?tab=all')).text).to.contain(
      'Tài liệu tối mật thử nghiệm',
    );
    expect(
      await AuditLog.count({
        where: { action: 'incoming.grant', userId: cleared.id, entityId: String(id) },
      }),
    ).to.equal(1);
  });

  it('list filter and view rule agree for every role on a mix of documents', async () => {
    const office = await buildOffice();
    const clerk = await signIn(ctx.app, office.clerk);
    const leader = await signIn(ctx.app, office.leader);
    const ids = [];
    for (const confidentiality of ['0', '1', '3'])
      ids.push(await registerThroughForm(clerk, { confidentiality }));
    await postForm(clerk, `/incoming/${ids[1]}/present`, { leaderId: String(office.leader.id) });
    await postForm(leader, `/incoming/${ids[1]}/direct`, { lead: `d:${office.department.id}` });
    // A specialist outside a document's handling, granted it: their "all" holds it too.
    const granted = await postForm(leader, `/incoming/${ids[1]}/grants`, {
      userId: String(office.specialist.id),
    });
    expect(granted.status).to.equal(303);
    const specialistAll = await listIncoming(
      office.specialist,
      ListQuerySchema.parse({ tab: 'all' }),
    );
    expect(specialistAll.tab).to.equal('all');
    expect(specialistAll.rows.map((r) => r.document.id)).to.include(ids[1]);
    for (const user of [
      office.clerk,
      office.leader,
      office.deptHead,
      office.specialist,
      office.reader,
    ]) {
      const listed = (await listIncoming(user, ListQuerySchema.parse({ tab: 'all' }))).rows.map(
        (r) => r.document.id,
      );
      const personal = new Set<number>();
      for (const tab of ['toHandle', 'inProgress', 'done', 'forInfo'] as const) {
        for (const r of (await listIncoming(user, ListQuerySchema.parse({ tab }))).rows)
          personal.add(r.document.id);
      }
      const session = await signIn(ctx.app, user);
      for (const id of ids) {
        const status = (await session.session.agent.get(`/incoming/${id}`)).status;
        const visible = status === 200;
        if (personal.has(id)) expect(visible, `${user.roleList().join()} ${id}`).to.equal(true);
        // "All" is exactly what the person may open, whoever they are.
        expect(listed.includes(id), `${user.roleList().join()} ${id}`).to.equal(visible);
      }
    }
  });

  it('flags overdue work in lists, filters it and counts it for the dashboard', async () => {
    const office = await buildOffice();
    const [clerk, leader, specialist] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.specialist,
    ]);
    const late = await registerThroughForm(clerk, { subject: 'Văn bản trễ hạn' });
    const onTime = await registerThroughForm(clerk, { subject: 'Văn bản còn hạn' });
    for (const id of [late, onTime]) {
      await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
      expect(
        (await postForm(leader, `/incoming/${id}/direct`, { lead: `u:${office.specialist.id}` }))
          .status,
      ).to.equal(303);
    }
    await IncomingAssignment.update({ deadline: yesterday() }, { where: { documentId: late } });
    const page = await specialist.session.agent.get('/incoming?tab=toHandle');
    const row = (id: number) =>
      new RegExp(`<tr class="([^"]*)" data-id="${id}">`).exec(page.text)?.[1] ?? null;
    expect(row(late)).to.contain('overdue');
    expect(row(onTime)).to.not.contain('overdue');
    expect(page.text).to.contain('data-testid="overdue-tag"');
    const filtered = await specialist.session.agent.get('/incoming?tab=toHandle&overdue=1');
    expect(filtered.text).to.contain(`data-id="${late}"`).and.not.contain(`data-id="${onTime}"`);
    const counters = await incomingCounters(office.specialist);
    expect(counters).to.include({ toHandle: 2, overdue: 1, forInfo: 0 });
    const clerkCounters = await incomingCounters(office.clerk);
    expect(clerkCounters.registeredToday).to.equal(2);
    expect(todayInVietnam() > yesterday()).to.equal(true);
  });

  it('filters by text, sender, urgency and status, and pages 20 at a time', async () => {
    const office = await buildOffice();
    const clerk = await signIn(ctx.app, office.clerk);
    await registerThroughForm(clerk, {
      subject: 'Kế hoạch phòng chống lụt bão',
      urgency: '2',
      fromOrganName: 'Ban Chỉ huy PCTT tỉnh',
    });
    for (let i = 0; i < 21; i += 1)
      await registerThroughForm(clerk, { subject: `Thông báo số ${i}` });
    const all = await clerk.session.agent.get('/incoming?tab=all');
    expect(all.text).to.contain('Tổng số: 22 văn bản').and.contain('rel="next"');
    expect((all.text.match(/data-id="/g) ?? []).length).to.equal(20);
    const second = await clerk.session.agent.get('/incoming?tab=all&page=2');
    expect((second.text.match(/data-id="/g) ?? []).length).to.equal(2);
    // The clerk's work queue is counted by its page query: the same totals and pages, and a
    // page past the end (an old link) shows the last page.
    const rowsOf = (text: string) => (text.match(/data-id="/g) ?? []).length;
    const queue = await clerk.session.agent.get('/incoming?tab=toHandle');
    expect(queue.text).to.contain('Tổng số: 22 văn bản').and.contain('rel="next"');
    expect(rowsOf(queue.text)).to.equal(20);
    const queueEnd = await clerk.session.agent.get('/incoming?tab=toHandle&page=2');
    expect(rowsOf(queueEnd.text)).to.equal(2);
    const pastEnd = await clerk.session.agent.get('/incoming?tab=toHandle&page=9');
    expect(pastEnd.text).to.contain('Tổng số: 22 văn bản').and.contain('rel="prev"');
    expect(rowsOf(pastEnd.text)).to.equal(2);
    const emptyQueue = await clerk.session.agent.get('/incoming?tab=inProgress&page=3');
    expect(emptyQueue.text).to.contain('Tổng số: 0 văn bản');
    const byText = await clerk.session.agent.get(
      `/incoming?tab=all&q=${encodeURIComponent('lụt bão')}`,
    );
    expect(byText.text).to.contain('Tổng số: 1 văn bản');
    const bySender = await clerk.session.agent.get(
      `/incoming?tab=all&sender=${encodeURIComponent('PCTT')}`,
    );
    expect(bySender.text).to.contain('Tổng số: 1 văn bản');
    expect((await clerk.session.agent.get('/incoming?tab=all&urgency=2')).text).to.contain(
      'Tổng số: 1 văn bản',
    );
    expect((await clerk.session.agent.get('/incoming?tab=all&status=filed')).text).to.contain(
      'Tổng số: 0 văn bản',
    );
    const sorted = await clerk.session.agent.get('/incoming?tab=all&sort=arrivalNumber&dir=asc');
    expect(/data-id="\d+">\s*<td><a href="\/incoming\/\d+">01</.test(sorted.text)).to.equal(true);
    // Every page keeps the database's order, both ways and on a work queue too.
    const numbersOf = (text: string) =>
      [...text.matchAll(/data-id="\d+">\s*<td><a href="\/incoming\/\d+">(\d+)</g)].map((m) =>
        Number(m[1]),
      );
    const ascending = numbersOf(sorted.text);
    expect(ascending).to.deep.equal([...ascending].sort((a, b) => a - b));
    for (const url of ['/incoming?tab=all&sort=arrivalNumber&dir=desc', '/incoming?tab=toHandle']) {
      const numbers = numbersOf((await clerk.session.agent.get(url)).text);
      expect(numbers, url).to.have.length(20);
      expect(numbers, url).to.deep.equal([...numbers].sort((a, b) => b - a));
    }
    // Nonsense in the query string is ignored, not an error.
    expect(
      (await clerk.session.agent.get('/incoming?tab=zzz&page=-4&sort=drop&urgency=9')).status,
    ).to.equal(200);
  });
});
