/**
 * Deliveries inside the deployment (issue 12 §5): an issued outgoing document built directly
 * (status 'issued', a signed PDF attached as its 'signed' revision) and dispatched; and the
 * policy matrix entries of the receiving clerk's pages (/incoming/arrivals…), the sender's
 * tracking and recall, and their /api/v1 twins. In the matrix world the sender is the main
 * agency and the recipient is the other one: foreignClerk is the receiving clerk.
 */
import { randomUUID } from 'node:crypto';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import { db } from '../../src/db/index.js';
import { withTransaction } from '../../src/db/transaction.js';
import { attachFiles } from '../../src/documents/document-files.js';
import { storeUpload } from '../../src/files/file-storage.service.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { deliveredFiles } from '../../src/outgoing/outgoing.deliveries.js';
import { dispatchIssued } from '../../src/outgoing/outgoing.dispatch.js';
import {
  OutgoingDocument,
  OutgoingRecipient,
  OutgoingStatusEvent,
} from '../../src/outgoing/outgoing.model.js';
import type { User } from '../../src/users/user.model.js';
import { makePdf } from '../fixtures/pdf.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';

let counter = 0;

export interface IssuedOptions {
  sender: Agency;
  /** The clerk who issues (and dispatches) it. */
  clerk: User;
  createdBy: User;
  signer?: User | null;
  departmentId?: number | null;
  recipients: { agency?: Agency; department?: Department; name?: string; code?: string }[];
  /** The signed PDF delivered (a plain one when left out). */
  pdf?: Buffer;
  subject?: string;
  urgency?: number;
  /** Hỏa tốc hẹn giờ (with urgency 3): the time it must arrive by. */
  urgentDeliverBy?: Date | null;
  confidentiality?: number;
  relatedId?: number | null;
  relation?: 'replacement' | 'correction' | null;
  /** Dispatch it as issuance would (default true). */
  dispatch?: boolean;
}

/** An issued outgoing document with its sealed file, dispatched unless told otherwise. */
export async function issuedDocument(options: IssuedOptions) {
  const number = 1000 + ++counter;
  const stored = await storeUpload(options.pdf ?? (await makePdf()), 'du-thao.pdf');
  const signed = await storeUpload(options.pdf ?? (await makePdf(1, `Ban ky ${number}`)), 'so.pdf');
  return withTransaction(db(), undefined, async (transaction) => {
    const document = await OutgoingDocument.create(
      {
        agencyId: options.sender.id,
        departmentId: options.departmentId ?? null,
        documentType: 'CV',
        subject: options.subject ?? `Về việc thử gửi nhận ${randomUUID().slice(0, 6)}`,
        summary: null,
        urgency: options.urgency ?? 0,
        urgentDeliverBy: options.urgentDeliverBy ?? null,
        confidentiality: options.confidentiality ?? 0,
        normative: false,
        signerId: options.signer?.id ?? null,
        signingForm: 'KT',
        signerTitle: 'Phó Chủ tịch',
        recipientsNote: null,
        placeName: 'Hà Nội',
        status: 'issued',
        codeNumber: number,
        codeNotation: `${number}/UBND-VP`,
        promulgationDate: new Date().toISOString().slice(0, 10),
        issuedAt: new Date(),
        issuedById: options.clerk.id,
        relatedId: options.relatedId ?? null,
        relation: options.relation ?? null,
        createdById: options.createdBy.id,
      },
      { transaction },
    );
    const ref = { kind: 'outgoing' as const, id: document.id };
    const [main] = await attachFiles(
      ref,
      [{ fileId: stored.storedFile.id, originalName: 'du-thao.pdf', role: 'main' }],
      transaction,
    );
    await attachFiles(
      ref,
      [
        {
          fileId: signed.storedFile.id,
          originalName: `${number}-UBND-VP.signed.pdf`,
          role: 'signed',
          signedFromId: main.id,
        },
      ],
      transaction,
    );
    const recipients = await OutgoingRecipient.bulkCreate(
      options.recipients.map((r, position) => ({
        outgoingId: document.id,
        position,
        recipientAgencyId: r.agency?.id ?? null,
        departmentId: r.department?.id ?? null,
        name: r.agency?.name ?? r.department?.name ?? r.name ?? 'Cơ quan ngoài hệ thống',
        code: r.agency?.code ?? r.code ?? null,
      })),
      { transaction },
    );
    if (options.dispatch !== false)
      await dispatchIssued(document, { user: options.clerk, ip: null }, transaction);
    return { document, recipients, signedFileId: signed.storedFile.id };
  });
}

/** The matrix's delivery: from the main agency (drafted in D) to the other agency. */
async function delivery(w: MatrixWorld) {
  const { document, recipients } = await issuedDocument({
    sender: w.agency,
    clerk: w.users.clerk,
    createdBy: w.users.specialist,
    signer: w.users.leader,
    departmentId: w.deptD.id,
    recipients: [{ agency: w.foreignAgency }],
  });
  return { document, recipient: recipients[0] };
}

