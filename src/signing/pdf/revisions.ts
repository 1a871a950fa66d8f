export interface Revision {
  /** Offset just past `%%EOF` (without end-of-line). */
  eof: number;
  /** Offset just past `%%EOF` and its end-of-line. */
  end: number;
  /** The startxref value of this revision. */
  startxref: number;
}

/** Lists the revisions of a file: each `startxref N %%EOF` marks the end of one. */
export function findRevisions(buf: Buffer): Revision[] {
  const out: Revision[] = [];
  let from = 0;
  for (;;) {
    const idx = buf.indexOf('%%EOF', from, 'latin1');
    if (idx < 0) break;
    from = idx + 5;
    const sx = buf.lastIndexOf('startxref', idx, 'latin1');
    if (sx < 0 || idx - sx > 40) continue;
    const m = /^startxref\s+(\d+)\s*$/.exec(buf.toString('latin1', sx, idx));
    if (!m) continue;
    let end = idx + 5;
    if (buf[end] === 0x0d) end++;
    if (buf[end] === 0x0a) end++;
    const startxref = parseInt(m[1]!, 10);
    if (startxref > 0) out.push({ eof: idx + 5, end, startxref });
  }
  return out;
}
