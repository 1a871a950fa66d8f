/**
 * The audit half of the policy matrix (SPEC §4: "an append-only, hash-chained audit log of every
 * change and every access to a document"), checked on every request the matrix sends:
 * - an allowed request that changes something appends a change row by its actor, naming an
 *   entity (type and id), unless CHANGES_NOT_AUDITED says why not;
 * - an allowed GET of a document's content, one of its files or an export of documents
 *   (DOCUMENT_READS) appends an access row (….view, ….download, ….export) by its actor for the
 *   document; every other GET route is listed in NOT_DOCUMENT_READS with the reason; a GET
 *   appends no change row (an access named otherwise would count as a change), but for
 *   GETS_THAT_CHANGE, checked as changes;
 * - a refused request appends no change row (its state is compared by the runner) and no access
 *   row of its actor: they saw nothing.
 */
import type { Response } from 'supertest';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { isChangeAction } from '../../src/audit/audit.service.js';
import { db } from '../../src/db/index.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import { LIST_EXPORTS } from './matrix-table-exports.js';
import type { MatrixCase, MatrixEntry, Prepared } from './matrix-runner.js';

interface ReadRule {
  /** The entityType of the access row. */
  entityType: string;
  /** The path parameter the row's entityId must equal; without it any id (or none for a list). */
  param?: string;
  /** An export of a list of documents: its row names the kind, not one document. */
  list?: boolean;
  /** A list export: its row's action ends in .export. */
  exported?: boolean;
}

const ACCESS = /\.(view|download|export)$/;
const CODE = /^[a-z_]+(\.[a-zA-Z_]+)+$/;

/**
 * GET routes that show a document's content, give one of its files, or export documents or a
 * list.
 */
