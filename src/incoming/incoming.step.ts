import {
  runStep,
  type StepContext as DocumentStepContext,
  type StepFlow,
} from '../documents/step-runner.js';
import type { TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { requireVisibleIncoming, type IncomingAccess } from './incoming.access.js';
import { syncDeliveryStatus } from './incoming.delivery-sync.js';
import { type IncomingStatus } from './incoming.model.js';

export type StepContext = DocumentStepContext<IncomingAccess>;

/** The incoming flow as the shared step runner sees it. */
const INCOMING_FLOW: StepFlow<IncomingAccess, IncomingStatus> = {
  kind: 'incoming',
  load: (user, id, transaction) => requireVisibleIncoming(user, id, transaction),
  statusOf: (access) => access.document.status,
  wrongStatusCode: 'INCOMING_WRONG_STATUS',
};

/** One step of the incoming flow (see runStep). */
export function step<T>(
  documentId: number,
  actor: Actor,
  statuses: readonly IncomingStatus[] | null,
  options: TxOptions | undefined,
  fn: (ctx: StepContext) => Promise<T>,
): Promise<T> {
  return runStep(INCOMING_FLOW, documentId, actor, statuses, options, async (ctx) => {
    // The actions recorded tell a delivering agency how far this one's work has come.
    const actions: string[] = [];
    const result = await fn({
      ...ctx,
      record: (action, note, data) => {
        actions.push(action);
        return ctx.record(action, note, data);
      },
    });
    await syncDeliveryStatus(ctx.access.document, actions, actor.user.id, ctx.transaction);
    return result;
  });
}

export const invalid = (field: string, key: string) =>
  new AppError('VALIDATION_FAILED', 422, undefined, { [field]: `errors:${key}` });
