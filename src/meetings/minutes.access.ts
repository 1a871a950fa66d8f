import { Op, type Transaction } from 'sequelize';
import { latestFlowOf } from '../approvals/approvals.access.js';
import { ApprovalDecision, ApprovalStep } from '../approvals/approval.model.js';
import type { ApprovalFlow } from '../approvals/approval.model.js';
import { AppError } from '../http/app-error.js';
import { authorize, can } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { MeetingItem } from './meeting.model.js';
import { MeetingMinutes } from './meeting-minutes.model.js';
import { loadMeetingAccess, requireMeetingAccess } from './meetings.access.js';
import type { MinutesAccess } from './meetings.minutes.policy.js';

/** The approval document kind of the minutes: the meeting's id is the document's. */
export const MINUTES_KIND = 'meeting' as const;

/** The chain's steps: the secretary signs first, then the chair. */
export const SIGNING_ORDER = ['secretary', 'chair'] as const;

/** Whose signature the user gives now: their own open decision at the chain's active step. */
async function signerTurn(
  flow: ApprovalFlow | null,
  user: User,
  transaction?: Transaction,
): Promise<MinutesAccess['signsAs']> {
  if (!flow || flow.status !== 'in_progress') return null;
  const step = await ApprovalStep.findOne({
    where: { flowId: flow.id, position: flow.currentPosition },
    transaction,
  });
  if (!step) return null;
  const open = await ApprovalDecision.count({
    where: { stepId: step.id, round: flow.round, assigneeId: user.id, decision: { [Op.is]: null } },
    transaction,
  });
  return open > 0 ? (SIGNING_ORDER[step.position - 1] ?? null) : null;
}

/** The highest độ mật of the meeting's items (not withdrawn): the minutes record them all. */
async function highestItemConfidentiality(
  meetingId: number,
  transaction?: Transaction,
): Promise<number> {
  const highest = await MeetingItem.max<number | null, MeetingItem>('confidentiality', {
    where: { meetingId, status: { [Op.ne]: 'withdrawn' } },
    transaction,
  });
  return Number(highest ?? 0);
}

async function withMinutes(
  user: User,
  access: MinutesAccess['access'],
  transaction?: Transaction,
): Promise<MinutesAccess> {
  const meetingId = access.meeting.id;
  const minutes = await MeetingMinutes.findOne({ where: { meetingId }, transaction });
  const flow = minutes
    ? await latestFlowOf(MINUTES_KIND, meetingId, access.meeting.agencyId, transaction)
    : null;
  return {
    access,
    minutes,
    flow,
    signsAs: await signerTurn(flow, user, transaction),
    confidentiality: await highestItemConfidentiality(meetingId, transaction),
  };
}

/** The minutes' access context, or null when the person may not see the meeting. */
export async function loadMinutesAccess(
  user: User,
  meetingId: number,
): Promise<MinutesAccess | null> {
  const access = await loadMeetingAccess(user, meetingId);
  if (!access || !can(user, 'meetings.view', access)) return null;
  return withMinutes(user, access);
}

/**
 * The minutes' access context with the action authorized: 404 for a meeting the person may not
 * see, 403 for an action they may not take. With a transaction the meeting row is locked, so
 * that two saves of the minutes take turns.
 */
export async function requireMinutes(
  user: User,
  meetingId: number,
  action: string,
  transaction?: Transaction,
): Promise<MinutesAccess> {
  const access = await requireMeetingAccess(user, meetingId, transaction);
  const r = await withMinutes(user, access, transaction);
  authorize(user, action, r);
  return r;
}

/** Refuses a change based on another version of the minutes than the saved one. */
export function checkVersion(minutes: MeetingMinutes | null, version: number): void {
  const current = minutes?.version ?? 0;
  if (current !== version)
    throw new AppError('MINUTES_VERSION_CONFLICT', 409, undefined, undefined, { current });
}
