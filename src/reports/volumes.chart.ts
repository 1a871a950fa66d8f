import type { VolumeRow } from './volumes.service.js';
import { chartLegend, chartSvg, escapeXml } from './chart-svg.js';

export const VOLUME_COLOURS = { incoming: '#1565c0', outgoing: '#2e7d32' } as const;

/**
 * The volume report's chart as an inline SVG drawn on the server (no script, no CDN): for each
 * document type a bar of incoming and a bar of outgoing documents, each with its count.
 */
export function volumesChartSvg(
  rows: VolumeRow[],
  labels: { title: string; incoming: string; outgoing: string },
): string {
  const labelWidth = 200;
  const barWidth = 420;
  const barHeight = 11;
  const rowHeight = 2 * barHeight + 10;
  const top = 34;
  const height = top + Math.max(rows.length, 1) * rowHeight + 6;
  const width = labelWidth + barWidth + 60;
  const max = Math.max(1, ...rows.map((r) => Math.max(r.incoming, r.outgoing)));
  const kinds = ['incoming', 'outgoing'] as const;
  const legend = chartLegend(
    kinds.map((k) => ({ colour: VOLUME_COLOURS[k], label: labels[k] })),
    labelWidth,
  );
  const bars = rows
    .map((r, i) => {
      const y = top + i * rowHeight;
      const name = `<text x="${labelWidth - 6}" y="${y + barHeight + 4}" font-size="12" text-anchor="end">${escapeXml(r.name.slice(0, 36))}</text>`;
      const pair = kinds
        .map((k, j) => {
          const w = (r[k] / max) * barWidth;
          const by = y + j * barHeight;
          return (
            `<rect x="${labelWidth}" y="${by}" width="${w.toFixed(1)}" height="${barHeight - 1}" fill="${VOLUME_COLOURS[k]}"><title>${escapeXml(`${labels[k]}: ${r[k]}`)}</title></rect>` +
            `<text x="${(labelWidth + w + 4).toFixed(1)}" y="${by + barHeight - 2}" font-size="10">${r[k]}</text>`
          );
        })
        .join('');
      return name + pair;
    })
    .join('');
  return chartSvg({ width, height }, labels.title, 'volumes-chart', legend + bars);
}
