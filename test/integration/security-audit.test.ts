import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildUser, loginAs } from '../factories/index.js';
import { recordAudit } from '../../src/audit/audit.service.js';
import { buildOffice, registerThroughForm, signIn } from './incoming-helpers.js';

describe('security: the audit log', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('shows the subject and notes of a secret document only to an administrator cleared for it', async () => {
    const office = await buildOffice();
    await office.clerk.update({ secretClearance: 3 });
    const clerk = await signIn(ctx.app, office.clerk);
    const secretId = await registerThroughForm(clerk, { confidentiality: '2' });
    const plainId = await registerThroughForm(clerk);
    for (const id of [secretId, plainId])
      await recordAudit({
        action: 'incoming.update',
        userId: office.clerk.id,
        ip: null,
        entityType: 'incoming',
        entityId: id,
        details: { changes: { subject: `Kế hoạch tuyệt mật số ${id}`, notes: 'Ghi chú riêng' } },
      });
    const uncleared = await buildUser(office.agency, ['admin']);
    const cleared = await buildUser(office.agency, ['admin'], { secretClearance: 3 });
    const page = async (admin: typeof uncleared, id: number) =>
      (await loginAs(ctx.app, admin)).agent.get(
        `/admin/audit?entityType=incoming&entityId=${id}&action=incoming.update`,
      );

    const hidden = await page(uncleared, secretId);
    expect(hidden.status).to.equal(200);
    expect(hidden.text).not.to.contain(`Kế hoạch tuyệt mật số ${secretId}`);
    expect(hidden.text).not.to.contain('Ghi chú riêng');
    expect(hidden.text).to.contain('Nội dung ẩn');
    expect((await page(uncleared, plainId)).text).to.contain(`Kế hoạch tuyệt mật số ${plainId}`);
    expect((await page(cleared, secretId)).text).to.contain(`Kế hoạch tuyệt mật số ${secretId}`);
  });
});
