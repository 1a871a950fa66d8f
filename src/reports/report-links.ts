import type { OnTimeQuery, ReportPeriod } from './on-time.period.js';
import { ON_TIME_GROUPS, type OnTimeCounts } from './on-time.service.js';

/** A page's address with those of the parameters that have a value, in their order. */
export function reportLink(path: string, params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null) search.set(k, String(v));
  return `${path}?${search.toString()}`;
}

/** The period as a report's links carry it: the kind asked for and the period's parameters. */
export function periodParams(query: Pick<OnTimeQuery, 'period'>, period: ReportPeriod) {
  return {
    period: query.period,
    year: period.year,
    month: period.month,
    quarter: period.quarter,
    from: period.from,
    to: period.to,
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
