/**
 * The sender's tracking of an outgoing document (issue 12 §5): each recipient with its edXML
 * status (01 Đã đến … 06 Hoàn thành), its time and note, its history and its recall answer.
 *   deliveryStatus(outgoingId, user, t?) → DeliveryStatusView (for the detail page and the API)
 *   readDeliveryStatus(outgoingId, actor, t?) → the same, audited (API)
 *   deliveryStatusModel(req, outgoingId) → the model of views/partials/delivery-status.hbs
 */
import type { Request } from 'express';
import type { TFunction } from 'i18next';
import { recordAudit } from '../audit/audit.service.js';
import { hydrate } from '../db/hydrate.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import type { Select } from '../db/select-together.js';
import type { Actor } from '../http/request-context.js';
import { translator } from '../i18n/index.js';
import { authorize, can } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { requireVisibleOutgoing, type OutgoingAccess } from './outgoing.access.js';
import { OutgoingStatusEvent } from './outgoing.model.js';

export interface StatusMark {
  code: string;
  /** The Vietnamese (or the reader's language) name of the code, e.g. "Đã đến". */
  label: string;
  /** Code and name as the sender reads them: "01 Đã đến". */
  text: string;
  at: Date | null;
  note: string | null;
}

export interface RecipientStatusView {
  id: number;
  position: number;
  name: string;
  code: string | null;
  kind: 'agency' | 'department' | 'external';
  /** Null for a department of the sender's own agency and for a recipient outside the system. */
  status: StatusMark | null;
  /** What the sender reads when there is no status (gửi ngoài hệ thống, gửi nội bộ). */
  kindLabel: string;
  history: StatusMark[];
  recall: StatusMark | null;
}

export interface DeliveryStatusView {
  outgoingId: number;
  status: string;
  recalledAt: Date | null;
  recallReason: string | null;
  recipients: RecipientStatusView[];
}

type T = (key: string, options?: object) => string;

function mark(t: T, code: string, at: Date | null, note: string | null): StatusMark {
  const label = t(`deliveries:status.${code}`);
  // People read the state's name; its edXML code (01 Đã đến…) stays in the API's `code`.
  return { code, label, text: label, at, note };
}

/** The status events of recipients, oldest first (statusEventsOf turns its rows into events). */
export function statusEventsSelect(recipientIds: number[]): Select {
  return {
    sql: `SELECT * FROM outgoing_status_events
      WHERE recipientId IN (${recipientIds.map(() => '?').join(', ')}) ORDER BY id`,
    params: recipientIds,
  };
}

export function statusEventsOf(rows: Record<string, unknown>[]): OutgoingStatusEvent[] {
  return rows.map((row) => hydrate(OutgoingStatusEvent, row));
}

/**
 * Each recipient of a document the user may see (404 otherwise), with its current status and
 * history, labels in `t`'s language (Vietnamese by default). Not audited: the page that shows it
 * records the view of the document.
 */
export async function deliveryStatus(
  outgoingId: number,
  user: User,
  t: TFunction = translator('vi'),
  /** The document's access, when the caller has just loaded it for this user. */
  loaded?: OutgoingAccess,
  /** The recipients' status events, when the caller read them with its own reads. */
  events?: OutgoingStatusEvent[],
): Promise<DeliveryStatusView> {
  const access =
    loaded?.document.id === outgoingId ? loaded : await requireVisibleOutgoing(user, outgoingId);
  authorize(user, 'outgoing.deliveryStatus', access);
  const tr = t as unknown as T;
  const ids = access.recipients.map((r) => r.id);
  // Read by hand: every issuance's answer reads them (ten recipients, an event each).
  if (!events && ids.length) {
    const { sql, params } = statusEventsSelect(ids);
    events = statusEventsOf(await rawSelect<Record<string, unknown>>(db(), sql, params));
  }
  events ??= [];
  const recipients = access.recipients.map((r): RecipientStatusView => {
    const kind =
      r.recipientAgencyId != null ? 'agency' : r.departmentId != null ? 'department' : 'external';
    return {
      id: r.id,
      position: r.position,
      name: r.name,
      code: r.code,
      kind,
      status: r.status ? mark(tr, r.status, r.statusAt, r.statusNote) : null,
      kindLabel: tr(`deliveries:kind.${kind}`),
      history: events
        .filter((e) => e.recipientId === r.id)
        .map((e) => mark(tr, e.status, e.createdAt, e.note)),
      recall: r.recallStatus ? mark(tr, r.recallStatus, r.recallAt, r.recallNote) : null,
    };
  });
  const doc = access.document;
  return {
    outgoingId,
    status: doc.status,
    recalledAt: doc.recalledAt ?? null,
    recallReason: doc.recallReason ?? null,
    recipients,
  };
}

/** deliveryStatus, audited as outgoing.delivery_status.view (the API's read). */
export async function readDeliveryStatus(
  outgoingId: number,
  actor: Actor,
  t?: TFunction,
): Promise<DeliveryStatusView> {
  const view = await deliveryStatus(outgoingId, actor.user, t);
  await recordAudit({
    action: 'outgoing.delivery_status.view',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'outgoing',
    entityId: outgoingId,
  });
  return view;
}

/**
 * The model of views/partials/delivery-status.hbs for the outgoing detail page:
 * `{{> delivery-status deliveries}}` with `deliveries = await deliveryStatusModel(req, id)`.
 * canRecall says whether the recall form is shown (POST /outgoing/:id/recall).
 */
export async function deliveryStatusModel(req: Request, outgoingId: number) {
  const view = await deliveryStatus(outgoingId, req.user!, req.t);
  const access = await requireVisibleOutgoing(req.user!, outgoingId);
  return {
    ...view,
    isRecalled: view.status === 'recalled',
    canRecall: can(req.user!, 'outgoing.recall', access),
    hasRecipients: view.recipients.length > 0,
  };
}
