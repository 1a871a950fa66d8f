/**
 * Chain templates, edited by the administrator (issue 12 §2):
 *   templateFromForm(body, lng, t)   → TemplateInput (422 with Vietnamese field errors)
 *   createTemplate / updateTemplate / deactivateTemplate (audited)
 *   templateFor(documentType, departmentId, agencyId) → the most specific active template
 */
import { Op, type Transaction } from 'sequelize';
import type { TFunction } from 'i18next';
import { z } from 'zod';
import { integer } from '../http/form-fields.js';
import { Department } from '../agencies/agency.model.js';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { DOCUMENT_TYPE_CODES } from '../documents/document-types.js';
import { AppError, type FieldErrors } from '../http/app-error.js';
import { fieldErrorsOf } from '../http/validate.js';
import { ROLES, User } from '../users/user.model.js';
import { ApprovalTemplate } from './approval.model.js';
import { StepsSchema, type MemberSpec, type StepSpec } from './approvals.schemas.js';

/** How many step rows the template form offers. */
export const TEMPLATE_FORM_ROWS = 8;
export const STEP_TYPES = ['person', 'role_drafter', 'role_department', 'group'] as const;
export type StepType = (typeof STEP_TYPES)[number];

const blank = (v: unknown) => (v === '' || v === undefined ? undefined : v);
const optionalId = z.preprocess(blank, integer(z.number().int().positive().optional()));
const list = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

const HeadSchema = z.object({
  name: z.string().trim().min(1, 'errors:APPROVAL_TEMPLATE_NAME').max(255),
  documentType: z.preprocess(blank, z.enum(DOCUMENT_TYPE_CODES).optional()),
  departmentId: optionalId,
  allowExtraReviewers: z.preprocess((v) => v === '1' || v === 'on' || v === true, z.boolean()),
});

const RowSchema = z
  .object({
    title: z.string().trim().min(1, 'errors:APPROVAL_STEP_TITLE').max(255),
    type: z.enum(STEP_TYPES, 'errors:APPROVAL_STEP_TYPE'),
    kind: z.preprocess(blank, z.enum(['approve', 'consult']).default('approve')),
    userId: optionalId,
    role: z.preprocess(blank, z.enum(ROLES).optional()),
    departmentId: optionalId,
    userIds: z.preprocess(list, z.array(integer(z.number().int().positive()))),
    rule: z.preprocess(blank, z.enum(['all', 'any', 'n']).default('all')),
    n: optionalId,
    days: z.preprocess(
      (v) => blank(v) ?? '2',
      integer(
        z
          .number('errors:APPROVAL_STEP_DAYS')
          .int('errors:APPROVAL_STEP_DAYS')
          .min(0, 'errors:APPROVAL_STEP_DAYS')
          .max(60, 'errors:APPROVAL_STEP_DAYS'),
      ),
    ),
  })
  .superRefine((r, ctx) => {
    const need = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (r.type === 'person' && !r.userId) need('userId', 'errors:APPROVAL_STEP_PERSON');
    if (r.type !== 'person' && r.type !== 'group' && !r.role)
      need('role', 'errors:APPROVAL_STEP_ROLE');
    if (r.type === 'role_department' && !r.departmentId)
      need('departmentId', 'errors:APPROVAL_STEP_DEPARTMENT');
    if (r.type === 'group' && r.userIds.length < 2) need('userIds', 'errors:APPROVAL_STEP_GROUP');
    if (r.rule === 'n' && !r.n) need('n', 'errors:APPROVAL_STEP_N');
    if (r.rule === 'n' && r.n && r.type === 'group' && r.n > r.userIds.length)
      need('n', 'errors:APPROVAL_STEP_N_TOO_MANY');
  });
type Row = z.infer<typeof RowSchema>;

export interface TemplateInput {
  name: string;
  documentType: string | null;
  departmentId: number | null;
  allowExtraReviewers: boolean;
  steps: StepSpec[];
}

function membersOfRow(r: Row): MemberSpec[] {
  switch (r.type) {
    case 'person':
      return [{ userId: r.userId! }];
    case 'role_drafter':
      return [{ role: r.role!, department: 'drafter' }];
    case 'role_department':
      return [{ role: r.role!, department: r.departmentId! }];
    default:
      return [...new Set(r.userIds)].map((userId) => ({ userId }));
  }
}

