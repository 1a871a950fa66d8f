/**
 * Policy matrix entries of preparing a meeting (pages and /api/v1/meetings twins). Each fixture is
 * a meeting of the main agency where the actors have these parts: the clerk organises it and is
 * its secretary (văn thư), the department head chairs it, the specialist is a voting member, the
 * foreign clerk a guest from another agency; the other specialist is an outsider of the same
 * agency, the leader sees published meetings of the agency (its weekly calendar) without a part.
 */
import { randomUUID } from 'node:crypto';
import { storeProducedPdf } from '../../src/files/file-storage.service.js';
import {
  Meeting,
  MeetingItem,
  MeetingItemDocument,
  MeetingParticipant,
  MeetingRoom,
  type MeetingStatus,
} from '../../src/meetings/meeting.model.js';
import { MeetingNote, MeetingQuestion } from '../../src/meetings/meetings.prepare.model.js';
import type { ActorName, MatrixWorld, SignedInActor } from './matrix-actors.js';
import { docAt, samplePdf } from './matrix-fixtures.js';
import { SIGNED_IN } from './matrix-meetings-fixtures.js';
import type { MatrixCase, MatrixEntry, Prepared } from './matrix-runner.js';

const CREATORS: ActorName[] = [
  'clerk',
  'leader',
  'deptHead',
  'specialist',
  'otherSpecialist',
  'foreignClerk',
];
const ROOM_KEEPERS: ActorName[] = ['clerk', 'admin', 'foreignClerk', 'foreignAdmin'];
const ORGANISERS: ActorName[] = ['clerk', 'deptHead'];
const VIEWERS: ActorName[] = ['clerk', 'leader', 'deptHead', 'specialist', 'foreignClerk'];
const INVITEES: ActorName[] = ['clerk', 'deptHead', 'specialist', 'foreignClerk'];

let day = 0;
/** A slot of its own for each fixture (no two fixtures clash in a room). */
function slot(): { startsAt: Date; endsAt: Date } {
  day += 1;
  const startsAt = new Date(Date.UTC(2031, 0, 1, 1) + day * 86_400_000);
  return { startsAt, endsAt: new Date(startsAt.getTime() + 2 * 3_600_000) };
}

