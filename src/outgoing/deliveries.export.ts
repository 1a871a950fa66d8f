/**
 * The deliveries' lists as XLSX (issue 11), as their pages show them:
 *   GET /incoming/arrivals/export.xlsx — the clerk's queue: the recalls waiting for an answer,
 *     then the documents waiting to be registered, one row each under the heading of its part;
 *     audited as delivery.export with the deliveries that left the system.
 *   GET /outgoing/:id/deliveries/export.xlsx — the sender's tracking of one document: each
 *     recipient, its current status, when, and its answer to a recall; to whoever may see the
 *     tracking (deliveryStatus); audited as outgoing.delivery_status.export.
 */
import { documentTypeName } from '../documents/document-types.js';
import { formatDateTime } from '../http/view-helpers.js';
import { listExport } from '../http/list-export.js';
import { numberNotation } from './deliveries.common.js';
import { pathId } from '../http/params.js';
import { listArrivals, type ArrivalRow } from './outgoing.deliveries.js';
import {
  deliveryStatus,
  type DeliveryStatusView,
  type RecipientStatusView,
} from './outgoing.delivery-status.js';

interface QueueRow {
  part: 'recalls' | 'waiting';
  arrival: ArrivalRow;
}

export const exportArrivals = listExport<null, QueueRow>({
  action: 'delivery.export',
  entityType: 'delivery',
  fileName: 'van-ban-cho-tiep-nhan',
  sheet: 'list-export:arrivals.sheet',
  heading: 'list-export:arrivals.heading',
  query: () => null,
  rows: async (req, _query, limit) => {
    const { waiting, recalls } = await listArrivals(req.user!, limit);
    return {
      rows: [
        ...recalls.map((arrival) => ({ part: 'recalls' as const, arrival })),
        ...waiting.map((arrival) => ({ part: 'waiting' as const, arrival })),
      ],
    };
  },
  columns: (req) => {
    const t = req.t as unknown as (key: string, options?: object) => string;
    return [
      {
        header: t('list-export:section'),
        width: 26,
        value: ({ part }) => t(`deliveries:arrivals.${part}`),
      },
      {
        header: t('deliveries:field.arrivedAt'),
        width: 17,
        date: 'time',
        value: ({ part, arrival }) => (part === 'waiting' ? arrival.recipient.statusAt : null),
      },
      {
        header: t('deliveries:field.sender'),
        width: 30,
        value: ({ arrival }) => arrival.senderName,
      },
      {
        header: t('deliveries:field.notation'),
        width: 18,
        value: ({ arrival }) => numberNotation(arrival.document),
      },
      {
        header: t('deliveries:field.documentType'),
        width: 16,
        value: ({ arrival }) => documentTypeName(arrival.document.documentType, req.lng),
      },
      {
        header: t('deliveries:field.subject'),
        width: 60,
        value: ({ arrival }) => arrival.document.subject,
      },
      {
        header: t('deliveries:field.urgency'),
        width: 16,
        value: ({ arrival: { document: d } }) =>
          d.urgentDeliverBy
            ? t('incoming:urgency.timedAt', { time: formatDateTime(d.urgentDeliverBy) })
            : d.urgency > 0
              ? t(`urgency.${d.urgency}`)
              : null,
      },
      {
        header: t('deliveries:field.confidentiality'),
        width: 12,
        value: ({ arrival: { document: d } }) =>
          d.confidentiality > 0 ? t(`confidentiality.${d.confidentiality}`) : null,
      },
      {
        header: t('deliveries:field.statusNote'),
        width: 40,
        value: ({ part, arrival: { recipient } }) =>
          part === 'recalls'
            ? recipient.recallNote
            : recipient.recallStatus === '16'
              ? t('deliveries:status.16')
              : null,
      },
    ];
  },
  audit: (_query, rows) => ({
    // Which deliveries left the system (the first 5,000: the audit row stays small).
    deliveries: rows.slice(0, 5000).map(({ arrival }) => arrival.recipient.id),
  }),
});

/** A mark's text with its note, as the page shows them one under the other. */
const withNote = (mark: { text: string; note: string | null } | null) =>
  mark ? [mark.text, mark.note].filter(Boolean).join('\n') : null;

export const exportDeliveryStatus = listExport<DeliveryStatusView, RecipientStatusView>({
  action: 'outgoing.delivery_status.export',
  entityType: 'outgoing',
  entityId: (view) => view.outgoingId,
  fileName: 'tinh-trang-gui-nhan',
  sheet: 'list-export:deliveryStatus.sheet',
  heading: 'list-export:deliveryStatus.heading',
  query: (req) => deliveryStatus(pathId(req, 'id', 'OUTGOING_NOT_FOUND'), req.user!, req.t),
  rows: async (_req, view, limit) => ({
    rows: view.recipients.slice(0, limit),
    total: view.recipients.length,
  }),
  columns: (req) => [
    {
      header: req.t('deliveries:status.recipient'),
      width: 40,
      value: (r) => (r.code ? `${r.name} (${r.code})` : r.name),
    },
    {
      header: req.t('deliveries:status.current'),
      width: 36,
      value: (r) => withNote(r.status) ?? r.kindLabel,
    },
    {
      header: req.t('deliveries:status.time'),
      width: 17,
      date: 'time',
      value: (r) => r.status?.at,
    },
    { header: req.t('deliveries:status.recall'), width: 36, value: (r) => withNote(r.recall) },
  ],
});