export const DOCUMENT_READS: Record<string, ReadRule> = {
  // The live session's pages: a named vote shows who chose what.
  'GET /meetings/:id/live': { entityType: 'meeting', param: 'id' },
  'GET /meetings/:id/screen': { entityType: 'meeting', param: 'id' },
  'GET /meetings/:id/votes': { entityType: 'meeting', param: 'id' },
  'GET /meetings/:id/votes/:voteId': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/live': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/presence': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/speeches': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/votes': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/votes/:voteId': { entityType: 'meeting', param: 'id' },
  'GET /incoming/:id': { entityType: 'incoming', param: 'id' },
  'GET /incoming/:id/edit': { entityType: 'incoming', param: 'id' },
  'GET /incoming/:id/files/:fileId': { entityType: 'incoming', param: 'id' },
  'GET /incoming/:id/access': { entityType: 'incoming', param: 'id' },
  'GET /incoming/export.xlsx': { entityType: 'incoming', list: true },
  'GET /api/v1/incoming/:id': { entityType: 'incoming', param: 'id' },
  'GET /incoming/arrivals/:id': { entityType: 'outgoing' },
  'GET /incoming/arrivals/:id/files/:fileId': { entityType: 'outgoing' },
  'GET /api/v1/deliveries/:id': { entityType: 'outgoing' },
  'GET /outgoing/:id': { entityType: 'outgoing', param: 'id' },
  'GET /outgoing/:id/edit': { entityType: 'outgoing', param: 'id' },
  'GET /outgoing/:id/compare': { entityType: 'outgoing', param: 'id' },
  'GET /outgoing/:id/sign': { entityType: 'outgoing', param: 'id' },
  'GET /outgoing/:id/issue': { entityType: 'outgoing', param: 'id' },
  'GET /outgoing/:id/deliveries': { entityType: 'outgoing', param: 'id' },
  'GET /outgoing/:id/files/:fileId': { entityType: 'outgoing', param: 'id' },
  'GET /outgoing/export.xlsx': { entityType: 'outgoing', list: true },
  'GET /api/v1/outgoing/:id': { entityType: 'outgoing', param: 'id' },
  'GET /api/v1/outgoing/:id/status': { entityType: 'outgoing', param: 'id' },
  'GET /api/v1/outgoing/:id/deliveries': { entityType: 'outgoing', param: 'id' },
  'GET /api/v1/outgoing/:id/files/:fileId': { entityType: 'outgoing', param: 'id' },
  'GET /approvals/:flowId': { entityType: 'outgoing' },
  'GET /registers': { entityType: 'register', list: true },
  'GET /registers/:file': { entityType: 'register', list: true },
  'GET /meetings/:id': { entityType: 'meeting', param: 'id' },
  'GET /meetings/:id/edit': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/items': { entityType: 'meeting', param: 'id' },
  'GET /meetings/:id/documents/:documentId': { entityType: 'meeting', param: 'id' },
  'GET /meetings/:id/documents/:documentId/file': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/documents/:documentId/file': { entityType: 'meeting', param: 'id' },
  'GET /meetings/:id/invitation.pdf': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/invitation.pdf': { entityType: 'meeting', param: 'id' },
  'GET /meetings/:id/minutes': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/minutes': { entityType: 'meeting', param: 'id' },
  'GET /meetings/:id/minutes.pdf': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/minutes.pdf': { entityType: 'meeting', param: 'id' },
  'GET /meetings/:id/conclusions': { entityType: 'meeting', param: 'id' },
  'GET /api/v1/meetings/:id/conclusions': { entityType: 'meeting', param: 'id' },
  'GET /meetings/tasks/:taskId': { entityType: 'meeting_task', param: 'taskId' },
  'GET /api/v1/meetings/tasks/:taskId': { entityType: 'meeting_task', param: 'taskId' },
  'GET /meetings/tasks/:taskId/file': { entityType: 'meeting_task', param: 'taskId' },
  'GET /api/v1/meetings/tasks/:taskId/file': { entityType: 'meeting_task', param: 'taskId' },
  'GET /meetings/tasks/report': { entityType: 'report', list: true },
  'GET /meetings/tasks/report.xlsx': { entityType: 'report', list: true },
  'GET /api/v1/meetings/tasks/report': { entityType: 'report', list: true },
  'GET /reports/on-time': { entityType: 'report', list: true },
  'GET /reports/on-time.xlsx': { entityType: 'report', list: true },
  'GET /reports/on-time/documents': { entityType: 'report', list: true },
  'GET /reports/on-time/documents.xlsx': { entityType: 'report', list: true },
  'GET /reports/volumes': { entityType: 'report', list: true },
  'GET /reports/volumes.xlsx': { entityType: 'report', list: true },
  // A records file's page lists its documents (those the reader may open); the year's catalogue.
  'GET /records-files/:id': { entityType: 'records_file', param: 'id' },
  'GET /records-files/catalogue.xlsx': { entityType: 'records_file', list: true, exported: true },
  'GET /records-files/transfer-list.xlsx': {
    entityType: 'records_file',
    list: true,
    exported: true,
  },
  'GET /records-files/:id/contents.xlsx': {
    entityType: 'records_file',
    param: 'id',
    exported: true,
  },
  'GET /api/v1/records-files/:id': { entityType: 'records_file', param: 'id' },
  // Every other list's export (matrix-table-exports.ts), as the kind of what it lists.
  ...Object.fromEntries(
    Object.entries(LIST_EXPORTS).map(([path, { entityType, param }]) => [
      `GET ${path}`,
      { entityType, param, list: !param, exported: true },
    ]),
  ),
};

const LIST =
  'a list of documents (number, subject, status), not their content; opening one is audited';
const FORM = 'an empty form or a page about no document';
const ADMIN = "the agency's structure and people, no document's content";
const LIVE =
  "the live session's state (speaker, presence, votes), pushed or polled while the meeting runs; its documents open through /meetings/:id/documents/:documentId, audited";

