import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './tools.js';

export interface PdfsigSignature {
  fieldName?: string;
  commonName?: string;
  subFilter?: string;
  ranges: [number, number][];
  totalDocumentSigned: boolean;
  signatureValidation: string;
  certificateValidation: string;
}

/** Runs pdfsig against the NSS db and parses its per-signature blocks (its exit code means little). */
export function pdfsig(
  file: string,
  nssDir: string,
): { raw: string; signatures: PdfsigSignature[] } {
  const r = run('pdfsig', ['-nssdir', `sql:${nssDir}`, '-no-ocsp', file]);
  const raw = r.stdout + r.stderr;
  const blocks = raw.split(/^Signature #\d+:$/m).slice(1);
  const signatures = blocks.map((block) => {
    const field = (label: string) => new RegExp(`- ${label}: (.*)`).exec(block)?.[1]?.trim();
    const rangeText = field('Signed Ranges') ?? '';
    const ranges = [...rangeText.matchAll(/\[(\d+) - (\d+)\]/g)].map(
      (m) => [Number(m[1]), Number(m[2])] as [number, number],
    );
    return {
      fieldName: field('Signature Field Name'),
      commonName: field('Signer Certificate Common Name'),
      subFilter: field('Signature Type'),
      ranges,
      totalDocumentSigned: /- Total document signed/.test(block),
      signatureValidation: field('Signature Validation') ?? '',
      certificateValidation: field('Certificate Validation') ?? '',
    };
  });
  return { raw, signatures };
}

export function qpdfCheck(file: string): { status: number | null; output: string } {
  const r = run('qpdf', ['--check', file]);
  return { status: r.status, output: r.stdout + r.stderr };
}

export interface RawSignature {
  byteRange: [number, number, number, number];
  cms: Buffer;
  signedBytes: Buffer;
}

/**
 * End offset of the BER/DER object at `pos`, following indefinite lengths (NSS writes its CMS
 * that way) so the placeholder's zero padding can be dropped.
 */
function berEnd(buf: Buffer, pos: number): number {
  let p = pos + 1;
  if ((buf[pos]! & 0x1f) === 0x1f) while (buf[p++]! & 0x80);
  const first = buf[p++]!;
  if (first === 0x80) {
    while (!(buf[p] === 0 && buf[p + 1] === 0)) p = berEnd(buf, p);
    return p + 2;
  }
  if (first < 0x80) return p + first;
  let len = 0;
  for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + buf[p++]!;
  return p + len;
}

/**
 * Finds every signature by its /ByteRange and takes the CMS from the gap between the two ranges,
 * independently of the signing library's own parser.
 */
export function rawSignatures(pdf: Buffer): RawSignature[] {
  const text = pdf.toString('latin1');
  const out: RawSignature[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const br = m.slice(1, 5).map(Number) as [number, number, number, number];
    const gap = text.slice(br[0] + br[1], br[2]);
    const hex = /^<([0-9A-Fa-f]+)>$/.exec(gap.trim())?.[1];
    if (!hex) throw new Error(`ByteRange ${br.join(' ')} does not frame a hex /Contents string`);
    const padded = Buffer.from(hex, 'hex');
    out.push({
      byteRange: br,
      cms: padded.subarray(0, berEnd(padded, 0)),
      signedBytes: Buffer.concat([
        pdf.subarray(br[0], br[0] + br[1]),
        pdf.subarray(br[2], br[2] + br[3]),
      ]),
    });
  }
  return out;
}

/** `openssl cms -verify` of one signature against the CA file; returns exit status and output. */
export function opensslCmsVerify(dir: string, sig: RawSignature, caFile: string, tag: string) {
  const sigFile = path.join(dir, `${tag}.der`);
  const contentFile = path.join(dir, `${tag}.bin`);
  writeFileSync(sigFile, sig.cms);
  writeFileSync(contentFile, sig.signedBytes);
  const r = run('openssl', [
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    sigFile,
    '-content',
    contentFile,
    '-CAfile',
    caFile,
    '-purpose',
    'any',
    '-out',
    '/dev/null',
  ]);
  return { status: r.status, output: r.stdout + r.stderr };
}

export function pdftotext(file: string, page: number): string {
  const r = run('pdftotext', ['-f', String(page), '-l', String(page), '-enc', 'UTF-8', file, '-']);
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout;
}
