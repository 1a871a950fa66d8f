/**
 * Policy matrix entries of the signing identities: everyone's own "Chữ ký số" page under the
 * profile, and the seal credential page of the main agency, for its administrator only (the
 * other agency's administrator finds no such agency).
 */
import { SignerCredential } from '../../src/signing-keys/index.js';
import { useKdf } from '../../src/signing-keys/settings.js';
import type { User } from '../../src/users/user.model.js';
import type { ActorName, MatrixWorld, SignedInActor } from './matrix-actors.js';
import type { MatrixEntry } from './matrix-runner.js';
import { CHEAP_KDF, enrolForTest, TEST_PIN } from './signing-keys.js';

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
const MAIN_ADMIN: ActorName[] = ['admin'];

/** The user a per-actor fixture is about: the actor's own, or the clerk's for the denied ones. */
const ownerOf = (w: MatrixWorld, actor: ActorName | null): User =>
  w.users[(actor && actor !== 'anonymous' ? actor : 'clerk') as SignedInActor];

/** What a request could change about a person's signing identity. */
const personalState = (user: User) => async () =>
  JSON.parse(
    JSON.stringify(
      await SignerCredential.findAll({
        where: { userId: user.id },
        attributes: ['id', 'provider', 'encryptedKey', 'revokedAt', 'cscCredentialId'],
        order: [['id', 'ASC']],
        raw: true,
      }),
    ),
  );

const sealState = (agencyId: number) => async () =>
  (
    await SignerCredential.findAll({
      where: { agencyId, kind: 'seal' },
      attributes: ['id', 'revokedAt'],
      raw: true,
    })
  ).map((r) => `${r.id}:${r.revokedAt ? 'revoked' : 'active'}`);

export const signingKeyEntries: MatrixEntry[] = [
  { method: 'GET', path: '/profile/signing', cases: [{ allowed: SIGNED_IN }] },
  {
    method: 'POST',
    path: '/profile/signing/enrol',
    cases: [
      {
        label: 'one’s own key',
        allowed: SIGNED_IN,
        prepare: async (w, actor) => {
          useKdf(CHEAP_KDF);
          const user = ownerOf(w, actor);
          return {
            body: { pin: '135790', pinConfirm: '135790' },
            state: personalState(user),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/profile/signing/pin',
    cases: [
      {
        label: 'one’s own PIN',
        allowed: SIGNED_IN,
        prepare: async (w, actor) => {
          const user = ownerOf(w, actor);
          await enrolForTest(user);
          return {
            body: { oldPin: TEST_PIN, newPin: '135790', newPinConfirm: '135790' },
            state: personalState(user),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/profile/signing/provider',
    cases: [
      {
        label: 'back to one’s server key',
        allowed: SIGNED_IN,
        prepare: async (w, actor) => {
          const user = ownerOf(w, actor);
          const row = await enrolForTest(user);
          await row.update({ provider: 'token' });
          return { body: { provider: 'server-key' }, state: personalState(user) };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/profile/signing/tokens',
    cases: [
      {
        // Reaches the handler, which asks for the certificate file (422); no one else's profile.
        label: 'one’s own token, no file chosen',
        allowed: SIGNED_IN,
        allowedUnchanged: true,
        allowedCheck: (res) => (res.status === 422 ? null : `expected 422, got ${res.status}`),
        prepare: async (w, actor) => ({ body: {}, state: personalState(ownerOf(w, actor)) }),
      },
    ],
  },
  {
    method: 'POST',
    path: '/profile/signing/tokens/:id/revoke',
    cases: [
      {
        label: 'a token that is not one’s own',
        allowed: SIGNED_IN,
        allowedUnchanged: true,
        allowedCheck: (res) => (res.status === 404 ? null : `expected 404, got ${res.status}`),
        prepare: async (w, actor) => ({
          params: { id: 987_654_321 },
          body: {},
          state: personalState(ownerOf(w, actor)),
        }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/admin/agency/:id/seal',
    cases: [{ allowed: MAIN_ADMIN, prepare: async (w) => ({ params: { id: w.agency.id } }) }],
  },
  {
    method: 'POST',
    path: '/admin/agency/:id/seal',
    cases: [
      {
        label: 'the main agency’s seal',
        allowed: MAIN_ADMIN,
        prepare: async (w) => {
          useKdf(CHEAP_KDF);
          return { params: { id: w.agency.id }, body: {}, state: sealState(w.agency.id) };
        },
      },
    ],
  },
];
