/**
 * Policy matrix entries of records files (hồ sơ, /records-files…). People who handle documents
 * (clerk, leader, unit head, specialist) list files and open new ones; an administrator's role
 * alone does not. A file is seen by its keeper, the agency's clerks and leaders, the head of its
 * unit and the people it is shared with; it is changed, shared, closed and reopened by its keeper
 * or a clerk, and transferred to the archive by a clerk once closed. Another agency's people find
 * none (404). The fixture file is kept by the specialist of department D, made directly with the
 * models; its document is an in-progress incoming one of D (seen by the clerk, the leader, D's
 * head and the specialist).
 */
import { randomUUID } from 'node:crypto';
import {
  RecordsFile,
  RecordsFileItem,
  RecordsFileMember,
  type RecordsFileStatus,
} from '../../src/records-files/records-file.model.js';
import { recordsFileCodeKey } from '../../src/records-files/records-files.service.js';
import type { ActorName, MatrixWorld, SignedInActor } from './matrix-actors.js';
import { docAt } from './matrix-fixtures.js';
import type { MatrixCase, MatrixEntry, Prepared } from './matrix-runner.js';

/** Who lists files and opens new ones: the people who handle documents, of either agency. */
const HANDLERS: ActorName[] = [
  'clerk',
  'leader',
  'deptHead',
  'specialist',
  'otherSpecialist',
  'foreignClerk',
];
/** Who keeps the catalogue of the agency's files: its clerks and leaders. */
const CATALOGUE: ActorName[] = ['clerk', 'leader', 'foreignClerk'];
/** Who sees the specialist's file of department D. */
const SEE_D_FILE: ActorName[] = ['clerk', 'leader', 'deptHead', 'specialist'];
/** Who manages it: its keeper and the agency's clerk. */
const MANAGE: ActorName[] = ['clerk', 'specialist'];

const year = () => new Date().getFullYear();

interface FileOptions {
  keeper?: SignedInActor;
  /** The file's unit; D unless given (null: none). */
  department?: 'deptD' | 'deptE' | null;
  status?: RecordsFileStatus;
  /** People it is shared with, and whether they may add documents. */
  members?: Array<{ actor: SignedInActor; canAdd: boolean }>;
  /** Whether it holds an item (a file is closed or transferred only with something in it). */
  holding?: boolean;
}

/** A file of the world's agency, made directly (no service, no audit row). */
async function makeFile(w: MatrixWorld, options: FileOptions = {}): Promise<RecordsFile> {
  const keeper = w.users[options.keeper ?? 'specialist'];
  const department = options.department === undefined ? 'deptD' : options.department;
  const status = options.status ?? 'open';
  const code = `HS-${randomUUID().slice(0, 8)}`;
  const today = new Date().toISOString().slice(0, 10);
  const file = await RecordsFile.create({
    agencyId: w.agency.id,
    year: year(),
    code,
    codeKey: recordsFileCodeKey(code),
    title: 'Hồ sơ rà soát phân quyền xử lý văn bản',
    description: null,
    retentionYears: 10,
    departmentId: department ? w[department].id : null,
    keeperId: keeper.id,
    status,
    closedOn: status === 'open' ? null : today,
    transferDueOn: status === 'open' ? null : `${year() + 1}-12-31`,
    transferNoticeOn: null,
    transferredOn: status === 'transferred' ? today : null,
    transferredById: status === 'transferred' ? w.users.clerk.id : null,
  });
  if (options.holding)
    await RecordsFileItem.create({
      recordsFileId: file.id,
      documentKind: 'incoming',
      documentId: 1,
      addedById: keeper.id,
    });
  for (const m of options.members ?? [])
    await RecordsFileMember.create({
      recordsFileId: file.id,
      userId: w.users[m.actor].id,
      canAdd: m.canAdd,
    });
  return file;
}

/** Everything a request could change about one file: the row, its documents and its members. */
const fileState = (id: number) => async () =>
  JSON.parse(
    JSON.stringify({
      file: await RecordsFile.findByPk(id, { raw: true }),
      items: await RecordsFileItem.findAll({
        where: { recordsFileId: id },
        order: [['id', 'ASC']],
        raw: true,
      }),
      members: await RecordsFileMember.findAll({
        where: { recordsFileId: id },
        order: [['id', 'ASC']],
        raw: true,
      }),
    }),
  ) as unknown;

