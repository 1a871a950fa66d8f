import { deliveryOrigin } from '../outgoing/outgoing.deliveries.js';
import { storedSignatureCheck, type SignatureCheck } from '../files/signature-check.js';
import { formatDateTime } from '../http/view-helpers.js';
import type { Request } from 'express';
import { todayInVietnam } from '../calendar/working-days.js';
import { can } from '../policy/index.js';
import { staffPicker, type PickablePerson } from '../users/directory.service.js';
import { COPY_FORMS } from '../documents/copy-forms.js';
import {
  RECEIVED_DOCUMENT_TYPES,
  documentTypeLabel,
  documentTypeName,
} from '../documents/document-types.js';
import { readResponseFor } from './response-for.js';
import { answersOfRows } from '../outgoing/outgoing.answers.js';
import { registerDisplayName } from '../registers/register.service.js';
import type { AccessHistory } from './incoming.access-history.js';
import type { IncomingDetail } from './incoming.detail.js';
import type { IncomingAssignment } from './incoming.model.js';
import { directAccessFor, openWorkOf } from './incoming.workflow.js';
import { documentTextsModel } from './incoming.search-pages.js';

const LEVELS = [0, 1, 2, 3];

/**
 * The select options of the registration form, in the request's language: every type of
 * Appendix III and of the Law on promulgation of legal documents under its name and
 * abbreviation (Công văn under its name only), the urgencies with "Hỏa tốc hẹn giờ" (4, with its
 * time field), the copy forms.
 */
/** The register the document is numbered in, named in the reader's language. */
function registerNameOf(req: Request, access: IncomingDetail['access']): string | null {
  const { registerName, registerSeries, registerYear } = access;
  if (registerName == null || registerYear == null) return registerName ?? null;
  const register = {
    kind: 'incoming',
    series: registerSeries,
    year: registerYear,
    name: registerName,
  };
  return registerDisplayName(register, req.t as never);
}

export function formOptions(req: Request) {
  return {
    documentTypes: RECEIVED_DOCUMENT_TYPES.map((d) => ({
      code: d.code,
      name: req.lng === 'en' ? d.en : d.vi,
      label: documentTypeLabel(d.code, req.lng),
    })),
    urgencies: [...LEVELS, 4].map((v) => ({
      value: v,
      label: v === 4 ? req.t('incoming:urgency.timed') : req.t(`urgency.${v}`),
    })),
    copyForms: COPY_FORMS.map((v) => ({ value: v, label: req.t(`incoming:copyForm.${v}`) })),
    confidentialities: LEVELS.map((v) => ({ value: v, label: req.t(`confidentiality.${v}`) })),
    today: todayInVietnam(),
  };
}

/** Plain values for re-rendering a form (files are never echoed back). */
export function formValues(body: unknown): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((body as Record<string, unknown>) ?? {})) {
    if (key === '_csrf') continue;
    if (typeof value === 'string') values[key] = value.slice(0, 5000);
    // The choices of a multiple select (the direction's units and people).
    else if (Array.isArray(value))
      values[key] = value
        .filter((v): v is string => typeof v === 'string')
        .slice(0, 500)
        .map((v) => v.slice(0, 100));
  }
  return values;
}

function assignmentView(
  req: Request,
  a: IncomingAssignment,
  detail: IncomingDetail,
  today: string,
) {
  const user = req.user!;
  const resource = {
    ...detail.access,
    assignment: detail.access.assignments.find((x) => x.id === a.id)!,
  };
  const open = a.status === 'pending' || a.status === 'in_progress';
  return {
    ...a.get({ plain: true }),
    assigneeName: a.assigneeUser?.fullName ?? a.assigneeDepartment?.name ?? '',
    isDepartment: a.assigneeDepartmentId != null,
    assignedByName: a.assignedBy?.fullName ?? '',
    roleLabel: req.t(`incoming:role.${a.role}`),
    // Để biết: an info-only receiver has nothing to progress, only read or not yet.
    isInfo: a.role === 'info',
    statusLabel:
      a.role === 'info' && (a.status === 'pending' || a.status === 'completed')
        ? req.t(`incoming:assignmentStatus.${a.status === 'completed' ? 'read' : 'unread'}`)
        : req.t(`incoming:assignmentStatus.${a.status}`),
    isOverdue: open && a.role !== 'info' && a.deadline !== null && a.deadline < today,
    canAssign: can(user, 'incoming.assign', resource),
    canReport: can(user, 'incoming.report', resource),
    canComplete: can(user, 'incoming.complete', resource),
    canAcknowledge: can(user, 'incoming.acknowledge', resource),
    canRemind: can(user, 'incoming.remind', resource),
  };
}

/** The deepest hand-over drawn further in (app.css has a td.depth-N rule for each level). */
export const DEEPEST_DRAWN_LEVEL = 10;

