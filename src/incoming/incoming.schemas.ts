import { z } from 'zod';
import { COPY_FORMS } from '../documents/copy-forms.js';
import { RECEIVED_DOCUMENT_TYPE_CODES } from '../documents/document-types.js';
import { urgencyLevel } from '../documents/urgency.js';
import {
  blankToUndefined,
  checkbox,
  id,
  integer,
  isoDate,
  level,
  optionalId,
  optionalText,
  requiredText,
  toInteger,
  vietnamDateTime,
} from '../http/form-fields.js';
import { INCOMING_STATUSES } from './incoming.model.js';
import { responseForField } from './response-for.js';

export { TIMED_EXPRESS } from '../documents/urgency.js';

/** The fields of an incoming document (Appendix VI of Decree 30/2020) entered by the clerk. */
export const IncomingFieldsSchema = z.object({
  arrivalDate: isoDate.describe('Ngày đến; today when left out'),
  fromOrganName: requiredText(255).describe('Cơ quan ban hành (nơi gửi)'),
  fromOrganId: z.preprocess(
    (v) =>
      typeof blankToUndefined(v) === 'string'
        ? String(blankToUndefined(v)).toUpperCase()
        : undefined,
    z
      .string()
      .regex(/^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$/, 'errors:ORGAN_ID_FORMAT')
      .optional(),
  ),
  codeNumber: optionalText(20).describe('Số (of the sender)'),
  codeNotation: optionalText(100).describe('Ký hiệu, e.g. QĐ-UBND'),
  promulgationDate: isoDate.describe('Ngày ban hành'),
  documentType: z
    .preprocess(
      blankToUndefined,
      z.enum(RECEIVED_DOCUMENT_TYPE_CODES, 'errors:DOCUMENT_TYPE_INVALID'),
    )
    .describe(
      'Appendix III abbreviation (CV for công văn, which has none) or a legal normative type: ' +
        'HIENPHAP, BOLUAT, LUAT, PHAPLENH, L (Lệnh), NĐ, TT, TTLT, NQLT',
    ),
  copyForm: z
    .preprocess(blankToUndefined, z.enum(COPY_FORMS, 'errors:COPY_FORM_INVALID').optional())
    .describe(
      'Hình thức bản: original (bản chính, default), SY (sao y), TrS (trích sao), SL (sao lục)',
    ),
  subject: requiredText(4000).describe('Trích yếu'),
  signerName: optionalText(255).describe('Người ký'),
  signerCompetence: optionalText(255).describe('Thẩm quyền ký (edXML SignerInfo/Competence)'),
  signerPosition: optionalText(255).describe('Chức vụ người ký (edXML SignerInfo/Position)'),
  promulgationPlace: optionalText(255).describe('Nơi ban hành (edXML PromulgationInfo/Place)'),
  urgency: urgencyLevel.describe(
    'Độ khẩn: 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ (needs urgentDeliverBy)',
  ),
  urgentDeliverBy: vietnamDateTime.describe(
    'Hỏa tốc hẹn giờ: the time, dd/mm/yyyy hh:mm or yyyy-mm-ddThh:mm (Vietnam time)',
  ),
  confidentiality: level.describe('Độ mật: 0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật'),
  pageAmount: z.preprocess(
    blankToUndefined,
    integer(z.number().int().min(1).max(100_000).optional()),
  ),
  dueDate: isoDate.describe('Hạn trả lời of the document'),
});
export type IncomingFieldsInput = z.infer<typeof IncomingFieldsSchema>;

export const RegisterIncomingSchema = IncomingFieldsSchema.extend({
  /** Register even though a document with the same number, notation and sender exists. */
  confirmDuplicate: checkbox,
  /** The edXML DocumentId of a document received as an edXML package. */
  edxmlDocumentId: optionalText(255).describe('edXML DocumentId of a received package'),
  /** edXML ResponseFor: the documents this one answers (a JSON array on forms). */
  responseFor: responseForField.describe(
    'edXML ResponseFor: [{ organId, code, promulgationDate (YYYY-MM-DD), documentId }], at most 20',
  ),
});
export type RegisterIncomingInput = z.infer<typeof RegisterIncomingSchema>;

export const PresentSchema = z.object({
  leaderId: z.preprocess(blankToUndefined, id),
  note: optionalText(2000),
});
export type PresentInput = z.infer<typeof PresentSchema>;

/** One unit or person named in a direction, with an optional deadline (YYYY-MM-DD). */
export const TargetSchema = z
  .object({
    departmentId: z.preprocess(blankToUndefined, id.optional()),
    userId: z.preprocess(blankToUndefined, id.optional()),
    deadline: isoDate,
  })
  .refine(
    (t) => (t.departmentId === undefined) !== (t.userId === undefined),
    'errors:INCOMING_TARGET_INVALID',
  );
export type DirectionTarget = z.infer<typeof TargetSchema>;

/** The leader's direction (ý kiến chỉ đạo): lead (chủ trì), support (phối hợp), info (để biết). */
export const DirectSchema = z.object({
  note: optionalText(4000),
  lead: TargetSchema,
  support: z.array(TargetSchema).max(50).default([]),
  info: z.array(TargetSchema).max(100).default([]),
});
export type DirectInput = z.infer<typeof DirectSchema>;

