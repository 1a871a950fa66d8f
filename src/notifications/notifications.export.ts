/**
 * GET /notifications/export.xlsx — one's own notifications as the page lists them (newest first,
 * each in the reader's language), all of them up to the export's cap; audited as
 * notification.export.
 */
import { listExport } from '../http/list-export.js';
import { readableNotifications } from './notification.service.js';

type NotificationRow = Awaited<ReturnType<typeof readableNotifications>>[number];

export const exportNotifications = listExport<null, NotificationRow>({
  action: 'notification.export',
  entityType: 'notification',
  fileName: 'thong-bao',
  sheet: 'list-export:notifications.sheet',
  heading: 'list-export:notifications.heading',
  query: () => null,
  rows: async (req, _query, limit) => ({
    rows: await readableNotifications(req.user!.id, req.lng, limit),
  }),
  columns: (req) => [
    {
      header: req.t('list-export:notifications.time'),
      width: 17,
      date: 'time',
      value: (n) => n.createdAt,
    },
    { header: req.t('list-export:notifications.message'), width: 80, value: (n) => n.message },
    {
      header: req.t('list-export:notifications.state'),
      width: 12,
      value: (n) =>
        req.t(n.isRead ? 'list-export:notifications.read' : 'list-export:notifications.unread'),
    },
  ],
});
