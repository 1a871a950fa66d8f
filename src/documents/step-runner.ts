import type { Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import type { User } from '../users/user.model.js';
import type { DocumentKind } from './document.model.js';
import { addTrailEvent, type TrailEventInput } from './trail.service.js';

/** A document of any flow: its kind and its id in that flow's table. */
export interface DocumentRef {
  kind: DocumentKind;
  id: number;
}

/**
 * What the step runner needs to know of one flow: how to load a document the user may see
 * (locked for the transaction), and in which status it is.
 */
export interface StepFlow<TAccess, TStatus extends string> {
  kind: DocumentKind;
  /** Loads the document, 404 when the user may not see it; locks it on MariaDB. */
  load(user: User, id: number, transaction: Transaction): Promise<TAccess>;
  statusOf(access: TAccess): TStatus;
  /** The error code when the document is not at the step (e.g. INCOMING_WRONG_STATUS). */
  wrongStatusCode: string;
}

export interface StepContext<TAccess> {
  ref: DocumentRef;
  access: TAccess;
  transaction: Transaction;
  /** Writes the trail event and the audit row of the step, in the step's transaction. */
  record(action: string, note?: string | null, data?: Record<string, unknown>): Promise<void>;
  /**
   * Writes the step's audit row and returns its trail event unwritten, for a caller that inserts
   * it together with the events that follow (one statement).
   */
  auditStep(
    action: string,
    note?: string | null,
    data?: Record<string, unknown>,
  ): Promise<TrailEventInput>;
}

/**
 * Runs one workflow step of any flow in its own transaction (or the caller's): the document is
 * loaded and locked inside it, hidden documents give 404, a document not at this step 409, and
 * the step's trail event and audit row commit with its changes or not at all.
 */
export async function runStep<TAccess, TStatus extends string, T>(
  flow: StepFlow<TAccess, TStatus>,
  id: number,
  actor: Actor,
  statuses: readonly TStatus[] | null,
  options: TxOptions | undefined,
  fn: (ctx: StepContext<TAccess>) => Promise<T>,
): Promise<T> {
  const ref: DocumentRef = { kind: flow.kind, id };
  return withTransaction(db(), options, async (transaction) => {
    const access = await flow.load(actor.user, id, transaction);
    if (statuses && !statuses.includes(flow.statusOf(access))) {
      throw new AppError(flow.wrongStatusCode, 409);
    }
    const trailOf = (
      action: string,
      note?: string | null,
      data?: Record<string, unknown>,
    ): TrailEventInput => ({
      kind: ref.kind,
      documentId: id,
      actorId: actor.user.id,
      action,
      note: note ?? null,
      data,
    });
    const audit = (action: string, note?: string | null, data?: Record<string, unknown>) =>
      recordAudit(
        {
          action: `${ref.kind}.${action}`,
          userId: actor.user.id,
          ip: actor.ip,
          entityType: ref.kind,
          entityId: id,
          details: { ...data, note: note ?? undefined },
        },
        { transaction },
      );
    const record = async (action: string, note?: string | null, data?: Record<string, unknown>) => {
      await addTrailEvent(trailOf(action, note, data), { transaction });
      await audit(action, note, data);
    };
    const auditStep = async (
      action: string,
      note?: string | null,
      data?: Record<string, unknown>,
    ) => {
      await audit(action, note, data);
      return trailOf(action, note, data);
    };
    return fn({ ref, access, transaction, record, auditStep });
  });
}
