import { expect } from 'chai';
import { deflateSync } from 'node:zlib';
import { countPdfPages } from '../../src/files/pdf-inspect.js';
import { SigningError } from '../../src/signing/errors.js';
import { makePdf } from './signing/helpers/index.js';

/** A one-page PDF whose catalog sits in an object stream that inflates to `inflated` bytes. */
function objectStreamBomb(inflated: number): Buffer {
  const header = '1 0 ';
  const body = '<< /Type /Catalog /Pages 2 0 R >>';
  const data = deflateSync(
    Buffer.concat([Buffer.from(header + body), Buffer.alloc(inflated, 0x20)]),
  );
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  const push = (s: string | Buffer) =>
    parts.push(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
  const at = () => parts.reduce((n, p) => n + p.length, 0);
  push('%PDF-1.7\n');
  offsets[2] = at();
  push('2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n');
  offsets[3] = at();
  push('3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n');
  offsets[4] = at();
  push(
    `4 0 obj\n<< /Type /ObjStm /N 1 /First ${header.length} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`,
  );
  push(data);
  push('\nendstream\nendobj\n');
  // An xref stream (W [1 4 2]): object 1, the catalog, is entry 0 of object stream 4.
  const xrefAt = at();
  const rows = Buffer.alloc(6 * 7);
  const put = (i: number, type: number, f2: number, f3: number) => {
    rows.writeUInt8(type, i * 7);
    rows.writeUInt32BE(f2, i * 7 + 1);
    rows.writeUInt16BE(f3, i * 7 + 5);
  };
  put(0, 0, 0, 65535);
  put(1, 2, 4, 0);
  put(2, 1, offsets[2]!, 0);
  put(3, 1, offsets[3]!, 0);
  put(4, 1, offsets[4]!, 0);
  put(5, 1, xrefAt, 0);
  push(
    `5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length ${rows.length} >>\nstream\n`,
  );
  push(rows);
  push(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`);
  return Buffer.concat(parts);
}

describe('files: counting the pages of an upload', () => {
  it('counts the pages of an ordinary PDF with the bounded reader', async () => {
    expect(await countPdfPages(await makePdf({ pages: 3 }))).to.equal(3);
    expect(await countPdfPages(await makePdf({ pages: 2, useObjectStreams: true }))).to.equal(2);
  });

  it('still counts a PDF whose cross-reference table is broken (pdf-lib recovers it)', async () => {
    const pdf = (await makePdf({ pages: 2 })).toString('latin1');
    const broken = pdf.replace(/startxref\s+\d+/, 'startxref\n999999');
    expect(await countPdfPages(Buffer.from(broken, 'latin1'))).to.equal(2);
  });

  it('never hands a broken file with object streams to pdf-lib, which inflates without a limit', async () => {
    const pdf = (await makePdf({ pages: 2, useObjectStreams: true })).toString('latin1');
    const broken = pdf.replace(/startxref\s+\d+/, 'startxref\n999999');
    expect(await countPdfPages(Buffer.from(broken, 'latin1'))).to.equal(null);
  });

  it('refuses as too complex a reachable object stream that inflates past the limit', async () => {
    const bomb = objectStreamBomb(200 * 1024 * 1024);
    expect(bomb.length).to.be.below(300 * 1024);
    const err = await countPdfPages(bomb).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SigningError);
    expect((err as SigningError).code).to.equal('PDF_TOO_COMPLEX');
  });
});
