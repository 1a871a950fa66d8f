import { expect } from 'chai';
import { SigningError, formatReport, signPdf, verifyPdf } from '../../../src/signing/index.js';
import { serialize } from '../../../src/signing/pdf/objects.js';
import { PdfReader } from '../../../src/signing/pdf/reader.js';
import { FIXED_NOW, hasTool, runOnPdf, signerOf, testPki } from './helpers/index.js';
import {
  HELVETICA,
  appendHybridUpdate,
  appendUpdate,
  objectStream,
  rawEntryOf,
  rawPdf,
  rawStream,
} from './helpers/raw-pdf.js';

/*
 * One object, two readings: an object stream that lists a number twice, a hybrid table that
 * disagrees with its own /XRefStm, a second body of an object that a viewer rebuilding the file
 * would take. pdf.js, poppler and MuPDF each pick their own copy, so whichever one we verify,
 * some viewer shows another: such files are not valid, however intact their signatures.
 */

const pki = testPki();
const opts = () => ({ trustAnchors: [pki.root.cert], now: FIXED_NOW });
// As another tool would sign them: eOffice's engine refuses such files (PDF_AMBIGUOUS).
const sign = (pdf: Buffer) =>
  signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW, allowAmbiguous: true });
const pageText = (pdf: Buffer) => runOnPdf('pdftotext', (f) => ['-q', f, '-'], pdf);

/** The signature stays intact; the document is refused for exactly `rules`. */
function expectRefused(pdf: Buffer, rules: string[]) {
  const report = verifyPdf(pdf, opts());
  expect(
    report.signatures.map((s) => s.valid),
    formatReport(report),
  ).to.deep.equal([true]);
  expect(
    report.problems.map((p) => p.rule),
    formatReport(report),
  ).to.deep.equal(rules);
  expect(report.valid).to.equal(false);
}

/** The SigningError `f` throws (anything else fails the test), or undefined. */
function failure(f: () => unknown): SigningError | undefined {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(SigningError);
    return e as SigningError;
  }
  return undefined;
}

const text = (words: string) => rawStream(`BT /F1 24 Tf 72 700 Td (${words}) Tj ET`);
const amount = (words: string) =>
  rawStream(
    `BT /F1 24 Tf 0 10 Td (${words}) Tj ET`,
    `/Type /XObject /Subtype /Form /BBox [0 0 500 50] /Resources << /Font << /F1 ${HELVETICA} >> >> `,
  );
/** Resources (object 6) drawing form 8 (PAY 100) or 9 (PAY 1,000,000) as /X. */
const resources = (form: 8 | 9) => `<< /XObject << /X ${form} 0 R >> >>`;

/**
 * One page by hand: its content (object 4) writes `words` in Helvetica (object 5), or draws the
 * resources' /X when `words` is undefined; the resources are object 6, which `extra` may define.
 */
