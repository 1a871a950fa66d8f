import { inflateSync } from 'node:zlib';

// A JavaScript action (/S /JavaScript with its /JS), or a document-level JavaScript name tree.
const SCRIPT = /\/(JavaScript|JS)(?![A-Za-z0-9])/;
const OBJECT_STREAM = /\/Type\s*\/ObjStm[\s\S]{0,400}?stream\r?\n/g;

/**
 * Whether a PDF holds JavaScript (an action run on opening, on a link, in a form field): such a
 * file is accepted, since some issuing software adds it, but flagged to the reader. Looks at the
 * file's own bytes and inside its compressed object streams, each inflated to at most eight
 * times the file's size (the check runs in the file check pool, under its limits).
 */
export function hasJavaScriptActions(pdf: Buffer): boolean {
  const text = pdf.toString('latin1');
  if (SCRIPT.test(text)) return true;
  const cap = Math.max(1 << 20, pdf.length * 8);
  for (const match of text.matchAll(OBJECT_STREAM)) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) continue;
    try {
      const inflated = inflateSync(pdf.subarray(start, end), { maxOutputLength: cap });
      if (SCRIPT.test(inflated.toString('latin1'))) return true;
    } catch {
      // Not Flate, truncated or past the cap: the readable parts were looked at.
    }
  }
  return false;
}
