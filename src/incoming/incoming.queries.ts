import { Op, QueryTypes, type Order, type WhereOptions } from 'sequelize';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { whereLike } from '../db/like.js';
import { authorize } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { IncomingAssignment, IncomingDocument } from './incoming.model.js';
import type { ListQuery, ListTab } from './incoming.schemas.js';
import { overdueWhere, tabWhere, visibleIncomingWhere } from './incoming.visibility.js';

export const PAGE_SIZE = 20;

export interface IncomingListRow {
  document: IncomingDocument;
  /** The nearest open handling deadline, else the sender's due date. */
  deadline: string | null;
  isOverdue: boolean;
}

export interface IncomingList {
  tab: ListTab;
  tabs: ListTab[];
  rows: IncomingListRow[];
  total: number;
  page: number;
  pages: number;
}

/** The tabs a person has: everyone's personal ones, plus "all registered" for clerks and leaders. */
export function tabsFor(user: User): ListTab[] {
  const tabs: ListTab[] = ['toHandle', 'inProgress', 'done', 'forInfo'];
  if (user.hasRole('clerk') || user.hasRole('leader')) tabs.push('all');
  return tabs;
}

const vietnamMidnight = (iso: string) => new Date(`${iso}T00:00:00+07:00`);
const DAY_MS = 86_400_000;

function filterWhere(query: ListQuery, today: string): WhereOptions<IncomingDocument>[] {
  const parts: WhereOptions<IncomingDocument>[] = [];
  if (query.status) parts.push({ status: query.status });
  if (query.urgency !== undefined) parts.push({ urgency: query.urgency });
  if (query.from) parts.push({ arrivalDate: { [Op.gte]: vietnamMidnight(query.from) } });
  if (query.to)
    parts.push({
      arrivalDate: { [Op.lt]: new Date(vietnamMidnight(query.to).getTime() + DAY_MS) },
    });
  if (query.sender) parts.push(whereLike('fromOrganName', query.sender));
  if (query.q) {
    const q = query.q;
    parts.push({
      [Op.or]: [whereLike('subject', q), whereLike('codeNotation', q), whereLike('codeNumber', q)],
    });
  }
  if (query.overdue) parts.push(overdueWhere(today));
  return parts;
}

/** Everything a list of a person may show: their own agency, only what they may see, the tab. */
function baseWhere(user: User, tab: ListTab): WhereOptions<IncomingDocument>[] {
  const parts: WhereOptions<IncomingDocument>[] = [visibleIncomingWhere(user)];
  const byTab = tabWhere(user, tab);
  if (byTab) parts.push(byTab);
  return parts;
}

function orderOf(query: ListQuery): Order {
  const dir = query.dir === 'asc' ? 'ASC' : 'DESC';
  const field = query.sort ?? 'arrivalDate';
  return [
    [field, dir],
    ['id', dir],
  ];
}

/** Open handling deadlines and overdue flags of a page of documents, in one query. */
async function withDeadlines(docs: IncomingDocument[], today: string): Promise<IncomingListRow[]> {
  const open = docs.length
    ? await IncomingAssignment.findAll({
        where: {
          documentId: docs.map((d) => d.id),
          role: { [Op.in]: ['lead', 'support'] },
          status: { [Op.in]: ['pending', 'in_progress'] },
          deadline: { [Op.ne]: null },
        },
        attributes: ['documentId', 'deadline'],
      })
    : [];
  return docs.map((document) => {
    const deadlines = open
      .filter((a) => a.documentId === document.id)
      .map((a) => String(a.deadline));
    const nearest = deadlines.sort()[0] ?? null;
    const isClosed = ['completed', 'filed', 'returned'].includes(document.status);
    const deadline = nearest ?? document.dueDate ?? null;
    const isOverdue =
      !isClosed &&
      ((nearest !== null && nearest < today) ||
        (document.dueDate !== null && document.dueDate < today));
    return { document, deadline, isOverdue };
  });
}

/**
 * One page (20 rows) of a person's incoming documents for a tab, filtered and sorted; it never
 * contains a document the 'incoming.view' rule would refuse this person. 403 without 'incoming.list'.
 */
export async function listIncoming(user: User, query: ListQuery): Promise<IncomingList> {
  authorize(user, 'incoming.list');
  const tabs = tabsFor(user);
  const tab = query.tab && tabs.includes(query.tab) ? query.tab : 'toHandle';
  const today = todayInVietnam();
  const where = { [Op.and]: [...baseWhere(user, tab), ...filterWhere(query, today)] };
  const total = await IncomingDocument.count({ where });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(query.page, pages);
  // Nothing to page through: skip the ordered scan, which MariaDB may run over the whole agency.
  const docs = total
    ? await IncomingDocument.findAll({
        where,
        order: orderOf(query),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      })
    : [];
  return { tab, tabs, rows: await withDeadlines(docs, today), total, page, pages };
}

export interface IncomingCounters {
  toHandle: number;
  inProgress: number;
  overdue: number;
  forInfo: number;
  registeredToday: number;
}

/** SQL text of a where object on incoming_documents (aliased IncomingDocument, as Sequelize does). */
function whereSql(where: WhereOptions<IncomingDocument>): string {
  const generator = db().getQueryInterface().queryGenerator as {
    getWhereConditions(where: unknown, tableName: string, model: unknown): string;
  };
  return generator.getWhereConditions(where, 'IncomingDocument', IncomingDocument) || '1=1';
}

/**
 * The dashboard's figures for one person, each counted as the lists would show them, in one
 * scan of the person's visible documents.
 */
export async function incomingCounters(user: User): Promise<IncomingCounters> {
  const today = todayInVietnam();
  const toHandle = tabWhere(user, 'toHandle')!;
  const inProgress = tabWhere(user, 'inProgress')!;
  const figures: Record<keyof IncomingCounters, WhereOptions<IncomingDocument>> = {
    toHandle,
    inProgress,
    overdue: { [Op.and]: [{ [Op.or]: [toHandle, inProgress] }, overdueWhere(today)] },
    forInfo: tabWhere(user, 'forInfo')!,
    registeredToday: { createdAt: { [Op.gte]: vietnamMidnight(today) } },
  };
  const columns = Object.entries(figures)
    .map(([name, where]) => `SUM(CASE WHEN ${whereSql(where)} THEN 1 ELSE 0 END) AS ${name}`)
    .join(', ');
  const [row] = await db().query<Record<keyof IncomingCounters, unknown>>(
    `SELECT ${columns} FROM incoming_documents AS IncomingDocument WHERE ${whereSql(visibleIncomingWhere(user))}`,
    { type: QueryTypes.SELECT },
  );
  const count = (name: keyof IncomingCounters) => Number(row?.[name] ?? 0);
  return {
    toHandle: count('toHandle'),
    inProgress: count('inProgress'),
    overdue: count('overdue'),
    forInfo: count('forInfo'),
    registeredToday: count('registeredToday'),
  };
}