/** A form row as the template form shows it again (the reverse of templateFromForm). */
export function rowOfStep(spec: StepSpec): Record<string, unknown> {
  const m = spec.members;
  const base = { title: spec.title, kind: spec.kind, rule: spec.rule, n: spec.n, days: spec.days };
  const first = m[0]!;
  if (m.length === 1 && 'userId' in first) return { ...base, type: 'person', userId: first.userId };
  if (m.length === 1 && 'role' in first)
    return first.department === 'drafter'
      ? { ...base, type: 'role_drafter', role: first.role }
      : { ...base, type: 'role_department', role: first.role, departmentId: first.department };
  return {
    ...base,
    type: 'group',
    userIds: m.flatMap((x) => ('userId' in x ? [x.userId] : [])),
  };
}

/** The rows of a submitted template form (s0_title, s0_type…), with what each row holds. */
function rowsOf(body: Record<string, unknown>): { index: number; raw: Record<string, unknown> }[] {
  const rows = [];
  for (let i = 0; i < TEMPLATE_FORM_ROWS; i++) {
    const raw: Record<string, unknown> = {};
    for (const field of Object.keys(RowSchema.shape)) raw[field] = body[`s${i}_${field}`];
    if (!blank(raw.title) && !blank(raw.type)) continue;
    rows.push({ index: i, raw });
  }
  return rows;
}

/**
 * Reads the administrator's template form: the name, what drafts it serves, and the step rows
 * filled in (empty rows are skipped). Field errors are keyed by the form's field names.
 */
