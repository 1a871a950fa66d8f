export interface Revision {
  /** Offset just past `%%EOF` (without end-of-line). */
  eof: number;
  /** Offset just past `%%EOF` and its end-of-line. */
  end: number;
  /** The startxref value of this revision. */
  startxref: number;
}

// `startxref`, its number and the line breaks fit in far less; looking back further than this
// for each marker would make a file full of `%%EOF` quadratic.
const LOOKBACK = 64;
const STARTXREF = /startxref\s+(\d{1,15})\s*$/;

/** Lists the revisions of a file: each `startxref N %%EOF` marks the end of one. Linear. */
export function findRevisions(buf: Buffer): Revision[] {
  const out: Revision[] = [];
  let from = 0;
  for (;;) {
    const idx = buf.indexOf('%%EOF', from, 'latin1');
    if (idx < 0) break;
    from = idx + 5;
    const m = STARTXREF.exec(buf.toString('latin1', Math.max(0, idx - LOOKBACK), idx));
    if (!m) continue;
    let end = idx + 5;
    if (buf[end] === 0x0d) end++;
    if (buf[end] === 0x0a) end++;
    const startxref = Number(m[1]);
    if (startxref > 0 && startxref < idx) out.push({ eof: idx + 5, end, startxref });
  }
  return out;
}

/** The revision whose end marker a signed range ending at `rangeEnd` reaches, or -1. */
export function revisionEndingAt(revisions: Revision[], rangeEnd: number): number {
  return revisions.findIndex((r) => rangeEnd >= r.eof && rangeEnd <= r.end);
}

/** 1-based number of the revision that contains byte `offset` (the first marker after it). */
export function revisionOf(revisions: Revision[], offset: number): number {
  const i = revisions.findIndex((r) => r.eof > offset);
  return i < 0 ? revisions.length : i + 1;
}

/** The first revision whose end marker lies after byte `offset` (revisions are in file order). */
export function revisionAfter(revisions: Revision[], offset: number): Revision | undefined {
  let lo = 0;
  let hi = revisions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (revisions[mid]!.eof > offset) hi = mid;
    else lo = mid + 1;
  }
  return revisions[lo];
}
