import type { Transaction } from 'sequelize';
import { messageParams } from '../notifications/notification-text.js';
import { notify } from '../notifications/notification.service.js';
import { User } from '../users/user.model.js';
import type { IncomingDocument } from './incoming.model.js';

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
const shorten = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** The active heads of a department (they receive what is sent to the department). */
export async function departmentHeadIds(
  agencyId: number,
  departmentId: number,
  transaction?: Transaction,
): Promise<number[]> {
  const users = await User.findAll({
    where: { agencyId, departmentId, isActive: true, ...User.whereHasRole('dept_head') },
    transaction,
  });
  return users.filter((u) => u.hasRole('dept_head')).map((u) => u.id);
}

/**
 * Who holds a piece of work: the person it was given to, or the heads of the department (they
 * receive what is sent to the department).
 */
export async function holderIds(
  agencyId: number,
  holder: { userId?: number | null; departmentId?: number | null },
  transaction?: Transaction,
): Promise<number[]> {
  if (holder.userId) return [holder.userId];
  return holder.departmentId ? departmentHeadIds(agencyId, holder.departmentId, transaction) : [];
}

/** A deadline as people read it (dd/mm/yyyy), or a dash when there is none. */
const readableDeadline = (value: unknown) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? value.split('-').reverse().join('/')
    : '—';

/**
 * Notifies users about a step of an incoming document (read in each reader's language), with a link
 * to the document; the one who took the step is not told about it. A `deadline` parameter
 * (YYYY-MM-DD) is written dd/mm/yyyy.
 */
export async function notifyIncoming(
  userIds: Iterable<number>,
  key: string,
  doc: IncomingDocument,
  actorId: number,
  transaction: Transaction,
  params: Record<string, unknown> = {},
): Promise<void> {
  const ids = [...new Set(userIds)].filter((id) => id !== actorId);
  if (ids.length === 0) return;
  const users = await User.findAll({ where: { id: ids, isActive: true }, transaction });
  await notify(
    users.map((u) => ({
      userId: u.id,
      kind: `incoming.${key}`,
      key: `incoming:notify.${key}`,
      params: messageParams({
        number: pad(doc.arrivalNumber),
        subject: shorten(doc.subject, 150),
        ...params,
        ...('deadline' in params ? { deadline: readableDeadline(params.deadline) } : {}),
      }),
      link: `/incoming/${doc.id}`,
    })),
    { transaction },
  );
}