/** A case on one new file per request: the file's id as :id, its state compared. */
function onFile(
  options: FileOptions,
  build: (
    file: RecordsFile,
    w: MatrixWorld,
  ) => Promise<Omit<Prepared, 'state'>> | Omit<Prepared, 'state'> = () => ({
    body: {},
  }),
) {
  return async (w: MatrixWorld): Promise<Prepared> => {
    const file = await makeFile(w, options);
    return { params: { id: file.id }, ...(await build(file, w)), state: fileState(file.id) };
  };
}

// One in-progress incoming document of D per world: seen by its chain, gathered into new files.
const documents = new WeakMap<MatrixWorld, Promise<number>>();
const documentOf = (w: MatrixWorld): Promise<number> => {
  if (!documents.has(w))
    documents.set(
      w,
      docAt(w, 'in_progress', { subject: 'Về việc lập hồ sơ công việc năm' }).then((f) => f.doc.id),
    );
  return documents.get(w)!;
};

/** A document gathered into the file by the given person. */
async function addItem(w: MatrixWorld, file: RecordsFile, by: SignedInActor) {
  return RecordsFileItem.create({
    recordsFileId: file.id,
    documentKind: 'incoming',
    documentId: await documentOf(w),
    addedById: w.users[by].id,
  });
}

/** The file's form as sent: the file's own unit, a new code. */
const formBody = (w: MatrixWorld) => ({
  code: `HS-${randomUUID().slice(0, 8)}`,
  title: 'Hồ sơ rà soát phân quyền (đã sửa)',
  description: 'Sửa trong ma trận phân quyền',
  year: String(year()),
  retention: 'permanent',
  departmentId: String(w.deptD.id),
});

/** "Đưa vào hồ sơ" from the document's page, back to it. */
const addDocument =
  (options: FileOptions) =>
  async (w: MatrixWorld): Promise<Prepared> => {
    const file = await makeFile(w, options);
    const documentId = await documentOf(w);
    return {
      body: {
        fileId: String(file.id),
        kind: 'incoming',
        documentId: String(documentId),
        back: `/incoming/${documentId}`,
      },
      state: fileState(file.id),
    };
  };

/** The API's form: the same fields as JSON, numbers as numbers. */
const apiFormBody = (w: MatrixWorld) => ({
  code: `HS-${randomUUID().slice(0, 8)}`,
  title: 'Hồ sơ rà soát phân quyền (sửa qua API)',
  description: 'Sửa qua API trong ma trận phân quyền',
  year: year(),
  retention: 'permanent',
  departmentId: w.deptD.id,
});

/** POST /api/v1/records-files/:id/documents: the file is the path's. */
const apiAddDocument =
  (options: FileOptions) =>
  async (w: MatrixWorld): Promise<Prepared> => {
    const file = await makeFile(w, options);
    return {
      params: { id: file.id },
      body: { kind: 'incoming', documentId: await documentOf(w) },
      state: fileState(file.id),
    };
  };

const isWorkbook = (res: { status: number; headers: Record<string, string> }) =>
  res.status === 200 && /spreadsheetml/.test(res.headers['content-type'] ?? '')
    ? null
    : `expected 200 with a workbook, got ${res.status} ${res.headers['content-type'] ?? ''}`;

const backToFile = (res: { status: number; headers: Record<string, string> }) =>
  res.status === 303 && /^\/records-files\/\d+$/.test(res.headers.location ?? '');

/**
 * Told the file's state: who could make the change were the file in another state gets 409 from
 * the API, and from a page is sent back (to the file or the document) with the message.
 */
const toldState = (res: { status: number; headers: Record<string, string> }) =>
  res.status === 409 ||
  (res.status === 303 &&
    /^\/(records-files|incoming|outgoing)\/\d+$/.test(res.headers.location ?? ''));
/** Its keeper (the specialist) and the clerk, who manage the file in its other states. */
const MANAGERS_TOLD = { clerk: toldState, specialist: toldState };

/** On a closed (or transferred) file, no one may: every change asks for an open file. */
const onClosed = (build?: Parameters<typeof onFile>[1], options: FileOptions = {}): MatrixCase => ({
  label: `a ${options.status ?? 'closed'} file: no one`,
  allowed: [],
  prepare: onFile({ status: 'closed', ...options }, build),
  deniedAlso: MANAGERS_TOLD,
});

