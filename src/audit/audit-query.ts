import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { integer, isoDate } from '../http/form-fields.js';
import { Agency } from '../agencies/agency.model.js';
import { agencySubtree } from '../agencies/agencies.service.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { whereLike } from '../db/like.js';
import { User } from '../users/user.model.js';
import { AuditLog } from './audit-log.model.js';

export const AUDIT_PAGE_SIZE = 50;

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .catch(undefined)
    .transform((v) => (v ? v : undefined));

export const AuditFilterSchema = z.object({
  user: text(64),
  // One code or prefix, or several separated by commas (codes sharing one label).
  action: text(200),
  entityType: text(40),
  entityId: text(64),
  // A day that does not exist is refused (422 with its message), not ignored as no filter.
  from: isoDate,
  to: isoDate,
  page: integer(z.number().int().min(1).max(1_000_000).default(1).catch(1)),
});
export type AuditFilter = z.infer<typeof AuditFilterSchema>;

/** Vietnam is UTC+7: a day runs from 17:00 UTC the evening before. */
function vietnamDayStart(iso: string): Date {
  return new Date(Date.parse(`${iso}T00:00:00+07:00`));
}

/**
 * The rows an administrator may read: those of the people of their agency and the agencies below
 * it; rows with no user (failed sign-ins of unknown names, setup) only at the top of the tree.
 */
async function auditScope(viewer: User): Promise<WhereOptions<AuditLog>> {
  const agencyIds = (await agencySubtree(viewer.agencyId)).map((node) => Number(node.item.id));
  const ofTheirPeople = db().literal(
    `userId IN (SELECT id FROM users WHERE agencyId IN (${agencyIds.join(',')}))`,
  );
  const agency = await Agency.findByPk(viewer.agencyId, { attributes: ['parentId'] });
  return agency?.parentId == null ? { [Op.or]: [ofTheirPeople, { userId: null }] } : ofTheirPeople;
}

const DOCUMENT_TABLES: Record<string, string> = {
  incoming: 'incoming_documents',
  outgoing: 'outgoing_documents',
};

/**
 * The rows (by index) whose document is more secret than the viewer's clearance: their details
 * (subjects, notes, file names, changes) are not shown to an administrator who is not cleared.
 */
async function rowsAboveClearance(rows: AuditLog[], viewer: User): Promise<Set<number>> {
  const hidden = new Set<number>();
  for (const [entityType, table] of Object.entries(DOCUMENT_TABLES)) {
    const ids = [
      ...new Set(
        rows
          .filter(
            (r) => r.entityType === entityType && r.details && /^\d+$/.test(String(r.entityId)),
          )
          .map((r) => Number(r.entityId)),
      ),
    ];
    if (!ids.length) continue;
    const secret = await rawSelect<{ id: number }>(
      db(),
      `SELECT id FROM ${table} WHERE id IN (${ids.map(() => '?').join(',')}) AND confidentiality > ?`,
      [...ids, viewer.secretClearance],
    );
    const secretIds = new Set(secret.map((d) => Number(d.id)));
    rows.forEach((r, i) => {
      if (r.entityType === entityType && secretIds.has(Number(r.entityId))) hidden.add(i);
    });
  }
  return hidden;
}

/**
 * One page of the audit log, newest first, filtered by user (username), action prefix, entity and
 * date range (Vietnam days). Each row carries its user's name; a secret document's details only
 * for a viewer cleared for it. The export reads the same pages, longer.
 */
export async function listAuditLogs(filter: AuditFilter, viewer: User, pageSize = AUDIT_PAGE_SIZE) {
  const where: WhereOptions<AuditLog>[] = [await auditScope(viewer)];
  if (filter.user) {
    const user = await User.findOne({ where: { username: filter.user }, attributes: ['id'] });
    where.push({ userId: user?.id ?? -1 });
  }
  if (filter.action) {
    const codes = filter.action
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean)
      .slice(0, 8);
    if (codes.length)
      where.push({ [Op.or]: codes.map((code) => whereLike('action', code, 'prefix')) });
  }
  if (filter.entityType) where.push({ entityType: filter.entityType });
  if (filter.entityId) where.push({ entityId: filter.entityId });
  if (filter.from) where.push({ occurredAt: { [Op.gte]: vietnamDayStart(filter.from) } });
  if (filter.to)
    where.push({
      occurredAt: { [Op.lt]: new Date(vietnamDayStart(filter.to).getTime() + 86_400_000) },
    });
  const { rows, count } = await AuditLog.findAndCountAll({
    where: { [Op.and]: where },
    order: [['id', 'DESC']],
    limit: pageSize,
    offset: (filter.page - 1) * pageSize,
  });
  const ids = [...new Set(rows.map((r) => r.userId).filter((id): id is number => id != null))];
  const users = ids.length
    ? await User.findAll({ where: { id: ids }, attributes: ['id', 'username', 'fullName'] })
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  const hidden = await rowsAboveClearance(rows, viewer);
  return {
    total: count,
    pages: Math.max(1, Math.ceil(count / pageSize)),
    rows: rows.map((r, i) => ({
      ...r.get({ plain: true }),
      ...(hidden.has(i) ? { details: null, detailsHidden: true } : {}),
      id: Number(r.id),
      user: r.userId != null ? (byId.get(r.userId)?.get({ plain: true }) ?? null) : null,
    })),
  };
}
