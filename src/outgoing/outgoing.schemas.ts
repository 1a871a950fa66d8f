import { z } from 'zod';
import { ChainAdditionsSchema } from '../approvals/approvals.schemas.js';
import { DOCUMENT_TYPE_CODES } from '../documents/document-types.js';
import { urgencyLevel } from '../documents/urgency.js';
import {
  blankToUndefined,
  checkbox,
  integer,
  isoDate,
  level,
  optionalId,
  optionalText,
  requiredText,
  vietnamDateTime,
} from '../http/form-fields.js';
import { SIGNING_FORMS } from './outgoing.model.js';

/**
 * A recipient: an agency of this deployment (agencyId), a department of the drafter's own agency
 * (departmentId), or an agency outside it by name and edXML identifier.
 */
export const RecipientSchema = z
  .object({
    agencyId: optionalId,
    departmentId: optionalId,
    name: optionalText(255),
    code: z.preprocess(
      (v) => (typeof blankToUndefined(v) === 'string' ? String(blankToUndefined(v)) : undefined),
      z.string().max(40).optional(),
    ),
  })
  .refine(
    (r) =>
      [r.agencyId, r.departmentId].filter((v) => v !== undefined).length +
        (r.agencyId === undefined && r.departmentId === undefined && r.name ? 1 : 0) ===
      1,
    'errors:OUTGOING_RECIPIENT_INVALID',
  );
export type RecipientInput = z.infer<typeof RecipientSchema>;

/** The fields of a draft (Decree 30 Art. 8–13) entered by its drafter. */
export const DraftFieldsSchema = z.object({
  documentType: z
    .preprocess(blankToUndefined, z.enum(DOCUMENT_TYPE_CODES, 'errors:DOCUMENT_TYPE_INVALID'))
    .describe('Appendix III abbreviation; CV for công văn'),
  subject: requiredText(4000).describe('Trích yếu'),
  summary: optionalText(20000).describe('Tóm tắt nội dung'),
  urgency: urgencyLevel.describe(
    'Độ khẩn: 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ (needs urgentDeliverBy)',
  ),
  urgentDeliverBy: vietnamDateTime.describe(
    'Hỏa tốc hẹn giờ: the time it must arrive (dd/mm/yyyy HH:mm), for urgency 4 (or 3) only',
  ),
  confidentiality: level.describe('Độ mật: 0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật'),
  normative: checkbox.describe(
    'A legal normative document (own number series): for NQ and QĐ only, refused on other types',
  ),
  signerId: optionalId.describe('The leader who will sign'),
  signingForm: z
    .preprocess((v) => (v === undefined || v === null ? '' : v), z.enum(SIGNING_FORMS))
    .describe('Thẩm quyền ký: TM., KT., Q., TL., TUQ. or none'),
  signerTitle: optionalText(255).describe('Chức vụ người ký, e.g. "Phó Chủ tịch"'),
  authorityName: optionalText(255).describe(
    'TM.: the collective signed for, e.g. "Ủy ban nhân dân" (default: the agency’s name)',
  ),
  principalTitle: optionalText(255).describe(
    'KT., Q., TL., TUQ.: the title of the head signed for, e.g. "Chủ tịch" (required for these)',
  ),
  recipientsNote: optionalText(4000).describe('Nơi nhận as printed'),
  placeName: optionalText(100).describe('Địa danh, e.g. "Hà Nội"'),
  recipients: z.array(RecipientSchema).max(500).default([]),
  relatedId: optionalId.describe('The document this one replaces or corrects'),
  relation: z.preprocess(blankToUndefined, z.enum(['replacement', 'correction']).optional()),
  answersIncomingId: optionalId.describe(
    'Văn bản trả lời: the incoming document of the agency this one answers (one the drafter may open)',
  ),
});
export type DraftFieldsInput = z.infer<typeof DraftFieldsSchema>;

/** Submission: the chain's template (default: the one that applies) and the drafter's additions. */
export const SubmitSchema = ChainAdditionsSchema.extend({
  templateId: optionalId,
});
/** What a submission takes; the additions may be left out (none). */
export type SubmitInput = Partial<z.infer<typeof SubmitSchema>>;

/** Trả lại người soạn thảo: the reason, said to the drafter (one field, visible text). */
export const ReturnToDrafterSchema = z.object({ reason: requiredText(4000) });

export const DismissAdviceSchema = z.object({
  rule: requiredText(40),
});

export const CompareSchema = z.object({
  from: integer(z.number().int().positive()),
  to: integer(z.number().int().positive()),
});

/** The outgoing list page's tabs (the API's list has "to_approve" besides). */
export const OUTGOING_TABS = ['mine', 'to_sign', 'to_issue', 'issued', 'all'] as const;
export type OutgoingTab = (typeof OUTGOING_TABS)[number];

const typed = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().slice(0, 100) || undefined : undefined),
  z.string().optional(),
);

/**
 * The outgoing lists' filters (the page, its export, the API). An unknown type or a blank is no
 * filter (a stale link still lists); a date that is not one is refused with its message, as on
 * the incoming list.
 */
export const OutgoingFiltersSchema = z.object({
  q: typed.describe(
    'Words to find: number and symbol, type, subject, summary, nơi nhận, and the text of the current main file and attachments',
  ),
  type: z
    .preprocess(
      (v) =>
        typeof v === 'string' && (DOCUMENT_TYPE_CODES as string[]).includes(v) ? v : undefined,
      z.enum(DOCUMENT_TYPE_CODES).optional(),
    )
    .describe('Document type code (Appendix III), e.g. QĐ, CV'),
  from: isoDate.describe('Issued on or after (dd/mm/yyyy or yyyy-mm-dd)'),
  to: isoDate.describe('Issued on or before (dd/mm/yyyy or yyyy-mm-dd)'),
});
export type OutgoingFilters = z.infer<typeof OutgoingFiltersSchema>;

/**
 * The outgoing list page's query: its tab and filters. A tab it does not know opens the person's
 * own first tab, as a stale link would (tabAsked). The page number is read apart.
 */
export const OutgoingPageQuerySchema = z.object({
  tab: z.preprocess(
    (v) => ((OUTGOING_TABS as readonly unknown[]).includes(v) ? v : undefined),
    z.enum(OUTGOING_TABS).optional(),
  ),
  ...OutgoingFiltersSchema.shape,
});
export type OutgoingPageQuery = z.infer<typeof OutgoingPageQuerySchema>;