/** Every other GET route, with why reading it is not an access to a document. */
export const NOT_DOCUMENT_READS: Record<string, string> = {
  'GET /favicon.ico': FORM,
  'GET /setup': FORM,
  'GET /login': FORM,
  'GET /verify': FORM,
  'GET /api/v1/openapi.json': 'the API description',
  'GET /': 'the dashboard: counts of work waiting and a list of it',
  'GET /notifications': "one's own notifications: a line and a link each",
  'GET /profile': "one's own account",
  'GET /password/change': 'the form to choose a new password',
  'GET /profile/signing': "one's own signing key",
  'GET /profile/delegations':
    "the delegations one gave and holds (the administrator: the agency's)",
  'GET /directory': "the agency's people",
  'GET /senders': 'the directory of sending agencies',
  'GET /senders/lookup': 'the directory of sending agencies',
  'GET /saved-searches': "one's own saved searches: their names and conditions, no document",
  'GET /api/v1/saved-searches': "one's own saved searches: their names and conditions, no document",
  'GET /records-files':
    'a list of records files (code, title, keeper, counts), no document; opening one is audited',
  'GET /api/v1/records-files':
    'a list of records files (code, title, keeper, counts), no document; opening one is audited',
  'GET /records-files/new': FORM,
  'GET /records-files/:id/edit': "a records file's own form (code, title, retention), no document",
  'GET /saved-searches/:id':
    "one's own saved search: a redirect to its list, whose rows are read (and audited) there",
  'GET /incoming': `${LIST}; a search's excerpts of file text are audited (incoming-search test)`,
  'GET /incoming/new': FORM,
  'GET /incoming/arrivals': LIST,
  'GET /api/v1/incoming': LIST,
  'GET /api/v1/deliveries': LIST,
  'GET /outgoing': LIST,
  'GET /outgoing/new': FORM,
  'GET /api/v1/outgoing': LIST,
  'GET /meetings': LIST,
  'GET /api/v1/meetings': LIST,
  'GET /meetings/new': FORM,
  'GET /meetings/rooms': 'the meeting rooms',
  'GET /calendar/week': 'the week’s meetings: times, rooms and titles',
  'GET /api/v1/meetings/calendar/week': 'the week’s meetings: times, rooms and titles',
  'GET /calendar/ical/:file': "the meetings' times and titles for one's calendar program",
  'GET /meetings/tasks': LIST,
  'GET /api/v1/meetings/tasks': LIST,
  'GET /meetings/:id/tasks': LIST,
  'GET /api/v1/meetings/:id/tasks': LIST,
  'GET /meetings/:id/events': LIVE,
  // Polled every few seconds by the live page, which recorded the view when it opened.
  'GET /meetings/:id/votes/panel': LIVE,
  'GET /api/v1/meetings/:id/events': LIVE,
  'GET /meetings/:id/invitation':
    "the invitation's number and status; its text is the PDF, audited as a download",
  'GET /api/v1/meetings/:id/invitation':
    "the invitation's number and status; its text is the PDF, audited as a download",
  'GET /meetings/checkin/:token': 'a check-in by QR code: a change (GETS_THAT_CHANGE)',
  'GET /admin': FORM,
  'GET /admin/agency': ADMIN,
  'GET /admin/agency/:id/edit': ADMIN,
  'GET /admin/agency/:id/seal': ADMIN,
  'GET /admin/departments': ADMIN,
  'GET /admin/departments/new': FORM,
  'GET /admin/departments/:id/edit': ADMIN,
  'GET /admin/users': ADMIN,
  'GET /admin/users/new': FORM,
  'GET /admin/users/:id/edit': ADMIN,
  'GET /admin/holidays': 'the holidays of a year',
  'GET /admin/approval-templates': 'approval templates: who reviews, no document',
  'GET /admin/approval-templates/new': FORM,
  'GET /admin/approval-templates/:id/edit': 'approval templates: who reviews, no document',
  'GET /admin/audit':
    "the audit log; a secret document's subject shows only to a cleared administrator",
  'GET /admin/audit/verify': "the chain's check",
};

