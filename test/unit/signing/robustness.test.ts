import { expect } from 'chai';
import { deflateSync } from 'node:zlib';
import { SigningError, signPdf, verifyPdf } from '../../../src/signing/index.js';
import { parseCms } from '../../../src/signing/cms/parse.js';
import { readNode } from '../../../src/signing/cms/der.js';
import { listFields } from '../../../src/signing/pdf/document.js';
import { decodeStream, unpredictPng } from '../../../src/signing/pdf/filters.js';
import { InflateBudget } from '../../../src/signing/pdf/limits.js';
import { PdfDict, PdfName, PdfStream } from '../../../src/signing/pdf/objects.js';
import { PdfReader } from '../../../src/signing/pdf/reader.js';
import { findStartXref } from '../../../src/signing/pdf/xref.js';
import { FIXED_NOW, makePdf, signerOf, testPki } from './helpers/index.js';

/**
 * Hostile input classes: each must end in a SigningError with the right code, quickly (a hang
 * would trip mocha's timeout), never a RangeError, TypeError or an exhausted heap.
 */

type Body = string | Buffer;

const CATALOG = '<< /Type /Catalog /Pages 2 0 R >>';
const PAGES = '<< /Type /Pages /Kids [3 0 R] /Count 1 >>';
const PAGE = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>';

