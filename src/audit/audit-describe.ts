import { Department } from '../agencies/agency.model.js';
import { formatDate, formatDateTime } from '../http/view-helpers.js';
import { i18n, translator } from '../i18n/index.js';
import { formatCodeNumber } from '../registers/number-series.js';
import {
  MAJORITY_RULES,
  QUORUM_RULES,
  decideVote,
  resultSentence,
  type MajorityRule,
  type QuorumRule,
} from '../meetings/vote-rules.js';
import { User } from '../users/user.model.js';
import { can } from '../policy/index.js';

/*
 * The audit log as people read it (issue 11 §7): each action under its label in the reader's
 * language, a sentence when the row's details carry what it needs ("Vào sổ văn bản đến số 31",
 * "Chuyển xử lý cho Phòng Tài chính"), and the other details as labelled values, people and units
 * by name. Labels live in locales/<lng>/audit.json; a unit test checks every action code of src/
 * has one in both languages.
 */

export interface AuditDetail {
  label: string;
  value: string;
}

export interface AuditRowText {
  actionLabel: string;
  summary: string | null;
  details: AuditDetail[];
  entityLabel: string | null;
}

interface DescribedRow {
  action: string;
  details: string | null;
  entityType: string | null;
}

type Translate = (key: string, options?: Record<string, unknown>) => string;
type Details = Record<string, unknown>;

interface Target {
  role?: string;
  userId?: number | null;
  departmentId?: number | null;
  deadline?: string | null;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const MAX_VALUE = 300;

function parseDetails(text: string | null): Details | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Details) : null;
  } catch {
    return null;
  }
}

const idOf = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;

const targetsOf = (details: Details | null): Target[] =>
  Array.isArray(details?.targets) ? (details.targets as Target[]) : [];

// Details that name a person by id.
const USER_KEYS = [
  'userId',
  'leaderId',
  'onBehalfOf',
  'assigneeUserId',
  'principalId',
  'delegateId',
  'deputyUserId',
  'keeperId',
  // The person a report's figures were opened for.
  'user',
] as const;
// Details that name a unit by id (a report's unit among them).
const DEPARTMENT_KEYS = ['departmentId', 'assigneeDepartmentId', 'unit'] as const;

/** The people and units the rows name by id, read once for the page. */
async function namesFor(rows: (Details | null)[]) {
  const userIds = new Set<number>();
  const departmentIds = new Set<number>();
  for (const d of rows) {
    if (!d) continue;
    for (const key of USER_KEYS) if (idOf(d[key])) userIds.add(idOf(d[key])!);
    for (const key of DEPARTMENT_KEYS) if (idOf(d[key])) departmentIds.add(idOf(d[key])!);
    for (const t of targetsOf(d)) {
      if (idOf(t.userId)) userIds.add(t.userId!);
      if (idOf(t.departmentId)) departmentIds.add(t.departmentId!);
    }
  }
  const [users, departments] = await Promise.all([
    userIds.size
      ? User.findAll({ where: { id: [...userIds] }, attributes: ['id', 'fullName'] })
      : [],
    departmentIds.size
      ? Department.findAll({ where: { id: [...departmentIds] }, attributes: ['id', 'name'] })
      : [],
  ]);
  return {
    user: new Map(users.map((u) => [u.id, u.fullName])),
    department: new Map(departments.map((d) => [d.id, d.name])),
  };
}

type Names = Awaited<ReturnType<typeof namesFor>>;

function targetName(t: Target, names: Names): string {
  if (idOf(t.userId)) return names.user.get(t.userId!) ?? `#${t.userId}`;
  if (idOf(t.departmentId)) return names.department.get(t.departmentId!) ?? `#${t.departmentId}`;
  return '—';
}