/** Allowed requests that change something yet append no change row of their actor, and why. */
export const CHANGES_NOT_AUDITED: Record<string, string> = {
  'POST /language': "the session's language only: nothing is stored but in the session",
};

/** GET routes that change something by design, checked as changes, and why. */
export const GETS_THAT_CHANGE: Record<string, string> = {
  'GET /meetings/checkin/:token': "the QR code's link checks the invitee in (meeting.check_in)",
};

/** Signing in and out: audited as such (auth.login, auth.logout), not as changes of data. */
const SESSION_ROWS: Record<string, RegExp> = {
  'POST /login': /^auth\.login$/,
  'POST /logout': /^auth\.logout$/,
};

const routeKey = (entry: MatrixEntry) => `${entry.method} ${entry.path}`;

/** The id of the newest audit row: rows after it are the ones a request appended. */
export async function auditMark(): Promise<number> {
  return Number((await AuditLog.max('id')) ?? 0);
}

const rowsAfter = (mark: number) =>
  AuditLog.findAll({
    where: db().where(db().col('id'), '>', mark),
    order: [['id', 'ASC']],
    raw: true,
  });

const show = (rows: AuditLog[]) =>
  rows.length
    ? rows.map((r) => `${r.action}(${r.entityType}#${r.entityId} by ${r.userId})`).join(', ')
    : 'none';

/** What one request appended to the audit log, against what it should have; null when right. */
export async function auditProblem(
  world: MatrixWorld,
  entry: MatrixEntry,
  c: MatrixCase,
  actor: ActorName,
  prep: Prepared,
  res: Response,
  outcome: { allowed: boolean; succeeded: boolean; changed: boolean },
  mark: number,
): Promise<string | null> {
  const rows = await rowsAfter(mark);
  const userId = actor === 'anonymous' ? null : world.users[actor].id;
  const mine = rows.filter((r) => userId != null && r.userId === userId);
  const key = routeKey(entry);
  if (!outcome.allowed) {
    const wrong = rows.filter((r) => isChangeAction(r.action) || r.userId === userId);
    return wrong.length ? `a refused request appended audit rows: ${show(wrong)}` : null;
  }
  if (!outcome.succeeded) return null;
  if (entry.method === 'GET' && !GETS_THAT_CHANGE[key]) {
    const changes = rows.filter((r) => isChangeAction(r.action));
    if (changes.length) return `a GET appended change rows: ${show(changes)}`;
    const rule = DOCUMENT_READS[key];
    if (!rule || res.status !== 200) return null;
    const expectedId = rule.param ? String(prep.params?.[rule.param]) : null;
    const read = mine.find(
      (r) =>
        (rule.exported ? /\.export$/ : ACCESS).test(r.action) &&
        r.entityType === rule.entityType &&
        (expectedId ? r.entityId === expectedId : rule.list || r.entityId != null),
    );
    return read
      ? null
      : `no access row (….view/download/export of ${rule.entityType}${expectedId ? ` #${expectedId}` : ''}) by the reader; appended: ${show(rows)}`;
  }
  if (SESSION_ROWS[key])
    return rows.some((r) => SESSION_ROWS[key]!.test(r.action) && r.userId != null)
      ? null
      : `no ${SESSION_ROWS[key]!.source} row; appended: ${show(rows)}`;
  const changed = outcome.changed || Boolean(GETS_THAT_CHANGE[key]);
  if (!changed || c.allowedUnchanged || CHANGES_NOT_AUDITED[key]) return null;
  const change = mine.find(
    (r) =>
      isChangeAction(r.action) && CODE.test(r.action) && r.entityType != null && r.entityId != null,
  );
  return change
    ? null
    : `a change without its audit row (an action, an entity type and id, by the actor); appended: ${show(rows)}`;
}
