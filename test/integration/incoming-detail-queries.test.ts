import { expect } from 'chai';
import { statementsOf } from '../helpers/statements.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildUser } from '../factories/index.js';
import { buildOffice, postForm, registerThroughForm, signInAll } from './incoming-helpers.js';

/** The labels of a select's options, by the select's id prefix. */
const optionsOf = (html: string, idPrefix: string) => {
  const select = new RegExp(`<select id="${idPrefix}[^"]*"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  return [...(select?.[1] ?? '').matchAll(/<option value="\d+">([^<]*)</g)].map((m) => m[1]);
};

/**
 * The detail page asks the outgoing domain where a document came from only when its trail says
 * it was registered from a delivery (the deliveries' own tests show the origin on those pages).
 */
describe('incoming detail page reads', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('does not look up a delivery origin for a document registered by hand; trail and comments show', async () => {
    const office = await buildOffice();
    const [clerk] = await signInAll(ctx, [office.clerk]);
    const id = await registerThroughForm(clerk, {});
    await postForm(clerk, `/incoming/${id}/comments`, { body: 'Ghi chú của văn thư.' });
    const queries = await statementsOf(async () => {
      const page = await clerk.session.agent.get(`/incoming/${id}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Ghi chú của văn thư.');
      expect(page.text).not.to.include('data-testid="delivery-origin"');
    });
    // The log sees the view's audit row...
    expect(queries.some((sql) => /INSERT INTO audit_logs/.test(sql))).to.equal(true);
    // ...and none of the origin's.
    expect(queries.filter((sql) => /outgoing_recipients/.test(sql))).to.deep.equal([]);
  });

  it("reads only the head's own department for the hand-over form, which offers exactly its active staff", async () => {
    const office = await buildOffice();
    await buildUser(office.agency, ['specialist'], {
      fullName: 'Đỗ Đã Nghỉ',
      departmentId: office.department.id,
      isActive: false,
    });
    await buildUser(office.agency, ['specialist'], {
      fullName: 'Bùi Chuyên Viên Chính',
      positionTitle: 'Chuyên viên chính',
      departmentId: office.department.id,
    });
    const [clerk, leader, head] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
    ]);
    const id = await registerThroughForm(clerk, {});
    expect(
      (await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) }))
        .status,
    ).to.equal(303);
    // The leader's page, before directing, offers the whole agency to direct to.
    const leaderPage = await leader.session.agent.get(`/incoming/${id}`);
    expect(leaderPage.text).to.include('Hoàng Phối Hợp');
    expect(
      (
        await postForm(leader, `/incoming/${id}/direct`, {
          note: 'Giao xử lý',
          lead: `d:${office.department.id}`,
        })
      ).status,
    ).to.equal(303);

    let html = '';
    const queries = await statementsOf(async () => {
      const page = await head.session.agent.get(`/incoming/${id}`);
      expect(page.status).to.equal(200);
      html = page.text;
    });
    const offered = optionsOf(html, 'assign-user-');
    expect(offered).to.have.length(2);
    expect(offered.some((label) => label.startsWith('Phạm Chuyên Viên'))).to.equal(true);
    expect(
      offered.some((label) => label.startsWith('Bùi Chuyên Viên Chính — Chuyên viên chính')),
    ).to.equal(true);
    // The staff read names the department: the whole agency is not read to offer a few people.
    const staffReads = queries.filter((sql) => /FROM users u LEFT JOIN departments/.test(sql));
    expect(staffReads).to.have.length(1);
    expect(staffReads[0]).to.match(/u\.departmentId = /);
    expect(queries.filter((sql) => /FROM departments WHERE agencyId/.test(sql))).to.deep.equal([]);
  });
});