/**
 * The assignments as a tree: each hand-over drawn right under the assignment it was made from
 * (a unit's hand-over to its people under the unit), in the order they were made.
 */
function inTreeOrder(
  assignments: IncomingAssignment[],
): { assignment: IncomingAssignment; depth: number }[] {
  const ids = new Set(assignments.map((a) => a.id));
  const childrenOf = (parentId: number | null) =>
    assignments
      .filter((a) =>
        parentId === null ? a.parentId === null || !ids.has(a.parentId) : a.parentId === parentId,
      )
      .sort((a, b) => a.id - b.id);
  const out: { assignment: IncomingAssignment; depth: number }[] = [];
  const walk = (parentId: number | null, depth: number) => {
    for (const a of childrenOf(parentId)) {
      out.push({ assignment: a, depth });
      if (depth < DEEPEST_DRAWN_LEVEL) walk(a.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** What the files panel says of a file's digital signatures, as checked when it arrived. */
export function signatureView(req: Request, check: SignatureCheck | null) {
  if (!check) return null;
  return {
    status: check.status,
    label: req.t(`incoming:signature.${check.status}`),
    javaScript: check.javaScript === true,
    signers: check.signatures.map((s) => ({
      text: req.t('incoming:signature.signedBy', {
        name: s.signer || '?',
        issuer: s.issuer || '?',
        time: s.signedAt ? formatDateTime(new Date(s.signedAt)) : '—',
      }),
      valid: s.valid,
    })),
  };
}

/** The people and departments the action forms of the detail page offer. */
/**
 * The pickers' choices: everyone of the agency for the present, direct and grant forms; only the
 * viewer's department for one who can merely hand work over (a head's page: a few people read
 * instead of the whole agency).
 */
async function actionChoices(
  req: Request,
  detail: IncomingDetail,
  needed: { people: 'agency' | 'department' | null },
) {
  const user = req.user!;
  if (!needed.people || (needed.people === 'department' && user.departmentId == null))
    return { leaders: [], people: [], departments: [] };
  const { people: staff, departments } = await staffPicker(
    user.agencyId,
    needed.people === 'department' ? { departmentId: user.departmentId! } : {},
  );
  // People are shown with their titles (chức vụ) and unit: "Phạm Văn A — Chuyên viên (TCKH)".
  const label = (p: PickablePerson) =>
    `${p.fullName}${p.positionTitle ? ` — ${p.positionTitle}` : ''}${p.unit ? ` (${p.unit})` : ''}`;
  return {
    leaders: staff
      .filter((p) => p.roles.includes('leader'))
      .map((p) => ({
        id: p.id,
        label: label(p),
        selected: p.id === detail.access.document.presentedToId,
      })),
    // Never oneself: a leader does not direct the work to themself, nor grant themself access.
    people: staff
      .filter((p) => p.id !== user.id)
      .map((p) => ({
        id: p.id,
        label: label(p),
        name: p.fullName,
        title: [p.positionTitle, p.unit].filter(Boolean).join(' · '),
        departmentId: p.departmentId,
      })),
    departments: departments.map((d) => ({
      id: d.id,
      name: d.name,
      label: `${d.name} (${d.abbreviation})`,
    })),
  };
}

/** Whether the document was registered from a delivery inside the deployment (its trail says so). */
function cameByDelivery(detail: IncomingDetail): boolean {
  return detail.events.some((event) => {
    if (event.action !== 'register' || !event.data) return false;
    try {
      return Boolean((JSON.parse(event.data) as { delivery?: unknown }).delivery);
    } catch {
      return false;
    }
  });
}

/**
 * The whole document page: what GET /incoming/:id renders, and what a refused form on it renders
 * again (with its errors): the same panels either way, so a refusal loses none of the choices
 * the person had made (the records file chosen to file into, the texts read from the files).
 */
export async function detailPageModel(req: Request, detail: IncomingDetail) {
  const model = await detailModel(req, detail);
  return {
    title: `${req.t('incoming:detail.title')} ${model.doc.arrivalNumber}`,
    ...model,
    documentTexts: detail.texts ? documentTextsModel(req, detail.texts) : null,
    recordsFiles: detail.recordsFiles,
    answers: (await answersOfRows(req.user!, detail.answerRows)).map((a) => ({
      ...a,
      statusLabel: req.t(`outgoing:status.${a.status}`),
    })),
  };
}

/** Everything the detail page renders: metadata, files, trail, assignments and allowed actions. */
export async function detailModel(req: Request, detail: IncomingDetail) {
  const user = req.user!;
  const doc = detail.access.document;
  const today = todayInVietnam();
  // Read together: none of these depends on another. Only a document registered from a
  // delivery (its 'register' event says so) has an origin to look up in the outgoing domain.
  const [directAccess, origin] = await Promise.all([
    directAccessFor(user, detail.access),
    cameByDelivery(detail) ? deliveryOrigin(doc.id) : null,
  ]);
  const allowed = {
    edit: can(user, 'incoming.edit', detail.access),
    present: can(user, 'incoming.present', detail.access),
    direct: can(user, 'incoming.direct', directAccess),
    file: can(user, 'incoming.file', detail.access),
    sendBack: can(user, 'incoming.sendBack', detail.access),
    return: can(user, 'incoming.return', detail.access),
    comment: can(user, 'incoming.comment', detail.access),
    grant: can(user, 'incoming.grant', detail.access),
    recheck: can(user, 'incoming.recheck', detail.access),
    accessHistory: can(user, 'incoming.accessHistory', detail.access),
    answer: can(user, 'incoming.answer', detail.access),
  };
  const assignments = inTreeOrder(detail.assignments).map(({ assignment, depth }) => ({
    ...assignmentView(req, assignment, detail, today),
    depth,
  }));
  const choices = await actionChoices(req, detail, {
    people:
      allowed.present || allowed.direct || allowed.grant
        ? 'agency'
        : assignments.some((a) => a.canAssign)
          ? 'department'
          : null,
  });
  const myDepartmentPeople = choices.people.filter(
    (p) => p.departmentId != null && p.departmentId === user.departmentId && p.id !== user.id,
  );
  return {
    doc: {
      ...doc.get({ plain: true }),
      documentTypeName: documentTypeName(doc.documentType, req.lng),
      statusLabel: req.t(`incoming:status.${doc.status}`),
      isSecret: doc.confidentiality > 0,
      copyFormLabel: doc.copyForm ? req.t(`incoming:copyForm.${doc.copyForm}`) : null,
      responseForList: readResponseFor(doc.responseFor),
      registerName: registerNameOf(req, detail.access),
    },
    files: detail.files.map((f) => ({
      id: f.id,
      name: f.originalName,
      size: f.file?.size,
      pageCount: f.file?.pageCount,
      signature: signatureView(req, storedSignatureCheck(f)),
    })),
    firstFileUrl: detail.files[0] ? `/incoming/${doc.id}/files/${detail.files[0].id}` : null,
    assignments,
    assignable: assignments.filter((a) => a.canAssign),
    reportable: assignments.filter((a) => a.canReport),
    acknowledgeable: assignments.filter((a) => a.canAcknowledge),
    remindable: assignments.filter((a) => a.canRemind),
    events: detail.events.map((e) => ({
      ...e.get({ plain: true }),
      actorName: e.actor?.fullName ?? '',
      label: req.t(`incoming:event.${e.action}`, { defaultValue: e.action }),
    })),
    comments: detail.comments.map((c) => ({
      ...c.get({ plain: true }),
      authorName: c.author?.fullName ?? '',
    })),
    presentedToName: detail.presentedTo?.fullName ?? null,
    createdByName: detail.createdBy?.fullName ?? null,
    allowed,
    // No leader yet: the present form explains why, with the way to add one for an administrator.
    canAddLeader: allowed.present && can(user, 'admin.manage'),
    // Lưu hồ sơ while units still hold open work: the form names them and asks to confirm.
    openWork: allowed.file
      ? openWorkOf(detail.access.assignments).map(
          (a) => a.assigneeUser?.fullName ?? a.assigneeDepartment?.name ?? '',
        )
      : [],
    ...choices,
    myDepartmentPeople,
    // Received from another agency of this deployment (and what it replaces or corrects).
    origin: origin && {
      sender: origin.sender,
      notation: origin.notation,
      relationText: origin.relation
        ? req.t(`deliveries:relation.${origin.relation.relation}`, {
            notation: origin.relation.notation,
          })
        : null,
      originalIncomingId: origin.relation?.incomingId ?? null,
    },
    today,
  };
}

/** The access history page: who opened the document and its files, and who has not yet. */
export function accessHistoryModel(req: Request, history: AccessHistory) {
  const doc = history.access.document;
  return {
    title: `${req.t('incoming:access.title')} · ${req.t('incoming:detail.title')} ${doc.arrivalNumber}`,
    doc: { id: doc.id, arrivalNumber: doc.arrivalNumber, subject: doc.subject },
    people: history.people.map((p) => ({
      id: p.person.id,
      name: p.person.fullName,
      positionTitle: p.person.positionTitle,
      parts: p.parts.map((part) => req.t(`incoming:access.part.${part}`)).join(', '),
      views: p.views,
      downloads: p.downloads,
      firstAccess: p.firstAccess,
      lastAccess: p.lastAccess,
      notOpened: p.views === 0 && p.downloads === 0,
    })),
  };
}
