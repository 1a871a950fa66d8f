/**
 * A forger's toolkit for the verifier's tests: signatures made with a trusted test key over
 * whatever byte ranges the attacker chooses, and incremental updates written by hand (any
 * /Prev, any /Root, any object), as someone who controls the bytes would write them.
 */
import { createHash, sign } from 'node:crypto';
import { buildSignedAttributes, buildSignedData } from '../../../../src/signing/cms/signed-data.js';
import { addAcroFormFields, addPageAnnotations } from '../../../../src/signing/pdf/document.js';
import { PdfRaw, dict, name, textString } from '../../../../src/signing/pdf/objects.js';
import { PdfReader } from '../../../../src/signing/pdf/reader.js';
import { findStartXref } from '../../../../src/signing/pdf/xref.js';
import { IncrementalWriter } from '../../../../src/signing/pdf/writer.js';
import type { TestIdentity } from './pki.js';
import { testPki } from './pki.js';

const PLACEHOLDER = `[${' '.repeat(78)}]`;
const HOLE_HEX = 8192 * 2;

export interface Hole {
  /** Offset of `<` of /Contents in the whole file. */
  start: number;
  /** Offset just past `>`. */
  end: number;
  /** Length of the whole file. */
  total: number;
}

export interface ForgeOptions {
  signer?: TestIdentity;
  /** ByteRange text to write instead of the true one, e.g. `[0 ${h.start} ${h.end + 4} …]`. */
  byteRange?: (h: Hole) => string;
  /** The ranges actually digested (default: the numbers written, else the true ranges). */
  digestRanges?: (h: Hole) => number[];
  /** Extra raw entries for the signature dictionary (e.g. a DocMDP /Reference). */
  extraEntries?: Record<string, string>;
  /** Raw entries for the widget (e.g. a visible /Rect and an /AP the drafter prepared). */
  widgetEntries?: Record<string, string>;
  /** A /Perms /DocMDP entry in the catalog pointing at this signature. */
  certifyCatalog?: boolean;
  /** Change the bytes inside the hole after signing (the hole is not digested). */
  rewriteHole?: (hole: Buffer) => void;
  /** Builds the CMS over the signed bytes instead of the trusted SHA-256 one (another tool's). */
  cmsFor?: (signedBytes: Buffer) => Buffer;
}

/** Signs with a trusted test key whatever ranges the options say, bypassing signPdf's refusals. */
export function forgeSignature(pdf: Buffer, opts: ForgeOptions = {}): Buffer {
  const pki = testPki();
  const signer = opts.signer ?? pki.rsaSigner;
  const reader = new PdfReader(pdf);
  const writer = new IncrementalWriter(reader, pdf);
  const sigRef = writer.allocate();
  const widgetRef = writer.allocate();
  const extras = Object.entries(opts.extraEntries ?? {}).map(([k, v]) => [k, new PdfRaw(v)]);
  writer.set(
    sigRef,
    dict({
      Type: name('Sig'),
      Contents: new PdfRaw(`<${'0'.repeat(HOLE_HEX)}>`),
      ByteRange: new PdfRaw(PLACEHOLDER),
      Filter: name('Adobe.PPKLite'),
      SubFilter: name('ETSI.CAdES.detached'),
      M: textString("D:20261121093000+07'00'"),
      ...Object.fromEntries(extras),
    }),
  );
  const page = reader.getPage(1);
  writer.set(
    widgetRef,
    dict({
      Type: name('Annot'),
      Subtype: name('Widget'),
      FT: name('Sig'),
      T: textString(`Forged${sigRef.num}`),
      V: sigRef,
      F: 132,
      P: page.ref,
      Rect: [0, 0, 0, 0],
      ...Object.fromEntries(
        Object.entries(opts.widgetEntries ?? {}).map(([k, v]) => [k, new PdfRaw(v)]),
      ),
    }),
  );
  addPageAnnotations(reader, writer, 1, [widgetRef]);
  addAcroFormFields(reader, writer, [widgetRef]);
  if (opts.certifyCatalog) {
    const current = writer.get(reader.rootRef.num);
    const catalog = current && 'set' in Object(current) ? current : reader.catalog().clone();
    (catalog as ReturnType<typeof dict>).set('Perms', dict({ DocMDP: sigRef }));
    writer.set(reader.rootRef, catalog);
  }
  const { appended, objectOffsets } = writer.build();
  const sigAt = objectOffsets.get(sigRef.num)!;
  const holeRel = appended.indexOf('/Contents <', sigAt, 'latin1') + 10;
  const brRel = appended.indexOf(PLACEHOLDER, sigAt, 'latin1');
  const base = pdf.length;
  const hole: Hole = {
    start: base + holeRel,
    end: base + holeRel + HOLE_HEX + 2,
    total: base + appended.length,
  };
  const trueRanges = [0, hole.start, hole.end, hole.total - hole.end];
  const text = opts.byteRange?.(hole) ?? `[${trueRanges.join(' ')}]`;
  if (text.length > PLACEHOLDER.length) throw new Error('ByteRange text too long');
  appended.write(text.padEnd(PLACEHOLDER.length, ' '), brRel, 'latin1');
  const file = Buffer.concat([pdf, appended]);
  const written = (/^\[([\d\s-]*)\]$/.exec(text)?.[1] ?? '').trim().split(/\s+/).map(Number);
  const ranges =
    opts.digestRanges?.(hole) ??
    (written.length % 2 === 0 && written.every((n) => Number.isInteger(n) && n >= 0)
      ? written
      : trueRanges);
  if (opts.cmsFor) {
    const signed: Buffer[] = [];
    for (let i = 0; i + 1 < ranges.length; i += 2)
      signed.push(file.subarray(ranges[i]!, ranges[i]! + ranges[i + 1]!));
    file.write(opts.cmsFor(Buffer.concat(signed)).toString('hex'), hole.start + 1, 'latin1');
    return file;
  }
  const h = createHash('sha256');
  for (let i = 0; i + 1 < ranges.length; i += 2)
    h.update(file.subarray(ranges[i]!, ranges[i]! + ranges[i + 1]!));
  const attrs = buildSignedAttributes({
    certificate: signer.cert,
    signatureAlgorithm: signer.keyType === 'rsa' ? 'rsa-sha256' : 'ecdsa-sha256',
    messageDigest: h.digest(),
  });
  const cms = buildSignedData({
    certificate: signer.cert,
    chain: [pki.root.cert],
    signatureAlgorithm: signer.keyType === 'rsa' ? 'rsa-sha256' : 'ecdsa-sha256',
    signedAttributes: attrs,
    signature: sign('sha256', attrs, signer.key),
  });
  file.write(cms.toString('hex'), hole.start + 1, 'latin1');
  if (opts.rewriteHole) opts.rewriteHole(file.subarray(hole.start, hole.end));
  return file;
}

