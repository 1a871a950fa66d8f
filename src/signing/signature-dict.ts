import { asSigningError } from './errors.js';
import { readNode } from './cms/der.js';
import { listFields } from './pdf/document.js';
import { PdfDict, PdfName, PdfRef, PdfString, type PdfValue } from './pdf/objects.js';
import { Parser } from './pdf/parser.js';
import type { PdfReader } from './pdf/reader.js';
import { revisionEndingAt, type Revision } from './pdf/revisions.js';
import { finding, type Finding } from './rules.js';

/** A signature field with a value, as found in the document, before any check of its own. */
export interface SignatureField {
  fieldName: string;
  /** The signature dictionary's object (its /V), when it is an indirect object. */
  ref?: PdfRef;
  dict?: PdfDict;
  /** Byte offset of `N G obj` of the signature dictionary. */
  offset?: number;
  /** Byte span of the /Contents value token, `<` to just past `>`. */
  contentsSpan?: [number, number];
  byteRange?: [number, number, number, number];
  /** The CMS DER with the placeholder's zero padding removed. */
  contents: Buffer;
  /** Why the signature cannot be checked at all (then it is reported invalid with these). */
  failures: Finding[];
}

function trimDer(bytes: Buffer): Buffer {
  try {
    return bytes.subarray(0, readNode(bytes, 0).end);
  } catch {
    return bytes;
  }
}

interface ParsedDict {
  dict: PdfDict;
  spans: Map<string, [number, number]>;
  duplicates: string[];
  /** Why the dictionary could not be read to its end (what was read is kept). */
  error?: string;
}

/**
 * Parses `num gen obj << … >>` at `offset`, keeping the byte span of each top-level value, so
 * that the ByteRange gap can be compared with the real position of this dictionary's /Contents.
 */
function parseWithSpans(buf: Buffer, offset: number, num: number): ParsedDict {
  const p = new Parser(buf, offset);
  if (p.readInt() !== num) throw new Error(`object ${num} is not at byte ${offset}`);
  p.readInt();
  if (p.readToken() !== 'obj') throw new Error(`object ${num} has no "obj" keyword`);
  p.skipWhitespace();
  if (buf[p.pos] !== 0x3c || buf[p.pos + 1] !== 0x3c) throw new Error('not a dictionary');
  p.pos += 2;
  const dict = new PdfDict();
  const spans = new Map<string, [number, number]>();
  const duplicates: string[] = [];
  try {
    for (;;) {
      p.skipWhitespace();
      if (p.pos >= buf.length) throw new Error('unterminated signature dictionary');
      if (buf[p.pos] === 0x3e && buf[p.pos + 1] === 0x3e) break;
      const key = p.parseValue(1);
      if (!(key instanceof PdfName)) throw new Error('dictionary key is not a name');
      p.skipWhitespace();
      const start = p.pos;
      const value = p.parseValue(1);
      if (dict.has(key.name)) duplicates.push(key.name);
      dict.set(key.name, value);
      spans.set(key.name, [start, p.pos]);
    }
  } catch (e) {
    return { dict, spans, duplicates, error: asSigningError(e).message };
  }
  return { dict, spans, duplicates };
}

const isOffset = (n: PdfValue | undefined): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

function readByteRange(v: PdfValue | undefined): [number, number, number, number] | undefined {
  if (!Array.isArray(v) || v.length !== 4 || !v.every(isOffset)) return undefined;
  return v as [number, number, number, number];
}

