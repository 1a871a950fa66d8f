import { formatCodeNumber } from '../registers/number-series.js';
/**
 * What dispatch, the recipient's queue, recall and the sender's tracking share: the number and
 * symbol as people read it, the clerks of an agency, and notifications in each person's language.
 */
import type { Transaction } from 'sequelize';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { messageParams } from '../notifications/notification-text.js';
import { notify } from '../notifications/notification.service.js';
import {
  OutgoingStatusEvent,
  type DeliveryStatus,
  type OutgoingDocument,
  type OutgoingRecipient,
} from './outgoing.model.js';

const shorten = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** The symbol without the number in front ("QĐ-UBND" of "15/QĐ-UBND"). */
export function notationOf(document: Pick<OutgoingDocument, 'codeNumber' | 'codeNotation'>) {
  const notation = (document.codeNotation ?? '').trim();
  const prefix = `${document.codeNumber ?? ''}/`;
  return document.codeNumber != null && notation.startsWith(prefix)
    ? notation.slice(prefix.length)
    : notation;
}

/** Số, ký hiệu as printed: "15/QĐ-UBND", "05/QĐ-UBND" (the number alone, or the symbol alone, when only one is set). */
export function numberNotation(
  document: Pick<OutgoingDocument, 'codeNumber' | 'codeNotation'>,
): string {
  const notation = notationOf(document);
  if (document.codeNumber == null) return notation;
  // Printed as Decree 30 writes it: below 10 with a leading zero ("05/QĐ-UBND").
  const number = formatCodeNumber(document.codeNumber);
  return notation ? `${number}/${notation}` : number;
}

/** The active clerks (văn thư) of the agencies: who receives what is sent to an agency. */
export async function clerkIdsOf(
  agencyIds: number[],
  transaction?: Transaction,
): Promise<Map<number, number[]>> {
  const byAgency = new Map<number, number[]>();
  if (agencyIds.length === 0) return byAgency;
  // Read by hand: only the ids are needed, not the people with their roles.
  const rows = await rawSelect<{ id: number; agencyId: number }>(
    db(),
    `SELECT u.id, u.agencyId FROM users u
      WHERE u.agencyId IN (${agencyIds.map(() => '?').join(', ')}) AND u.isActive = 1
        AND u.id IN (SELECT r.userId FROM user_roles r WHERE r.role = 'clerk')
      ORDER BY u.id`,
    agencyIds,
    transaction,
  );
  for (const u of rows) {
    const agencyId = Number(u.agencyId);
    byAgency.set(agencyId, [...(byAgency.get(agencyId) ?? []), Number(u.id)]);
  }
  return byAgency;
}

/** One notification per person, in their language, from a `deliveries:notify.*` text. */
export interface DeliveryNotice {
  userIds: number[];
  key: string;
  link: string;
  params: Record<string, unknown>;
  /** Marked with the urgency's name in front (Khẩn, Thượng khẩn, Hỏa tốc). */
  urgency?: number;
}

/**
 * Notifies each notice's people but the actor, those still active; `activeChecked` when the
 * caller read every id as an active person in this transaction (clerkIdsOf, departmentHeadIds).
 */
export async function notifyDelivery(
  notices: DeliveryNotice[],
  actorId: number,
  transaction: Transaction,
  { activeChecked = false }: { activeChecked?: boolean } = {},
): Promise<void> {
  const ids = [...new Set(notices.flatMap((n) => n.userIds))].filter((id) => id !== actorId);
  if (ids.length === 0) return;
  const users = new Set(
    activeChecked
      ? ids
      : (
          await rawSelect<{ id: number }>(
            db(),
            `SELECT id FROM users WHERE id IN (${ids.map(() => '?').join(', ')}) AND isActive = 1`,
            ids,
            transaction,
          )
        ).map((u) => Number(u.id)),
  );
  const inputs = notices.flatMap((n) =>
    [...new Set(n.userIds)]
      .filter((id) => id !== actorId && users.has(id))
      .map((id) => {
        const params = messageParams({
          ...n.params,
          ...(typeof n.params.subject === 'string'
            ? { subject: shorten(n.params.subject, 150) }
            : {}),
        });
        // Marked with the urgency's name in the reader's language: "[Hỏa tốc] ".
        if (n.urgency)
          params._prefix = {
            key: 'deliveries:notify.urgent',
            params: { label: { key: `urgency.${n.urgency}` } },
          };
        return {
          userId: id,
          kind: `delivery.${n.key}`,
          key: `deliveries:notify.${n.key}`,
          params,
          link: n.link,
        };
      }),
  );
  await notify(inputs, { transaction });
}

/** Records a status of the delivery with its event, in the caller's transaction. */
export async function setDeliveryStatus(
  recipient: OutgoingRecipient,
  status: DeliveryStatus,
  note: string | null,
  actorId: number,
  transaction: Transaction,
  extra: Partial<Pick<OutgoingRecipient, 'incomingId'>> = {},
): Promise<void> {
  await recipient.update(
    { status, statusAt: new Date(), statusNote: note, ...extra },
    { transaction },
  );
  await OutgoingStatusEvent.create(
    { recipientId: recipient.id, status, note, actorId },
    { transaction },
  );
}

/** The people of the sending agency told about a recipient's answer: issuer and drafter. */
export const senderPeople = (document: OutgoingDocument) =>
  [document.issuedById, document.createdById].filter((id): id is number => id != null);