export interface RawRevision {
  /** Object bodies by number (`<< … >>`, or a dictionary followed by a stream). */
  objects: Record<number, string>;
  /** Trailer entries besides /Size and /Prev, e.g. `/Root 1 0 R`. Default: the current /Root. */
  trailer?: string;
  /** /Prev of the new section; default the file's last startxref. */
  prev?: number;
  /** Objects to mark free. */
  free?: number[];
  /** Objects this section points at where they already are (e.g. inside the signed bytes). */
  reuse?: Record<number, number>;
  /** Write no `startxref … %%EOF` (a section planted for later). */
  unterminated?: boolean;
}

/** Appends a classic xref revision written by hand; returns the file and the section offset. */
export function appendRaw(pdf: Buffer, rev: RawRevision): { pdf: Buffer; xrefOffset: number } {
  const reader = new PdfReader(pdf);
  let text = pdf[pdf.length - 1] === 0x0a ? '' : '\n';
  const offsets = new Map<number, number>();
  for (const [num, body] of Object.entries(rev.objects)) {
    offsets.set(Number(num), pdf.length + Buffer.byteLength(text, 'latin1'));
    text += `${num} 0 obj\n${body}\nendobj\n`;
  }
  const xrefOffset = pdf.length + Buffer.byteLength(text, 'latin1');
  for (const [num, off] of Object.entries(rev.reuse ?? {})) offsets.set(Number(num), off);
  const nums = [...offsets.keys(), ...(rev.free ?? [])].sort((a, b) => a - b);
  text += 'xref\n';
  for (const n of nums) {
    const off = offsets.get(n);
    text += `${n} 1\n`;
    text +=
      off === undefined ? '0000000000 00001 f\r\n' : `${String(off).padStart(10, '0')} 00000 n\r\n`;
  }
  const size = Math.max(reader.size, ...nums.map((n) => n + 1));
  const root = rev.trailer ?? `/Root ${reader.rootRef.num} ${reader.rootRef.gen} R`;
  const prev = rev.prev ?? findStartXref(pdf);
  text += `trailer\n<< /Size ${size} ${root} /Prev ${prev} >>\n`;
  if (!rev.unterminated) text += `startxref\n${xrefOffset}\n%%EOF\n`;
  return { pdf: Buffer.concat([pdf, Buffer.from(text, 'latin1')]), xrefOffset };
}

/** A content stream object body. */
export const streamBody = (content: string, extra = ''): string =>
  `<< /Length ${Buffer.byteLength(content, 'latin1')} ${extra}>>\nstream\n${content}\nendstream`;
