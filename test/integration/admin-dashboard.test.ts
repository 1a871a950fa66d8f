import { expect } from 'chai';
import request from 'supertest';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { Register } from '../../src/registers/register.model.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';

/** A registered incoming document waiting for the clerk, with the sender's due date given. */
async function registeredDocument(agency: Agency, clerk: User, dueDate: string, n: number) {
  const [register] = await Register.findOrCreate({
    where: { agencyId: agency.id, kind: 'incoming', year: 2026 },
    defaults: {
      agencyId: agency.id,
      kind: 'incoming',
      year: 2026,
      name: 'Sổ văn bản đến 2026',
      lastNumber: 0,
    },
  });
  return IncomingDocument.create({
    agencyId: agency.id,
    registerId: register.id,
    arrivalNumber: n,
    arrivalDate: new Date(),
    fromOrganName: 'Sở Nội vụ',
    documentType: 'CV',
    subject: `Công văn thử ${n}`,
    status: 'registered',
    dueDate,
    createdById: clerk.id,
  } as never);
}

describe('dashboard', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('welcomes the person with their roles and sends strangers to login', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['specialist', 'dept_head'], {
      fullName: 'Hoàng Văn Trưởng',
    });
    const { agent } = await loginAs(ctx.app, user);
    const page = await agent.get('/');
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.contain('Xin chào, Hoàng Văn Trưởng')
      .and.contain('Chuyên viên')
      .and.contain('Lãnh đạo đơn vị');
    expect(page.text).to.not.contain('data-testid="overdue-alert"');
    expect(page.text).to.not.contain('data-testid="admin-links"');
    const anonymous = await request(ctx.app).get('/');
    expect(anonymous.status).to.equal(303);
  });

  it("links an administrator to every administration page, as the administration's tabs do", async () => {
    const agency = await buildAgency();
    const { agent } = await loginAs(ctx.app, await buildUser(agency, ['admin']));
    const page = await agent.get('/');
    expect(page.status).to.equal(200);
    const section = /data-testid="admin-links">([\s\S]*?)<\/section>/.exec(page.text)?.[1] ?? '';
    const linked = [...section.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    const tabs = await agent.get('/admin/agency');
    const nav = [...tabs.text.matchAll(/href="(\/admin\/[a-z-]+)"/g)].map((m) => m[1]);
    expect(linked).to.include('/admin/approval-templates').and.include('/admin/audit');
    expect(linked).to.include.members([...new Set(nav)]);
  });

  it('counts the work waiting and shows overdue work prominently', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    await registeredDocument(agency, clerk, '2030-12-31', 1);
    await registeredDocument(agency, clerk, '2020-01-02', 2);
    const { agent } = await loginAs(ctx.app, clerk);
    const page = await agent.get('/');
    expect(page.status).to.equal(200);
    expect(page.text).to.match(/data-testid="card-to-handle">\s*<div class="value">2<\/div>/);
    expect(page.text).to.match(/data-testid="card-overdue">\s*<div class="value">1<\/div>/);
    expect(page.text).to.contain('data-testid="overdue-alert"').and.contain('Có 1 văn bản quá hạn');
  });
});
