/**
 * GET /senders/export.xlsx?q= — the agency's sender directory as its page lists it (the page's
 * search), every entry up to the export's cap; audited as sender.export.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { listExport } from '../http/list-export.js';
import type { Sender } from './sender.model.js';
import { listSenders } from './senders.service.js';

const SearchQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
});

/** The senders page's search, read as the page reads it. */
export const senderQueryOf = (req: Request) => SearchQuery.parse(req.query);

export const exportSenders = listExport<ReturnType<typeof senderQueryOf>, Sender>({
  action: 'sender.export',
  entityType: 'sender',
  fileName: 'noi-gui',
  sheet: 'list-export:senders.sheet',
  heading: 'list-export:senders.heading',
  query: senderQueryOf,
  rows: async (req, { q }, limit) => ({
    rows: await listSenders(req.user!.agencyId, { q, limit }),
  }),
  filters: (req, { q }) => (q ? [`${req.t('senders:search')}: "${q}"`] : []),
  columns: (req) => [
    { header: req.t('senders:name'), width: 60, value: (s) => s.name },
    { header: req.t('senders:code'), width: 18, value: (s) => s.code },
  ],
  audit: ({ q }) => ({ q }),
});