function locate(buf: Buffer, reader: PdfReader, fieldName: string, v: PdfValue): SignatureField {
  const out: SignatureField = { fieldName, contents: Buffer.alloc(0), failures: [] };
  const fail = (detail: string) => {
    out.failures.push(finding('SIGNATURE_UNREADABLE', detail));
    return out;
  };
  if (!(v instanceof PdfRef)) return fail('the signature dictionary is not an indirect object');
  out.ref = v;
  const entry = reader.entries.get(v.num);
  if (!entry || entry.type !== 'offset')
    return fail('the signature dictionary is not stored as a plain object in the file');
  out.offset = entry.offset;
  let parsed: ParsedDict;
  try {
    parsed = parseWithSpans(buf, entry.offset, v.num);
  } catch (e) {
    return fail(asSigningError(e).message);
  }
  if (parsed.error) {
    // Something other than the dictionary follows its /Contents: bytes written into the gap.
    if (!parsed.spans.has('Contents')) return fail(parsed.error);
    out.failures.push(finding('BYTE_RANGE_HOLE', `after /Contents: ${parsed.error}`));
  }
  out.dict = parsed.dict;
  const contents = parsed.dict.get('Contents');
  if (contents instanceof PdfString) out.contents = trimDer(contents.bytes);
  out.contentsSpan = parsed.spans.get('Contents');
  out.byteRange = readByteRange(parsed.dict.get('ByteRange'));
  if (parsed.duplicates.length)
    out.failures.push(
      finding(
        'BYTE_RANGE_HOLE',
        `duplicate keys in the signature dictionary: ${parsed.duplicates.join(', ')}`,
      ),
    );
  return out;
}

/**
 * Every signature field that has a value (/V), in the order of the revisions they sign. A field
 * whose dictionary can't be read is still listed, with the reason, so it can't hide the others.
 */
export function collectSignatureFields(buf: Buffer, reader: PdfReader): SignatureField[] {
  const out: SignatureField[] = [];
  const seen = new Map<number, string>();
  for (const f of listFields(reader)) {
    if (f.type !== 'Sig' || !f.dict.has('V') || f.dict.get('V') === null) continue;
    const v = f.dict.get('V')!;
    const sig = locate(buf, reader, f.fullName, v);
    if (sig.ref) {
      const other = seen.get(sig.ref.num);
      if (other !== undefined)
        sig.failures.push(finding('SIGNATURE_DICT_SHARED', `also the value of field "${other}"`));
      else seen.set(sig.ref.num, f.fullName);
    }
    out.push(sig);
  }
  const endOf = (s: SignatureField) =>
    s.byteRange ? s.byteRange[2] + s.byteRange[3] : Number.MAX_SAFE_INTEGER;
  return out.sort((a, b) => endOf(a) - endOf(b));
}

/**
 * The end of the earliest revision a signature's range ends with, or undefined when none does:
 * the verifier checks the references of every state of the document from there on, so the
 * engine checks the same before adding a signature (an unreadable field counts as none).
 */
export function earliestSignedEnd(
  buf: Buffer,
  reader: PdfReader,
  revisions: Revision[],
): number | undefined {
  let fields: SignatureField[];
  try {
    fields = collectSignatureFields(buf, reader);
  } catch {
    return undefined;
  }
  for (const f of fields) {
    const k = f.byteRange ? revisionEndingAt(revisions, f.byteRange[2] + f.byteRange[3]) : -1;
    if (k >= 0) return revisions[k]!.end;
  }
  return undefined;
}

/**
 * The ByteRange rules: two ranges, the first from 0, the gap exactly this dictionary's own
 * /Contents hex string, ending inside the file.
 */
export function checkByteRange(buf: Buffer, sig: SignatureField): Finding[] {
  const br = sig.byteRange;
  if (!br) return [finding('BYTE_RANGE_MALFORMED', 'ByteRange is not four non-negative integers')];
  const [a, b, c, d] = br;
  if (a !== 0 || b <= 0 || c <= b || c + d > buf.length)
    return [finding('BYTE_RANGE_MALFORMED', `[${br.join(' ')}] in a file of ${buf.length} bytes`)];
  const span = sig.contentsSpan;
  const isHex =
    span && buf[span[0]] === 0x3c && buf[span[0] + 1] !== 0x3c && buf[span[1] - 1] === 0x3e;
  if (!span || !isHex || span[0] !== b || span[1] !== c)
    return [
      finding(
        'BYTE_RANGE_HOLE',
        span ? `gap ${b}..${c}, /Contents at ${span[0]}..${span[1]}` : 'no /Contents string',
      ),
    ];
  if (sig.offset === undefined || sig.offset >= b)
    return [finding('BYTE_RANGE_HOLE', 'the signature dictionary does not start before its gap')];
  return [];
}
