/**
 * The volume report (thống kê số lượng văn bản): how many incoming documents the agency
 * registered and how many outgoing ones it issued in a period, by document type — the figures
 * an office gives its leaders each month, quarter and year. Counts only: secret documents are
 * counted, and the lists behind a figure (the incoming and outgoing lists, filtered) still show
 * each person only what they may see.
 */
import { vietnamDayEnd, vietnamDayStart } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { documentTypeName, RECEIVED_DOCUMENT_TYPES } from '../documents/document-types.js';
import type { Actor } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { auditReportLook, type ReportPeriod } from './on-time.period.js';

export interface VolumeRow {
  type: string;
  name: string;
  incoming: number;
  outgoing: number;
  total: number;
}

export interface VolumesReport {
  rows: VolumeRow[];
  total: { incoming: number; outgoing: number; total: number };
}

/** The counts by type, in Appendix III's order (then the legal documents'), types with none left out. */
export async function volumesReport(
  user: User,
  period: ReportPeriod,
  lng = 'vi',
): Promise<VolumesReport> {
  authorize(user, 'reports.volumes');
  const [incoming, outgoing] = await Promise.all([
    rawSelect<{ type: string; n: number | string }>(
      db(),
      `SELECT documentType AS type, COUNT(*) AS n FROM incoming_documents
        WHERE agencyId = ? AND arrivalDate >= ? AND arrivalDate < ?
        GROUP BY documentType`,
      [
        user.agencyId,
        // arrivalDate is an instant: the period's Vietnam days.
        vietnamDayStart(period.from),
        vietnamDayEnd(period.to),
      ],
    ),
    // Issued in the period, recalled since or not: the register's numbers of the period.
    rawSelect<{ type: string; n: number | string }>(
      db(),
      `SELECT documentType AS type, COUNT(*) AS n FROM outgoing_documents
        WHERE agencyId = ? AND status IN ('issued', 'recalled')
          AND promulgationDate >= ? AND promulgationDate <= ?
        GROUP BY documentType`,
      [user.agencyId, period.from, period.to],
    ),
  ]);
  const countOf = (rows: { type: string; n: number | string }[]) =>
    new Map(rows.map((r) => [r.type, Number(r.n)]));
  const inCounts = countOf(incoming);
  const outCounts = countOf(outgoing);
  const known = RECEIVED_DOCUMENT_TYPES.map((t) => t.code as string);
  // A type no longer in the list (an old import) still counts, after the known ones.
  const others = [...new Set([...inCounts.keys(), ...outCounts.keys()])]
    .filter((t) => !known.includes(t))
    .sort();
  const rows = [...known, ...others]
    .map((type) => {
      const i = inCounts.get(type) ?? 0;
      const o = outCounts.get(type) ?? 0;
      return { type, name: documentTypeName(type, lng), incoming: i, outgoing: o, total: i + o };
    })
    .filter((r) => r.total > 0);
  const sum = (k: 'incoming' | 'outgoing') => rows.reduce((s, r) => s + r[k], 0);
  const total = { incoming: sum('incoming'), outgoing: sum('outgoing'), total: 0 };
  total.total = total.incoming + total.outgoing;
  return { rows, total };
}

/** A view or an export of the report, in the audit log with its period. */
export function auditVolumesAccess(
  action: 'report.volumes.view' | 'report.volumes.export',
  period: ReportPeriod,
  actor: Actor,
): Promise<unknown> {
  return auditReportLook(
    action,
    'volumes',
    period,
    action.endsWith('export') ? { format: 'xlsx' } : {},
    actor,
  );
}
