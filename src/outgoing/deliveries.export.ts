/**
 * GET /incoming/arrivals/export.xlsx — the clerk's queue of deliveries as its page shows it: the
 * recalls waiting for an answer, then the documents waiting to be registered, one row each under
 * the heading of its part; audited as delivery.export with the deliveries that left the system.
 */
import { documentTypeName } from '../documents/document-types.js';
import { formatDateTime } from '../http/view-helpers.js';
import { listExport } from '../http/list-export.js';
import { numberNotation } from './deliveries.common.js';
import { listArrivals, type ArrivalRow } from './outgoing.deliveries.js';

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