const deliveryState = (recipientId: number) => async () => {
  const r = await OutgoingRecipient.findByPk(recipientId);
  return [
    r?.status,
    r?.recallStatus,
    r?.incomingId,
    await OutgoingStatusEvent.count({ where: { recipientId } }),
    await IncomingDocument.count(),
  ];
};

const onDelivery =
  (build: (d: Awaited<ReturnType<typeof delivery>>) => Omit<Prepared, 'state'>) =>
  async (w: MatrixWorld): Promise<Prepared> => {
    const d = await delivery(w);
    return { ...build(d), state: deliveryState(d.recipient.id) };
  };

/** A delivery whose sender asked for it back. */
const onRecalled = async (w: MatrixWorld): Promise<Prepared> => {
  const d = await delivery(w);
  await d.recipient.update({ recallStatus: '13', recallNote: 'Sai thể thức' });
  await d.document.update({ status: 'recalled' });
  return { params: { id: d.recipient.id }, state: deliveryState(d.recipient.id) };
};

const RECEIVER: ActorName[] = ['foreignClerk'];
/** Who may see the sender's document: its drafter (D), D's head, the clerk and the leader. */
const SENDER_VIEWERS: ActorName[] = ['clerk', 'leader', 'deptHead', 'specialist'];

export const deliveryEntries: MatrixEntry[] = [
  { method: 'GET', path: '/incoming/arrivals', cases: [{ allowed: ['clerk', 'foreignClerk'] }] },
  {
    method: 'GET',
    path: '/incoming/arrivals/:id',
    cases: [
      { allowed: RECEIVER, prepare: onDelivery((d) => ({ params: { id: d.recipient.id } })) },
    ],
  },
  {
    method: 'GET',
    path: '/incoming/arrivals/:id/files/:fileId',
    cases: [
      {
        allowed: RECEIVER,
        prepare: async (w) => {
          const d = await delivery(w);
          const [file] = await deliveredFiles(d.document.id);
          return { params: { id: d.recipient.id, fileId: file.id } };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/arrivals/:id/register',
    cases: [
      { allowed: RECEIVER, prepare: onDelivery((d) => ({ params: { id: d.recipient.id } })) },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/arrivals/:id/refuse',
    cases: [
      {
        allowed: RECEIVER,
        prepare: onDelivery((d) => ({
          params: { id: d.recipient.id },
          body: { reason: 'Gửi nhầm cơ quan' },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/arrivals/:id/recall',
    cases: [
      {
        allowed: RECEIVER,
        prepare: async (w) => ({ ...(await onRecalled(w)), body: { accept: '1' } }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/outgoing/:id/deliveries',
    cases: [
      {
        allowed: SENDER_VIEWERS,
        prepare: onDelivery((d) => ({ params: { id: d.document.id } })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/outgoing/:id/recall',
    cases: [
      {
        allowed: ['clerk'],
        prepare: async (w) => {
          const d = await delivery(w);
          return {
            params: { id: d.document.id },
            body: { reason: 'Văn bản ban hành sai thẩm quyền' },
            state: async () => [
              (await OutgoingDocument.findByPk(d.document.id))?.status,
              ...(await deliveryState(d.recipient.id)()),
            ],
          };
        },
      },
    ],
  },
  { method: 'GET', path: '/api/v1/deliveries', cases: [{ allowed: ['clerk', 'foreignClerk'] }] },
  {
    method: 'GET',
    path: '/api/v1/deliveries/:id',
    cases: [
      { allowed: RECEIVER, prepare: onDelivery((d) => ({ params: { id: d.recipient.id } })) },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/deliveries/:id/register',
    cases: [
      { allowed: RECEIVER, prepare: onDelivery((d) => ({ params: { id: d.recipient.id } })) },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/deliveries/:id/refuse',
    cases: [
      {
        allowed: RECEIVER,
        prepare: onDelivery((d) => ({
          params: { id: d.recipient.id },
          body: { reason: 'Không thuộc thẩm quyền' },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/deliveries/:id/recall-answer',
    cases: [
      {
        allowed: RECEIVER,
        prepare: async (w) => ({
          ...(await onRecalled(w)),
          body: { accept: false, reason: 'Đã triển khai thực hiện' },
        }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/api/v1/outgoing/:id/deliveries',
    cases: [
      {
        allowed: SENDER_VIEWERS,
        prepare: onDelivery((d) => ({ params: { id: d.document.id } })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/outgoing/:id/recall',
    cases: [
      {
        allowed: ['clerk'],
        prepare: async (w) => {
          const d = await delivery(w);
          return {
            params: { id: d.document.id },
            body: { reason: 'Ban hành nhầm' },
            state: async () => [
              (await OutgoingDocument.findByPk(d.document.id))?.status,
              ...(await deliveryState(d.recipient.id)()),
            ],
          };
        },
      },
    ],
  },
];
