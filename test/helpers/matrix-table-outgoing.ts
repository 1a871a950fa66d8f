/**
 * Policy matrix entries of the outgoing pages (/outgoing…). The specialist of department D drafts,
 * the leader signs (enrolled with TEST_PIN), the clerk issues; a draft is seen by its drafter and
 * its signer only, a submitted document also by clerks, leaders and D's head.
 */
import { ApprovalTemplate } from '../../src/approvals/approval.model.js';
import { latestFlowOf } from '../../src/approvals/approvals.access.js';
import { actOnApproval } from '../../src/approvals/approvals.service.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { addMainVersion, createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { signOutgoing } from '../../src/outgoing/outgoing.signing.js';
import { decree30Draft } from '../fixtures/draft.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';
import { enrolForTest, enrolSealForTest, TEST_PIN } from './signing-keys.js';

const DRAFTERS: ActorName[] = [
  'clerk',
  'leader',
  'deptHead',
  'specialist',
  'otherSpecialist',
  'foreignClerk',
];
/** Who sees a submitted document of department D. */
const SUBMITTED_VIEWERS: ActorName[] = ['clerk', 'leader', 'deptHead', 'specialist'];

type Stage = 'draft' | 'submitted' | 'signed';

const enrolled = new WeakSet<MatrixWorld>();

async function ready(w: MatrixWorld): Promise<void> {
  if (enrolled.has(w)) return;
  await enrolForTest(w.users.leader);
  await enrolSealForTest(w.agency.id);
  enrolled.add(w);
}

const templates = new WeakMap<MatrixWorld, ApprovalTemplate>();

/** A chain of the matrix's own (other cases change the agency's templates): D's head initials. */
async function chainTemplate(w: MatrixWorld): Promise<ApprovalTemplate> {
  let template = templates.get(w);
  template ??= await ApprovalTemplate.create({
    agencyId: w.agency.id,
    name: 'Ma trận: trưởng phòng ký nháy',
    documentType: null,
    departmentId: null,
    steps: JSON.stringify([
      { title: 'Trưởng phòng', members: [{ userId: w.users.deptHead.id }], rule: 'all', days: 2 },
    ]),
  });
  templates.set(w, template);
  return template;
}

export async function outgoingAt(w: MatrixWorld, stage: Stage, versions = 1) {
  await ready(w);
  const actor = (name: 'specialist' | 'leader') => ({ user: w.users[name], ip: '127.0.0.1' });
  const doc = await createDraft(
    DraftFieldsSchema.parse({
      documentType: 'QĐ',
      subject: 'Về việc kiểm tra ma trận văn bản đi',
      signerId: String(w.users.leader.id),
      recipients: [{ agencyId: String(w.foreignAgency.id) }],
    }),
    { main: { buffer: await decree30Draft(), originalName: 'du-thao.pdf' } },
    actor('specialist'),
  );
  for (let v = 2; v <= versions; v++)
    await addMainVersion(
      doc.id,
      {
        buffer: await decree30Draft(`Về việc kiểm tra ma trận, bản ${v}`),
        originalName: `v${v}.pdf`,
      },
      actor('specialist'),
    );
  if (stage !== 'draft') {
    const template = await chainTemplate(w);
    await submitDraft(doc.id, { templateId: template.id }, actor('specialist'));
    const flow = await latestFlowOf('outgoing', doc.id, w.agency.id);
    await actOnApproval(
      flow!.id,
      { user: w.users.deptHead, ip: null },
      { action: 'initial', version: versions },
    );
  }
  if (stage === 'signed') await signOutgoing(doc.id, { pin: TEST_PIN }, actor('leader'));
  return doc;
}

export async function outgoingState(id: number): Promise<unknown> {
  const [doc, files, events] = await Promise.all([
    OutgoingDocument.findByPk(id, { raw: true }),
    DocumentFile.count({ where: { documentKind: 'outgoing', documentId: id } }),
    DocumentEvent.count({ where: { documentKind: 'outgoing', documentId: id } }),
  ]);
  return JSON.parse(JSON.stringify({ doc, files, events }));
}

const on =
  (
    stage: Stage,
    build: (
      id: number,
      w: MatrixWorld,
    ) => Promise<Omit<Prepared, 'state'>> | Omit<Prepared, 'state'>,
    versions = 1,
  ) =>
  async (w: MatrixWorld): Promise<Prepared> => {
    const doc = await outgoingAt(w, stage, versions);
    return { ...(await build(doc.id, w)), state: () => outgoingState(doc.id) };
  };

const mainFileId = async (id: number) =>
  (await DocumentFile.findOne({
    where: { documentKind: 'outgoing', documentId: id, role: 'main' },
  }))!.id;

const fields = {
  documentType: 'CV',
  subject: 'V/v kiểm tra ma trận phân quyền văn bản đi',
  urgency: '0',
  confidentiality: '0',
};

