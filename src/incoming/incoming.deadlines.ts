import { nextWorkingDayFrom } from '../calendar/working-days.js';
import type { DirectInput } from './incoming.schemas.js';
import type { ResolvedTarget } from './incoming.targets.js';
import { invalid } from './incoming.step.js';
import { formatDate } from '../http/view-helpers.js';

/** Something the leader is told after a direction, as an i18n key with its values. */
export interface DirectionNotice {
  key: 'deadlineMoved' | 'afterDueDate';
  values: Record<string, string>;
}

/** A notice as said to people (the page's flash, the API's `notices`): its code and its text, dates dd/mm/yyyy. */
export function describeNotices(
  t: (key: string, values: Record<string, string>) => string,
  notices: DirectionNotice[],
): Array<{ code: DirectionNotice['key']; message: string; values: Record<string, string> }> {
  return notices.map((n) => ({
    code: n.key,
    message: t(
      `incoming:notice.${n.key}`,
      Object.fromEntries(Object.entries(n.values).map(([k, v]) => [k, formatDate(v)])),
    ),
    values: n.values,
  }));
}

const typedDeadline = (input: DirectInput, field: string): string | undefined => {
  if (field === 'lead') return input.lead.deadline;
  const [list, index] = field.split('.') as ['support' | 'info', string];
  return input[list]?.[Number(index)]?.deadline;
};

/**
 * Settles the deadlines of a direction: a deadline on a weekend or holiday moves to the next
 * working day (with a notice); a supporting (phối hợp) deadline may not fall after the lead's,
 * so a typed one after it is refused and a default one is brought back to it; a deadline after
 * the document's own due date (hạn trả lời) is kept but the leader is warned.
 */
export async function settleDirectionDeadlines(
  targets: ResolvedTarget[],
  input: DirectInput,
  dueDate: string | null,
): Promise<{ targets: ResolvedTarget[]; notices: DirectionNotice[] }> {
  const notices: DirectionNotice[] = [];
  const settled: ResolvedTarget[] = [];
  for (const t of targets) {
    if (!t.deadline) {
      settled.push(t);
      continue;
    }
    const moved = await nextWorkingDayFrom(t.deadline);
    if (moved !== t.deadline)
      notices.push({ key: 'deadlineMoved', values: { from: t.deadline, to: moved } });
    settled.push({ ...t, deadline: moved });
  }
  const lead = settled.find((t) => t.role === 'lead')?.deadline ?? null;
  for (const t of settled) {
    if (t.role !== 'support' || !lead || !t.deadline || t.deadline <= lead) continue;
    if (typedDeadline(input, t.field))
      throw invalid(`${t.field}.deadline`, 'SUPPORT_DEADLINE_AFTER_LEAD');
    t.deadline = lead;
  }
  const late = settled.find((t) => t.deadline && dueDate && t.deadline > dueDate);
  if (late?.deadline && dueDate)
    notices.push({ key: 'afterDueDate', values: { deadline: late.deadline, dueDate } });
  return { targets: settled, notices };
}