function onePage(words?: string, extra: Record<number, string> = {}): Buffer {
  const res = words === undefined ? '6 0 R' : '<< /Font << /F1 5 0 R >> >>';
  return rawPdf(
    {
      1: '<< /Type /Catalog /Pages 2 0 R >>',
      2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      3: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources ${res} /Contents 4 0 R >>`,
      4: words === undefined ? rawStream('q 1 0 0 1 72 700 cm /X Do Q') : text(words),
      5: HELVETICA,
      8: amount('PAY 100 VND'),
      9: amount('PAY 1,000,000 VND'),
      ...extra,
    },
    '/Root 1 0 R',
  );
}

/** Bytes written after a file, inside the revision the next update appends. */
const plant = (pdf: Buffer, body: string) => Buffer.concat([pdf, Buffer.from(body, 'latin1')]);

describe('signing: one object, two readings', () => {
  it('reads a compressed object at the index its entry gives, and refuses an index that holds another object', () => {
    const stream = objectStream([
      [6, resources(8)],
      [10, '<< /Other true >>'],
    ]);
    const right = appendUpdate(onePage(), { objects: { 7: stream }, entries: { 6: [2, 7, 0] } });
    expect(serialize(new PdfReader(right).getObject(6)!)).to.include('/X 8 0 R');
    const wrong = appendUpdate(onePage(), { objects: { 7: stream }, entries: { 6: [2, 7, 1] } });
    const err = failure(() => new PdfReader(wrong).getObject(6));
    expect(err?.code).to.equal('PDF_MALFORMED');
    expect(err?.message).to.match(/holds object 10 at index 1, not object 6/);
  });

  it('an object stream that lists an object twice is refused as soon as it is signed (poppler and MuPDF show its first copy, pdf.js the last)', async () => {
    const signed = await sign(
      appendUpdate(onePage(), {
        objects: {
          7: objectStream([
            [6, resources(8)],
            [6, resources(9)],
          ]),
        },
        entries: { 6: [2, 7, 0] },
      }),
    );
    if (hasTool('pdftotext')) expect(pageText(signed)).to.include('PAY 100 VND');
    expectRefused(signed, ['SHADOW_OBJECT']);
  });

  it('a hybrid table that marks free what its own /XRefStm lists is refused, in the signed revision too', async () => {
    const base = onePage('VAN BAN');
    const hybrid = appendHybridUpdate(base, {
      table: { 4: [0, 0, 1] },
      stream: { 4: rawEntryOf(new PdfReader(base), 4) },
    });
    const signed = await sign(hybrid);
    // poppler takes the stream's entry; pdf.js and MuPDF keep the table's and show a blank page.
    // The page then refers to an object free in the xref whose body is in the file, which a
    // reader rebuilding the file shows too.
    if (hasTool('pdftotext')) expect(pageText(signed)).to.include('VAN BAN');
    expectRefused(signed, ['XREF_AMBIGUOUS', 'REFERENCE_AMBIGUOUS']);
  });

  it('objects hidden from old readers as the standard has it (free in an older table, listed by the update’s /XRefStm) still verify', async () => {
    // Objects 6 and 7 are free in the first table (the page's font is 6 0 R); the update lists
    // them in its xref stream only, with an empty table, as Word writes hybrid files.
    const base = rawPdf(
      {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        3: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >> /Contents 4 0 R >>',
        4: text('VAN BAN'),
        8: '<< /Producer (eOffice) >>',
      },
      '/Root 1 0 R /Info 8 0 R',
    );
    const hidden = appendHybridUpdate(base, {
      objects: { 7: objectStream([[6, HELVETICA]]) },
      stream: { 6: [2, 7, 0] },
    });
    const twice = await signPdf(await sign(hidden), {
      signer: signerOf(pki.ecSigner),
      signingTime: FIXED_NOW,
    });
    if (hasTool('pdftotext')) expect(pageText(twice)).to.include('VAN BAN');
    const report = verifyPdf(twice, opts());
    expect(report.valid, formatReport(report)).to.equal(true);
  });

  it('a second body of the page content planted after the listed one, in a revision before signing, is refused', async () => {
    const planted = plant(onePage('GOC'), `\n4 0 obj\n${text('GIA MAO')}\nendobj\n`);
    const signed = await sign(appendUpdate(planted, { objects: { 10: '<< /Producer (x) >>' } }));
    if (hasTool('pdftotext')) expect(pageText(signed)).to.include('GOC');
    expectRefused(signed, ['SHADOW_OBJECT']);
  });

  it('a body of another generation is refused even before the listed one', async () => {
    const planted = plant(onePage('GOC'), `\n4 1 obj\n${text('GIA MAO')}\nendobj\n`);
    const signed = await sign(appendUpdate(planted, { objects: { 4: text('GOC 2') } }));
    expectRefused(signed, ['SHADOW_OBJECT']);
  });

  it('a plain body of an object that lives in an object stream is refused', async () => {
    const planted = plant(onePage(), `\n6 0 obj\n${resources(9)}\nendobj\n`);
    const signed = await sign(
      appendUpdate(planted, {
        objects: { 7: objectStream([[6, resources(8)]]) },
        entries: { 6: [2, 7, 0] },
      }),
    );
    if (hasTool('pdftotext')) expect(pageText(signed)).to.include('PAY 100 VND');
    expectRefused(signed, ['SHADOW_OBJECT']);
  });

  it('refuses an xref stream row of an unknown type, where pdf.js and poppler rebuild the file', async () => {
    const signed = await sign(onePage('GOC'));
    const odd = appendUpdate(signed, { entries: { [new PdfReader(signed).size]: [3, 0, 0] } });
    expect(failure(() => new PdfReader(odd))?.code).to.equal('PDF_MALFORMED');
    expect(failure(() => verifyPdf(odd, opts()))?.code).to.equal('PDF_MALFORMED');
  });

  it('the engine refuses to sign a file its readers show in two ways (PDF_AMBIGUOUS), and signs the same page written once', async () => {
    const base = onePage('VAN BAN');
    const drafts: Record<string, Buffer> = {
      'an object stream listing a number twice': appendUpdate(onePage(), {
        objects: {
          7: objectStream([
            [6, resources(8)],
            [6, resources(9)],
          ]),
        },
        entries: { 6: [2, 7, 0] },
      }),
      'a hybrid table freeing what its stream lists': appendHybridUpdate(base, {
        table: { 4: [0, 0, 1] },
        stream: { 4: rawEntryOf(new PdfReader(base), 4) },
      }),
      'a second body after the listed one': appendUpdate(
        plant(onePage('GOC'), `\n4 0 obj\n${text('GIA MAO')}\nendobj\n`),
        { objects: { 10: '<< /Producer (x) >>' } },
      ),
      'a plain body of a compressed object': appendUpdate(
        plant(onePage(), `\n6 0 obj\n${resources(9)}\nendobj\n`),
        { objects: { 7: objectStream([[6, resources(8)]]) }, entries: { 6: [2, 7, 0] } },
      ),
    };
    for (const [what, draft] of Object.entries(drafts)) {
      const refused = await signPdf(draft, {
        signer: signerOf(pki.rsaSigner),
        signingTime: FIXED_NOW,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(refused, what).to.be.instanceOf(SigningError);
      expect((refused as SigningError).code, what).to.equal('PDF_AMBIGUOUS');
    }
    const clean = await signPdf(base, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    expect(verifyPdf(clean, opts()).valid).to.equal(true);
  });
});
