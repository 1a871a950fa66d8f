import type { Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { addTrailEvent } from '../documents/trail.service.js';
import type { Actor } from '../http/request-context.js';
import { Agency } from '../agencies/agency.model.js';
import {
  notifyDelivery,
  numberNotation,
  senderPeople,
  setDeliveryStatus,
} from '../outgoing/deliveries.common.js';
import {
  OutgoingDocument,
  OutgoingRecipient,
  type DeliveryStatus,
} from '../outgoing/outgoing.model.js';
import { IncomingAssignment, IncomingDocument } from './incoming.model.js';
import { holderIds, notifyIncoming } from './incoming.notify.js';

/**
 * The edXML status a step of the recipient's work reports to the sender: direction and
 * hand-overs 04 (đã phân công), progress and completed hand-overs 05 (đang xử lý), the document
 * completed or filed 06 (hoàn thành); null for steps the sender does not follow.
 */
export function deliveryStatusOf(
  document: Pick<IncomingDocument, 'status'>,
  actions: readonly string[],
): DeliveryStatus | null {
  if (document.status === 'completed' || document.status === 'filed') return '06';
  if (actions.includes('report') || actions.includes('complete')) return '05';
  if (actions.includes('direct') || actions.includes('assign')) return '04';
  return null;
}

/**
 * Status sync of a delivery inside the deployment: when the incoming document came from another
 * agency's outgoing document, its delivery moves forward to the status of the step just taken,
 * with its time as an event, in the step's transaction. One indexed lookup (incomingId) when the
 * step reports a status; nothing when it reports none. A status never moves backwards.
 */
export async function syncDeliveryStatus(
  document: IncomingDocument,
  actions: readonly string[],
  actorId: number,
  transaction: Transaction,
): Promise<void> {
  const status = deliveryStatusOf(document, actions);
  if (!status) return;
  const recipient = await OutgoingRecipient.findOne({
    where: { incomingId: document.id },
    transaction,
  });
  if (!recipient || !recipient.status || recipient.status === '02' || recipient.status >= status)
    return;
  await setDeliveryStatus(recipient, status, null, actorId, transaction);
}

/**
 * Trả lại nơi gửi of a document another agency of this deployment sent: its delivery says 02
 * (từ chối, with the reason) and the sender's issuer and drafter are told, in the step's
 * transaction. Nothing for a document registered by hand or a delivery already refused.
 */
export async function sendBackToSender(
  document: IncomingDocument,
  reason: string,
  actorId: number,
  transaction: Transaction,
): Promise<void> {
  const recipient = await OutgoingRecipient.findOne({
    where: { incomingId: document.id },
    transaction,
  });
  if (!recipient || !recipient.status || recipient.status === '02') return;
  await setDeliveryStatus(recipient, '02', reason, actorId, transaction);
  const sent = await OutgoingDocument.findByPk(recipient.outgoingId, { transaction });
  if (!sent) return;
  const recipientAgency = await Agency.findByPk(document.agencyId, { transaction });
  await notifyDelivery(
    [
      {
        userIds: senderPeople(sent),
        key: 'sentBack',
        link: `/outgoing/${sent.id}`,
        params: {
          agency: recipientAgency?.name ?? recipient.name,
          notation: numberNotation(sent),
          reason,
        },
      },
    ],
    actorId,
    transaction,
  );
}

/**
 * Thu hồi accepted: the incoming document registered from a recalled delivery is withdrawn, in
 * the caller's transaction. Its open assignments are closed (it leaves every queue), the people
 * who held them are told, and the trail stays as it was, with the withdrawal on it.
 */
export async function withdrawIncoming(
  documentId: number,
  reason: string | null,
  actor: Actor,
  transaction: Transaction,
): Promise<void> {
  await db().query('UPDATE incoming_documents SET updatedAt = updatedAt WHERE id = ?', {
    replacements: [documentId],
    transaction,
  });
  const document = await IncomingDocument.findByPk(documentId, { transaction });
  if (!document || document.status === 'withdrawn') return;
  const open = await IncomingAssignment.findAll({
    where: { documentId, status: ['pending', 'in_progress'] },
    transaction,
  });
  if (open.length)
    await IncomingAssignment.update(
      { status: 'returned' },
      { where: { id: open.map((a) => a.id) }, transaction },
    );
  const previous = document.status;
  await document.update({ status: 'withdrawn' }, { transaction });
  await addTrailEvent(
    {
      kind: 'incoming',
      documentId,
      actorId: actor.user.id,
      action: 'withdraw',
      note: reason,
      data: { previousStatus: previous, closedAssignments: open.map((a) => a.id) },
    },
    { transaction },
  );
  await recordAudit(
    {
      action: 'incoming.withdraw',
      userId: actor.user.id,
      ip: actor.ip,
      entityType: 'incoming',
      entityId: documentId,
      details: { previousStatus: previous, closedAssignments: open.map((a) => a.id) },
    },
    { transaction },
  );
  const holders = new Set<number>(document.presentedToId ? [document.presentedToId] : []);
  for (const a of open)
    for (const id of await holderIds(
      document.agencyId,
      { userId: a.assigneeUserId, departmentId: a.assigneeDepartmentId },
      transaction,
    ))
      holders.add(id);
  await notifyIncoming(holders, 'withdrawn', document, actor.user.id, transaction);
}