/** A classic-xref file with the given objects (numbered by key) and trailer entries. */
function classic(objects: Record<number, Body>, trailer = '/Root 1 0 R', tail = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let len = parts[0]!.length;
  const offsets = new Map<number, number>();
  const nums = Object.keys(objects)
    .map(Number)
    .sort((a, b) => a - b);
  for (const n of nums) {
    offsets.set(n, len);
    const b = Buffer.concat([
      Buffer.from(`${n} 0 obj\n`, 'latin1'),
      Buffer.from(objects[n]!),
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(b);
    len += b.length;
  }
  const size = Math.max(0, ...nums) + 1;
  let xref = `xref\n0 ${size}\n`;
  for (let i = 0; i < size; i++) {
    const off = offsets.get(i);
    xref +=
      off === undefined ? '0000000000 65535 f\r\n' : `${String(off).padStart(10, '0')} 00000 n\r\n`;
  }
  xref += `trailer\n<< /Size ${size} ${trailer} >>\nstartxref\n${len}\n%%EOF\n${tail}`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

type Row = [type: number, f2: number, f3: number];

/**
 * A file whose cross-reference is a stream. `rows` gives extra rows by object number (type 2 for
 * objects in object streams); offsets of the given objects are filled in.
 */
function xrefStreamFile(
  objects: Record<number, Body>,
  opts: {
    rows?: Record<number, Row>;
    dict?: string;
    data?: Buffer;
    compress?: boolean;
  } = {},
): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n', 'latin1')];
  let len = parts[0]!.length;
  const offsets = new Map<number, number>();
  for (const n of Object.keys(objects)
    .map(Number)
    .sort((a, b) => a - b)) {
    offsets.set(n, len);
    const b = Buffer.concat([
      Buffer.from(`${n} 0 obj\n`, 'latin1'),
      Buffer.from(objects[n]!),
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(b);
    len += b.length;
  }
  const all = new Map<number, Row>();
  for (const [n, off] of offsets) all.set(n, [1, off, 0]);
  for (const [n, row] of Object.entries(opts.rows ?? {})) all.set(Number(n), row);
  const xrefNum = Math.max(0, ...all.keys()) + 1;
  all.set(xrefNum, [1, len, 0]);
  const size = xrefNum + 1;
  const rows = Buffer.alloc(size * 7);
  for (let i = 0; i < size; i++) {
    const [t, f2, f3] = all.get(i) ?? [0, 0, 0];
    rows.writeUInt8(t, i * 7);
    rows.writeUInt32BE(f2, i * 7 + 1);
    rows.writeUInt16BE(f3, i * 7 + 5);
  }
  let data = opts.data ?? rows;
  if (opts.compress) data = deflateSync(data);
  const dict =
    opts.dict ??
    `/Type /XRef /Size ${size} /W [1 4 2] /Root 1 0 R${opts.compress ? ' /Filter /FlateDecode' : ''}`;
  parts.push(
    Buffer.from(`${xrefNum} 0 obj\n<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${len}\n%%EOF\n`, 'latin1'),
  );
  return Buffer.concat(parts);
}

/** An object stream holding `objs` (object number → text), as object `num`'s body. */
function objStm(objs: Record<number, string>, extra = ''): Body {
  let header = '';
  let body = '';
  for (const [n, text] of Object.entries(objs)) {
    header += `${n} ${body.length} `;
    body += text + '\n';
  }
  const data = Buffer.from(header + body, 'latin1');
  return Buffer.concat([
    Buffer.from(
      `<< /Type /ObjStm /N ${Object.keys(objs).length} /First ${header.length} /Length ${data.length} ${extra} >>\nstream\n`,
      'latin1',
    ),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

/** An object stream as objStm(), deflated. */
function compressedObjStm(objs: Record<number, string>): Body {
  let header = '';
  let body = '';
  for (const [n, text] of Object.entries(objs)) {
    header += `${n} ${body.length} `;
    body += text + '\n';
  }
  const data = deflateSync(Buffer.from(header + body, 'latin1'));
  return stream(
    `/Type /ObjStm /N ${Object.keys(objs).length} /First ${header.length} /Filter /FlateDecode /Length ${data.length}`,
    data,
  );
}

function stream(dict: string, data: Buffer | string): Buffer {
  const d = Buffer.from(data);
  return Buffer.concat([
    Buffer.from(`<< ${dict} >>\nstream\n`, 'latin1'),
    d,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

function expectCode(f: () => unknown, code: string): SigningError {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof SigningError)) {
    expect.fail(
      `expected SigningError ${code}, got ${thrown === undefined ? 'no error' : String((thrown as Error).stack ?? thrown)}`,
    );
  }
  expect(thrown.code, thrown.message).to.equal(code);
  expect(thrown.vi).to.be.a('string').and.not.equal('');
  return thrown;
}

/** Opens and walks everything the signing engine walks. */
function readAll(pdf: Buffer): void {
  const r = new PdfReader(pdf);
  r.catalog();
  for (let i = 1; i <= r.pageCount(); i++) r.getPage(i);
  listFields(r);
}

const pki = testPki();

/** verifyPdf and signPdf refuse with a SigningError (whatever the code) or succeed. */
async function engineTyped(pdf: Buffer): Promise<void> {
  try {
    verifyPdf(pdf, { trustAnchors: [pki.root.cert], now: FIXED_NOW });
  } catch (e) {
    expect(e, String((e as Error).stack)).to.be.instanceOf(SigningError);
  }
  try {
    await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
  } catch (e) {
    expect(e, String((e as Error).stack)).to.be.instanceOf(SigningError);
  }
}

describe('signing: hostile PDF input is refused with typed errors, in bounded work', () => {
  const hostile: Array<[string, Buffer]> = [];
  const keep = (name: string, pdf: Buffer) => {
    hostile.push([name, pdf]);
    return pdf;
  };

  it('the builders make readable files (control)', () => {
    readAll(classic({ 1: CATALOG, 2: PAGES, 3: PAGE }));
    readAll(xrefStreamFile({ 1: CATALOG, 2: PAGES, 3: PAGE }));
    readAll(xrefStreamFile({ 1: CATALOG, 2: PAGES, 3: PAGE }, { compress: true }));
    const withStm = xrefStreamFile(
      { 1: CATALOG, 10: objStm({ 2: PAGES, 3: PAGE }) },
      { rows: { 2: [2, 10, 0], 3: [2, 10, 1] } },
    );
    expect(new PdfReader(withStm).getPage(1).mediaBox).to.deep.equal([0, 0, 595, 842]);
  });

  it('readers of one file at several revisions share decoded object streams', () => {
    const good = xrefStreamFile(
      { 1: CATALOG, 10: compressedObjStm({ 2: PAGES, 3: PAGE }) },
      { rows: { 2: [2, 10, 0], 3: [2, 10, 1] } },
    );
    const a = new PdfReader(good);
    a.getPage(1);
    expect(a.inflateBudget.remaining).to.be.lessThan(new PdfReader(good).inflateBudget.remaining);
    const b = new PdfReader(good);
    const before = b.inflateBudget.remaining;
    expect(b.getPage(1).mediaBox).to.deep.equal([0, 0, 595, 842]);
    expect(b.inflateBudget.remaining).to.equal(before);
  });

  it('a stream whose /Length refers to itself', () => {
    const pdf = keep(
      'self /Length',
      classic({ 1: stream('/Type /Catalog /Pages 2 0 R /Length 1 0 R', 'abc'), 2: PAGES, 3: PAGE }),
    );
    expectCode(() => new PdfReader(pdf).catalog(), 'PDF_TOO_COMPLEX');
  });

  it('two streams whose /Length refer to each other', () => {
    const pdf = keep(
      'mutual /Length',
      classic({
        1: stream('/Type /Catalog /Pages 2 0 R /Length 4 0 R', 'abc'),
        2: PAGES,
        3: PAGE,
        4: stream('/Length 1 0 R', 'xyz'),
      }),
    );
    expectCode(() => new PdfReader(pdf).catalog(), 'PDF_TOO_COMPLEX');
  });

  it('a long chain of /Length references (load depth)', () => {
    const objs: Record<number, Body> = { 1: CATALOG, 2: PAGES, 3: PAGE };
    for (let n = 4; n < 2000; n++) objs[n] = stream(`/Length ${n + 1} 0 R`, 'x');
    objs[2000] = '1';
    const r = new PdfReader(keep('length chain', classic(objs)));
    expectCode(() => r.getObject(4), 'PDF_TOO_COMPLEX');
  });

  it('a page tree whose /Kids point back to an ancestor', () => {
    const pdf = keep(
      '/Kids cycle',
      classic({
        1: CATALOG,
        2: '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
        4: '<< /Type /Pages /Kids [2 0 R 4 0 R] /Count 1 >>',
      }),
    );
    expectCode(() => new PdfReader(pdf).getPage(1), 'PDF_TOO_COMPLEX');
  });

  it('a page tree whose nodes are shared (exponential walk)', () => {
    const objs: Record<number, Body> = { 1: CATALOG, 2: '<< /Type /Pages /Kids [4 0 R 4 0 R] >>' };
    for (let n = 4; n < 60; n++) objs[n] = `<< /Type /Pages /Kids [${n + 1} 0 R ${n + 1} 0 R] >>`;
    objs[60] = PAGE;
    expectCode(
      () => new PdfReader(keep('shared page nodes', classic(objs))).getPage(1),
      'PDF_TOO_COMPLEX',
    );
  });

  it('a page tree /Count that lies (1e9) is not believed', () => {
    const pdf = keep(
      '/Count lie',
      classic({ 1: CATALOG, 2: '<< /Type /Pages /Kids [3 0 R] /Count 1000000000 >>', 3: PAGE }),
    );
    const r = new PdfReader(pdf);
    expect(r.pageCount()).to.equal(1);
    expect(r.getPage(1).mediaBox).to.deep.equal([0, 0, 595, 842]);
    expectCode(() => r.getPage(2), 'PAGE_NOT_FOUND');
    expectCode(() => r.getPage(999_999_999), 'PAGE_NOT_FOUND');
  });

  it('page lookup is linear: every page of a flat 20,000-page tree', () => {
    const objs: Record<number, Body> = { 1: CATALOG, 3: PAGE };
    const kids: string[] = [];
    for (let n = 10; n < 20_010; n++) {
      kids.push(`${n} 0 R`);
      objs[n] = '<< /Type /Page /Parent 2 0 R >>';
    }
    objs[2] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count 20000 /MediaBox [0 0 10 10] >>`;
    const r = new PdfReader(classic(objs));
    expect(r.pageCount()).to.equal(20_000);
    for (let i = 1; i <= 20_000; i++) r.getPage(i);
    expect(r.getPage(20_000).mediaBox).to.deep.equal([0, 0, 10, 10]);
  });

  it('an AcroForm whose /Fields and /Kids point back', () => {
    const pdf = keep(
      '/Fields cycle',
      classic({
        1: '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] >> >>',
        2: PAGES,
        3: PAGE,
        5: '<< /T (a) /Kids [6 0 R] >>',
        6: '<< /T (b) /Kids [5 0 R] >>',
      }),
    );
    expectCode(() => listFields(new PdfReader(pdf)), 'PDF_TOO_COMPLEX');
  });

  it('an AcroForm whose indirect /Kids array is shared by direct fields (exponential walk)', () => {
    const pdf = keep(
      'shared /Kids array',
      classic({
        1: '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields 5 0 R >> >>',
        2: PAGES,
        3: PAGE,
        5: '[<< /T (a) /Kids 5 0 R >> << /T (b) /Kids 5 0 R >>]',
      }),
    );
    expectCode(() => listFields(new PdfReader(pdf)), 'PDF_TOO_COMPLEX');
  });

  it('deep nesting: 100,000 "[" in one object', () => {
    const pdf = keep('deep nesting', classic({ 1: '['.repeat(100_000), 2: PAGES, 3: PAGE }));
    expectCode(() => new PdfReader(pdf).catalog(), 'PDF_TOO_COMPLEX');
  });

  it('deep nesting: 100,000 "<<" in the trailer', () => {
    const pdf = classic(
      { 1: CATALOG, 2: PAGES, 3: PAGE },
      '/Root 1 0 R /X ' + '<< /A '.repeat(100_000),
    );
    keep('deep trailer', pdf);
    expectCode(() => new PdfReader(pdf), 'PDF_TOO_COMPLEX');
  });

  it('an object number of 2^53 is refused, not wrapped', () => {
    const pdf = keep(
      'ref 2^53',
      classic({ 1: '<< /Type /Catalog /Pages 9007199254740993 0 R >>', 2: PAGES, 3: PAGE }),
    );
    expectCode(() => new PdfReader(pdf).catalog(), 'PDF_TOO_COMPLEX');
    const table = Buffer.from(
      classic({ 1: CATALOG, 2: PAGES, 3: PAGE })
        .toString('latin1')
        .replace('xref\n0 4\n', 'xref\n9007199254740992 4\n'),
      'latin1',
    );
    expectCode(() => new PdfReader(keep('xref start 2^53', table)), 'PDF_TOO_COMPLEX');
    const above = Buffer.from(
      classic({ 1: CATALOG, 2: PAGES, 3: PAGE })
        .toString('latin1')
        .replace('xref\n0 4\n', 'xref\n8388607 4\n'),
      'latin1',
    );
    expectCode(() => new PdfReader(above), 'PDF_TOO_COMPLEX');
  });

  it('a trailer /Size of 1e12', () => {
    const pdf = Buffer.from(
      classic({ 1: CATALOG, 2: PAGES, 3: PAGE })
        .toString('latin1')
        .replace('/Size 4', '/Size 1000000000000'),
      'latin1',
    );
    expectCode(() => new PdfReader(keep('/Size 1e12', pdf)), 'PDF_TOO_COMPLEX');
  });

  it('an xref table subsection that claims 99,999,999,999 entries', () => {
    const pdf = Buffer.from(
      classic({ 1: CATALOG, 2: PAGES, 3: PAGE })
        .toString('latin1')
        .replace('xref\n0 4\n', 'xref\n0 99999999999\n'),
      'latin1',
    );
    expectCode(() => new PdfReader(keep('xref count', pdf)), 'PDF_MALFORMED');
  });

  it('negative and fractional numbers where integers are needed', () => {
    const base = classic({ 1: CATALOG, 2: PAGES, 3: PAGE }).toString('latin1');
    const neg = Buffer.from(base.replace('xref\n0 4\n', 'xref\n-1 4\n'), 'latin1');
    expectCode(() => new PdfReader(keep('negative start', neg)), 'PDF_MALFORMED');
    const frac = Buffer.from(base.replace(/startxref\n(\d+)/, 'startxref\n$1.5'), 'latin1');
    expectCode(() => new PdfReader(frac), 'PDF_MALFORMED');
    const prev = Buffer.from(base.replace('/Root 1 0 R', '/Root 1 0 R /Prev -7.5'), 'latin1');
    expectCode(() => new PdfReader(prev), 'PDF_MALFORMED');
  });

  it('an xref stream with /W [9 9 9]', () => {
    const pdf = xrefStreamFile(
      { 1: CATALOG, 2: PAGES, 3: PAGE },
      { dict: '/Type /XRef /Size 5 /W [9 9 9] /Root 1 0 R', data: Buffer.alloc(5 * 27) },
    );
    expectCode(() => new PdfReader(keep('/W 9 9 9', pdf)), 'PDF_MALFORMED');
  });

  it('an xref stream whose /Index reaches beyond its data or the object limit', () => {
    const beyond = xrefStreamFile(
      { 1: CATALOG, 2: PAGES, 3: PAGE },
      { dict: '/Type /XRef /Size 5 /W [1 4 2] /Index [0 1000] /Root 1 0 R' },
    );
    expectCode(() => new PdfReader(keep('/Index beyond data', beyond)), 'PDF_MALFORMED');
    const huge = xrefStreamFile(
      { 1: CATALOG, 2: PAGES, 3: PAGE },
      { dict: '/Type /XRef /Size 5 /W [1 4 2] /Index [0 5 4294967296 1000000000] /Root 1 0 R' },
    );
    expectCode(() => new PdfReader(keep('/Index huge', huge)), 'PDF_TOO_COMPLEX');
  });

  it('an object stream with /N 1e9', () => {
    const pdf = xrefStreamFile(
      { 1: CATALOG, 10: objStm({ 2: PAGES, 3: PAGE }).toString().replace('/N 2', '/N 1000000000') },
      { rows: { 2: [2, 10, 0], 3: [2, 10, 1] } },
    );
    expectCode(() => new PdfReader(keep('/N 1e9', pdf)).getPage(1), 'PDF_TOO_COMPLEX');
  });

  it('an object stream whose /First lies beyond its data', () => {
    const body = objStm({ 2: PAGES, 3: PAGE })
      .toString()
      .replace(/\/First \d+/, '/First 100000');
    const pdf = xrefStreamFile(
      { 1: CATALOG, 10: body },
      { rows: { 2: [2, 10, 0], 3: [2, 10, 1] } },
    );
    expectCode(() => new PdfReader(keep('/First beyond', pdf)).getPage(1), 'PDF_MALFORMED');
  });

  it('object streams that contain themselves or each other', () => {
    const self = xrefStreamFile(
      { 1: CATALOG, 10: objStm({ 2: PAGES, 3: PAGE }) },
      { rows: { 2: [2, 10, 0], 3: [2, 10, 1], 10: [2, 10, 2] } },
    );
    expectCode(() => new PdfReader(keep('objstm in itself', self)).getPage(1), 'PDF_MALFORMED');
    const mutual = xrefStreamFile(
      { 1: CATALOG },
      { rows: { 2: [2, 10, 0], 3: [2, 10, 1], 10: [2, 11, 0], 11: [2, 10, 0] } },
    );
    expectCode(() => new PdfReader(keep('objstm mutual', mutual)).getPage(1), 'PDF_MALFORMED');
  });

  it('a zip bomb: a small deflate stream that inflates past the cap', () => {
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).to.be.lessThan(100_000);
    const s = new PdfStream(new PdfDict().set('Filter', new PdfName('FlateDecode')), bomb);
    expectCode(() => decodeStream(s), 'PDF_TOO_COMPLEX');
    // The per-file budget: many small streams each within 100× but together over the budget.
    const budget = new InflateBudget(1000);
    const small = new PdfStream(
      new PdfDict().set('Filter', new PdfName('FlateDecode')),
      deflateSync(Buffer.alloc(60 * 1024)),
    );
    expectCode(() => {
      for (let i = 0; i < 1000; i++) decodeStream(small, budget);
    }, 'PDF_TOO_COMPLEX');
    // In a file: the object stream is the bomb.
    const pdf = Buffer.from(
      xrefStreamFile(
        {
          1: CATALOG,
          10: stream(
            `/Type /ObjStm /N 2 /First 8 /Filter /FlateDecode /Length ${bomb.length}`,
            bomb,
          ),
        },
        { rows: { 2: [2, 10, 0], 3: [2, 10, 1] } },
      ),
    );
    expectCode(() => new PdfReader(keep('zip bomb', pdf)).getPage(1), 'PDF_TOO_COMPLEX');
  });

  it('bad predictor parameters: /Columns 0, 1e9, -3, 2.5, /BitsPerComponent 3', () => {
    for (const [columns, colors, bpc] of [
      [0, 1, 8],
      [1e9, 1, 8],
      [-3, 1, 8],
      [2.5, 1, 8],
      [4, 0, 8],
      [4, 1, 3],
    ] as const) {
      expectCode(() => unpredictPng(Buffer.alloc(100), columns, colors, bpc), 'PDF_MALFORMED');
    }
    const rows = Buffer.alloc(5 * 8);
    const pdf = xrefStreamFile(
      { 1: CATALOG, 2: PAGES, 3: PAGE },
      {
        dict: '/Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 1000000000 >>',
        data: deflateSync(rows),
      },
    );
    expectCode(() => new PdfReader(keep('predictor columns', pdf)), 'PDF_MALFORMED');
  });

  it('200,000 "%%EOF" markers: the startxref search stays linear', () => {
    const base = classic({ 1: CATALOG, 2: PAGES, 3: PAGE });
    const many = Buffer.concat([base, Buffer.from('%%EOF\n'.repeat(200_000), 'latin1')]);
    expectCode(() => findStartXref(keep('many %%EOF', many)), 'PDF_TRUNCATED');
    const only = Buffer.from('%PDF-1.7\n' + '%%EOF'.repeat(200_000), 'latin1');
    expectCode(() => new PdfReader(keep('only %%EOF', only)), 'PDF_TRUNCATED');
    const noEof = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2_000_000, 0x41)]);
    expectCode(() => new PdfReader(noEof), 'PDF_TRUNCATED');
  });

  it('/Prev and /XRefStm loops end', () => {
    const base = classic({ 1: CATALOG, 2: PAGES, 3: PAGE }).toString('latin1');
    const sx = /startxref\n(\d+)/.exec(base)![1]!;
    const prev = Buffer.from(base.replace('/Root 1 0 R', `/Root 1 0 R /Prev ${sx}`), 'latin1');
    expect(new PdfReader(keep('/Prev self', prev)).sections).to.have.length(1);
    const xs = Buffer.from(base.replace('/Root 1 0 R', `/Root 1 0 R /XRefStm ${sx}`), 'latin1');
    expectCode(() => new PdfReader(keep('/XRefStm self', xs)), 'PDF_TOO_COMPLEX');
  });

  it('thousands of empty incremental updates: bounded sections, each parsed once', async () => {
    const signed = await signPdf(await makePdf(), {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
    });
    const withUpdates = (n: number) => {
      const text = signed.toString('latin1');
      let sx = parseInt(/startxref\s+(\d+)\s*%%EOF\s*$/.exec(text)![1]!, 10);
      const parts: string[] = [];
      let len = signed.length;
      for (let i = 0; i < n; i++) {
        const s = `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 20 /Root 2 0 R /Prev ${sx} >>\nstartxref\n${len}\n%%EOF\n`;
        sx = len;
        len += s.length;
        parts.push(s);
      }
      return Buffer.concat([signed, Buffer.from(parts.join(''), 'latin1')]);
    };
    const many = withUpdates(1500);
    expect(new PdfReader(many).sections).to.have.length(
      1500 + new PdfReader(signed).sections.length,
    );
    // Opening the file at each of its revisions reuses the parsed sections (not quadratic).
    const r = new PdfReader(many);
    for (const s of r.sections) new PdfReader(many, s.offset);
    await engineTyped(many);
    expectCode(() => new PdfReader(keep('5000 sections', withUpdates(5000))), 'PDF_TOO_COMPLEX');
  });

  it('reference chains that loop (1 0 R → 4 0 R → 1 0 R…)', () => {
    const pdf = keep('ref loop', classic({ 1: '4 0 R', 2: PAGES, 3: PAGE, 4: '1 0 R' }));
    expectCode(() => new PdfReader(pdf).catalog(), 'PDF_TOO_COMPLEX');
  });

  it('unterminated strings and streams are linear and typed', () => {
    const big = 'x'.repeat(2_000_000);
    for (const body of [`(${big}`, `<${big}`, `<< /A [${big}`, `<< /Length 5 >>\nstream\n${big}`]) {
      const pdf = classic({ 1: body, 2: PAGES, 3: PAGE });
      expectCode(() => new PdfReader(pdf).catalog(), 'PDF_MALFORMED');
    }
  });

  it('re-parsing one huge unterminated string from many objects hits the work budget', () => {
    // Every page object starts just inside one 1 MB unterminated literal string.
    const prefix = '%PDF-1.7\n';
    let text = prefix;
    const kids: string[] = [];
    const offsets: number[] = [];
    for (let n = 10; n < 5010; n++) {
      offsets[n] = text.length;
      text += `${n} 0 obj (`;
      kids.push(`${n} 0 R`);
    }
    text += 'y'.repeat(1_000_000) + '\n';
    const o1 = text.length;
    text += `1 0 obj ${CATALOG} endobj\n`;
    const o2 = text.length;
    text += `2 0 obj << /Type /Pages /Kids [${kids.join(' ')}] >> endobj\n`;
    const xref = text.length;
    let table = `xref\n0 3\n0000000000 65535 f\r\n${String(o1).padStart(10, '0')} 00000 n\r\n${String(o2).padStart(10, '0')} 00000 n\r\n10 5000\n`;
    for (let n = 10; n < 5010; n++) table += `${String(offsets[n]).padStart(10, '0')} 00000 n\r\n`;
    text += table + `trailer\n<< /Size 5010 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    const pdf = keep('work budget', Buffer.from(text, 'latin1'));
    const r = new PdfReader(pdf);
    expectCode(() => r.getPage(1), 'PDF_MALFORMED');
    // A caller that carries on past unreadable objects (as change analysis does) still stops.
    expectCode(() => {
      for (let n = 10; n < 5010; n++) {
        try {
          r.getObject(n);
        } catch (e) {
          if ((e as SigningError).code !== 'PDF_MALFORMED') throw e;
        }
      }
    }, 'PDF_TOO_COMPLEX');
  });

  it('a hostile CMS blob: truncated, wrong lengths, indefinite and deep nesting', () => {
    const cases: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from([0x30]),
      Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0x30, 0x85, 1, 2, 3, 4, 5]),
      Buffer.from([0x30, 0x03, 0x06, 0x01]),
      Buffer.from([0x30, 0x80, 0x04, 0x80, 0x00]),
      Buffer.concat([Buffer.alloc(20_000, 0x30).map((_, i) => (i % 2 ? 0x80 : 0x30))]),
      Buffer.concat([Buffer.from([0x30, 0x06, 0x06, 0x01, 0x2a, 0xa0, 0x01, 0x30])]),
      // A SignedData whose inner sequences are empty.
      Buffer.from('300f06092a864886f70d010702a0023000', 'hex'),
      Buffer.from('3011' + '06092a864886f70d010702' + 'a0043002' + '3100', 'hex'),
    ];
    // Deeply nested constructed OCTET STRINGs (definite lengths).
    let nested = Buffer.from([0x04, 0x01, 0x41]);
    for (let i = 0; i < 5000; i++) {
      const len = nested.length;
      const hdr =
        len < 128 ? Buffer.from([0x24, len]) : Buffer.from([0x24, 0x82, len >> 8, len & 0xff]);
      if (len > 60000) break;
      nested = Buffer.concat([hdr, nested]);
    }
    cases.push(nested);
    for (const c of cases) expectCode(() => parseCms(c), 'SIGNATURE_INVALID');
    expectCode(() => readNode(Buffer.from([0x30, 0x84, 0, 0, 1]), 0), 'SIGNATURE_INVALID');
  });

  it('verifyPdf and signPdf refuse every file above with a SigningError', async function () {
    this.timeout(120_000);
    expect(hostile.length).to.be.greaterThan(20);
    for (const [, pdf] of hostile) await engineTyped(pdf);
  });

  it('a signed file with its CMS replaced by garbage is reported, not thrown', async () => {
    const signed = await signPdf(await makePdf(), {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
    });
    const text = signed.toString('latin1');
    const at = text.indexOf('/Contents <') + 11;
    const garbage = Buffer.from(signed);
    garbage.write('3084ffffffff3080a0', at, 'latin1');
    await engineTyped(garbage);
  });
});
