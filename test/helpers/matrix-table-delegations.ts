/**
 * Policy matrix entries of the delegations page (/profile/delegations): everyone reads their own;
 * a leader or a department's head hands over their own work, the administrator records any of
 * the agency's (another agency's administrator, of theirs); the principal or the administrator
 * ends one, and another agency finds no such delegation.
 */
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { Delegation } from '../../src/users/delegation.model.js';
import { buildUser } from '../factories/index.js';
import type { ActorName, MatrixWorld, SignedInActor } from './matrix-actors.js';
import type { MatrixEntry } from './matrix-runner.js';

const SIGNED_IN: ActorName[] = [
  'clerk',
  'leader',
  'deptHead',
  'specialist',
  'otherSpecialist',
  'admin',
  'foreignClerk',
  'foreignAdmin',
];

const delegationsOfAgency = (agencyId: number) => () => Delegation.count({ where: { agencyId } });

/** A colleague of the actor (or of the main agency's people, for the denied actors' fixture). */
async function colleagueOf(w: MatrixWorld, actor: ActorName | null) {
  const agency = actor === 'foreignAdmin' ? w.foreignAgency : w.agency;
  return buildUser(agency, ['leader']);
}

export const delegationEntries: MatrixEntry[] = [
  { method: 'GET', path: '/profile/delegations', cases: [{ allowed: SIGNED_IN }] },
  {
    method: 'POST',
    path: '/profile/delegations',
    cases: [
      {
        label: 'one’s own work to a colleague',
        allowed: ['leader', 'deptHead', 'admin', 'foreignAdmin'],
        prepare: async (w, actor) => {
          const delegate = await colleagueOf(w, actor);
          const day = todayInVietnam().split('-').reverse().join('/');
          const owner =
            w.users[(actor && actor !== 'anonymous' ? actor : 'clerk') as SignedInActor];
          return {
            body: {
              delegateId: String(delegate.id),
              form: 'KT',
              actions: ['outgoing.sign'],
              startsOn: day,
              endsOn: day,
            },
            state: delegationsOfAgency(owner.agencyId),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/profile/delegations/:id/revoke',
    cases: [
      {
        label: 'the leader’s delegation',
        allowed: ['leader', 'admin'],
        prepare: async (w) => {
          const today = todayInVietnam();
          const d = await Delegation.create({
            agencyId: w.agency.id,
            principalId: w.users.leader.id,
            // Someone outside the matrix's actors: the delegation the refused actors leave in
            // force must not let an actor act for the leader in later cases.
            delegateId: (await buildUser(w.agency, ['leader'])).id,
            form: 'KT',
            actions: JSON.stringify(['outgoing.sign']),
            startsOn: today,
            endsOn: today,
            createdById: w.users.leader.id,
          });
          return {
            params: { id: d.id },
            body: {},
            state: async () => (await Delegation.findByPk(d.id))?.revokedAt ?? null,
          };
        },
      },
    ],
  },
];
