import { expect } from 'chai';
import { SigningError, formatReport, signPdf, verifyPdf } from '../../../src/signing/index.js';
import { PdfRef, serialize } from '../../../src/signing/pdf/objects.js';
import { PdfReader } from '../../../src/signing/pdf/reader.js';
import { FIXED_NOW, hasTool, runOnPdf, signerOf, testPki } from './helpers/index.js';
import { HELVETICA, appendUpdate, rawPdf, rawStream } from './helpers/raw-pdf.js';
import { plantBody } from './helpers/unlisted.js';

/*
 * A reference the xref does not locate exactly (no entry, a free one, an offset that misses its
 * object, another generation) is resolved one way by a reader that follows the xref and another
 * by one that rebuilds the file from its `num gen obj` headers or drops the object: such a file
 * is not valid (REFERENCE_AMBIGUOUS) when the document refers to it, and the engine does not
 * sign it (PDF_AMBIGUOUS). The same bodies that nothing refers to change nothing a reader shows.
 */

const pki = testPki();
const opts = () => ({ trustAnchors: [pki.root.cert], now: FIXED_NOW });
// As another tool would sign them: eOffice's engine refuses such files (PDF_AMBIGUOUS).
const sign = (pdf: Buffer) =>
  signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW, allowAmbiguous: true });
const pageText = (pdf: Buffer) => runOnPdf('pdftotext', (f) => ['-q', f, '-'], pdf);
const rulesOf = (pdf: Buffer) => verifyPdf(pdf, opts()).problems.map((p) => p.rule);

const text = (words: string) => rawStream(`BT /F1 24 Tf 72 700 Td (${words}) Tj ET`);
const FORGED = text('PAY 1,000,000 VND');

/**
 * One page written by hand: content 4 ("GOC") in Helvetica (5), then whatever `contents` adds
 * (e.g. `50 0 R`); `extra` defines more objects (a gap in the numbers is a free entry).
 */
