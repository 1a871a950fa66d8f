import type { OnTimeQuery, ReportPeriod } from './on-time.period.js';
import { ON_TIME_GROUPS, type OnTimeCounts } from './on-time.service.js';

/** A page's address with those of the parameters that have a value, in their order. */
export function reportLink(path: string, params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null) search.set(k, String(v));
  return `${path}?${search.toString()}`;
}

/**
 * The period as a report's links and form carry it: the kind asked for and that kind's own fields
 * only (a month's link names no days, which would read as typed ones).
 */
export function periodParams(query: Pick<OnTimeQuery, 'period'>, period: ReportPeriod) {
  const kind = query.period;
  return {
    period: kind,
    year: kind === 'custom' ? undefined : period.year,
    month: kind === 'month' ? period.month : undefined,
    quarter: kind === 'quarter' ? period.quarter : undefined,
    from: kind === 'custom' ? period.from : undefined,
    to: kind === 'custom' ? period.to : undefined,
  };
}

/** A row's four on-time groups, each with its count and the link to its list (`path`). */
export function groupCells(counts: OnTimeCounts, path: string, params: Record<string, unknown>) {
  return ON_TIME_GROUPS.map((g) => ({
    group: g,
    value: counts[g],
    href: reportLink(path, { ...params, group: g }),
  }));
}