export const outgoingPageEntries: MatrixEntry[] = [
  { method: 'GET', path: '/outgoing', cases: [{ allowed: DRAFTERS }] },
  { method: 'GET', path: '/outgoing/export.xlsx', cases: [{ allowed: DRAFTERS }] },
  { method: 'GET', path: '/outgoing/new', cases: [{ allowed: DRAFTERS }] },
  {
    method: 'POST',
    path: '/outgoing',
    cases: [
      {
        allowed: DRAFTERS,
        prepare: async () => ({
          multipart: {
            fields,
            files: [{ field: 'files', buffer: await decree30Draft(), name: 'du-thao.pdf' }],
          },
          state: () => OutgoingDocument.count(),
        }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/outgoing/:id',
    cases: [
      {
        label: 'a draft',
        allowed: ['specialist', 'leader'],
        prepare: on('draft', (id) => ({ params: { id } })),
      },
      {
        label: 'submitted',
        allowed: SUBMITTED_VIEWERS,
        prepare: on('submitted', (id) => ({ params: { id } })),
      },
    ],
  },
  {
    method: 'GET',
    path: '/outgoing/:id/files/:fileId',
    cases: [
      {
        allowed: ['specialist', 'leader'],
        prepare: on('draft', async (id) => ({ params: { id, fileId: await mainFileId(id) } })),
      },
    ],
  },
  {
    method: 'GET',
    path: '/outgoing/:id/compare',
    cases: [
      {
        allowed: ['specialist', 'leader'],
        prepare: on('draft', (id) => ({ params: { id }, query: { from: '1', to: '2' } }), 2),
      },
    ],
  },
  {
    method: 'GET',
    path: '/outgoing/:id/edit',
    cases: [{ allowed: ['specialist'], prepare: on('draft', (id) => ({ params: { id } })) }],
  },
  {
    method: 'POST',
    path: '/outgoing/:id/edit',
    cases: [
      {
        allowed: ['specialist'],
        prepare: on('draft', (id, w) => ({
          params: { id },
          body: { ...fields, subject: 'Trích yếu đã sửa', signerId: String(w.users.leader.id) },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/outgoing/:id/versions',
    cases: [
      {
        allowed: ['specialist'],
        prepare: on('draft', async (id) => ({
          params: { id },
          multipart: {
            fields: {},
            files: [{ field: 'main', buffer: await decree30Draft('Bản sửa'), name: 'v2.pdf' }],
          },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/outgoing/:id/attachments',
    cases: [
      {
        allowed: ['specialist'],
        prepare: on('draft', async (id) => ({
          params: { id },
          multipart: {
            fields: {},
            files: [
              { field: 'files', buffer: await decree30Draft('Phụ lục'), name: 'phu-luc.pdf' },
            ],
          },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/outgoing/:id/advice/dismiss',
    cases: [
      {
        allowed: ['specialist'],
        prepare: on('draft', (id) => ({ params: { id }, body: { rule: 'national-heading' } })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/outgoing/:id/submit',
    cases: [
      {
        allowed: ['specialist'],
        prepare: on('draft', async (id, w) => ({
          params: { id },
          body: { templateId: String((await chainTemplate(w)).id) },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/outgoing/:id/return',
    cases: [
      {
        allowed: ['leader'],
        prepare: on('submitted', (id) => ({
          params: { id },
          body: { reason: 'Cần sửa căn cứ pháp lý' },
        })),
      },
      {
        // Signed but not issuable as it is: the clerk sends it back to its drafter.
        label: 'a signed document',
        allowed: ['clerk'],
        prepare: on('signed', (id) => ({
          params: { id },
          body: { reason: 'Dự thảo thiếu dòng địa danh, ngày tháng' },
        })),
      },
    ],
  },
  {
    method: 'GET',
    path: '/outgoing/:id/sign',
    cases: [{ allowed: ['leader'], prepare: on('submitted', (id) => ({ params: { id } })) }],
  },
  {
    method: 'POST',
    path: '/outgoing/:id/sign',
    cases: [
      {
        allowed: ['leader'],
        prepare: on('submitted', (id) => ({ params: { id }, body: { pin: TEST_PIN } })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/outgoing/sign-batch',
    cases: [
      {
        allowed: ['leader'],
        prepare: on('submitted', (id) => ({ body: { ids: String(id), pin: TEST_PIN } })),
      },
    ],
  },
  {
    method: 'GET',
    path: '/outgoing/:id/issue',
    cases: [{ allowed: ['clerk'], prepare: on('signed', (id) => ({ params: { id } })) }],
  },
  {
    method: 'POST',
    path: '/outgoing/:id/issue',
    cases: [{ allowed: ['clerk'], prepare: on('signed', (id) => ({ params: { id } })) }],
  },
];
