/**
 * GET /incoming/:id/access/export.xlsx — a document's access history (Appendix VI) as its page
 * shows it: each person in its handling or who opened it, their part, how often they viewed and
 * downloaded it, when first and last; to whoever may read the page; audited as
 * incoming.access_history.export.
 */
import { listExport } from '../http/list-export.js';
import { actorOf } from '../http/request-context.js';
import {
  getAccessHistory,
  type AccessHistory,
  type PersonAccess,
} from './incoming.access-history.js';
import { idParam } from './incoming.http.js';

export const exportAccessHistory = listExport<AccessHistory, PersonAccess>({
  action: 'incoming.access_history.export',
  entityType: 'incoming',
  entityId: (history) => history.access.document.id,
  fileName: 'lich-su-truy-cap',
  sheet: 'list-export:access.sheet',
  heading: 'list-export:access.heading',
  // The page's own read (who may see the history), recorded here as the export.
  query: (req) => getAccessHistory(idParam(req), actorOf(req), { isAudited: false }),
  rows: async (_req, { people }, limit) => ({ rows: people.slice(0, limit), total: people.length }),
  filters: (req, { access: { document: d } }) => [
    `${req.t('incoming:detail.title')} ${d.arrivalNumber}: ${d.subject}`,
  ],
  columns: (req) => {
    const t = req.t;
    return [
      { header: t('incoming:access.person'), width: 28, value: (p) => p.person.fullName },
      {
        header: t('list-export:access.positionTitle'),
        width: 24,
        value: (p) => p.person.positionTitle,
      },
      {
        header: t('incoming:access.partColumn'),
        width: 30,
        value: (p) => p.parts.map((part) => t(`incoming:access.part.${part}`)).join(', '),
      },
      { header: t('incoming:access.views'), width: 10, value: (p) => p.views },
      { header: t('incoming:access.downloads'), width: 10, value: (p) => p.downloads },
      {
        header: t('incoming:access.first'),
        width: 17,
        date: 'time',
        value: (p) =>
          p.views === 0 && p.downloads === 0 ? t('incoming:access.notOpened') : p.firstAccess,
      },
      { header: t('incoming:access.last'), width: 17, date: 'time', value: (p) => p.lastAccess },
    ];
  },
});
