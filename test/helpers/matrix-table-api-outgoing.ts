/**
 * Policy matrix entries of /api/v1/outgoing and /api/v1/signing-sessions. Documents are built
 * through the services (drafted by the specialist of department D, signed by the leader) and
 * brought to a stage: a draft, submitted straight to the signer, in a chain asking the head of
 * D, signed, with a delegation case for signing (a second leader's document signed by the head
 * of D, their delegate). The draft is a Decree 30 layout (signer block, number and date
 * placeholders), so signing and issuing find their places.
 */
import { constants, privateEncrypt } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { createTemplate } from '../../src/approvals/approval-templates.service.js';
import { ApprovalDecision, ApprovalStep } from '../../src/approvals/approval.model.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { signOutgoing } from '../../src/outgoing/outgoing.signing.js';
import { startTokenSession } from '../../src/outgoing/outgoing.token-sessions.js';
import { SigningSession } from '../../src/outgoing/signing-session.model.js';
import { sealSignerFor, SignerCredential } from '../../src/signing-keys/index.js';
import { registerTokenCertificate } from '../../src/signing-keys/token-certificates.js';
import { sha256DigestInfo } from '../../src/signing-providers/index.js';
import { createDelegation, DelegationSchema } from '../../src/users/delegations.service.js';
import type { User } from '../../src/users/user.model.js';
import { buildUser } from '../factories/index.js';
import { draftPdf as decree30Draft } from '../integration/outgoing-issue-fixtures.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';
import { enrolForTest, enrolSealForTest, keyOfEnrolled, TEST_PIN } from './signing-keys.js';

type Stage = 'draft' | 'submitted' | 'chain' | 'signed';

/** Whoever drafts outgoing documents (specialists, heads, leaders, clerks) of either agency. */
const DRAFTERS: ActorName[] = [
  'clerk',
  'leader',
  'deptHead',
  'specialist',
  'otherSpecialist',
  'foreignClerk',
];
/** Who sees a submitted document of department D signed by the leader. */
const VIEWERS: ActorName[] = ['clerk', 'leader', 'deptHead', 'specialist'];

const actor = (user: User) => ({ user, ip: null });

let pdf: Promise<Buffer> | null = null;
const draftPdf = () => (pdf ??= decree30Draft().then((b) => (pdfBytes = b)));
let pdfBytes: Buffer | null = null;

const templates = new Map<number, Promise<number>>();

/**
 * A chain asking the head of D, for this world: for plans (KH) of department D, which only the
 * chain stage drafts, so no other draft takes it (a template must apply to the draft it chains).
 */
function chainTemplate(w: MatrixWorld): Promise<number> {
  let id = templates.get(w.agency.id);
  if (!id) {
    id = createTemplate(
      w.agency.id,
      {
        name: `Ma trận ${randomUUID().slice(0, 6)}`,
        documentType: 'KH',
        departmentId: w.deptD.id,
        // The drafter may add consulted units and reviewers (POST …/approval/steps).
        allowExtraReviewers: true,
        steps: [
          {
            title: 'Trưởng phòng D',
            members: [{ userId: w.users.deptHead.id }],
            rule: 'all',
            days: 2,
            kind: 'approve',
          },
        ],
      },
      { userId: w.users.admin.id, ip: null },
    ).then((t) => t.id);
    templates.set(w.agency.id, id);
  }
  return id;
}

