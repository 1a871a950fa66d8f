import { expect } from 'chai';
import { SigningError, formatReport, signPdf, verifyPdf } from '../../../src/signing/index.js';
import { PdfRef, PdfStream, serialize } from '../../../src/signing/pdf/objects.js';
import { PdfReader } from '../../../src/signing/pdf/reader.js';
import { findStartXref } from '../../../src/signing/pdf/xref.js';
import { FIXED_NOW, hasTool, runOnPdf, signerOf, testPki } from './helpers/index.js';

/*
 * Shadow attacks through the viewers' repair: when an xref offset does not point at its object,
 * pdf.js, poppler and MuPDF rebuild the file from every `num gen obj` header in it, and the last
 * body of each object wins. A forger plants a body no xref lists and makes viewers rebuild; the
 * verifier, following the xref, would judge a document no viewer shows.
 */

const pki = testPki();
const opts = () => ({ trustAnchors: [pki.root.cert], now: FIXED_NOW });

const stream = (text: string) =>
  `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`;
const shows = (text: string) => `BT /F1 24 Tf 72 700 Td (${text}) Tj ET`;
const PAGE =
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>';

interface Body {
  num: number;
  body: string;
  /** Written, but no xref entry points at it. */
  dead?: boolean;
  /** The xref entry points this many bytes past the header (a viewer rebuilds the file). */
  skew?: number;
}

/** A one-page PDF written by hand, with dead bodies and skewed offsets where asked. */
function handMade(bodies: Body[]): Buffer {
  let text = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets = new Map<number, number>();
  for (const b of bodies) {
    if (!b.dead) offsets.set(b.num, text.length + (b.skew ?? 0));
    text += `${b.num} 0 obj\n${b.body}\nendobj\n`;
  }
  const xref = text.length;
  text += 'xref\n0 6\n0000000000 65535 f\r\n';
  for (let n = 1; n <= 5; n++) text += `${String(offsets.get(n)).padStart(10, '0')} 00000 n\r\n`;
  text += `trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

const common: Body[] = [
  { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
  { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
  { num: 3, body: PAGE },
];
const font: Body = { num: 5, body: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' };

/** Appends a revision written by hand: `entries` are [num, offset] pairs, `text` goes before. */
function appendRevision(
  pdf: Buffer,
  text: string,
  entries: (base: number) => Array<[number, number]>,
) {
  const r = new PdfReader(pdf);
  const base = pdf.length + 1;
  let tail = `\n${text}`;
  const xref = pdf.length + tail.length;
  tail += 'xref\n';
  for (const [num, off] of entries(base))
    tail += `${num} 1\n${String(off).padStart(10, '0')} 00000 n\r\n`;
  tail += `trailer\n<< /Size ${r.size} /Root 1 0 R /Prev ${findStartXref(pdf)} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(tail, 'latin1')]);
}

function pageText(pdf: Buffer): string {
  return runOnPdf('pdftotext', (f) => ['-q', f, '-'], pdf);
}

function expectModified(pdf: Buffer) {
  const report = verifyPdf(pdf, opts());
  expect(report.signatures[0]!.valid, formatReport(report)).to.equal(true);
  expect(report.modifiedAfterSigning, formatReport(report)).to.equal(true);
  expect(report.valid).to.equal(false);
  expect(report.problems.map((p) => p.rule)).to.include('MODIFIED_AFTER_SIGNING');
}

// As another tool would sign them: eOffice's engine refuses such files (PDF_AMBIGUOUS).
const sign = (pdf: Buffer) =>
  signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW, allowAmbiguous: true });

