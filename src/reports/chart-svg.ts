/**
 * The parts the reports' charts share (inline SVG drawn on the server: no script, no CDN): text
 * escaped for XML, the legend row above the bars and the chart's frame with its accessible title.
 */
export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The legend: a coloured square and its label per series, `step` apart from `left`. */
export function chartLegend(
  series: Array<{ colour: string; label: string }>,
  left: number,
  step: number,
): string {
  return series
    .map(
      ({ colour, label }, i) =>
        `<rect x="${left + i * step}" y="6" width="12" height="12" fill="${colour}"/>` +
        `<text x="${left + i * step + 16}" y="16" font-size="11">${escapeXml(label)}</text>`,
    )
    .join('');
}

/**
 * The chart's frame: sized to its content (narrowed to the page by .chart's CSS: the page's
 * Content-Security-Policy drops style attributes), titled for screen readers, found by its test id.
 */
export function chartSvg(
  size: { width: number; height: number },
  title: string,
  testId: string,
  content: string,
): string {
  const { width, height } = size;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)}" ` +
    `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" class="chart" data-testid="${testId}">` +
    `<title>${escapeXml(title)}</title>${content}</svg>`
  );
}
