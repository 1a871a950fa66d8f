/**
 * The policy matrix: for every route the app answers, who may and who may not. Entries of the
 * incoming pages, the JSON API, the administration and the registers live in
 * matrix-table-{incoming,api,admin,registers}.ts; this file has the session, profile and
 * public routes and joins them all.
 */
import { delegationEntries } from './matrix-table-delegations.js';
import { Session } from '../../src/auth/session.model.js';
import { randomUUID } from 'node:crypto';
import { Agency } from '../../src/agencies/agency.model.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { AccessToken, User } from '../../src/users/user.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { makePdf } from '../fixtures/pdf.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { TEST_PASSWORD } from '../factories/index.js';
import { ACTORS, type ActorName, type MatrixWorld, type SignedInActor } from './matrix-actors.js';
import { adminEntries } from './matrix-table-admin.js';
import { directoryEntries } from './matrix-table-directory.js';
import { approvalEntries } from './matrix-table-approvals.js';
import { incomingApiEntries } from './matrix-table-api.js';
import { outgoingApiEntries } from './matrix-table-api-outgoing.js';
import { incomingPageEntries } from './matrix-table-incoming.js';
import { registerEntries } from './matrix-table-registers.js';
import { reportEntries } from './matrix-table-reports.js';
import { outgoingPageEntries } from './matrix-table-outgoing.js';
import { deliveryEntries } from './matrix-table-deliveries.js';
import { signingKeyEntries } from './matrix-table-signing-keys.js';
import { senderEntries } from './matrix-table-senders.js';
import { savedSearchEntries } from './matrix-table-saved-searches.js';
import { recordsFileEntries } from './matrix-table-records-files.js';
import { meetingPrepareEntries } from './matrix-table-meetings-prepare.js';
import { meetingLiveEntries } from './matrix-table-meetings-live.js';
import { meetingCalendarEntries } from './matrix-table-meetings-calendar.js';
import { meetingVoteEntries } from './matrix-table-meetings-votes.js';
import { meetingMinutesEntries } from './matrix-table-meetings-minutes.js';
import { meetingTaskEntries } from './matrix-table-meetings-tasks.js';
import { exportEntries } from './matrix-table-exports.js';
import type { MatrixCase, MatrixEntry } from './matrix-runner.js';

/** Choosing a new password, on a new session; the password, sessions and tokens restored after. */
function newPasswordCase(): MatrixCase {
  return {
    label: 'on a new session, password restored after',
    allowed: SIGNED_IN,
    freshSession: true,
    prepare: async (w, actor) => {
      const user = ownerOf(w, actor);
      const hash = (await User.findByPk(user.id))!.passwordHash;
      // A new password ends the user's other sessions: the matrix's own session comes back after.
      const sessions = (await Session.findAll({ where: { userId: user.id } })).map((row) =>
        row.get({ plain: true }),
      );
      // A new password also revokes the user's API tokens: the matrix's token comes back too.
      const tokens = (await AccessToken.findAll({ where: { userId: user.id } })).map((row) =>
        row.get({ plain: true }),
      );
      return {
        body: {
          currentPassword: TEST_PASSWORD,
          newPassword: 'MatKhauMoi456',
          confirmPassword: 'MatKhauMoi456',
        },
        state: async () => (await User.findByPk(user.id))?.passwordHash,
        cleanup: async () => {
          await User.update({ passwordHash: hash }, { where: { id: user.id } });
          await Session.bulkCreate(sessions, { ignoreDuplicates: true });
          await AccessToken.bulkCreate(tokens, { ignoreDuplicates: true });
        },
      };
    },
  };
}

export const EVERYONE: readonly ActorName[] = ACTORS;
export const SIGNED_IN: readonly ActorName[] = ACTORS.filter((a) => a !== 'anonymous');

/** The user a per-actor fixture is about: the actor's own, or the clerk's for the denied ones. */
const ownerOf = (w: MatrixWorld, actor: ActorName | null): User =>
  w.users[(actor && actor !== 'anonymous' ? actor : 'clerk') as SignedInActor];

const redirectsTo =
  (target: RegExp) => (res: { status: number; headers: Record<string, string> }) =>
    res.status === 303 && target.test(res.headers.location ?? '')
      ? null
      : `expected 303 → ${target}, got ${res.status} → ${res.headers.location ?? ''}`;

const setupBody = () => ({
  agencyName: 'UBND huyện Thứ Hai',
  agencyCode: '000.00.00.H99',
  agencyAbbr: 'UBND',
  adminUsername: `admin_${randomUUID().slice(0, 6)}`,
  adminFullName: 'Quản trị thứ hai',
  adminPassword: 'MatKhau123',
});

