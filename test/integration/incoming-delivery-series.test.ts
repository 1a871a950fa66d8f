import { expect } from 'chai';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { registerDelivery } from '../../src/outgoing/outgoing.deliveries.js';
import { Register } from '../../src/registers/register.model.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { issuedDocument } from '../helpers/matrix-table-deliveries.js';
import { testApp } from '../helpers/test-app.js';

const actor = (user: Awaited<ReturnType<typeof buildUser>>) => ({ user, ip: '127.0.0.1' });

describe('a document delivered inside the deployment keeps its series and its time', function () {
  this.timeout(60_000);

  before(async () => {
    await testApp();
  });

  it('registers a secret delivery in the secret series and a timed one with its time', async () => {
    const sender = await buildAgency();
    const receiver = await buildAgency();
    const department = await buildDepartment(sender);
    const [senderClerk, drafter, leader] = await Promise.all([
      buildUser(sender, ['clerk']),
      buildUser(sender, ['specialist'], { departmentId: department.id }),
      buildUser(sender, ['leader']),
    ]);
    const clerk = await buildUser(receiver, ['clerk'], { secretClearance: 3 });
    const issue = (overrides: { urgency?: number; confidentiality?: number }) =>
      issuedDocument({
        sender,
        clerk: senderClerk,
        createdBy: drafter,
        signer: leader,
        departmentId: department.id,
        recipients: [{ agency: receiver }],
        ...overrides,
      });

    const ordinary = await issue({});
    const secret = await issue({ confidentiality: 2 });
    const timed = await issue({ urgency: 3 });
    const deliverBy = new Date('2026-12-07T03:00:00.000Z');
    await OutgoingDocument.update(
      { urgentDeliverBy: deliverBy },
      { where: { id: timed.document.id } },
    );

    const first = await registerDelivery(ordinary.recipients[0].id, actor(clerk));
    const hidden = await registerDelivery(secret.recipients[0].id, actor(clerk));
    const urgent = await registerDelivery(timed.recipients[0].id, actor(clerk));

    expect([first.arrivalNumber, hidden.arrivalNumber, urgent.arrivalNumber]).to.deep.equal([
      1, 1, 2,
    ]);
    const register = await Register.findByPk(hidden.registerId);
    expect(register!.series).to.equal('secret');
    const kept = await IncomingDocument.findByPk(urgent.id);
    expect(kept!.urgency).to.equal(3);
    expect(kept!.urgentDeliverBy!.toISOString()).to.equal(deliverBy.toISOString());
  });
});
