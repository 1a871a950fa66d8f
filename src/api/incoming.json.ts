import { storedSignatureCheck } from '../files/signature-check.js';
import type { IncomingDetail } from '../incoming/incoming.detail.js';
import type { IncomingDocument } from '../incoming/incoming.model.js';
import type { IncomingListDocument, IncomingListRow } from '../incoming/incoming.queries.js';
import { readResponseFor } from '../incoming/response-for.js';

/** The public JSON shape of an incoming document (edXML field names). */
export function incomingJson(
  doc: IncomingListDocument | IncomingDocument,
  extra: { deadline?: string | null; isOverdue?: boolean } = {},
) {
  return {
    id: doc.id,
    arrivalNumber: doc.arrivalNumber,
    arrivalDate: doc.arrivalDate,
    fromOrganName: doc.fromOrganName,
    fromOrganId: doc.fromOrganId,
    codeNumber: doc.codeNumber,
    codeNotation: doc.codeNotation,
    promulgationDate: doc.promulgationDate,
    documentType: doc.documentType,
    subject: doc.subject,
    signerName: doc.signerName,
    signerCompetence: doc.signerCompetence,
    signerPosition: doc.signerPosition,
    promulgationPlace: doc.promulgationPlace,
    copyForm: doc.copyForm,
    urgency: doc.urgency,
    urgentDeliverBy: doc.urgentDeliverBy,
    confidentiality: doc.confidentiality,
    pageAmount: doc.pageAmount,
    dueDate: doc.dueDate,
    edxmlDocumentId: doc.edxmlDocumentId,
    responseFor: readResponseFor(doc.responseFor),
    status: doc.status,
    directionNote: doc.directionNote,
    resultNote: doc.resultNote,
    returnReason: doc.returnReason,
    completedAt: doc.completedAt,
    filedAt: doc.filedAt,
    ...extra,
  };
}

export function incomingRowJson(row: IncomingListRow) {
  return incomingJson(row.document, { deadline: row.deadline, isOverdue: row.isOverdue });
}

export function incomingDetailJson(detail: IncomingDetail) {
  const person = (u?: { id: number; fullName: string } | null) =>
    u ? { id: u.id, fullName: u.fullName } : null;
  return {
    ...incomingJson(detail.access.document),
    presentedTo: person(detail.presentedTo),
    createdBy: person(detail.createdBy),
    files: detail.files.map((f) => ({
      id: f.id,
      name: f.originalName,
      size: Number(f.file?.size ?? 0),
      sha256: f.file?.sha256,
      pageCount: f.file?.pageCount ?? null,
      signatureCheck: storedSignatureCheck(f),
      href: `/incoming/${detail.access.document.id}/files/${f.id}`,
    })),
    assignments: detail.assignments.map((a) => ({
      id: a.id,
      parentId: a.parentId,
      role: a.role,
      status: a.status,
      deadline: a.deadline,
      progressPercent: a.progressPercent,
      note: a.note,
      resultNote: a.resultNote,
      completedAt: a.completedAt,
      assigneeUser: person(a.assigneeUser),
      assigneeDepartment: a.assigneeDepartment
        ? {
            id: a.assigneeDepartment.id,
            name: a.assigneeDepartment.name,
            abbreviation: a.assigneeDepartment.abbreviation,
          }
        : null,
    })),
    trail: detail.events.map((e) => ({
      action: e.action,
      note: e.note,
      actor: person(e.actor),
      at: e.createdAt,
    })),
  };
}