/** An outgoing document of the world's agency drafted by the specialist, brought to `stage`. */
async function docAt(w: MatrixWorld, stage: Stage, signer: User = w.users.leader) {
  const input = DraftFieldsSchema.parse({
    documentType: stage === 'chain' ? 'KH' : 'QĐ',
    subject: `Về việc kiểm tra phân quyền văn bản đi ${randomUUID().slice(0, 6)}`,
    signerId: String(signer.id),
    signingForm: 'TM',
    placeName: 'Hà Nội',
  });
  const doc = await createDraft(
    input,
    { main: { buffer: await draftPdf(), originalName: 'du-thao.pdf' } },
    actor(w.users.specialist),
  );
  if (stage !== 'draft')
    await submitDraft(
      doc.id,
      stage === 'chain' ? { templateId: await chainTemplate(w) } : {},
      actor(w.users.specialist),
    );
  if (stage === 'signed') {
    await enrolForTest(signer);
    await signOutgoing(doc.id, { pin: TEST_PIN }, actor(signer));
  }
  await doc.reload();
  const file = await DocumentFile.findOne({
    where: { documentKind: 'outgoing', documentId: doc.id, role: 'main' },
  });
  return { doc, fileId: file!.id };
}

const docState = (id: number) => async () => {
  const doc = await OutgoingDocument.findByPk(id);
  return {
    status: doc?.status,
    codeNumber: doc?.codeNumber,
    files: await DocumentFile.count({ where: { documentKind: 'outgoing', documentId: id } }),
    decisions: await ApprovalDecision.count({ where: { decision: ['approve', 'initial'] } }),
  };
};

const onDoc =
  (
    stage: Stage,
    build: (d: { id: number; fileId: number }, w: MatrixWorld) => Prepared = () => ({}),
  ) =>
  async (w: MatrixWorld): Promise<Prepared> => {
    const { doc, fileId } = await docAt(w, stage);
    return { params: { id: doc.id }, state: docState(doc.id), ...build({ id: doc.id, fileId }, w) };
  };

/** The person's provider switched (as the profile page would), to be switched back after. */
const useProvider = (user: User, provider: 'token' | 'server-key') =>
  SignerCredential.update(
    { provider },
    { where: { userId: user.id, kind: 'personal', revokedAt: null } },
  );

/** A server-held test key whose certificate is also registered as the person's token. */
async function tokenForTest(user: User) {
  const credential = await enrolForTest(user);
  await registerTokenCertificate(user.id, credential.certificate!, { userId: user.id, ip: null });
  return credential;
}

/** A second leader whose documents the head of D signs for today (KT.), under a delegation. */
async function delegatedSigning(w: MatrixWorld): Promise<Prepared> {
  const principal = await buildUser(w.agency, ['leader'], { fullName: 'Phó Chủ tịch ủy quyền' });
  const today = todayInVietnam();
  await createDelegation(
    DelegationSchema.parse({
      principalId: principal.id,
      delegateId: w.users.deptHead.id,
      form: 'KT',
      actions: ['outgoing.sign'],
      startsOn: today,
      endsOn: today,
    }),
    actor(principal),
  );
  await enrolForTest(w.users.deptHead);
  const { doc } = await docAt(w, 'submitted', principal);
  return { params: { id: doc.id }, body: { pin: TEST_PIN }, state: docState(doc.id) };
}

