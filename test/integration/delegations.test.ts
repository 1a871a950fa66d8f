import { expect } from 'chai';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { AppError } from '../../src/http/app-error.js';
import { Delegation } from '../../src/users/delegation.model.js';
import {
  createDelegation,
  delegationFor,
  DelegationSchema,
  principalsOf,
  revokeDelegation,
} from '../../src/users/delegations.service.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });
const input = (over: Record<string, unknown>) =>
  DelegationSchema.parse({
    form: 'KT',
    actions: ['outgoing.sign'],
    startsOn: '2026-12-01',
    endsOn: '2026-12-31',
    ...over,
  });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.catch((e: unknown) => e);
  expect(err).to.be.instanceOf(AppError);
  return err as AppError;
}

describe('users: delegations (who acts for whom, Decree 30 Art. 13)', () => {
  let chairman: User;
  let deputy: User;
  let chief: User;
  let clerk: User;
  let admin: User;
  let outsider: User;

  before(async () => {
    await testApp();
    const agency = await buildAgency();
    chairman = await buildUser(agency, ['leader']);
    deputy = await buildUser(agency, ['leader']);
    chief = await buildUser(agency, ['dept_head']);
    clerk = await buildUser(agency, ['clerk']);
    admin = await buildUser(agency, ['admin']);
    outsider = await buildUser(await buildAgency(), ['leader']);
  });

  it('lets a leader hand actions to a deputy for a span of days, audited, and answers who acts for whom', async () => {
    const d = await createDelegation(
      input({
        principalId: chairman.id,
        delegateId: deputy.id,
        actions: ['outgoing.sign', 'incoming.direct'],
      }),
      actorOf(chairman),
    );
    expect(d.actionList()).to.deep.equal(['incoming.direct', 'outgoing.sign']);
    expect(
      (await delegationFor(deputy.id, chairman.id, 'outgoing.sign', '2026-12-15'))?.id,
    ).to.equal(d.id);
    expect(await delegationFor(deputy.id, chairman.id, 'outgoing.sign', '2027-01-01')).to.equal(
      null,
    );
    expect(await delegationFor(deputy.id, chairman.id, 'outgoing.approve', '2026-12-15')).to.equal(
      null,
    );
    expect(await delegationFor(chairman.id, deputy.id, 'outgoing.sign', '2026-12-15')).to.equal(
      null,
    );
    expect(await principalsOf(deputy.id, 'incoming.direct', '2026-12-15')).to.deep.equal([
      chairman.id,
    ]);
    const audit = await AuditLog.findOne({
      where: { action: 'delegation.create', entityId: d.id },
    });
    expect(audit?.userId).to.equal(chairman.id);
  });

  it('refuses bad delegations with their reason: self, reversed days, another agency, not the principal', async () => {
    expect(() => input({ principalId: chairman.id, delegateId: chairman.id })).to.throw();
    expect(() =>
      input({
        principalId: chairman.id,
        delegateId: deputy.id,
        startsOn: '2026-12-31',
        endsOn: '2026-12-01',
      }),
    ).to.throw();
    expect(() =>
      input({ principalId: chairman.id, delegateId: deputy.id, form: 'XYZ' }),
    ).to.throw();
    const other = await refusal(
      createDelegation(
        input({ principalId: chairman.id, delegateId: outsider.id }),
        actorOf(chairman),
      ),
    );
    expect(other.code).to.equal('DELEGATION_PEOPLE_INVALID');
    const notMine = await refusal(
      createDelegation(input({ principalId: chairman.id, delegateId: deputy.id }), actorOf(clerk)),
    );
    expect(notMine.status).to.equal(403);
    // Signing goes only to someone who could sign: not a clerk; directing may.
    const clerkSigns = await refusal(
      createDelegation(
        input({ principalId: chief.id, delegateId: clerk.id, form: 'TL' }),
        actorOf(admin),
      ),
    );
    expect(clerkSigns.code).to.equal('DELEGATION_SIGNER_INVALID');
    expect(Object.keys(clerkSigns.fields ?? {})).to.deep.equal(['delegateId']);
    const byAdmin = await createDelegation(
      input({
        principalId: chief.id,
        delegateId: clerk.id,
        form: 'TL',
        actions: ['incoming.direct'],
      }),
      actorOf(admin),
    );
    expect(byAdmin.createdById).to.equal(admin.id);
  });

  it('never lets an authorisation (TUQ.) be passed on, and keeps a re-delegation within what is held', async () => {
    const tuq = await createDelegation(
      input({ principalId: chairman.id, delegateId: chief.id, form: 'TUQ' }),
      actorOf(chairman),
    );
    const final = await refusal(
      createDelegation(
        input({ principalId: chairman.id, delegateId: clerk.id, form: 'TUQ', parentId: tuq.id }),
        actorOf(chief),
      ),
    );
    expect(final.code).to.equal('DELEGATION_TUQ_FINAL');
    const kt = await createDelegation(
      input({
        principalId: chairman.id,
        delegateId: chief.id,
        form: 'TL',
        actions: ['incoming.direct'],
      }),
      actorOf(chairman),
    );
    const beyond = await refusal(
      createDelegation(
        input({
          principalId: chairman.id,
          delegateId: clerk.id,
          form: 'TL',
          actions: ['outgoing.sign'],
          parentId: kt.id,
        }),
        actorOf(chief),
      ),
    );
    expect(beyond.code).to.equal('DELEGATION_BEYOND_PARENT');
    const passed = await createDelegation(
      input({
        principalId: chairman.id,
        delegateId: clerk.id,
        form: 'TL',
        actions: ['incoming.direct'],
        startsOn: '2026-12-10',
        endsOn: '2026-12-20',
        parentId: kt.id,
      }),
      actorOf(chief),
    );
    expect(
      (await delegationFor(clerk.id, chairman.id, 'incoming.direct', '2026-12-15'))?.id,
    ).to.equal(passed.id);
    // Revoking the parent ends what was passed on from it.
    await revokeDelegation(kt.id, actorOf(chairman));
    expect(await delegationFor(clerk.id, chairman.id, 'incoming.direct', '2026-12-15')).to.equal(
      null,
    );
    expect((await Delegation.findByPk(passed.id))!.revokedAt).to.be.instanceOf(Date);
    const revokedByOther = await refusal(revokeDelegation(tuq.id, actorOf(clerk)));
    expect(revokedByOther.status).to.equal(403);
  });
});
