/**
 * canViewOutgoing (outgoing.policy.ts) as SQL, and the lists' tabs as SQL, so that a list reads
 * one page of the documents a person may see in one query instead of judging each row. The policy
 * is the rule; keep the two together (test/integration/outgoing-lists.test.ts compares them).
 */
import { Op, literal, type WhereOptions } from 'sequelize';
import { principalsOf } from '../users/delegations.service.js';
import type { User } from '../users/user.model.js';

/** The pages' tabs (mine, to_sign, to_issue, issued, all) and what waits for the caller's decision. */
export const OUTGOING_TABS = [
  'all',
  'mine',
  'to_approve',
  'to_sign',
  'to_issue',
  'issued',
] as const;
export type OutgoingTab = (typeof OUTGOING_TABS)[number];

const int = (n: number) => String(Math.trunc(Number(n)));
const ids = (list: number[]) => (list.length ? list.map(int).join(',') : 'NULL');
const DOC = '`OutgoingDocument`.`id`';

/** Documents whose approval chain asked or heard from the user. */
const inChain = (userId: number) =>
  `${DOC} IN (SELECT f.documentId FROM approval_flows f JOIN approval_decisions d ON d.flowId = f.id
     WHERE f.documentKind = 'outgoing' AND (d.assigneeId = ${int(userId)} OR d.actorId = ${int(userId)}))`;

const granted = (userId: number) =>
  `${DOC} IN (SELECT g.documentId FROM document_grants g
     WHERE g.documentKind = 'outgoing' AND g.userId = ${int(userId)})`;

/** The latest chain's status, 'approved' when there is none (straight to the signer). */
const LATEST_FLOW_APPROVED = `COALESCE((SELECT f.status FROM approval_flows f
     WHERE f.documentKind = 'outgoing' AND f.documentId = ${DOC} ORDER BY f.id DESC LIMIT 1), 'approved') = 'approved'`;

/** canViewOutgoing as a WHERE clause (outgoing.policy.ts is the rule; keep the two together). */
export function visibleWhere(user: User, signsFor: number[]): string {
  const me = user.id;
  const parts = [
    `\`OutgoingDocument\`.\`createdById\` = ${int(me)}`,
    `\`OutgoingDocument\`.\`signerId\` IN (${ids([me, ...signsFor])})`,
    inChain(me),
    granted(me),
  ];
  const cleared = `\`OutgoingDocument\`.\`status\` <> 'draft' AND \`OutgoingDocument\`.\`confidentiality\` <= ${int(user.secretClearance)}`;
  if (user.hasRole('clerk') || user.hasRole('leader')) parts.push(`(${cleared})`);
  else if (user.hasRole('dept_head') && user.departmentId != null)
    parts.push(
      `(${cleared} AND (\`OutgoingDocument\`.\`departmentId\` = ${int(user.departmentId)} OR ${DOC} IN
        (SELECT r.outgoingId FROM outgoing_recipients r WHERE r.departmentId = ${int(user.departmentId)})))`,
    );
  return `(${parts.join(' OR ')})`;
}

/** Documents with an open decision of the user (or of someone they approve for) at the active step. */
async function waitingForDecision(user: User): Promise<string> {
  const asked = [user.id, ...(await principalsOf(user.id, 'outgoing.approve'))];
  return `${DOC} IN (SELECT f.documentId FROM approval_flows f
     JOIN approval_steps s ON s.flowId = f.id AND s.position = f.currentPosition
     JOIN approval_decisions d ON d.stepId = s.id AND d.round = f.round
     WHERE f.documentKind = 'outgoing' AND f.status = 'in_progress' AND d.decision IS NULL
       AND d.assigneeId IN (${ids(asked)}))`;
}

/** The WHERE of a tab of the outgoing lists (pages and API alike), for the user's agency. */
export async function outgoingTabWhere(
  user: User,
  tab: OutgoingTab,
  status?: string,
): Promise<WhereOptions> {
  const signsFor = await principalsOf(user.id, 'outgoing.sign');
  const clauses: string[] = [visibleWhere(user, signsFor)];
  if (tab === 'mine') clauses.push(`\`OutgoingDocument\`.\`createdById\` = ${int(user.id)}`);
  if (tab === 'issued') clauses.push(`\`OutgoingDocument\`.\`status\` IN ('issued', 'recalled')`);
  if (tab === 'to_approve') clauses.push(await waitingForDecision(user));
  if (tab === 'to_sign')
    clauses.push(
      `\`OutgoingDocument\`.\`signerId\` IN (${ids([user.id, ...signsFor])}) AND \`OutgoingDocument\`.\`status\` = 'in_approval' AND ${LATEST_FLOW_APPROVED}`,
    );
  if (tab === 'to_issue')
    clauses.push(user.hasRole('clerk') ? `\`OutgoingDocument\`.\`status\` = 'signed'` : '1 = 0');
  return {
    agencyId: user.agencyId,
    ...(status ? { status } : {}),
    [Op.and]: clauses.map((c) => literal(c)),
  };
}
