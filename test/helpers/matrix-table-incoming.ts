/**
 * Policy matrix entries of the incoming-document pages (/incoming…); the JSON API twins are in
 * matrix-table-api.ts. Fixtures are in the main agency; the chain of an in-progress document is
 * clerk (registered it), leader (presented to, directed), D's head (department assignment) and the
 * specialist (handed over). otherSpecialist (department E) is never in a chain.
 */
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import {
  docAt,
  docState,
  samplePdf,
  type DocFixture,
  type DocOptions,
  type Stage,
} from './matrix-fixtures.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';
import { buildEdxml } from '../fixtures/edxml.js';
import { makePdf } from '../fixtures/pdf.js';

/** People of the agency who may list incoming documents (and a clerk of another agency). */
export const LISTERS: ActorName[] = [
  'clerk',
  'leader',
  'deptHead',
  'specialist',
  'otherSpecialist',
  'foreignClerk',
];
/** The handling chain of an in-progress document. */
export const CHAIN: ActorName[] = ['clerk', 'leader', 'deptHead', 'specialist'];
export const CLERKS: ActorName[] = ['clerk', 'foreignClerk'];

/** A case's fixture: a document at a step, the request built from it, its state for comparison. */
export function onDoc(
  stage: Stage,
  build: (f: DocFixture, w: MatrixWorld) => Omit<Prepared, 'state'>,
  options?: (w: MatrixWorld) => DocOptions,
) {
  return async (world: MatrixWorld): Promise<Prepared> => {
    const fixture = await docAt(world, stage, options?.(world));
    return { ...build(fixture, world), state: () => docState(fixture.doc.id) };
  };
}

export const id = (f: DocFixture) => ({ id: f.doc.id });

const fields = {
  fromOrganName: 'UBND tỉnh Thử nghiệm',
  documentType: 'CV',
  subject: 'Về việc kiểm tra ma trận phân quyền',
  urgency: '0',
  confidentiality: '0',
};

/** A registration as multipart, with the file part named as the route expects. */
export function registration(field: 'files' | 'file') {
  return async (): Promise<Prepared> => ({
    multipart: { fields, files: [{ field, buffer: await samplePdf(), name: 'cong-van.pdf' }] },
    state: () => IncomingDocument.count(),
  });
}