export function templateFromForm(body: unknown, t?: TFunction): TemplateInput {
  const form = (body ?? {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const head = HeadSchema.safeParse(form);
  if (!head.success) Object.assign(errors, fieldErrorsOf(head.error, t));
  const steps: StepSpec[] = [];
  const rows = rowsOf(form);
  if (rows.length === 0)
    errors.s0_title = t
      ? t('errors:APPROVAL_TEMPLATE_NO_STEPS')
      : 'errors:APPROVAL_TEMPLATE_NO_STEPS';
  for (const { index, raw } of rows) {
    const row = RowSchema.safeParse(raw);
    if (!row.success) {
      for (const [field, message] of Object.entries(fieldErrorsOf(row.error, t)))
        errors[`s${index}_${field}`] ??= message;
      continue;
    }
    const r = row.data;
    steps.push({
      title: r.title,
      members: membersOfRow(r),
      rule: r.kind === 'consult' ? 'all' : r.rule,
      n: r.rule === 'n' && r.kind !== 'consult' ? r.n : undefined,
      days: r.days,
      kind: r.kind,
    });
  }
  if (Object.keys(errors).length || !head.success)
    throw new AppError('VALIDATION_FAILED', 422, undefined, errors);
  return {
    name: head.data.name,
    documentType: head.data.documentType ?? null,
    departmentId: head.data.departmentId ?? null,
    allowExtraReviewers: head.data.allowExtraReviewers,
    steps: StepsSchema.parse(steps),
  };
}

/** The people and departments a template names must be the agency's own (422 on the field). */
async function checkReferences(agencyId: number, input: TemplateInput): Promise<void> {
  const errors: FieldErrors = {};
  const departmentIds = new Set<number>();
  if (input.departmentId) departmentIds.add(input.departmentId);
  const userIds = new Set<number>();
  for (const s of input.steps)
    for (const m of s.members)
      if ('userId' in m) userIds.add(m.userId);
      else if (m.department !== 'drafter') departmentIds.add(m.department);
  const [departments, users] = await Promise.all([
    Department.findAll({ where: { id: [...departmentIds], agencyId }, attributes: ['id'] }),
    User.findAll({
      where: { id: [...userIds], agencyId, isActive: true, [Op.and]: [User.whereTakesPart()] },
      attributes: ['id'],
    }),
  ]);
  const knownDepartments = new Set(departments.map((d) => d.id));
  const knownUsers = new Set(users.map((u) => u.id));
  if (input.departmentId && !knownDepartments.has(input.departmentId))
    errors.departmentId = 'errors:APPROVAL_TEMPLATE_DEPARTMENT';
  input.steps.forEach((s, i) => {
    for (const m of s.members) {
      if ('userId' in m && !knownUsers.has(m.userId))
        errors[`s${i}_${s.members.length > 1 ? 'userIds' : 'userId'}`] =
          'errors:APPROVAL_STEP_PERSON';
      if ('role' in m && m.department !== 'drafter' && !knownDepartments.has(m.department))
        errors[`s${i}_departmentId`] = 'errors:APPROVAL_STEP_DEPARTMENT';
    }
  });
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', 422, undefined, errors);
}

interface AuditActor {
  userId: number;
  ip: string | null;
}

async function audited(
  action: string,
  actor: AuditActor,
  work: (tx: Transaction) => Promise<ApprovalTemplate>,
  details: Record<string, unknown> = {},
): Promise<ApprovalTemplate> {
  return withTransaction(db(), undefined, async (transaction) => {
    const template = await work(transaction);
    await recordAudit(
      {
        action: `approval_template.${action}`,
        userId: actor.userId,
        ip: actor.ip,
        entityType: 'approval_template',
        entityId: template.id,
        details,
      },
      { transaction },
    );
    return template;
  });
}

const columns = (input: TemplateInput) => ({
  name: input.name,
  documentType: input.documentType,
  departmentId: input.departmentId,
  allowExtraReviewers: input.allowExtraReviewers,
  steps: JSON.stringify(input.steps),
});

export async function createTemplate(
  agencyId: number,
  input: TemplateInput,
  actor: AuditActor,
): Promise<ApprovalTemplate> {
  await checkReferences(agencyId, input);
  return audited(
    'create',
    actor,
    (transaction) => ApprovalTemplate.create({ agencyId, ...columns(input) }, { transaction }),
    { ...columns(input) },
  );
}

/** One of the agency's templates; any other is "not found". */
export async function findTemplate(agencyId: number, id: number): Promise<ApprovalTemplate> {
  const template = await ApprovalTemplate.findOne({ where: { id, agencyId } });
  if (!template) throw new AppError('APPROVAL_TEMPLATE_NOT_FOUND', 404);
  return template;
}

export async function updateTemplate(
  agencyId: number,
  id: number,
  input: TemplateInput,
  actor: AuditActor,
): Promise<ApprovalTemplate> {
  const template = await findTemplate(agencyId, id);
  await checkReferences(agencyId, input);
  return audited(
    'update',
    actor,
    (transaction) => template.update(columns(input), { transaction }),
    { ...columns(input) },
  );
}

/** Takes a template out of use; chains already started from it go on. */
export async function deactivateTemplate(
  agencyId: number,
  id: number,
  actor: AuditActor,
): Promise<ApprovalTemplate> {
  const template = await findTemplate(agencyId, id);
  return audited('deactivate', actor, (transaction) =>
    template.update({ isActive: false }, { transaction }),
  );
}

export async function listTemplates(agencyId: number): Promise<ApprovalTemplate[]> {
  return ApprovalTemplate.findAll({
    where: { agencyId },
    order: [
      ['isActive', 'DESC'],
      ['name', 'ASC'],
    ],
  });
}

/**
 * The templates that apply to a draft: the agency's active ones for this document type (or all
 * types) and this department (or all), the most specific first (type and department, then type,
 * then department, then neither), the latest of equals.
 */
export async function templatesFor(
  documentType: string | null,
  departmentId: number | null,
  agencyId: number,
): Promise<ApprovalTemplate[]> {
  const candidates = await ApprovalTemplate.findAll({
    where: {
      agencyId,
      isActive: true,
      documentType: documentType ? { [Op.or]: [documentType, null] } : null,
      departmentId: departmentId ? { [Op.or]: [departmentId, null] } : null,
    },
    order: [['id', 'DESC']],
  });
  const score = (t: ApprovalTemplate) => (t.documentType ? 2 : 0) + (t.departmentId ? 1 : 0);
  return candidates.sort((a, b) => score(b) - score(a) || b.id - a.id);
}

/** The template for a draft: the most specific of those that apply, or null when none does. */
export async function templateFor(
  documentType: string | null,
  departmentId: number | null,
  agencyId: number,
): Promise<ApprovalTemplate | null> {
  return (await templatesFor(documentType, departmentId, agencyId))[0] ?? null;
}