describe('signing: shadow attacks through the viewers’ repair of a file', () => {
  it('a later revision lists an object at a wrong offset and plants a body no xref lists', async () => {
    const signed = await sign(handMade([...common, { num: 4, body: stream(shows('GOC')) }, font]));
    // The page as it stands (the signature revision added its widget), copied after a long
    // comment so that no older body of it is near.
    const page = serialize(new PdfReader(signed).getObject(3)!);
    const planted = `%${'x'.repeat(1500)}\nXX3 0 obj\n${page}\nendobj\n4 0 obj\n${stream(shows('GIA MAO'))}\nendobj\n`;
    // Object 3 is listed where "XX" stands: a reader looking nearby finds it unchanged; viewers
    // rebuild the file and take the last body of object 4, the planted one.
    const forged = appendRevision(signed, planted, (base) => [[3, base + 1502]]);
    if (hasTool('pdftotext')) expect(pageText(forged)).to.include('GIA MAO');
    expectModified(forged);
  });

  it('a body planted inside the signed revision, switched on later by a wrong offset', async () => {
    const signed = await sign(
      handMade([
        ...common,
        { num: 4, body: stream(shows('GOC')) },
        { num: 4, body: stream(shows('GIA MAO')), dead: true },
        font,
      ]),
    );
    // The dead body follows the listed one in the same revision: any rebuild would show it, so
    // the signed file is refused as it is (before the forger's revision).
    const report = verifyPdf(signed, opts());
    expect(report.signatures[0]!.valid, formatReport(report)).to.equal(true);
    expect(report.problems.map((p) => p.rule)).to.deep.equal(['SHADOW_OBJECT']);
    if (hasTool('pdftotext')) expect(pageText(signed)).to.include('GOC');
    // The same object 2, listed again two bytes before its new copy: nothing changes for a
    // reader that looks nearby, the whole file is rebuilt for the viewers.
    const forged = appendRevision(
      signed,
      `2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n`,
      (base) => [[2, base + 2]],
    );
    if (hasTool('pdftotext')) expect(pageText(forged)).to.include('GIA MAO');
    expectModified(forged);
  });

  it('a revision that lists only harmless objects but carries an unlisted page body', async () => {
    const signed = await sign(handMade([...common, { num: 4, body: stream(shows('GOC')) }, font]));
    const r = new PdfReader(signed);
    const extra = `${r.size} 0 obj\n<< /Producer (x) >>\nendobj\n`;
    const forged = appendRevision(
      signed,
      `${extra}4 0 obj\n${stream(shows('GIA MAO'))}\nendobj\n`,
      (base) => [[r.size, base]],
    );
    expectModified(forged);
  });

  it('a signed entry a few bytes off is read as a rebuild reads it (the last body, not the nearest), and is not valid', async () => {
    // Object 4's offset is skewed: poppler and MuPDF rebuild the file and show its last body
    // ("GOC"), pdf.js drops it; a planted earlier body ("GIA MAO") lies nearer the offset.
    const unsigned = handMade([
      ...common,
      { num: 4, body: stream(shows('GIA MAO')), skew: 3 },
      { num: 4, body: stream(shows('GOC')), dead: true },
      font,
    ]);
    if (hasTool('pdftotext')) expect(pageText(unsigned)).to.include('GOC');
    const read = new PdfReader(unsigned).getObject(4) as PdfStream;
    expect(read.data.toString('latin1')).to.include('(GOC)');
    const signed = await sign(unsigned);
    const report = verifyPdf(signed, opts());
    expect(report.signatures[0]!.valid, formatReport(report)).to.equal(true);
    expect(report.problems.map((p) => p.rule)).to.deep.equal(['REFERENCE_AMBIGUOUS']);
    // The forger then lists object 4 exactly at the planted body: no repair any more.
    const plantedAt = unsigned.indexOf('4 0 obj', 0, 'latin1');
    const forged = appendRevision(signed, '', () => [[4, plantedAt]]);
    if (hasTool('pdftotext')) expect(pageText(forged)).to.include('GIA MAO');
    expectModified(forged);
  });

  it('a producer’s skewed offsets are read, but the document is not valid and the engine does not sign it', async () => {
    // pdf.js rebuilds a file whose page tree is broken, but drops a content stream whose entry
    // misses it (test/interop/rebuilt-readers.test.ts); poppler cannot rebuild xref streams:
    // readers do not all show such a file alike, whatever we read.
    const unsigned = handMade([
      ...common.map((b) => ({ ...b, skew: b.num === 3 ? -2 : 0 })),
      { num: 4, body: stream(shows('GOC')), skew: 2 },
      font,
    ]);
    expect(new PdfReader(unsigned).getPage(1).dict.get('Contents')).to.be.instanceOf(PdfRef);
    const refused = await signPdf(unsigned, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
    }).catch((e: unknown) => e);
    expect((refused as SigningError).code).to.equal('PDF_AMBIGUOUS');
    const report = verifyPdf(await sign(unsigned), opts());
    expect(report.signatures[0]!.valid, formatReport(report)).to.equal(true);
    expect(report.problems.map((p) => p.rule)).to.deep.equal(['REFERENCE_AMBIGUOUS']);
    // The page was rewritten by the signature's revision (its widget), exactly where listed.
    expect(report.problems[0]!.detail).to.equal(
      `the xref entry of object 4 (byte ${unsigned.indexOf('4 0 obj', 0, 'latin1') + 2}) does not point at it`,
    );
    for (const num of [3, 4])
      expect((refused as SigningError).message).to.include(`the xref entry of object ${num} `);
  });
});
