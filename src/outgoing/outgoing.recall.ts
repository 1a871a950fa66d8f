/**
 * Thu hồi (issue 12 §5, edXML statuses 13 → 15/16): the sender's clerk recalls an issued
 * document; each agency it reached is asked (13) and its clerks notified; a recipient's clerk
 * accepts (15: the delivery leaves the queue and a registered incoming document is withdrawn,
 * its trail kept) or refuses with a reason (16). The sender sees each answer.
 *   recallOutgoing(id, { reason }, actor) → OutgoingDocument (status 'recalled')
 *   answerRecall(recipientId, { accept, reason? }, actor)
 */
import { Op } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { runStep } from '../documents/step-runner.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { withdrawIncoming } from '../incoming/incoming.delivery-sync.js';
import { authorize } from '../policy/index.js';
import { Agency } from '../agencies/agency.model.js';
import { clerkIdsOf, notifyDelivery, numberNotation } from './deliveries.common.js';
import { requireVisibleDelivery, senderPeople } from './outgoing.deliveries.js';
import { outgoingFlow } from './outgoing.drafts.js';
import { OutgoingRecipient, OutgoingStatusEvent } from './outgoing.model.js';
import { OUTGOING_STEP_STATUSES } from './outgoing.policy.js';

const reasonRequired = () =>
  new AppError('VALIDATION_FAILED', 422, undefined, { reason: 'errors:DELIVERY_REASON_REQUIRED' });

/**
 * The sender's clerk recalls an issued document with a reason: the document becomes
 * 'recalled'; each agency that received it and did not refuse it is asked (13), with its event,
 * and its clerks are notified. Trail 'recall', audit outgoing.recall.
 */
export async function recallOutgoing(
  documentId: number,
  input: { reason: string },
  actor: Actor,
  options?: TxOptions,
) {
  const reason = input.reason?.trim();
  if (!reason) throw reasonRequired();
  return runStep(
    outgoingFlow,
    documentId,
    actor,
    OUTGOING_STEP_STATUSES.recall,
    options,
    async ({ access, transaction, record }) => {
      authorize(actor.user, 'outgoing.recall', access);
      const document = access.document;
      const now = new Date();
      await document.update(
        { status: 'recalled', recalledAt: now, recallReason: reason },
        { transaction },
      );
      const asked = access.recipients.filter(
        (r) => r.recipientAgencyId != null && r.status != null && r.status !== '02',
      );
      if (asked.length) {
        await OutgoingRecipient.update(
          { recallStatus: '13', recallAt: now, recallNote: reason },
          { where: { id: { [Op.in]: asked.map((r) => r.id) } }, transaction },
        );
        await OutgoingStatusEvent.bulkCreate(
          asked.map((r) => ({
            recipientId: r.id,
            status: '13',
            note: reason,
            actorId: actor.user.id,
          })),
          { transaction },
        );
      }
      await record('recall', reason, { recipientIds: asked.map((r) => r.id) });
      const sender = await Agency.findByPk(document.agencyId, { transaction });
      const clerks = await clerkIdsOf(
        asked.map((r) => r.recipientAgencyId!),
        transaction,
      );
      await notifyDelivery(
        asked.map((r) => ({
          userIds: clerks.get(r.recipientAgencyId!) ?? [],
          key: 'recall',
          link: `/incoming/arrivals/${r.id}`,
          params: {
            agency: sender?.name ?? '',
            notation: numberNotation(document),
            subject: document.subject,
            reason,
          },
        })),
        actor.user.id,
        transaction,
      );
      return document;
    },
  );
}

/**
 * The recipient's clerk answers a recall: accepted (15), the delivery leaves the queue and its
 * incoming document, if registered, is withdrawn; refused (16), with a reason (required). The
 * delivery must have a recall waiting (409 RECALL_NOT_ASKED otherwise).
 */
export async function answerRecall(
  recipientId: number,
  input: { accept: boolean; reason?: string | null },
  actor: Actor,
): Promise<void> {
  const reason = input.reason?.trim() || null;
  if (!input.accept && !reason) throw reasonRequired();
  await withTransaction(db(), undefined, async (transaction) => {
    const access = await requireVisibleDelivery(actor.user, recipientId, transaction);
    const { recipient, document } = access;
    if (recipient.recallStatus !== '13') throw new AppError('RECALL_NOT_ASKED', 409);
    authorize(actor.user, 'delivery.answerRecall', access);
    const status = input.accept ? '15' : '16';
    await recipient.update(
      { recallStatus: status, recallAt: new Date(), recallNote: reason },
      { transaction },
    );
    await OutgoingStatusEvent.create(
      { recipientId, status, note: reason, actorId: actor.user.id },
      { transaction },
    );
    if (input.accept && recipient.incomingId)
      await withdrawIncoming(
        recipient.incomingId,
        reason ?? document.recallReason,
        actor,
        transaction,
      );
    await recordAudit(
      {
        action: 'delivery.answer_recall',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'outgoing',
        entityId: document.id,
        details: { recipientId, accept: input.accept, reason, incomingId: recipient.incomingId },
      },
      { transaction },
    );
    await notifyDelivery(
      [
        {
          userIds: senderPeople(document),
          key: input.accept ? 'recallAccepted' : 'recallRefused',
          link: `/outgoing/${document.id}`,
          params: { agency: recipient.name, notation: numberNotation(document), reason },
        },
      ],
      actor.user.id,
      transaction,
    );
  });
}
