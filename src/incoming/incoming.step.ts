import type { Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { addTrailEvent } from '../documents/trail.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { requireVisibleIncoming, type IncomingAccess } from './incoming.access.js';
import { type IncomingStatus } from './incoming.model.js';

export interface StepContext {
  access: IncomingAccess;
  transaction: Transaction;
  /** Writes the trail event and the audit row of the step. */
  record(action: string, note?: string | null, data?: Record<string, unknown>): Promise<void>;
}

/**
 * Runs one workflow step in its own transaction (or the caller's): the document is loaded (and
 * locked on MariaDB) inside it, hidden documents give 404, a document not at this step 409.
 */
export async function step<T>(
  documentId: number,
  actor: Actor,
  statuses: readonly IncomingStatus[] | null,
  options: TxOptions | undefined,
  fn: (ctx: StepContext) => Promise<T>,
): Promise<T> {
  return withTransaction(db(), options, async (transaction) => {
    const access = await requireVisibleIncoming(actor.user, documentId, transaction);
    if (statuses && !statuses.includes(access.document.status)) {
      throw new AppError('INCOMING_WRONG_STATUS', 409);
    }
    const record = async (action: string, note?: string | null, data?: Record<string, unknown>) => {
      await addTrailEvent(
        { kind: 'incoming', documentId, actorId: actor.user.id, action, note: note ?? null, data },
        { transaction },
      );
      await recordAudit(
        {
          action: `incoming.${action}`,
          userId: actor.user.id,
          ip: actor.ip,
          entityType: 'incoming',
          entityId: documentId,
          details: { ...data, note: note ?? undefined },
        },
        { transaction },
      );
    };
    return fn({ access, transaction, record });
  });
}

export const invalid = (field: string, key: string) =>
  new AppError('VALIDATION_FAILED', 422, undefined, { [field]: `errors:${key}` });
