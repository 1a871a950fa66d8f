import { ApprovalDecision, ApprovalStep } from '../approvals/approval.model.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../http/request-context.js';
import { can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { MeetingConclusion } from './meeting-minutes.model.js';
import { noticeOf } from './conclusions.service.js';
import type { MinutesAccess } from './meetings.minutes.policy.js';
import { loadMinutesAccess, requireMinutes } from './minutes.access.js';
import { skeletonOf } from './minutes.service.js';
import { withClosingTime } from './minutes-skeleton.js';

/** The chain's steps as the minutes page shows them: who signs, and who signed when. */
async function signingSteps(r: MinutesAccess) {
  if (!r.flow) return [];
  const steps = await ApprovalStep.findAll({
    where: { flowId: r.flow.id },
    order: [['position', 'ASC']],
  });
  const decisions = await ApprovalDecision.findAll({
    where: { flowId: r.flow.id, round: r.flow.round },
  });
  const people = new Map(
    (await User.findAll({ where: { id: decisions.map((d) => d.assigneeId) } })).map((u) => [
      u.id,
      u.fullName,
    ]),
  );
  return steps.map((s) => {
    const d = decisions.find((x) => x.stepId === s.id);
    return {
      title: s.title,
      person: d ? people.get(d.assigneeId) : null,
      decision: d?.decision ?? null,
      decidedAt: d?.decidedAt ?? null,
      active: r.flow!.status === 'in_progress' && r.flow!.currentPosition === s.position,
    };
  });
}

async function auditView(actor: Actor, meetingId: number, what: string): Promise<void> {
  await recordAudit({
    action: `meeting.${what}.view`,
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'meeting',
    entityId: meetingId,
  });
}

/** What the minutes page and its JSON twin show. */
export async function minutesPage(
  meetingId: number,
  actor: Actor,
  options: { skeleton?: boolean } = {},
) {
  const r = await requireMinutes(actor.user, meetingId, 'meetings.minutes.view');
  const user = actor.user;
  const canEdit = can(user, 'meetings.minutes.edit', r);
  const { meeting } = r.access;
  // The text being written gets the closing time once the meeting closed; a submitted one is
  // shown as it was submitted.
  const body =
    !r.minutes || (options.skeleton && canEdit)
      ? await skeletonOf(meeting)
      : canEdit
        ? withClosingTime(r.minutes.body, meeting.closedAt)
        : r.minutes.body;
  await auditView(actor, meetingId, 'minutes');
  return {
    meeting: { id: meeting.id, title: meeting.title, status: meeting.status },
    minutes: {
      status: r.minutes?.status ?? 'none',
      version: r.minutes?.version ?? 0,
      body,
      isSaved: r.minutes != null,
      flowStatus: r.flow?.status ?? null,
      signedAt: r.minutes?.signedAt ?? null,
    },
    steps: await signingSteps(r),
    signsAs: r.signsAs,
    canEdit,
    canSubmit: can(user, 'meetings.minutes.submit', r),
    canSign: can(user, 'meetings.minutes.sign', r),
    canReturn: can(user, 'meetings.minutes.return', r),
    canConclusions: can(user, 'meetings.conclusions.edit', r),
    notice: await noticeOf(r.minutes, user),
  };
}

/** What the conclusions page (and its JSON twin) shows, with the notice drafted from them. */
export async function conclusionsPage(meetingId: number, actor: Actor) {
  const r = await requireMinutes(actor.user, meetingId, 'meetings.minutes.view');
  const conclusions = await MeetingConclusion.findAll({
    where: { meetingId },
    order: [['position', 'ASC']],
  });
  await auditView(actor, meetingId, 'conclusions');
  const { meeting } = r.access;
  return {
    meeting: { id: meeting.id, title: meeting.title, status: meeting.status },
    conclusions: conclusions.map((c) => ({ id: c.id, position: c.position, text: c.text })),
    canEdit: can(actor.user, 'meetings.conclusions.edit', r),
    canCompose: can(actor.user, 'meetings.notice.compose', r),
    hasMinutes: r.minutes != null,
    notice: await noticeOf(r.minutes, actor.user),
  };
}

/**
 * What the meeting's own page shows of the minutes and the notice (partial
 * meeting-minutes-summary): null for a person who may not see the minutes yet.
 */
export async function minutesSummary(user: User, meetingId: number) {
  const r = await loadMinutesAccess(user, meetingId);
  if (!r || !can(user, 'meetings.minutes.view', r)) return null;
  return {
    meetingId,
    status: r.minutes?.status ?? 'none',
    notice: await noticeOf(r.minutes, user),
    canEdit: can(user, 'meetings.minutes.edit', r),
    canSign: can(user, 'meetings.minutes.sign', r),
  };
}
