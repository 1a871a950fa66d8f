/**
 * Incoming documents at each workflow step for the policy matrix, built through the services
 * (no HTTP): registered by the clerk, presented to the leader, directed to department D (with
 * optional info-only receivers), handed by D's head to the specialist, completed.
 */
import { PDFDocument } from 'pdf-lib';
import {
  DocumentComment,
  DocumentEvent,
  DocumentGrant,
} from '../../src/documents/document.model.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { DirectSchema, RegisterIncomingSchema } from '../../src/incoming/incoming.schemas.js';
import {
  assignIncoming,
  completeAssignment,
  directIncoming,
  presentToLeader,
  registerIncoming,
} from '../../src/incoming/incoming.service.js';
import type { User } from '../../src/users/user.model.js';
import type { MatrixWorld } from './matrix-actors.js';

export type Stage = 'registered' | 'presented' | 'directed' | 'in_progress' | 'completed';
const ORDER: Stage[] = ['registered', 'presented', 'directed', 'in_progress', 'completed'];

export interface DocFixture {
  doc: IncomingDocument;
  fileId: number;
  /** The department's (lead) assignment, from 'directed' on. */
  leadId?: number;
  /** The specialist's hand-over under the lead, from 'in_progress' on. */
  childId?: number;
  /** Info-only assignments, in the order of the `info` option. */
  infoIds: number[];
}

export interface DocOptions {
  confidentiality?: number;
  subject?: string;
  /** Info-only (để biết) receivers of the direction, as users. */
  info?: User[];
}

let pdf: Promise<Buffer> | null = null;

/** A one-page PDF made with pdf-lib (made once, reused). */
export function samplePdf(): Promise<Buffer> {
  pdf ??= (async () => {
    const doc = await PDFDocument.create();
    doc.addPage().drawText('Van ban den - ma tran phan quyen');
    return Buffer.from(await doc.save());
  })();
  return pdf;
}

const actor = (user: User) => ({ user, ip: null });

/** A document of the world's agency brought to the given step. */
export async function docAt(
  world: MatrixWorld,
  stage: Stage,
  options: DocOptions = {},
): Promise<DocFixture> {
  const { users, deptD } = world;
  const reach = (s: Stage) => ORDER.indexOf(stage) >= ORDER.indexOf(s);
  const input = RegisterIncomingSchema.parse({
    fromOrganName: 'Sở Nội vụ tỉnh Thử nghiệm',
    documentType: 'CV',
    subject: options.subject ?? 'Về việc rà soát phân quyền xử lý văn bản đến',
    urgency: '0',
    confidentiality: String(options.confidentiality ?? 0),
  });
  const doc = await registerIncoming(
    input,
    [{ buffer: await samplePdf(), originalName: 'cong-van.pdf' }],
    actor(users.clerk),
  );
  const file = await DocumentFile.findOne({
    where: { documentKind: 'incoming', documentId: doc.id },
  });
  const fixture: DocFixture = { doc, fileId: file!.id, infoIds: [] };
  if (reach('presented'))
    await presentToLeader(doc.id, { leaderId: users.leader.id }, actor(users.clerk));
  if (reach('directed')) {
    const direction = DirectSchema.parse({
      note: 'Giao phòng D chủ trì',
      lead: { departmentId: deptD.id },
      info: (options.info ?? []).map((u) => ({ userId: u.id })),
    });
    const created = await directIncoming(doc.id, direction, actor(users.leader));
    fixture.leadId = created.find((a) => a.role === 'lead')!.id;
    fixture.infoIds = created.filter((a) => a.role === 'info').map((a) => a.id);
  }
  if (reach('in_progress')) {
    const child = await assignIncoming(
      doc.id,
      { userId: users.specialist.id },
      actor(users.deptHead),
    );
    fixture.childId = child.id;
  }
  if (reach('completed')) {
    await completeAssignment(
      doc.id,
      { assignmentId: fixture.childId!, resultNote: 'Đã xử lý xong' },
      actor(users.specialist),
    );
  }
  await doc.reload();
  if (doc.status !== stage) throw new Error(`Fixture reached ${doc.status}, wanted ${stage}`);
  return fixture;
}

/** Everything a workflow step could change about one document. */
export async function docState(documentId: number): Promise<unknown> {
  const [doc, assignments, events, comments, grants, files] = await Promise.all([
    IncomingDocument.findByPk(documentId, { raw: true }),
    IncomingAssignment.findAll({ where: { documentId }, order: [['id', 'ASC']], raw: true }),
    DocumentEvent.count({ where: { documentKind: 'incoming', documentId } }),
    DocumentComment.count({ where: { documentKind: 'incoming', documentId } }),
    DocumentGrant.count({ where: { documentKind: 'incoming', documentId } }),
    DocumentFile.count({ where: { documentKind: 'incoming', documentId } }),
  ]);
  return JSON.parse(JSON.stringify({ doc, assignments, events, comments, grants, files }));
}
