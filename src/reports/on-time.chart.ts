import type { OnTimeGroup, OnTimeRow } from './on-time.service.js';
import { chartLegend, chartSvg, escapeXml } from './chart-svg.js';

export const GROUP_COLOURS: Record<OnTimeGroup, string> = {
  onTime: '#2e7d32',
  late: '#f9a825',
  openInTime: '#1565c0',
  openOverdue: '#c62828',
};

/**
 * The report's chart as an inline SVG drawn on the server (no script, no CDN): one stacked bar per
 * unit or person, its four groups in their colours, the on-time rate at the end.
 */
export function onTimeChartSvg(
  rows: OnTimeRow[],
  labels: Record<OnTimeGroup, string> & { title: string },
): string {
  const labelWidth = 220;
  const barWidth = 420;
  const rowHeight = 26;
  const top = 34;
  const height = top + Math.max(rows.length, 1) * rowHeight + 10;
  const width = labelWidth + barWidth + 70;
  const max = Math.max(1, ...rows.map((r) => r.counts.total));
  const groups = Object.keys(GROUP_COLOURS) as OnTimeGroup[];
  // From the left edge: the four labels together are wider than the bars' part.
  const legend = chartLegend(
    groups.map((g) => ({ colour: GROUP_COLOURS[g], label: labels[g] })),
    10,
  );
  const bars = rows
    .map((r, i) => {
      const y = top + i * rowHeight;
      let x = labelWidth;
      const parts = groups
        .filter((g) => r.counts[g] > 0)
        .map((g) => {
          const w = (r.counts[g] / max) * barWidth;
          const part = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="18" fill="${GROUP_COLOURS[g]}"><title>${escapeXml(`${labels[g]}: ${r.counts[g]}`)}</title></rect>`;
          x += w;
          return part;
        })
        .join('');
      const rate = r.counts.rate === null ? '—' : `${r.counts.rate}%`;
      return (
        `<text x="${labelWidth - 6}" y="${y + 13}" font-size="12" text-anchor="end">${escapeXml(r.name.slice(0, 40))}</text>` +
        parts +
        `<text x="${(x + 6).toFixed(1)}" y="${y + 13}" font-size="12">${escapeXml(rate)}</text>`
      );
    })
    .join('');
  return chartSvg({ width, height }, labels.title, 'on-time-chart', legend + bars);
}