function onePage(contents = '', extra: Record<number, string> = {}, page = ''): Buffer {
  return rawPdf(
    {
      1: '<< /Type /Catalog /Pages 2 0 R >>',
      2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      3: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents [4 0 R ${contents}] ${page}>>`,
      4: text('GOC'),
      5: HELVETICA,
      ...extra,
    },
    '/Root 1 0 R',
  );
}

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
}

function expectValid(pdf: Buffer) {
  const report = verifyPdf(pdf, opts());
  expect(report.valid, formatReport(report)).to.equal(true);
}

/** The code the engine refuses `pdf` with (undefined: it signs it). */
async function refusal(pdf: Buffer): Promise<string | undefined> {
  try {
    await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    return undefined;
  } catch (e) {
    expect(e).to.be.instanceOf(SigningError);
    return (e as SigningError).code;
  }
}

describe('signing: references the xref does not locate', () => {
  it('an object the page draws, past /Size with no entry, whose body is planted in the signed bytes', async () => {
    const drafted = plantBody(onePage('50 0 R'), 50, FORGED);
    const signed = await sign(drafted);
    // poppler rebuilds the file for the object no entry lists, and prints the planted body.
    if (hasTool('pdftotext')) expect(pageText(signed)).to.include('PAY 1,000,000 VND');
    expectRefused(signed, ['REFERENCE_AMBIGUOUS']);
    expect(verifyPdf(signed, opts()).problems[0]!.detail).to.match(
      /object 50 is referenced, not listed in the xref, and has a body at byte \d+/,
    );
    expect(await refusal(drafted)).to.equal('PDF_AMBIGUOUS');
  });

  it('an object listed as free (a gap in the table) whose body is planted', async () => {
    const drafted = plantBody(onePage('7 0 R', { 8: '<< /Producer (x) >>' }), 7, FORGED);
    const signed = await sign(drafted);
    if (hasTool('pdftotext')) expect(pageText(signed)).to.include('PAY 1,000,000 VND');
    expectRefused(signed, ['REFERENCE_AMBIGUOUS']);
    expect(await refusal(drafted)).to.equal('PDF_AMBIGUOUS');
  });

  it('a planted body of another generation than the reference', async () => {
    const drafted = Buffer.concat([
      onePage('50 0 R'),
      Buffer.from(`\n50 3 obj\n${FORGED}\nendobj\n`, 'latin1'),
    ]);
    const signed = await sign(drafted);
    // poppler rebuilds the file, finds 50 3 where 50 0 is wanted, and shows the page blank.
    if (hasTool('pdftotext')) expect(pageText(signed)).not.to.include('GOC');
    expectRefused(signed, ['REFERENCE_AMBIGUOUS']);
  });

  it('a body hidden inside another object’s data (a string, a stream) counts: rebuilding readers find it there', async () => {
    const inString = onePage('50 0 R', {
      6: `<< /Note (\n50 0 obj\n<< /Length 9 >>\nstream\nPAY 1 VND\nendstream\nendobj\n) >>`,
    });
    expectRefused(await sign(inString), ['REFERENCE_AMBIGUOUS']);
    const inStream = onePage('50 0 R', { 6: rawStream(`\n50 0 obj\n${FORGED}\nendobj\n`) });
    const signed = await sign(inStream);
    if (hasTool('pdftotext')) expect(pageText(signed)).to.include('PAY 1,000,000 VND');
    expectRefused(signed, ['REFERENCE_AMBIGUOUS']);
  });

  it('a body planted after signing, even inside a new object the later revision lists', async () => {
    const signed = await signPdf(onePage('50 0 R'), {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
    });
    expectValid(signed);
    const forged = appendUpdate(signed, {
      kind: 'table',
      objects: { 40: rawStream(`\n50 0 obj\n${FORGED}\nendobj\n`) },
    });
    if (hasTool('pdftotext')) expect(pageText(forged)).to.include('PAY 1,000,000 VND');
    expectRefused(forged, ['REFERENCE_AMBIGUOUS']);
  });

  it('each signed state is judged, not only the newest: a later revision that drops the reference leaves the signed one ambiguous', async () => {
    const signed = await sign(plantBody(onePage('50 0 R'), 50, FORGED));
    const page = new PdfReader(signed).getPage(1);
    const without = serialize(page.dict.clone().set('Contents', [new PdfRef(4, 0)]));
    const dropped = appendUpdate(signed, { kind: 'table', objects: { [page.ref.num]: without } });
    expect(rulesOf(dropped)).to.include.members(['MODIFIED_AFTER_SIGNING', 'REFERENCE_AMBIGUOUS']);
    // The engine judges the same states before adding a signature.
    expect(await refusal(dropped)).to.equal('PDF_AMBIGUOUS');
  });

  it('a reference of another generation than its entry (pdf.js and poppler drop the object, MuPDF shows it)', async () => {
    const drafted = onePage('6 1 R', { 6: FORGED });
    const signed = await sign(drafted);
    if (hasTool('pdftotext')) expect(pageText(signed)).not.to.include('PAY 1,000,000 VND');
    expectRefused(signed, ['REFERENCE_AMBIGUOUS']);
    expect(verifyPdf(signed, opts()).problems[0]!.detail).to.equal(
      'object 6 is referenced as generation 1, listed as 0',
    );
    expect(await refusal(drafted)).to.equal('PDF_AMBIGUOUS');
  });

  it('an entry whose offset misses its object, for an object the page draws', async () => {
    const base = onePage('6 0 R', { 6: FORGED });
    const at = base.indexOf('6 0 obj', 0, 'latin1');
    // Object 6 listed again, two bytes past its header (its body unchanged).
    const skewed = appendUpdate(base, { kind: 'table', entries: { 6: [1, at + 2, 0] } });
    expectRefused(await sign(skewed), ['REFERENCE_AMBIGUOUS']);
    expect(await refusal(skewed)).to.equal('PDF_AMBIGUOUS');
  });

  it('what nothing refers to changes nothing: an orphan body, the old body of a deleted object, a skewed entry of an unused object, a reference to nothing', async () => {
    const engine = (pdf: Buffer) =>
      signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    // A producer's orphan body that no entry lists, beside a reference that nothing defines.
    expectValid(await engine(plantBody(onePage('60 0 R'), 50, FORGED)));
    // A revision deletes object 6 (a free entry, the page no longer refers to it): its old body
    // stays in the first revision's bytes.
    const withNote = onePage('', { 6: '<< /Note (old) >>' }, '/Note 6 0 R ');
    const deleted = appendUpdate(withNote, {
      kind: 'table',
      objects: {
        3: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents [4 0 R] >>',
      },
      entries: { 6: [0, 0, 0] },
    });
    expectValid(await engine(deleted));
    // An object nothing refers to, listed two bytes past its header.
    const unused = onePage('', { 6: '<< /Unused true >>' });
    const at = unused.indexOf('6 0 obj', 0, 'latin1');
    expectValid(
      await engine(appendUpdate(unused, { kind: 'table', entries: { 6: [1, at + 2, 0] } })),
    );
  });

  describe('hostile input', () => {
    /** A page whose /Annots is object 6, the array `refs` (the walk meets every entry). */
    const manyRefs = (refs: string, extra: Record<number, string> = {}) =>
      onePage('', { 6: `[${refs}]`, ...extra }, '/Annots 6 0 R ');

    it('200,000 references to distinct unlisted numbers: one pass, and the one with a body is named', async function () {
      this.timeout(60_000);
      const nums = Array.from({ length: 200_000 }, (_, i) => 100 + i);
      const refs = nums.map((n) => `${n} 0 R`).join(' ');
      const started = Date.now();
      expectValid(
        await signPdf(manyRefs(refs), { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW }),
      );
      const withBody = plantBody(manyRefs(refs), 150_000, '<< /Subtype /Text /Rect [0 0 9 9] >>');
      const signed = await sign(withBody);
      expectRefused(signed, ['REFERENCE_AMBIGUOUS']);
      expect(verifyPdf(signed, opts()).problems[0]!.detail).to.match(
        /^object 150000 is referenced/,
      );
      expect(Date.now() - started).to.be.below(30_000);
    });

    it('self-references and cycles end: an object referring to itself, two referring to each other, one that is a reference to itself', async () => {
      const cyclic = manyRefs('6 0 R 7 0 R 8 0 R', {
        7: '<< /Subtype /Text /Rect [0 0 9 9] /Self 7 0 R /Other 9 0 R >>',
        8: '8 0 R',
        9: '<< /Back 7 0 R /Again [9 0 R 6 0 R] >>',
      });
      expectValid(
        await signPdf(cyclic, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW }),
      );
    });

    it('a number past /Size is judged as any unlisted one; one past the object limit is beyond the reader', async () => {
      expectValid(
        await signPdf(manyRefs('4000000 0 R'), {
          signer: signerOf(pki.rsaSigner),
          signingTime: FIXED_NOW,
        }),
      );
      expectRefused(await sign(plantBody(manyRefs('4000000 0 R'), 4_000_000, '<< >>')), [
        'REFERENCE_AMBIGUOUS',
      ]);
      const beyond = manyRefs('9000000 0 R');
      expect(await refusal(beyond)).to.equal('PDF_TOO_COMPLEX');
    });

    it('the walk is paid from the reader’s work budget: objects that each re-scan one huge string', async () => {
      // Objects 10… each start just inside one 1 MB unterminated string; the page refers to all.
      let text = '%PDF-1.7\n';
      const offsets = new Map<number, number>();
      const put = (n: number, body: string) => {
        offsets.set(n, text.length);
        text += `${n} 0 obj\n${body}\nendobj\n`;
      };
      put(1, '<< /Type /Catalog /Pages 2 0 R >>');
      put(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
      put(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots 6 0 R >>');
      const refs: string[] = [];
      for (let n = 10; n < 3010; n++) {
        offsets.set(n, text.length);
        text += `${n} 0 obj (`;
        refs.push(`${n} 0 R`);
      }
      text += `${'y'.repeat(1_000_000)}\n`;
      put(6, `[${refs.join(' ')}]`);
      const xref = text.length;
      text += 'xref\n0 1\n0000000000 65535 f\r\n';
      for (const [n, o] of [...offsets].sort((a, b) => a[0] - b[0]))
        text += `${n} 1\n${String(o).padStart(10, '0')} 00000 n\r\n`;
      text += `trailer\n<< /Size 3010 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
      const hostile = Buffer.from(text, 'latin1');
      expect(await refusal(hostile)).to.equal('PDF_TOO_COMPLEX');
      const report = verifyPdf(await sign(hostile), opts());
      expect(report.problems.map((p) => p.rule)).to.include('CHANGES_UNREADABLE');
      expect(report.valid).to.equal(false);
    });
  });
});