const targetRef = z.string().regex(/^[du]:\d{1,10}$/, 'errors:INCOMING_TARGET_INVALID');
const targetList = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]),
  z.array(targetRef).max(100),
);
const toTarget = (ref: string, deadline?: string): DirectionTarget => {
  const [kind, raw] = ref.split(':');
  return kind === 'd' ? { departmentId: Number(raw), deadline } : { userId: Number(raw), deadline };
};

/** The direction form: targets as "d:<departmentId>" or "u:<userId>", one deadline per role. */
export const DirectFormSchema = z
  .object({
    note: optionalText(4000),
    // A pick-list: "choose", not "enter", when nothing is chosen.
    lead: z.preprocess(
      blankToUndefined,
      z
        .string('errors:INCOMING_LEAD_REQUIRED')
        .regex(/^[du]:\d{1,10}$/, 'errors:INCOMING_TARGET_INVALID'),
    ),
    leadDeadline: isoDate,
    support: targetList,
    supportDeadline: isoDate,
    info: targetList,
  })
  .transform((f): DirectInput => ({
    note: f.note,
    lead: toTarget(f.lead, f.leadDeadline),
    support: f.support.map((r) => toTarget(r, f.supportDeadline)),
    info: f.info.map((r) => toTarget(r)),
  }));

/** A department head hands an assignment on to a person of the department. */
export const AssignSchema = z.object({
  assignmentId: z.preprocess(blankToUndefined, id.optional()),
  userId: z.preprocess(blankToUndefined, id),
  role: z.preprocess(blankToUndefined, z.enum(['lead', 'support']).optional()),
  deadline: isoDate,
  note: optionalText(4000),
});
export type AssignInput = z.infer<typeof AssignSchema>;

export const ReportSchema = z.object({
  assignmentId: z.preprocess(blankToUndefined, id),
  percent: z.preprocess(blankToUndefined, integer(z.number().int().min(0).max(100))),
  note: optionalText(4000),
});
export type ReportInput = z.infer<typeof ReportSchema>;

export const CompleteSchema = z.object({
  assignmentId: z.preprocess(blankToUndefined, id),
  resultNote: requiredText(4000),
});
export type CompleteInput = z.infer<typeof CompleteSchema>;

/** Completing through the API may leave out the assignment: the caller's own open one is meant. */
export const ApiCompleteSchema = CompleteSchema.extend({
  assignmentId: z
    .preprocess(
      (v) => (v === '' || v == null ? undefined : v),
      integer(z.number().int().positive().optional()),
    )
    .describe("Default: the caller's open assignment"),
});

/**
 * Lưu hồ sơ: the clerk confirms closing the work other units still hold, and may name the records
 * file the document goes into.
 */
export const FileSchema = z.object({ confirmOpenWork: checkbox, recordsFileId: optionalId });

export const ReturnSchema = z.object({ reason: requiredText(2000) });
export type ReturnInput = z.infer<typeof ReturnSchema>;

export const CommentSchema = z.object({ body: requiredText(4000) });
export type CommentInput = z.infer<typeof CommentSchema>;

export const RemindSchema = z.object({
  assignmentId: z.preprocess(blankToUndefined, id),
  note: optionalText(1000),
});
export type RemindInput = z.infer<typeof RemindSchema>;

export const AcknowledgeSchema = z.object({ assignmentId: z.preprocess(blankToUndefined, id) });

export const LIST_TABS = ['toHandle', 'inProgress', 'done', 'forInfo', 'all'] as const;
export type ListTab = (typeof LIST_TABS)[number];
export const SORT_FIELDS = ['arrivalDate', 'arrivalNumber', 'dueDate', 'urgency'] as const;

const enumOrUndefined = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && (values as readonly string[]).includes(v) ? v : undefined),
    z.enum(values).optional(),
  );

/**
 * List filters from the query string; unknown or malformed values are ignored, not refused, except
 * a date: ignoring 2026-13-01 listed every document as if the period had been read, so a date is
 * refused with its message like the registers' period.
 */
export const ListQuerySchema = z.object({
  tab: enumOrUndefined(LIST_TABS),
  status: enumOrUndefined(INCOMING_STATUSES),
  urgency: z.preprocess(
    (v) => (typeof v === 'string' && /^[0-4]$/.test(v) ? Number(v) : undefined),
    z.number().optional(),
  ),
  // Loại văn bản (Appendix III and the legal types); an unknown code is no filter.
  type: enumOrUndefined(RECEIVED_DOCUMENT_TYPE_CODES),
  from: isoDate,
  to: isoDate,
  sender: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().slice(0, 100) || undefined : undefined),
    z.string().optional(),
  ),
  q: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().slice(0, 100) || undefined : undefined),
    z.string().optional(),
  ),
  overdue: z.preprocess((v) => v === '1' || v === 'true' || v === 'on', z.boolean()),
  // Vào sổ hôm nay: registered today (Vietnam day), the dashboard's card opens exactly these.
  registeredToday: z.preprocess((v) => v === '1' || v === 'true' || v === 'on', z.boolean()),
  sort: enumOrUndefined(SORT_FIELDS),
  dir: enumOrUndefined(['asc', 'desc'] as const),
  // A page number that is not one (0x10, 1e3, a list) shows the first page, as a stale link would.
  page: z.preprocess((v) => {
    const n = toInteger(v);
    return typeof n === 'number' && n >= 1 && n <= 100_000 ? n : 1;
  }, z.number()),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;