function plainValue(value: unknown, t: Translate): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return t(value ? 'audit:yes' : 'audit:no');
  if (typeof value === 'string') {
    if (ISO_DAY.test(value)) return formatDate(value);
    if (ISO_TIME.test(value)) return formatDateTime(new Date(value));
    return value;
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    // A change: [before, after].
    if (value.length === 2 && value.every((v) => typeof v !== 'object' || v === null))
      return `${plainValue(value[0], t) || '—'} → ${plainValue(value[1], t) || '—'}`;
    return value.map((v) => plainValue(v, t)).join(', ');
  }
  // A record's fields, a code among them (a file's signature check) in words too.
  if (typeof value === 'object')
    return Object.entries(value as Details)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${fieldLabel(k, t)}: ${codeLabel(k, v, t) ?? plainValue(v, t)}`)
      .join('; ');
  return String(value);
}

const hasKey = (key: string) => i18n().exists(key);

function fieldLabel(key: string, t: Translate): string {
  if (hasKey(`audit:field.${key}`)) return t(`audit:field.${key}`);
  // A field without a label reads as words rather than as camelCase.
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

// Details that are lists whatever their length (one signature check per file), never a change.
const LISTS = new Set(['signatures']);

/** A code the details carry ({ page: 'edit' }, { via: 'qr' }) in words, where it has them. */
function codeLabel(key: string, value: unknown, t: Translate): string | null {
  if (typeof value !== 'string' || !/^[\w-]+$/.test(value)) return null;
  return hasKey(`audit:value.${key}.${value}`) ? t(`audit:value.${key}.${value}`) : null;
}

function valueOf(key: string, value: unknown, names: Names, t: Translate): string {
  if (key === 'targets' && Array.isArray(value))
    return (value as Target[])
      .map((target) => {
        const role = target.role ? t(`audit:role.${target.role}`) : '';
        const deadline = target.deadline ? ` (${formatDate(target.deadline)})` : '';
        return `${role ? `${role}: ` : ''}${targetName(target, names)}${deadline}`;
      })
      .join('; ');
  if ((USER_KEYS as readonly string[]).includes(key) && idOf(value))
    return names.user.get(value as number) ?? `#${String(value)}`;
  // A delegation's actions: codes of what the delegate may do for the principal.
  if (key === 'actions' && Array.isArray(value))
    return value
      .map((a) =>
        hasKey(`audit:value.actions.${String(a)}`) ? t(`audit:value.actions.${String(a)}`) : a,
      )
      .join(', ');
  // A records file's retention (thời hạn bảo quản): null is permanent, not "nothing".
  if (key === 'retentionYears' && (value == null || typeof value === 'number'))
    return value == null
      ? t('records-files:retention.permanent')
      : t('records-files:retention.years', { count: Number(value) });
  if ((DEPARTMENT_KEYS as readonly string[]).includes(key) && idOf(value))
    return names.department.get(value as number) ?? `#${String(value)}`;
  // Ids in a list ("documentIds": the documents a page showed): a list at any length, not a
  // change from the first to the second.
  if (Array.isArray(value) && (LISTS.has(key) || /Ids$/.test(key)))
    return value.map((v) => codeLabel(key, v, t) ?? plainValue(v, t)).join(', ');
  if (key === 'role' && typeof value === 'string' && hasKey(`audit:role.${value}`))
    return t(`audit:role.${value}`);
  // Roles as the user forms store them: 'clerk,leader'.
  if (key === 'roles' && typeof value === 'string' && value)
    return value
      .split(',')
      .map((role) => (hasKey(`roles.${role}`) ? t(`roles.${role}`) : role))
      .join(', ');
  const code = codeLabel(key, value, t);
  if (code !== null) return code;
  // Codes in a list, or a change of a code ([before, after], as plainValue reads a pair).
  if (Array.isArray(value) && value.some((v) => codeLabel(key, v, t) !== null)) {
    const words = value.map((v) => codeLabel(key, v, t) ?? (plainValue(v, t) || '—'));
    return words.join(value.length === 2 && !LISTS.has(key) ? ' → ' : ', ');
  }
  const text = plainValue(value, t);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * A closed vote's result (its counts, with the rules the row names) as the sentence the meeting
 * announced, in the reader's language: "Không thông qua: 1/3 thành viên đồng ý, …".
 */
function voteResult(details: Details, value: unknown, t: Translate): string | null {
  const r = value as Record<string, unknown> | null;
  const { quorumRule, majorityRule } = details;
  if (
    !r ||
    typeof r !== 'object' ||
    !QUORUM_RULES.includes(quorumRule as QuorumRule) ||
    !MAJORITY_RULES.includes(majorityRule as MajorityRule) ||
    ![r.total, r.present, r.cast].every(isCount) ||
    !Array.isArray(r.tallies) ||
    !r.tallies.every(isCount)
  )
    return null;
  const outcome = decideVote(quorumRule as QuorumRule, majorityRule as MajorityRule, {
    total: r.total as number,
    present: r.present as number,
    cast: r.cast as number,
    tallies: r.tallies as number[],
    weighted: r.weighted === true,
    written: details.mode === 'written',
  });
  return resultSentence(outcome, t as unknown as Parameters<typeof resultSentence>[1]);
}

