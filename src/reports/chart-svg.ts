/**
 * The parts the reports' charts share (inline SVG drawn on the server: no script, no CDN): text
 * escaped for XML, the legend row above the bars and the chart's frame with its accessible title.
 */
export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The legend: a coloured square and its label per series, in a row from `left`. */
export function chartLegend(
  series: Array<{ colour: string; label: string }>,
  left: number,
): string {
  // Each entry as wide as its label (about 6.2 units a character at 11 units): a fixed step let
  // "Chưa xử lý, còn trong hạn" run into the next one.
  let x = left;
  return series
    .map(({ colour, label }) => {
      const entry =
        `<rect x="${x.toFixed(0)}" y="6" width="12" height="12" fill="${colour}"/>` +
        `<text x="${(x + 16).toFixed(0)}" y="16" font-size="11">${escapeXml(label)}</text>`;
      x += legendEntryWidth(label);
      return entry;
    })
    .join('');
}

/** The room one legend entry takes: its square, its label and a gap. */
export const legendEntryWidth = (label: string) => 16 + Math.ceil(label.length * 6.2) + 18;

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
