/**
 * The độ mật of the incoming and outgoing documents linked to agenda items (linked, not copied):
 * a linked document keeps its own, so an item never shows it to people its level would keep out.
 */
import type { Transaction } from 'sequelize';
import { IncomingDocument } from '../incoming/incoming.model.js';
import { OutgoingDocument } from '../outgoing/outgoing.model.js';
import { MeetingItemDocument } from './meeting.model.js';

type LinkedKind = 'incoming' | 'outgoing';

/** The độ mật of one linked document as it is now (0 when it is gone). */
export async function linkedConfidentiality(
  kind: LinkedKind,
  id: number,
  transaction?: Transaction,
): Promise<number> {
  const options = { attributes: ['id', 'confidentiality'], transaction };
  const row =
    kind === 'incoming'
      ? await IncomingDocument.findByPk(id, options)
      : await OutgoingDocument.findByPk(id, options);
  return row?.confidentiality ?? 0;
}

/** The highest độ mật among the documents linked to an item (0 when none is linked). */
export async function highestLinkedConfidentiality(
  itemId: number,
  transaction?: Transaction,
): Promise<number> {
  const links = await MeetingItemDocument.findAll({
    where: { itemId },
    attributes: ['id', 'linkedKind', 'linkedId'],
    transaction,
  });
  let highest = 0;
  for (const link of links) {
    if (!link.linkedKind || !link.linkedId) continue;
    highest = Math.max(
      highest,
      await linkedConfidentiality(link.linkedKind, link.linkedId, transaction),
    );
  }
  return highest;
}