export const outgoingApiEntries: MatrixEntry[] = [
  { method: 'GET', path: '/api/v1/outgoing', cases: [{ allowed: DRAFTERS }] },
  {
    method: 'POST',
    path: '/api/v1/outgoing',
    cases: [
      {
        allowed: DRAFTERS,
        prepare: async () => ({
          multipart: {
            fields: { documentType: 'CV', subject: 'Về việc thử tạo dự thảo qua API' },
            files: [{ field: 'main', buffer: await draftPdf(), name: 'du-thao.pdf' }],
          },
          state: () => OutgoingDocument.count(),
        }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/api/v1/outgoing/:id',
    cases: [
      { label: 'a draft', allowed: ['specialist', 'leader'], prepare: onDoc('draft') },
      { label: 'submitted', allowed: VIEWERS, prepare: onDoc('submitted') },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/outgoing/:id/versions',
    cases: [
      {
        label: 'the drafter, on a draft',
        allowed: ['specialist'],
        prepare: async (w) =>
          onDoc('draft', () => ({
            multipart: {
              fields: {},
              files: [{ field: 'main', buffer: Buffer.from(pdfBytes!), name: 'du-thao-2.pdf' }],
            },
          }))(w),
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/outgoing/:id/submit',
    cases: [{ allowed: ['specialist'], prepare: onDoc('draft', () => ({ body: {} })) }],
  },
  {
    method: 'POST',
    path: '/api/v1/outgoing/:id/approval',
    cases: [
      {
        label: 'approve at the step asking the head of D',
        allowed: ['deptHead'],
        prepare: onDoc('chain', () => ({ body: { action: 'approve' } })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/outgoing/:id/approval/steps',
    cases: [
      {
        label: 'the drafter, where the template allows additions',
        allowed: ['specialist'],
        prepare: async (w) => {
          const prepared = await onDoc('chain', () => ({
            body: { reviewers: [w.users.otherSpecialist.id] },
          }))(w);
          const docState = prepared.state!;
          return {
            ...prepared,
            state: async () => ({ doc: await docState(), steps: await ApprovalStep.count() }),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/outgoing/:id/sign',
    cases: [
      {
        label: 'the intended signer, with the PIN',
        allowed: ['leader'],
        prepare: async (w, who) => {
          if (who) await enrolForTest(w.users.leader);
          return onDoc('submitted', () => ({ body: { pin: TEST_PIN } }))(w);
        },
      },
      {
        label: 'a delegate of the intended signer (KT.), with their own PIN',
        allowed: ['deptHead'],
        prepare: delegatedSigning,
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/outgoing/sign-batch',
    cases: [
      {
        label: 'the intended signer, one PIN for their documents',
        allowed: ['leader'],
        prepare: async (w, who) => {
          if (who) await enrolForTest(w.users.leader);
          const { doc } = await docAt(w, 'submitted');
          return { body: { ids: [doc.id], pin: TEST_PIN }, state: docState(doc.id) };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/outgoing/:id/issue',
    cases: [
      {
        allowed: ['clerk'],
        prepare: async (w) => {
          await sealSignerFor(w.agency.id).catch(() => enrolSealForTest(w.agency.id));
          return onDoc('signed', () => ({ body: {} }))(w);
        },
      },
    ],
  },
  {
    method: 'GET',
    path: '/api/v1/outgoing/:id/status',
    cases: [{ allowed: VIEWERS, prepare: onDoc('submitted') }],
  },
  {
    method: 'GET',
    path: '/api/v1/outgoing/:id/files/:fileId',
    cases: [
      {
        allowed: VIEWERS,
        prepare: onDoc('submitted', (d) => ({ params: { id: d.id, fileId: d.fileId } })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/signing-sessions',
    cases: [
      {
        label: 'the signer holding a token',
        allowed: ['leader'],
        prepare: async (w, who) => {
          const leader = w.users.leader;
          const credential = await tokenForTest(leader);
          const { doc } = await docAt(w, 'submitted');
          if (who) await useProvider(leader, 'token');
          return {
            body: {
              documentId: doc.id,
              certificate: credential.certificate!.toString('base64'),
            },
            state: () => SigningSession.count({ where: { documentId: doc.id } }),
            cleanup: async () => {
              await useProvider(leader, 'server-key');
            },
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/signing-sessions/:id/complete',
    cases: [
      {
        label: 'the signer’s own session',
        allowed: ['leader'],
        prepare: async (w) => {
          const leader = w.users.leader;
          const credential = await tokenForTest(leader);
          const { doc } = await docAt(w, 'submitted');
          await useProvider(leader, 'token');
          const challenge = await startTokenSession(
            doc.id,
            { certificate: credential.certificate!.toString('base64') },
            actor(leader),
          ).finally(() => useProvider(leader, 'server-key'));
          const key = keyOfEnrolled(credential);
          const value = privateEncrypt(
            { key, padding: constants.RSA_PKCS1_PADDING },
            sha256DigestInfo(Buffer.from(challenge.digestBase64, 'base64')),
          );
          return {
            params: { id: challenge.sessionId },
            body: { signatureValue: value.toString('base64') },
            state: docState(doc.id),
          };
        },
      },
    ],
  },
];