/** Closing, on the pages and in the API: an open file holding something; never an empty one. */
const closeCases = (): MatrixCase[] => [
  { label: 'an open file', allowed: MANAGE, prepare: onFile({ holding: true }) },
  {
    // Nothing in it: its keeper and the clerk are told to delete it instead.
    label: 'an open empty file: no one',
    allowed: [],
    prepare: onFile({}),
    deniedAlso: MANAGERS_TOLD,
  },
  onClosed(),
];

export const recordsFileEntries: MatrixEntry[] = [
  { method: 'GET', path: '/records-files', cases: [{ allowed: HANDLERS }] },
  {
    method: 'GET',
    path: '/records-files/catalogue.xlsx',
    cases: [
      {
        label: "one's own agency's, of this year",
        allowed: CATALOGUE,
        allowedCheck: isWorkbook,
        prepare: async (w) => {
          await makeFile(w);
          return { query: { year: String(year()) } };
        },
      },
    ],
  },
  {
    method: 'GET',
    path: '/records-files/transfer-list.xlsx',
    cases: [
      {
        label: "one's own agency's, of this year",
        allowed: CATALOGUE,
        allowedCheck: isWorkbook,
        prepare: async (w) => {
          await makeFile(w, { status: 'transferred' });
          return { query: { year: String(year()) } };
        },
      },
    ],
  },
  {
    method: 'GET',
    path: '/records-files/:id/contents.xlsx',
    cases: [
      {
        label: "the specialist's file of D, with a document",
        allowed: SEE_D_FILE,
        allowedCheck: isWorkbook,
        prepare: onFile({}, async (f, w) => {
          await addItem(w, f, 'specialist');
          return {};
        }),
      },
      {
        label: 'shared with a specialist of E',
        allowed: [...SEE_D_FILE, 'otherSpecialist'],
        allowedCheck: isWorkbook,
        prepare: onFile({ members: [{ actor: 'otherSpecialist', canAdd: false }] }),
      },
    ],
  },
  { method: 'GET', path: '/records-files/new', cases: [{ allowed: HANDLERS }] },
  {
    method: 'POST',
    path: '/records-files',
    cases: [
      {
        label: 'of their own unit',
        allowed: HANDLERS,
        prepare: async () => ({
          body: {
            code: `HS-${randomUUID().slice(0, 8)}`,
            title: 'Hồ sơ mở trong ma trận phân quyền',
            year: String(year()),
            retention: '10',
          },
          state: () => RecordsFile.count(),
        }),
      },
    ],
  },
  {
    method: 'POST',
    path: '/records-files/documents',
    cases: [
      {
        label: "a document the adder sees, into the specialist's file",
        allowed: MANAGE,
        prepare: addDocument({}),
      },
      {
        // otherSpecialist may add to the file but may not see the document: not found.
        label: 'a file shared to add to',
        allowed: [...SEE_D_FILE],
        prepare: addDocument({
          members: [
            { actor: 'leader', canAdd: true },
            { actor: 'deptHead', canAdd: true },
            { actor: 'otherSpecialist', canAdd: true },
          ],
        }),
      },
      {
        // Its keeper and the clerk are told it is closed.
        label: 'a closed file: no one',
        allowed: [],
        prepare: addDocument({ status: 'closed' }),
        deniedAlso: MANAGERS_TOLD,
      },
    ],
  },
  {
    method: 'GET',
    path: '/records-files/:id',
    cases: [
      { label: "the specialist's file of D", allowed: SEE_D_FILE, prepare: onFile({}) },
      {
        label: 'shared with a specialist of E',
        allowed: [...SEE_D_FILE, 'otherSpecialist'],
        prepare: onFile({ members: [{ actor: 'otherSpecialist', canAdd: false }] }),
      },
      {
        label: "E's specialist's file of E",
        allowed: ['clerk', 'leader', 'otherSpecialist'],
        prepare: onFile({ keeper: 'otherSpecialist', department: 'deptE' }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/records-files/:id/edit',
    cases: [
      { label: 'an open file', allowed: MANAGE, prepare: onFile({}) },
      {
        // Its keeper and the clerk are sent back to the file's page, told it is closed.
        label: 'a closed file: no one',
        allowed: [],
        prepare: onFile({ status: 'closed' }),
        deniedAlso: { clerk: backToFile, specialist: backToFile },
      },
    ],
  },
  {
    method: 'POST',
    path: '/records-files/:id',
    cases: [
      {
        label: 'an open file',
        allowed: MANAGE,
        prepare: onFile({}, (_f, w) => ({ body: formBody(w) })),
      },
      onClosed((_f, w) => ({ body: formBody(w) })),
    ],
  },
  {
    method: 'POST',
    path: '/records-files/:id/delete',
    cases: [{ label: 'an open empty file', allowed: MANAGE, prepare: onFile({}) }, onClosed()],
  },
  {
    method: 'POST',
    path: '/records-files/:id/close',
    cases: closeCases(),
  },
  {
    method: 'POST',
    path: '/records-files/:id/reopen',
    cases: [
      { label: 'a closed file', allowed: MANAGE, prepare: onFile({ status: 'closed' }) },
      {
        label: 'an open file: no one',
        allowed: [],
        prepare: onFile({}),
        deniedAlso: MANAGERS_TOLD,
      },
      onClosed(undefined, { status: 'transferred' }),
    ],
  },
  {
    method: 'POST',
    path: '/records-files/:id/transfer',
    cases: [
      {
        label: 'a closed file: a clerk',
        allowed: ['clerk'],
        prepare: onFile({ status: 'closed', holding: true }),
      },
      {
        label: 'a closed empty file: no one',
        allowed: [],
        prepare: onFile({ status: 'closed' }),
        deniedAlso: { clerk: toldState },
      },
      {
        // Only a clerk records transfers: told the file is still open.
        label: 'an open file: no one',
        allowed: [],
        prepare: onFile({}),
        deniedAlso: { clerk: toldState },
      },
    ],
  },
  {
    method: 'POST',
    path: '/records-files/:id/documents/:itemId/delete',
    cases: [
      {
        label: 'gathered by the keeper',
        allowed: MANAGE,
        prepare: onFile({}, async (file, w) => ({
          params: { id: file.id, itemId: (await addItem(w, file, 'specialist')).id },
          body: {},
        })),
      },
      {
        // Whoever gathered a document into a file shared with them may take it out again.
        label: "gathered by D's head, sharing the file",
        allowed: [...MANAGE, 'deptHead'],
        prepare: onFile({ members: [{ actor: 'deptHead', canAdd: true }] }, async (file, w) => ({
          params: { id: file.id, itemId: (await addItem(w, file, 'deptHead')).id },
          body: {},
        })),
      },
      onClosed(async (file, w) => ({
        params: { id: file.id, itemId: (await addItem(w, file, 'specialist')).id },
        body: {},
      })),
    ],
  },
  {
    method: 'POST',
    path: '/records-files/:id/members',
    cases: [
      {
        label: 'sharing with a specialist of E',
        allowed: MANAGE,
        prepare: onFile({}, (_f, w) => ({
          body: { userId: String(w.users.otherSpecialist.id), canAdd: 'on' },
        })),
      },
      onClosed((_f, w) => ({ body: { userId: String(w.users.otherSpecialist.id) } })),
    ],
  },
  {
    method: 'POST',
    path: '/records-files/:id/members/:userId/delete',
    cases: [
      {
        label: 'ending the share of a specialist of E',
        allowed: MANAGE,
        prepare: onFile({ members: [{ actor: 'otherSpecialist', canAdd: true }] }, (file, w) => ({
          params: { id: file.id, userId: w.users.otherSpecialist.id },
          body: {},
        })),
      },
      onClosed(
        (file, w) => ({ params: { id: file.id, userId: w.users.otherSpecialist.id }, body: {} }),
        { members: [{ actor: 'otherSpecialist', canAdd: true }] },
      ),
    ],
  },
  // The JSON API's twins (/api/v1/records-files…), through the same service and policy: a token
  // stands for the actor, no token gets 401; the pages' POST …/delete are DELETE there.
  { method: 'GET', path: '/api/v1/records-files', cases: [{ allowed: HANDLERS }] },
  {
    method: 'POST',
    path: '/api/v1/records-files',
    cases: [
      {
        label: 'of their own unit',
        allowed: HANDLERS,
        prepare: async () => ({
          body: {
            code: `HS-${randomUUID().slice(0, 8)}`,
            title: 'Hồ sơ mở qua API trong ma trận phân quyền',
            year: year(),
            retention: 10,
          },
          state: () => RecordsFile.count(),
        }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/api/v1/records-files/:id',
    cases: [
      { label: "the specialist's file of D", allowed: SEE_D_FILE, prepare: onFile({}) },
      {
        label: 'shared with a specialist of E',
        allowed: [...SEE_D_FILE, 'otherSpecialist'],
        prepare: onFile({ members: [{ actor: 'otherSpecialist', canAdd: false }] }),
      },
      {
        label: "E's specialist's file of E",
        allowed: ['clerk', 'leader', 'otherSpecialist'],
        prepare: onFile({ keeper: 'otherSpecialist', department: 'deptE' }),
      },
    ],
  },
  {
    method: 'PUT',
    path: '/api/v1/records-files/:id',
    cases: [
      {
        label: 'an open file',
        allowed: MANAGE,
        prepare: onFile({}, (_f, w) => ({ body: apiFormBody(w) })),
      },
      onClosed((_f, w) => ({ body: apiFormBody(w) })),
    ],
  },
  {
    method: 'DELETE',
    path: '/api/v1/records-files/:id',
    cases: [{ label: 'an open empty file', allowed: MANAGE, prepare: onFile({}) }, onClosed()],
  },
  {
    method: 'POST',
    path: '/api/v1/records-files/:id/close',
    cases: closeCases(),
  },
  {
    method: 'POST',
    path: '/api/v1/records-files/:id/reopen',
    cases: [
      { label: 'a closed file', allowed: MANAGE, prepare: onFile({ status: 'closed' }) },
      {
        label: 'an open file: no one',
        allowed: [],
        prepare: onFile({}),
        deniedAlso: MANAGERS_TOLD,
      },
      onClosed(undefined, { status: 'transferred' }),
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/records-files/:id/transfer',
    cases: [
      {
        label: 'a closed file: a clerk',
        allowed: ['clerk'],
        prepare: onFile({ status: 'closed', holding: true }),
      },
      {
        label: 'a closed empty file: no one',
        allowed: [],
        prepare: onFile({ status: 'closed' }),
        deniedAlso: { clerk: toldState },
      },
      {
        // Only a clerk records transfers: told the file is still open.
        label: 'an open file: no one',
        allowed: [],
        prepare: onFile({}),
        deniedAlso: { clerk: toldState },
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/records-files/:id/documents',
    cases: [
      {
        label: "a document the adder sees, into the specialist's file",
        allowed: MANAGE,
        prepare: apiAddDocument({}),
      },
      {
        // otherSpecialist may add to the file but may not see the document: not found.
        label: 'a file shared to add to',
        allowed: [...SEE_D_FILE],
        prepare: apiAddDocument({
          members: [
            { actor: 'leader', canAdd: true },
            { actor: 'deptHead', canAdd: true },
            { actor: 'otherSpecialist', canAdd: true },
          ],
        }),
      },
      {
        // Its keeper and the clerk are told it is closed (409), as on the pages.
        label: 'a closed file: no one',
        allowed: [],
        prepare: apiAddDocument({ status: 'closed' }),
        deniedAlso: MANAGERS_TOLD,
      },
    ],
  },
  {
    method: 'DELETE',
    path: '/api/v1/records-files/:id/documents/:itemId',
    cases: [
      {
        label: 'gathered by the keeper',
        allowed: MANAGE,
        prepare: onFile({}, async (file, w) => ({
          params: { id: file.id, itemId: (await addItem(w, file, 'specialist')).id },
        })),
      },
      {
        label: "gathered by D's head, sharing the file",
        allowed: [...MANAGE, 'deptHead'],
        prepare: onFile({ members: [{ actor: 'deptHead', canAdd: true }] }, async (file, w) => ({
          params: { id: file.id, itemId: (await addItem(w, file, 'deptHead')).id },
        })),
      },
      onClosed(async (file, w) => ({
        params: { id: file.id, itemId: (await addItem(w, file, 'specialist')).id },
      })),
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/records-files/:id/members',
    cases: [
      {
        label: 'sharing with a specialist of E',
        allowed: MANAGE,
        prepare: onFile({}, (_f, w) => ({
          body: { userId: w.users.otherSpecialist.id, canAdd: true },
        })),
      },
      onClosed((_f, w) => ({ body: { userId: w.users.otherSpecialist.id, canAdd: false } })),
    ],
  },
  {
    method: 'DELETE',
    path: '/api/v1/records-files/:id/members/:userId',
    cases: [
      {
        label: 'ending the share of a specialist of E',
        allowed: MANAGE,
        prepare: onFile({ members: [{ actor: 'otherSpecialist', canAdd: true }] }, (file, w) => ({
          params: { id: file.id, userId: w.users.otherSpecialist.id },
        })),
      },
      onClosed((file, w) => ({ params: { id: file.id, userId: w.users.otherSpecialist.id } }), {
        members: [{ actor: 'otherSpecialist', canAdd: true }],
      }),
    ],
  },
];