const sessionEntries: MatrixEntry[] = [
  {
    method: 'GET',
    path: '/setup',
    cases: [
      { label: 'once an agency exists', allowed: EVERYONE, allowedCheck: redirectsTo(/^\/login$/) },
    ],
  },
  {
    method: 'POST',
    path: '/setup',
    cases: [
      {
        label: 'never a second agency',
        allowed: EVERYONE,
        allowedUnchanged: true,
        allowedCheck: redirectsTo(/^\/login$/),
        prepare: async () => ({
          body: setupBody(),
          state: async () => [await Agency.count(), await User.count()],
        }),
      },
    ],
  },
  { method: 'GET', path: '/login', cases: [{ allowed: EVERYONE }] },
  { method: 'GET', path: '/favicon.ico', cases: [{ allowed: EVERYONE }] },
  { method: 'GET', path: '/verify', cases: [{ allowed: EVERYONE }] },
  {
    method: 'POST',
    path: '/verify',
    cases: [
      {
        label: 'a PDF checked, nothing kept',
        allowed: EVERYONE,
        allowedUnchanged: true,
        prepare: async () => ({
          multipart: {
            fields: {},
            files: [{ field: 'file', buffer: await makePdf(), name: 'kiem-tra.pdf' }],
          },
          state: async () => [
            await StoredFile.count(),
            await DocumentFile.count(),
            await AuditLog.count(),
          ],
        }),
      },
    ],
  },
  {
    method: 'POST',
    path: '/login',
    cases: [
      {
        label: 'own credentials on a new session',
        allowed: EVERYONE,
        freshSession: true,
        allowedCheck: redirectsTo(/^\/$/),
        prepare: async (w, actor) => ({
          body: { username: ownerOf(w, actor).username, password: TEST_PASSWORD },
        }),
      },
    ],
  },
  {
    method: 'POST',
    path: '/logout',
    cases: [
      {
        label: 'on a new session',
        allowed: SIGNED_IN,
        freshSession: true,
        allowedCheck: redirectsTo(/^\/login$/),
      },
    ],
  },
  {
    method: 'POST',
    path: '/language',
    cases: [
      {
        label: 'on a new session',
        allowed: EVERYONE,
        freshSession: true,
        prepare: async () => ({ body: { lng: 'en', back: '/' } }),
      },
    ],
  },
  { method: 'GET', path: '/', cases: [{ allowed: SIGNED_IN }] },
  { method: 'GET', path: '/notifications', cases: [{ allowed: SIGNED_IN }] },
  {
    method: 'POST',
    path: '/notifications/read',
    cases: [
      {
        label: 'all of one’s own',
        allowed: SIGNED_IN,
        prepare: async (w, actor) => {
          const n = await Notification.create({
            userId: ownerOf(w, actor).id,
            kind: 'test',
            message: 'Thông báo thử',
            link: null,
          });
          return { body: {}, state: async () => (await Notification.findByPk(n.id))?.isRead };
        },
      },
    ],
  },
  { method: 'GET', path: '/profile', cases: [{ allowed: SIGNED_IN }] },
  {
    method: 'POST',
    path: '/profile',
    cases: [
      {
        allowed: SIGNED_IN,
        prepare: async (w, actor) => {
          const user = ownerOf(w, actor);
          return {
            body: { email: `matran.${randomUUID().slice(0, 8)}@example.vn`, locale: 'vi' },
            state: async () => (await User.findByPk(user.id))?.email,
          };
        },
      },
    ],
  },
  { method: 'POST', path: '/profile/password', cases: [newPasswordCase()] },
  // Where a password an administrator set leads; anyone signed in may choose a new password there.
  { method: 'GET', path: '/password/change', cases: [{ allowed: SIGNED_IN }] },
  { method: 'POST', path: '/password/change', cases: [newPasswordCase()] },
  {
    method: 'POST',
    path: '/profile/tokens',
    cases: [
      {
        allowed: SIGNED_IN,
        prepare: async (w, actor) => {
          const user = ownerOf(w, actor);
          return {
            body: { name: 'Máy chủ tích hợp' },
            state: () => AccessToken.count({ where: { userId: user.id } }),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/profile/tokens/:id/revoke',
    cases: [
      {
        label: 'one’s own token',
        allowed: SIGNED_IN,
        prepare: async (w, actor) => {
          const user = ownerOf(w, actor);
          const { record } = await createAccessToken(user, 'sẽ thu hồi', {
            userId: user.id,
            ip: null,
          });
          return {
            params: { id: record.id },
            body: {},
            state: () => AccessToken.count({ where: { id: record.id } }),
          };
        },
      },
    ],
  },
  { method: 'GET', path: '/api/v1/openapi.json', cases: [{ allowed: EVERYONE }] },
];

const ENTRIES: MatrixEntry[] = [
  ...sessionEntries,
  ...incomingPageEntries,
  ...incomingApiEntries,
  ...outgoingApiEntries,
  ...adminEntries,
  ...registerEntries,
  ...reportEntries,
  ...deliveryEntries,
  ...directoryEntries,
  ...approvalEntries,
  ...signingKeyEntries,
  ...delegationEntries,
  ...senderEntries,
  ...savedSearchEntries,
  ...recordsFileEntries,
  ...meetingPrepareEntries,
  ...meetingLiveEntries,
  ...meetingCalendarEntries,
  ...meetingVoteEntries,
  ...meetingMinutesEntries,
  ...meetingTaskEntries,
  ...outgoingPageEntries,
];

export const MATRIX: MatrixEntry[] = [...ENTRIES, ...exportEntries(ENTRIES)];