const vn = (d: Date) => {
  const v = new Date(d.getTime() + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}`;
};

interface MeetingFixture {
  meeting: Meeting;
  item: MeetingItem;
  second: MeetingItem;
  doc: MeetingItemDocument;
  rows: Record<'chair' | 'secretary' | 'member' | 'guest', MeetingParticipant>;
}

/** A meeting (published unless told) with two items, an uploaded document and its invitees. */
async function meetingAt(
  w: MatrixWorld,
  status: MeetingStatus = 'published',
): Promise<MeetingFixture> {
  const { users } = w;
  const meeting = await Meeting.create({
    agencyId: w.agency.id,
    title: `Họp ma trận ${randomUUID().slice(0, 8)}`,
    kind: 'giao_ban',
    description: null,
    chairId: users.deptHead.id,
    secretaryId: users.clerk.id,
    organiserId: users.clerk.id,
    ...slot(),
    roomId: null,
    onlineUrl: 'https://hop.example.vn/ma-tran',
    status,
    publishedAt: status === 'draft' ? null : new Date(),
    checkInToken: randomUUID(),
  });
  const row = (userId: number, role: MeetingParticipant['role'], isVoting = false) =>
    MeetingParticipant.create({
      meetingId: meeting.id,
      userId,
      role,
      isVoting,
      guestName: null,
      guestOrganisation: null,
      invitedDepartmentId: null,
    });
  const rows = {
    chair: await row(users.deptHead.id, 'chair', true),
    secretary: await row(users.clerk.id, 'secretary'),
    member: await row(users.specialist.id, 'member', true),
    guest: await row(users.foreignClerk.id, 'guest'),
  };
  const item = await MeetingItem.create({
    meetingId: meeting.id,
    position: 1,
    title: 'Nội dung thứ nhất',
    presenterId: null,
    presenterName: null,
    plannedMinutes: 10,
  });
  const second = await MeetingItem.create({
    meetingId: meeting.id,
    position: 2,
    title: 'Nội dung thứ hai',
    presenterId: null,
    presenterName: null,
    plannedMinutes: 10,
  });
  const { storedFile } = await storeProducedPdf(await samplePdf(), 'tai-lieu.pdf', 1);
  const doc = await MeetingItemDocument.create({
    meetingId: meeting.id,
    itemId: item.id,
    title: 'Tài liệu họp',
    fileId: storedFile.id,
    originalName: 'tai-lieu.pdf',
    linkedKind: null,
    linkedId: null,
    addedById: users.clerk.id,
  });
  return { meeting, item, second, doc, rows };
}

const meetingState = (id: number) => async () => ({
  meeting: (await Meeting.findByPk(id))?.get({ plain: true }),
  participants: (
    await MeetingParticipant.findAll({ where: { meetingId: id }, order: [['id', 'ASC']] })
  ).map((r) => r.get({ plain: true })),
  items: (await MeetingItem.findAll({ where: { meetingId: id }, order: [['id', 'ASC']] })).map(
    (r) => r.get({ plain: true }),
  ),
  documents: await MeetingItemDocument.count({ where: { meetingId: id } }),
  notes: await MeetingNote.count({ where: { meetingId: id } }),
  questions: await MeetingQuestion.count({ where: { meetingId: id } }),
});

type Build = (
  f: MeetingFixture,
  w: MatrixWorld,
  actor: ActorName | null,
) => Promise<Partial<Prepared>> | Partial<Prepared>;

/** A case on a fresh meeting: its path parameters, the body, and the meeting's whole state. */
function onMeeting(
  allowed: readonly ActorName[],
  label: string,
  build: Build = () => ({}),
  status: MeetingStatus = 'published',
): MatrixCase {
  return {
    label,
    allowed,
    prepare: async (w, actor) => {
      const f = await meetingAt(w, status);
      const extra = await build(f, w, actor);
      return {
        state: meetingState(f.meeting.id),
        ...extra,
        params: {
          id: f.meeting.id,
          itemId: f.second.id,
          documentId: f.doc.id,
          participantId: f.rows.member.id,
          ...(extra.params ?? {}),
        },
      };
    },
  };
}

const meetingBody = (w: MatrixWorld) => {
  const s = slot();
  return {
    title: `Họp sửa ${randomUUID().slice(0, 6)}`,
    kind: 'chuyen_de',
    chairId: String(w.users.deptHead.id),
    secretaryId: String(w.users.clerk.id),
    startsAt: vn(s.startsAt),
    endsAt: vn(s.endsAt),
    onlineUrl: 'https://hop.example.vn/sua',
  };
};

const pdfUpload = async () => ({
  fields: { title: 'Tài liệu bổ sung' },
  files: [{ field: 'files', buffer: await samplePdf(), name: 'bo-sung.pdf' }],
});

/** The page entry and its /api/v1 twin (same path under /api/v1, same cases). */
const twin = (method: 'GET' | 'POST', path: string, cases: MatrixCase[]): MatrixEntry[] => [
  { method, path, cases },
  { method, path: `/api/v1${path}`, cases },
];

const ownAgencyUsers = (w: MatrixWorld, actor: ActorName | null) =>
  actor === 'foreignClerk'
    ? { chair: w.people.foreignLeader, secretary: w.users.foreignClerk }
    : { chair: w.users.leader, secretary: w.users.clerk };

const createCase: MatrixCase = {
  label: 'people who organise meetings, with people of their own agency',
  allowed: CREATORS,
  prepare: async (w, actor) => {
    const s = slot();
    const people = ownAgencyUsers(w, actor);
    return {
      body: {
        title: `Họp mới ${randomUUID().slice(0, 6)}`,
        kind: 'giao_ban',
        chairId: String(people.chair.id),
        secretaryId: String(people.secretary.id),
        startsAt: vn(s.startsAt),
        endsAt: vn(s.endsAt),
        onlineUrl: 'https://hop.example.vn/moi',
      },
      state: () => Meeting.count(),
    };
  },
};

async function roomOf(w: MatrixWorld, actor: ActorName | null, own = true): Promise<MeetingRoom> {
  const foreign = own && (actor === 'foreignClerk' || actor === 'foreignAdmin');
  return MeetingRoom.create({
    agencyId: foreign ? w.foreignAgency.id : w.agency.id,
    name: `Phòng ${randomUUID().slice(0, 8)}`,
    location: null,
    capacity: 20,
  });
}

const noteBy = (user: SignedInActor) => async (f: MeetingFixture, w: MatrixWorld) => {
  const note = await MeetingNote.create({
    meetingId: f.meeting.id,
    itemDocumentId: f.doc.id,
    userId: w.users[user].id,
    page: 1,
    kind: 'note',
    rect: null,
    text: 'Ghi chú riêng',
  });
  return { params: { noteId: note.id } };
};

export const meetingPrepareEntries: MatrixEntry[] = [
  ...twin('GET', '/meetings', [
    { label: 'every signed-in person (what they may see)', allowed: SIGNED_IN },
  ]),
  { method: 'GET', path: '/meetings/new', cases: [{ allowed: CREATORS }] },
  ...twin('POST', '/meetings', [createCase]),
  { method: 'GET', path: '/meetings/rooms', cases: [{ allowed: ROOM_KEEPERS }] },
  {
    method: 'POST',
    path: '/meetings/rooms',
    cases: [
      {
        allowed: ROOM_KEEPERS,
        prepare: async () => ({
          body: { name: `Phòng ${randomUUID().slice(0, 8)}`, capacity: '20', isActive: '1' },
          state: () => MeetingRoom.count(),
        }),
      },
    ],
  },
  {
    method: 'POST',
    path: '/meetings/rooms/:roomId',
    cases: [
      {
        label: 'a room of their own agency',
        allowed: ROOM_KEEPERS,
        prepare: async (w, actor) => {
          const room = await roomOf(w, actor);
          return {
            params: { roomId: room.id },
            body: { name: `${room.name} (sửa)`, isActive: '1' },
            state: async () => (await MeetingRoom.findByPk(room.id))?.get({ plain: true }),
          };
        },
      },
      {
        label: "never another agency's room",
        allowed: ['clerk', 'admin'],
        prepare: async (w) => {
          const room = await roomOf(w, null, false);
          return {
            params: { roomId: room.id },
            body: { name: `${room.name} (sửa)`, isActive: '1' },
            state: async () => (await MeetingRoom.findByPk(room.id))?.get({ plain: true }),
          };
        },
      },
    ],
  },
  ...twin('GET', '/meetings/:id', [
    onMeeting(VIEWERS, 'organisers, invitees and the agency leader; not an outsider'),
    onMeeting(['clerk', 'deptHead'], 'a draft: its organisers only', () => ({}), 'draft'),
  ]),
  { method: 'GET', path: '/meetings/:id/edit', cases: [onMeeting(ORGANISERS, 'its organisers')] },
  ...twin('POST', '/meetings/:id', [
    onMeeting(ORGANISERS, 'its organisers', (_f, w) => ({ body: meetingBody(w) })),
  ]),
  ...twin('POST', '/meetings/:id/publish', [
    onMeeting(ORGANISERS, 'a draft, by its organisers', () => ({ body: {} }), 'draft'),
  ]),
  ...twin('POST', '/meetings/:id/cancel', [
    onMeeting(ORGANISERS, 'its organisers, with a reason', () => ({
      body: { reason: 'Đổi lịch' },
    })),
  ]),
  ...twin('POST', '/meetings/:id/participants', [
    onMeeting(ORGANISERS, 'its organisers', (_f, w) => ({
      body: { kind: 'person', userIds: String(w.users.otherSpecialist.id), role: 'member' },
    })),
  ]),
  ...twin('POST', '/meetings/:id/participants/:participantId', [
    onMeeting(ORGANISERS, 'its organisers', () => ({
      body: { role: 'member', isVoting: '1', voteWeight: '3' },
    })),
  ]),
  ...twin('POST', '/meetings/:id/participants/:participantId/remove', [
    onMeeting(ORGANISERS, 'its organisers', () => ({ body: {} })),
  ]),
  ...twin('POST', '/meetings/:id/rsvp', [
    onMeeting(INVITEES, 'each invitee answers their own invitation', () => ({
      body: { answer: 'absent', reason: 'Đi công tác' },
    })),
  ]),
  {
    method: 'GET',
    path: '/api/v1/meetings/:id/items',
    cases: [onMeeting(VIEWERS, 'whoever sees the meeting')],
  },
  ...twin('POST', '/meetings/:id/items', [
    onMeeting(ORGANISERS, 'its organisers', () => ({
      body: { title: 'Nội dung thêm', plannedMinutes: '5' },
    })),
  ]),
  ...twin('POST', '/meetings/:id/items/:itemId', [
    onMeeting(ORGANISERS, 'its organisers', () => ({
      body: { title: 'Nội dung đã sửa', confidentiality: '0' },
    })),
  ]),
  ...twin('POST', '/meetings/:id/items/:itemId/move', [
    onMeeting(ORGANISERS, 'its organisers', () => ({ body: { direction: 'up' } })),
  ]),
  ...twin('POST', '/meetings/:id/items/:itemId/withdraw', [
    onMeeting(ORGANISERS, 'its organisers, with a reason', () => ({
      body: { reason: 'Chưa đủ hồ sơ' },
    })),
  ]),
  ...twin('POST', '/meetings/:id/items/:itemId/documents', [
    onMeeting(ORGANISERS, 'its organisers upload a PDF', async () => ({
      multipart: await pdfUpload(),
    })),
  ]),
  {
    method: 'POST',
    path: '/meetings/:id/items/:itemId/links',
    cases: [
      onMeeting(ORGANISERS, 'its organisers link a document they see', async (_f, w) => {
        const { doc } = await docAt(w, 'directed');
        return { body: { linkedKind: 'incoming', linkedId: String(doc.id) } };
      }),
    ],
  },
  {
    method: 'POST',
    path: '/meetings/:id/items/:itemId/questions',
    cases: [
      onMeeting(INVITEES, 'the invitees (not the leader who only looks on)', () => ({
        body: { text: 'Xin hỏi về kinh phí' },
      })),
    ],
  },
  {
    method: 'POST',
    path: '/meetings/:id/documents/:documentId/remove',
    cases: [onMeeting(ORGANISERS, 'its organisers', () => ({ body: {} }))],
  },
  {
    method: 'GET',
    path: '/meetings/:id/documents/:documentId',
    cases: [onMeeting(VIEWERS, 'whoever sees the meeting and is cleared for the item')],
  },
  ...twin('GET', '/meetings/:id/documents/:documentId/file', [
    onMeeting(VIEWERS, 'whoever sees the meeting and is cleared for the item'),
  ]),
  {
    method: 'POST',
    path: '/meetings/:id/documents/:documentId/notes',
    cases: [
      onMeeting(INVITEES, 'the invitees, privately', () => ({
        body: { page: '1', kind: 'note', text: 'Ghi chú' },
      })),
    ],
  },
  {
    method: 'POST',
    path: '/meetings/:id/notes/:noteId/delete',
    cases: [
      {
        ...onMeeting(INVITEES, 'one’s own note only', async (f, w, actor) =>
          noteBy(
            actor && actor !== 'anonymous' && INVITEES.includes(actor)
              ? (actor as SignedInActor)
              : 'specialist',
          )(f, w),
        ),
      },
    ],
  },
];
