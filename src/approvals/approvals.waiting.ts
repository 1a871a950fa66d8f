import { User } from '../users/user.model.js';
import { approvalDocumentKind, approvalDocumentKinds, documentPath } from './approvals.registry.js';
import { waitingDecisions, type WaitingDecision } from './approvals.service.js';

export interface WaitingApproval extends WaitingDecision {
  /** The document's page. */
  href: string;
  /** The document's label from its kind (its subject), when the kind gives one. */
  documentTitle: string | null;
  /** Whom the person decides for, by name, under a delegation. */
  onBehalfOfName: string | null;
}

/**
 * What a person must decide in approval chains of every kind of document ("Cần xử lý"): their
 * own and what they act for today under a delegation; overdue first, then by due date.
 */
export async function waitingApprovals(userId: number): Promise<WaitingApproval[]> {
  const rows = (
    await Promise.all(approvalDocumentKinds().map((k) => waitingDecisions(userId, k)))
  ).flat();
  const principals = [...new Set(rows.flatMap((r) => (r.onBehalfOf ? [r.onBehalfOf] : [])))];
  const names = new Map(
    (await User.findAll({ where: { id: principals }, attributes: ['id', 'fullName'] })).map((u) => [
      u.id,
      u.fullName,
    ]),
  );
  // Their own line before one they act for, when a step asks both.
  rows.sort((a, b) => Number(!!a.onBehalfOf) - Number(!!b.onBehalfOf));
  const seen = new Set<string>();
  const out: WaitingApproval[] = [];
  for (const r of rows) {
    // The same step may wait for the person and for someone they act for: one line is enough.
    const key = `${r.flowId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const kind = approvalDocumentKind(r.documentKind);
    out.push({
      ...r,
      href: documentPath(r.documentKind, r.documentId),
      documentTitle: kind?.titleOf ? await kind.titleOf(r.documentId) : null,
      onBehalfOfName: r.onBehalfOf ? (names.get(r.onBehalfOf) ?? null) : null,
    });
  }
  return out.sort(
    (a, b) =>
      Number(b.isOverdue) - Number(a.isOverdue) ||
      (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'),
  );
}
