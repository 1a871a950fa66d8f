import type { Transaction } from 'sequelize';
import { Agency } from '../agencies/agency.model.js';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { insertRows, rawWrite } from '../db/raw-write.js';
import { addTrailEvents, type TrailEventInput } from '../documents/trail.service.js';
import type { Actor } from '../http/request-context.js';
import { departmentHeadIds } from '../incoming/incoming.notify.js';
import {
  clerkIdsOf,
  notifyDelivery,
  numberNotation,
  type DeliveryNotice,
} from './deliveries.common.js';
import { OutgoingRecipient, OutgoingStatusEvent, type OutgoingDocument } from './outgoing.model.js';

/**
 * Sends an issued document to its recipients, in the issuance's transaction (after the number
 * and the sealed files): each agency of this deployment gets it in its clerks' queue (status 01,
 * arrived, with its event) and its clerks are notified, urgent documents marked; the heads of
 * each department of the sender's own agency are notified (the outgoing policy lets them see
 * it); recipients outside the deployment keep no status (sent outside the system). Trail
 * 'dispatch' and audit outgoing.dispatch.
 */
export async function dispatchIssued(
  document: OutgoingDocument,
  actor: Actor,
  transaction: Transaction,
  loaded: {
    /** The recipients, read in this transaction after the document's lock (its access). */
    recipients?: OutgoingRecipient[];
    /** The sender agency's name, when the caller has read it. */
    senderName?: string;
    /** The issuance's own trail event, written before 'dispatch' in the same INSERT. */
    issueTrail?: TrailEventInput;
  } = {},
): Promise<void> {
  const recipients =
    loaded.recipients ??
    (await OutgoingRecipient.findAll({
      where: { outgoingId: document.id },
      order: [['position', 'ASC']],
      transaction,
    }));
  const agencies = recipients.filter((r) => r.recipientAgencyId != null && r.status == null);
  const departments = recipients.filter((r) => r.departmentId != null);
  const now = new Date();
  if (agencies.length) {
    // Plain statements: one issuance writes ten recipients' rows and events.
    await rawWrite(
      db(),
      `UPDATE outgoing_recipients SET status = '01', statusAt = ?, statusNote = NULL, updatedAt = ?
        WHERE id IN (${agencies.map(() => '?').join(', ')})`,
      [now, now, ...agencies.map((r) => r.id)],
      transaction,
    );
    // The loaded rows say what was written (the API's answer reads them).
    for (const r of agencies) r.set({ status: '01', statusAt: now, statusNote: null });
    await insertRows(
      OutgoingStatusEvent,
      agencies.map((r) => ({
        recipientId: r.id,
        status: '01',
        note: null,
        actorId: actor.user.id,
      })),
      transaction,
    );
  }
  const senderName =
    loaded.senderName ?? (await Agency.findByPk(document.agencyId, { transaction }))?.name;
  const params = {
    agency: senderName ?? '',
    notation: numberNotation(document),
    subject: document.subject,
  };
  const clerks = await clerkIdsOf(
    agencies.map((r) => r.recipientAgencyId!),
    transaction,
  );
  const notices: DeliveryNotice[] = agencies.map((r) => ({
    userIds: clerks.get(r.recipientAgencyId!) ?? [],
    key: 'arrived',
    link: `/incoming/arrivals/${r.id}`,
    params,
    urgency: document.urgency,
  }));
  for (const r of departments) {
    notices.push({
      userIds: await departmentHeadIds(document.agencyId, r.departmentId!, transaction),
      key: 'department',
      link: `/outgoing/${document.id}`,
      params,
      urgency: document.urgency,
    });
  }
  // Every id was read as an active person in this transaction.
  await notifyDelivery(notices, actor.user.id, transaction, { activeChecked: true });
  const counts = {
    agencies: agencies.length,
    departments: departments.length,
    external: recipients.filter((r) => r.recipientAgencyId == null && r.departmentId == null)
      .length,
  };
  await addTrailEvents(
    [
      ...(loaded.issueTrail ? [loaded.issueTrail] : []),
      {
        kind: 'outgoing',
        documentId: document.id,
        actorId: actor.user.id,
        action: 'dispatch',
        data: { ...counts, recipients: agencies.map((r) => r.name) },
      },
    ],
    { transaction },
  );
  await recordAudit(
    {
      action: 'outgoing.dispatch',
      userId: actor.user.id,
      ip: actor.ip,
      entityType: 'outgoing',
      entityId: document.id,
      details: { ...counts, recipientIds: agencies.map((r) => r.id) },
    },
    { transaction },
  );
}
