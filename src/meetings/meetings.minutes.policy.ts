import type { ApprovalFlow } from '../approvals/approval.model.js';
import { can, defineRules } from '../policy/policy.js';
import type { User } from '../users/user.model.js';
import type { MeetingMinutes } from './meeting-minutes.model.js';
import type { MeetingAccess } from './meetings.access.js';
import { canViewMeeting, organises } from './meetings.policy.js';

/** What the minutes' rules need: the meeting access, the minutes, their chain and the signer. */
export interface MinutesAccess {
  access: MeetingAccess;
  minutes: MeetingMinutes | null;
  /** The minutes' latest approval chain (secretary → chair), if submitted once. */
  flow: ApprovalFlow | null;
  /** Whose signature the person gives now (their own turn in the chain), else null. */
  signsAs: 'secretary' | 'chair' | null;
  /** The highest độ mật of the meeting's items: the minutes and conclusions tell of them all. */
  confidentiality: number;
}

const writes = (a: MeetingAccess) =>
  a.roles.has('secretary') || a.roles.has('organiser') || a.roles.has('chair');
const afterOpening = (a: MeetingAccess) => ['in_progress', 'closed'].includes(a.meeting.status);

/** The minutes are with the secretary: never submitted, or their chain came back or ended. */
export function minutesEditable(r: Pick<MinutesAccess, 'minutes' | 'flow'>): boolean {
  if (!r.minutes || r.minutes.status === 'draft') return true;
  return r.minutes.status === 'in_approval' && r.flow?.status !== 'in_progress';
}

// Minutes (biên bản) and the conclusion notice (thông báo kết luận), issue 13 §4: the secretary
// writes while the meeting runs and after; the secretary then the chair sign once it closed; the
// participants read the signed minutes.
defineRules({
  'meetings.minutes.view': (user, r: MinutesAccess) =>
    organises(r.access) ||
    (r.minutes?.status === 'signed' &&
      canViewMeeting(user, r.access) &&
      r.access.roles.size > 0 &&
      r.confidentiality <= user.secretClearance),
  'meetings.minutes.edit': (_user, r: MinutesAccess) =>
    writes(r.access) && afterOpening(r.access) && minutesEditable(r),
  'meetings.minutes.submit': (_user, r: MinutesAccess) =>
    writes(r.access) &&
    r.access.meeting.status === 'closed' &&
    r.minutes != null &&
    minutesEditable(r),
  'meetings.minutes.sign': (_user, r: MinutesAccess) =>
    r.signsAs != null && r.minutes?.status === 'in_approval',
  // The chair sends the minutes back to the secretary instead of signing.
  'meetings.minutes.return': (_user, r: MinutesAccess) =>
    r.signsAs === 'chair' && r.minutes?.status === 'in_approval',
  'meetings.conclusions.edit': (_user, r: MinutesAccess) =>
    organises(r.access) && afterOpening(r.access),
  // The notice is drafted once, by an organiser who may draft outgoing documents.
  'meetings.notice.compose': (user: User, r: MinutesAccess) =>
    organises(r.access) &&
    r.access.meeting.status === 'closed' &&
    r.minutes?.noticeOutgoingId == null &&
    can(user, 'outgoing.create'),
});