export const incomingPageEntries: MatrixEntry[] = [
  { method: 'GET', path: '/incoming', cases: [{ allowed: LISTERS }] },
  // The list as XLSX: each lister gets only their own list's rows (list-export.test.ts).
  { method: 'GET', path: '/incoming/export.xlsx', cases: [{ allowed: LISTERS }] },
  { method: 'GET', path: '/incoming/new', cases: [{ allowed: CLERKS }] },
  {
    method: 'POST',
    path: '/incoming',
    cases: [{ allowed: CLERKS, prepare: registration('files') }],
  },
  {
    // Reads a package into the registration form; registers nothing.
    method: 'POST',
    path: '/incoming/edxml',
    cases: [
      {
        allowed: CLERKS,
        allowedUnchanged: true,
        prepare: async (world) => ({
          multipart: {
            fields: {},
            files: [
              {
                field: 'package',
                // Addressed to both agencies: each clerk may read it into their own form.
                buffer: buildEdxml({
                  to: [world.agency.code, world.foreignAgency.code],
                  attachments: [{ name: 'a.pdf', content: await samplePdf() }],
                }),
                name: 'goi.edxml',
              },
            ],
          },
          state: () => IncomingDocument.count(),
        }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/incoming/:id',
    cases: [
      {
        label: 'in progress',
        allowed: CHAIN,
        prepare: onDoc('in_progress', (f) => ({ params: id(f) })),
      },
      {
        label: 'secret (Mật), only registered',
        allowed: ['clerk'],
        prepare: onDoc(
          'registered',
          (f) => ({ params: id(f) }),
          () => ({ confidentiality: 1 }),
        ),
      },
    ],
  },
  {
    method: 'GET',
    path: '/incoming/:id/access',
    cases: [
      {
        label: 'in progress',
        allowed: CHAIN,
        prepare: onDoc('in_progress', (f) => ({ params: id(f) })),
      },
    ],
  },
  {
    method: 'GET',
    path: '/incoming/:id/files/:fileId',
    cases: [
      {
        allowed: CHAIN,
        prepare: onDoc('in_progress', (f) => ({ params: { id: f.doc.id, fileId: f.fileId } })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/files/:fileId/signature-check',
    cases: [
      {
        allowed: ['clerk'],
        prepare: onDoc('in_progress', (f) => ({ params: { id: f.doc.id, fileId: f.fileId } })),
      },
    ],
  },
  {
    method: 'GET',
    path: '/incoming/:id/edit',
    cases: [{ allowed: ['clerk'], prepare: onDoc('registered', (f) => ({ params: id(f) })) }],
  },
  {
    method: 'POST',
    path: '/incoming/:id/edit',
    cases: [
      {
        allowed: ['clerk'],
        prepare: onDoc('registered', (f) => ({
          params: id(f),
          body: { ...fields, subject: 'Trích yếu đã sửa' },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/files',
    cases: [
      {
        allowed: ['clerk'],
        prepare: async (world: MatrixWorld) => {
          const prepared = await onDoc('registered', (f) => ({ params: id(f) }))(world);
          const appendix = await makePdf(1, 'Phu luc bo sung');
          return {
            ...prepared,
            multipart: {
              fields: {},
              files: [{ field: 'files', buffer: appendix, name: 'phu-luc.pdf' }],
            },
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/present',
    cases: [
      {
        allowed: ['clerk'],
        prepare: onDoc('registered', (f, w) => ({
          params: id(f),
          body: { leaderId: w.users.leader.id },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/direct',
    cases: [
      {
        allowed: ['leader'],
        prepare: onDoc('presented', (f, w) => ({
          params: id(f),
          body: { lead: `d:${w.deptD.id}`, note: 'Phòng D chủ trì' },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/assign',
    cases: [
      {
        allowed: ['deptHead'],
        prepare: onDoc('directed', (f, w) => ({
          params: id(f),
          body: { userId: w.users.specialist.id },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/report',
    cases: [
      {
        allowed: ['specialist'],
        prepare: onDoc('in_progress', (f) => ({
          params: id(f),
          body: { assignmentId: f.childId, percent: 50, note: 'Đang xử lý' },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/reminders',
    cases: [
      {
        label: "the specialist's hand-over",
        allowed: ['clerk', 'leader', 'deptHead'],
        prepare: onDoc('in_progress', (f) => ({
          params: id(f),
          body: { assignmentId: f.childId, note: 'Đề nghị khẩn trương hoàn thành' },
        })),
      },
      {
        label: "the department's lead assignment",
        allowed: ['clerk', 'leader'],
        prepare: onDoc('in_progress', (f) => ({
          params: id(f),
          body: { assignmentId: f.leadId },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/complete',
    cases: [
      {
        allowed: ['specialist'],
        prepare: onDoc('in_progress', (f) => ({
          params: id(f),
          body: { assignmentId: f.childId, resultNote: 'Đã hoàn thành' },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/acknowledge',
    cases: [
      {
        label: 'info-only receiver is the specialist',
        allowed: ['specialist'],
        prepare: onDoc(
          'directed',
          (f) => ({ params: id(f), body: { assignmentId: f.infoIds[0] } }),
          (w) => ({ info: [w.users.specialist] }),
        ),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/file',
    cases: [
      { allowed: ['clerk'], prepare: onDoc('completed', (f) => ({ params: id(f), body: {} })) },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/return',
    cases: [
      {
        allowed: ['leader', 'deptHead'],
        prepare: onDoc('in_progress', (f) => ({
          params: id(f),
          body: { reason: 'Không thuộc thẩm quyền' },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/comments',
    cases: [
      {
        allowed: CHAIN,
        prepare: onDoc('in_progress', (f) => ({
          params: id(f),
          body: { body: 'Ý kiến trao đổi' },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/:id/grants',
    cases: [
      {
        label: 'secret (Mật), presented',
        allowed: ['leader'],
        prepare: onDoc(
          'presented',
          (f, w) => ({ params: id(f), body: { userId: w.users.otherSpecialist.id } }),
          () => ({ confidentiality: 1 }),
        ),
      },
    ],
  },
];
