/**
 * Policy matrix entries of the tasks from conclusions and the meetings report (issue 13 §4),
 * pages and API. Each case prepares its own closed meeting of the main agency where the actors
 * play these parts (as in the minutes' entries): chair = leader, secretary (and organiser) =
 * clerk, member = specialist (of unit D), a member who sent a deputy = w.people.absentMember (no actor), that deputy =
 * otherSpecialist (unit E), guest (another agency) = foreignClerk, outsider = deptHead (head of
 * unit D, who holds what is given to unit D), foreign user = foreignAdmin.
 */
import { MeetingTask, MeetingTaskNote } from '../../src/meetings/meeting-task.model.js';
import type { Meeting } from '../../src/meetings/meeting.model.js';
import { completeTask } from '../../src/meetings/tasks.service.js';
import { makePdf } from '../fixtures/pdf.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import {
  cameInPerson,
  createMatrixMeeting,
  INVITED,
  inviteMatrixActors,
  ORGANISERS,
  pageAndApi,
  SIGNED_IN,
  type TwinPrepare,
} from './matrix-meetings-fixtures.js';
import type { MatrixEntry } from './matrix-runner.js';

/** The report's people: leaders and clerks (each of their own agency), unit heads. */
const REPORTERS: ActorName[] = ['clerk', 'leader', 'deptHead', 'foreignClerk'];

async function closedMeeting(w: MatrixWorld): Promise<Meeting> {
  const startsAt = new Date(Date.now() - 7200_000);
  const meeting = await createMatrixMeeting(w, {
    title: 'Giao ban (ma trận nhiệm vụ)',
    kind: 'giao_ban',
    startsAt,
    status: 'closed',
    publishedAt: startsAt,
    openedAt: startsAt,
    closedAt: new Date(),
  });
  await inviteMatrixActors(w, meeting, cameInPerson);
  return meeting;
}

type Holder = 'unitD' | 'specialist';

async function taskOf(w: MatrixWorld, holder: Holder): Promise<MeetingTask> {
  const meeting = await closedMeeting(w);
  return MeetingTask.create({
    agencyId: w.agency.id,
    meetingId: meeting.id,
    conclusionId: null,
    content: 'Rà soát hồ sơ (ma trận)',
    holderUserId: holder === 'specialist' ? w.users.specialist.id : null,
    holderDepartmentId: holder === 'unitD' ? w.deptD.id : null,
    assignedById: w.users.clerk.id,
    startDate: '2026-12-01',
    workingDays: 5,
    deadline: '2026-12-08',
  });
}

const taskState = (id: number) => async () => {
  const t = await MeetingTask.findByPk(id);
  return [
    t?.status,
    t?.progressPercent,
    t?.completionNote,
    await MeetingTaskNote.count({ where: { taskId: id } }),
  ];
};

const onTask =
  (holder: Holder, body: Record<string, unknown> = {}): TwinPrepare =>
  () =>
  async (w) => {
    const task = await taskOf(w, holder);
    return { params: { taskId: task.id }, body, state: taskState(task.id) };
  };

const onMeeting =
  (body: (w: MatrixWorld) => Record<string, unknown> = () => ({})): TwinPrepare =>
  () =>
  async (w) => {
    const meeting = await closedMeeting(w);
    return {
      params: { id: meeting.id },
      body: body(w),
      state: () => MeetingTask.count({ where: { meetingId: meeting.id } }),
    };
  };

export const meetingTaskEntries: MatrixEntry[] = [
  ...pageAndApi('GET', '/meetings/tasks', [{ label: 'one’s own tab', allowed: SIGNED_IN }]),
  ...pageAndApi('GET', '/meetings/tasks/report', [
    { label: 'leaders, clerks and unit heads', allowed: REPORTERS },
  ]),
  ...pageAndApi(
    'GET',
    '/meetings/tasks/report.xlsx',
    [{ label: 'leaders, clerks and unit heads', allowed: REPORTERS }],
    true,
  ),
  ...pageAndApi('GET', '/meetings/tasks/:taskId', [
    {
      label: 'given to unit D: its head, the organisers, the leader and the clerk',
      allowed: ['clerk', 'leader', 'deptHead'],
      prepare: onTask('unitD'),
    },
    {
      label: 'given to a person: them, their unit’s head, the organisers',
      allowed: ['clerk', 'leader', 'deptHead', 'specialist'],
      prepare: onTask('specialist'),
    },
  ]),
  ...pageAndApi('POST', '/meetings/tasks/:taskId/progress', [
    {
      label: 'the person who holds it',
      allowed: ['specialist'],
      prepare: onTask('specialist', { percent: 30, note: 'Đang thực hiện' }),
    },
    {
      label: 'the head of the unit that holds it',
      allowed: ['deptHead'],
      prepare: onTask('unitD', { percent: 50, note: 'Đang thực hiện' }),
    },
  ]),
  ...pageAndApi('POST', '/meetings/tasks/:taskId/complete', [
    {
      label: 'the person who holds it',
      allowed: ['specialist'],
      prepare: onTask('specialist', { note: 'Đã hoàn thành' }),
    },
  ]),
  ...pageAndApi('GET', '/meetings/tasks/:taskId/file', [
    {
      label: 'completed with a file: whoever sees the task',
      allowed: ['clerk', 'leader', 'deptHead', 'specialist'],
      prepare: () => async (w) => {
        const task = await taskOf(w, 'specialist');
        await completeTask(
          task.id,
          { note: 'Đã hoàn thành' },
          { user: w.users.specialist, ip: null },
          { buffer: await makePdf(1, 'Ket qua'), originalName: 'ket-qua.pdf' },
        );
        return { params: { taskId: task.id } };
      },
    },
  ]),
  ...pageAndApi('GET', '/meetings/:id/tasks', [
    { label: 'whoever sees the meeting', allowed: INVITED, prepare: onMeeting() },
  ]),
  ...pageAndApi('POST', '/meetings/:id/tasks', [
    {
      label: 'the organisers, once the meeting ran',
      allowed: ORGANISERS,
      prepare: onMeeting((w) => ({
        content: 'Giao Phòng D rà soát',
        holderDepartmentId: w.deptD.id,
        workingDays: 3,
      })),
    },
  ]),
];
