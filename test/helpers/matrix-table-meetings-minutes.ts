/**
 * Policy matrix entries of the minutes, conclusions and conclusion notice (issue 13 §4), pages
 * and API. Each case prepares its own meeting of the main agency where the actors play these parts
 * (as in the live room's entries): chair = leader, secretary (and organiser) = clerk,
 * member = specialist, a member who sent a deputy = w.people.absentMember (no actor), that deputy = otherSpecialist,
 * guest (another agency) = foreignClerk, outsider (same agency, not invited) = deptHead,
 * foreign user = foreignAdmin.
 */
import { MeetingConclusion, MeetingMinutes } from '../../src/meetings/meeting-minutes.model.js';
import { MeetingItem, type Meeting, type MeetingStatus } from '../../src/meetings/meeting.model.js';
import { signMinutes, submitMinutes } from '../../src/meetings/minutes.service.js';
import type { MatrixWorld } from './matrix-actors.js';
import {
  cameInPerson,
  createMatrixMeeting,
  INVITED,
  inviteMatrixActors,
  ORGANISERS,
  pageAndApi,
} from './matrix-meetings-fixtures.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';
import { enrolForTest, TEST_PIN } from './signing-keys.js';

const keys = new WeakMap<MatrixWorld, Promise<void>>();
/** The chair and the secretary hold server keys under TEST_PIN (issued once per world). */
function signers(w: MatrixWorld): Promise<void> {
  let done = keys.get(w);
  if (!done) {
    done = (async () => {
      await enrolForTest(w.users.leader);
      await enrolForTest(w.users.clerk);
    })();
    keys.set(w, done);
  }
  return done;
}

interface Stage {
  status: MeetingStatus;
  /** The minutes: none, saved, submitted, signed by the secretary, or signed (row only). */
  minutes: 'none' | 'saved' | 'submitted' | 'secretarySigned' | 'signed';
  conclusions?: boolean;
}

async function meetingAt(w: MatrixWorld, stage: Stage): Promise<Meeting> {
  const u = w.users;
  const startsAt = new Date(Date.now() - 7200_000);
  const meeting = await createMatrixMeeting(w, {
    title: 'Họp chuyên đề (ma trận biên bản)',
    kind: 'chuyen_de',
    startsAt,
    status: stage.status,
    publishedAt: startsAt,
    openedAt: startsAt,
    closedAt: stage.status === 'closed' ? new Date() : null,
  });
  await MeetingItem.create({
    meetingId: meeting.id,
    position: 1,
    title: 'Nội dung chính',
    presenterId: null,
    presenterName: null,
    plannedMinutes: 30,
  });
  await inviteMatrixActors(w, meeting, cameInPerson);
  if (stage.conclusions)
    await MeetingConclusion.create({
      meetingId: meeting.id,
      position: 1,
      text: 'Giao Văn phòng theo dõi.',
    });
  if (stage.minutes === 'none') return meeting;
  await MeetingMinutes.create({
    meetingId: meeting.id,
    body: 'Nội dung biên bản (ma trận).',
    version: 1,
    status: stage.minutes === 'signed' ? 'signed' : 'draft',
  });
  if (stage.minutes === 'saved' || stage.minutes === 'signed') return meeting;
  const secretary = { user: u.clerk, ip: null };
  await signers(w);
  await submitMinutes(meeting.id, { version: 1 }, secretary);
  if (stage.minutes === 'secretarySigned')
    await signMinutes(meeting.id, { pin: TEST_PIN }, secretary);
  return meeting;
}

const minutesState = (meetingId: number) => async () => {
  const m = await MeetingMinutes.findOne({ where: { meetingId } });
  const conclusions = await MeetingConclusion.findAll({
    where: { meetingId },
    order: [['id', 'ASC']],
  });
  return {
    minutes: m ? [m.body, m.version, m.status, m.fileId, m.noticeOutgoingId] : null,
    conclusions: conclusions.map((c) => [c.position, c.text]),
  };
};

const at =
  (stage: Stage, body: (api: boolean) => Record<string, unknown> = () => ({})) =>
  (api: boolean) =>
  async (w: MatrixWorld): Promise<Prepared> => {
    const meeting = await meetingAt(w, stage);
    return { params: { id: meeting.id }, body: body(api), state: minutesState(meeting.id) };
  };

export const meetingMinutesEntries: MatrixEntry[] = [
  ...pageAndApi('GET', '/meetings/:id/minutes', [
    {
      label: 'minutes being written: the organisers',
      allowed: ORGANISERS,
      prepare: at({ status: 'in_progress', minutes: 'saved' }),
    },
    {
      label: 'signed minutes: everyone invited',
      allowed: INVITED,
      prepare: at({ status: 'closed', minutes: 'signed' }),
    },
  ]),
  ...pageAndApi('GET', '/meetings/:id/minutes.pdf', [
    {
      label: 'the preview: the organisers',
      allowed: ORGANISERS,
      prepare: at({ status: 'in_progress', minutes: 'saved' }),
    },
  ]),
  ...pageAndApi('POST', '/meetings/:id/minutes', [
    {
      label: 'the chair and the secretary write while the meeting runs',
      allowed: ORGANISERS,
      prepare: at({ status: 'in_progress', minutes: 'saved' }, () => ({
        body: 'Biên bản đã sửa.',
        version: 1,
      })),
    },
  ]),
  ...pageAndApi('POST', '/meetings/:id/minutes/submit', [
    {
      label: 'once the meeting closed, the chair or the secretary',
      allowed: ORGANISERS,
      prepare: at({ status: 'closed', minutes: 'saved' }, () => ({ version: 1 })),
    },
  ]),
  ...pageAndApi('POST', '/meetings/:id/minutes/sign', [
    {
      label: "the secretary's turn first",
      allowed: ['clerk'],
      prepare: at({ status: 'closed', minutes: 'submitted' }, () => ({ pin: TEST_PIN })),
    },
  ]),
  ...pageAndApi('POST', '/meetings/:id/minutes/return', [
    {
      label: "the chair, at the chair's turn",
      allowed: ['leader'],
      prepare: at({ status: 'closed', minutes: 'secretarySigned' }, () => ({
        reason: 'Bổ sung ý kiến.',
      })),
    },
  ]),
  ...pageAndApi('GET', '/meetings/:id/conclusions', [
    {
      label: 'the organisers before the minutes are signed',
      allowed: ORGANISERS,
      prepare: at({ status: 'in_progress', minutes: 'saved', conclusions: true }),
    },
  ]),
  ...pageAndApi('POST', '/meetings/:id/conclusions', [
    {
      label: 'the organisers',
      allowed: ORGANISERS,
      prepare: at({ status: 'in_progress', minutes: 'saved', conclusions: true }, (api) =>
        api ? { conclusions: [{ text: 'Kết luận mới.' }] } : { id: '', text: 'Kết luận mới.' },
      ),
    },
  ]),
  ...pageAndApi('POST', '/meetings/:id/notice', [
    {
      label: 'once closed, an organiser who drafts outgoing documents',
      allowed: ORGANISERS,
      prepare: at({ status: 'closed', minutes: 'saved', conclusions: true }, (api) =>
        api ? { recipients: [{ name: 'Sở Nội vụ' }] } : { externalRecipients: 'Sở Nội vụ' },
      ),
    },
  ]),
];