/** What a sentence of the row may say, from its details (people and units by name). */
function sentenceParams(details: Details, names: Names): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(details))
    if (typeof value === 'string' || typeof value === 'number') params[key] = String(value);
  const leads = targetsOf(details).filter((target) => target.role === 'lead');
  if (leads.length) params.lead = leads.map((target) => targetName(target, names)).join(', ');
  const assignee =
    typeof details.userName === 'string'
      ? details.userName
      : idOf(details.userId) && names.user.get(details.userId as number);
  if (assignee) params.assignee = assignee;
  const leader =
    typeof details.leaderName === 'string'
      ? details.leaderName
      : idOf(details.leaderId) && names.user.get(details.leaderId as number);
  if (leader) params.leader = leader;
  if (typeof details.codeNumber === 'number')
    params.number = [formatCodeNumber(details.codeNumber), details.codeNotation]
      .filter(Boolean)
      .join('/');
  if (typeof details.date === 'string' && ISO_DAY.test(details.date))
    params.date = formatDate(details.date);
  return params;
}

function summaryOf(action: string, details: Details | null, names: Names, t: Translate) {
  const key = `audit:sentence.${action}`;
  if (!details || !hasKey(key)) return null;
  const text = t(key, sentenceParams(details, names));
  // A sentence whose details lack a value is not shown half-filled.
  return text.includes('{{') ? null : text;
}

/** The label of an action code in a language, the code itself when it has none. */
export function auditActionLabel(action: string, lng?: string): string {
  const key = `audit:action.${action}`;
  return hasKey(key) ? (translator(lng) as unknown as Translate)(key) : action;
}

/** The label of an entity type in a language (Hồ sơ, Văn bản đến…), the code when it has none. */
export function auditEntityLabel(entityType: string, lng?: string): string {
  const key = `audit:entity.${entityType}`;
  return hasKey(key) ? (translator(lng) as unknown as Translate)(key) : entityType;
}

/** The codes of a section of the audit labels ('action', 'entity'): every one the log writes. */
const labelledCodes = (section: 'action' | 'entity') =>
  Object.keys(
    (i18n().getResourceBundle('vi', 'audit')?.[section] as Record<string, string> | undefined) ??
      {},
  );

/** Every entity type the log names, labelled in `lng` and in its order (the filter's choices). */
export function auditEntityChoices(lng: string): Array<{ code: string; label: string }> {
  return labelledCodes('entity')
    .map((code) => ({ code, label: auditEntityLabel(code, lng) }))
    .sort((a, b) => a.label.localeCompare(b.label, lng));
}

/**
 * Every action the log writes (each has its label), labelled in `lng` and in its order; codes
 * sharing one label (a step's trail code and its audit code) are one choice, their codes joined
 * by commas (the filter takes several).
 */
export function auditActionChoices(lng: string): Array<{ code: string; label: string }> {
  const byLabel = new Map<string, string[]>();
  for (const code of labelledCodes('action')) {
    const label = auditActionLabel(code, lng);
    byLabel.set(label, [...(byLabel.get(label) ?? []), code]);
  }
  return [...byLabel]
    .map(([label, codes]) => ({ code: codes.sort().join(','), label }))
    .sort((a, b) => a.label.localeCompare(b.label, lng));
}

// The pages of audited entities, and what a reader must be allowed to open any of them.
const ENTITY_PAGES: Record<string, { path: string; permission: string }> = {
  incoming: { path: '/incoming/', permission: 'incoming.list' },
  outgoing: { path: '/outgoing/', permission: 'outgoing.list' },
  records_file: { path: '/records-files/', permission: 'records_file.list' },
};

/**
 * The page of an audited entity, for a reader whose roles open such pages: an administrator who
 * handles no documents gets no link that could only refuse them.
 */
export function auditEntityHref(
  reader: User,
  entityType: string | null,
  entityId: string | null,
): string | null {
  const page = entityType ? ENTITY_PAGES[entityType] : undefined;
  if (!page || !entityId || !/^\d+$/.test(entityId) || !can(reader, page.permission)) return null;
  return `${page.path}${entityId}`;
}

/** The rows of an audit page as their reader reads them, in `lng`. */
export async function describeAuditRows(
  rows: DescribedRow[],
  lng: string,
): Promise<AuditRowText[]> {
  const t = translator(lng) as unknown as Translate;
  const parsed = rows.map((r) => parseDetails(r.details));
  const names = await namesFor(parsed);
  return rows.map((row, i) => {
    const details = parsed[i]!;
    return {
      actionLabel: auditActionLabel(row.action, lng),
      summary: summaryOf(row.action, details, names, t),
      details: details
        ? Object.entries(details)
            .map(([key, value]) => ({
              label: fieldLabel(key, t),
              value:
                (key === 'result' && voteResult(details, value, t)) ||
                valueOf(key, value, names, t),
            }))
            .filter((d) => d.value !== '')
        : [],
      entityLabel: row.entityType ? auditEntityLabel(row.entityType, lng) : null,
    };
  });
}
