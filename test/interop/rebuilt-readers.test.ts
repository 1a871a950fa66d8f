/**
 * A page that refers to an object the xref does not locate, and a body of that object written
 * somewhere in the bytes: what pdf.js, pdftotext (poppler) and `mutool draw` (MuPDF) print for
 * it, beside our verdict. poppler rebuilds a file with classic tables from its `num gen obj`
 * headers as soon as it meets an object with no entry (or a free one); pdf.js and MuPDF do when
 * an entry on their way to the first page is broken; pdf.js drops an object whose entry misses
 * it. The table is the record: the test fails when a reader's reading changes, and on the code
 * before REFERENCE_AMBIGUOUS (which called each of these files valid).
 */
import { expect } from 'chai';
import { formatReport, signPdf, verifyPdf } from '../../src/signing/index.js';
import { PdfReader } from '../../src/signing/pdf/reader.js';
import { FIXED_NOW, makePdf, signerOf, testPki } from '../unit/signing/helpers/index.js';
import {
  PLANTED_TEXT,
  drawsUnlisted,
  firstContent,
  hideBodyInNewObject,
  plantedContent,
  skewedContent,
  unlistedNumber,
} from '../unit/signing/helpers/unlisted.js';
import { readersText } from './readers.js';
import { requireTools, run } from './tools.js';

/** What a reader shows on the signed page: its text, the planted text, an error, or nothing. */
type Shown = 'signed' | 'planted' | 'error' | 'nothing';

function shown(text: string): Shown {
  if (text.includes('[error')) return 'error';
  if (text.includes(PLANTED_TEXT)) return 'planted';
  return text.includes('QUYET DINH') ? 'signed' : 'nothing';
}

const pki = testPki();
// As another tool would sign them: eOffice's engine refuses such drafts (PDF_AMBIGUOUS).
const sign = (pdf: Buffer, allowAmbiguous = true) =>
  signPdf(pdf, {
    signer: signerOf(pki.rsaSigner),
    signingTime: FIXED_NOW,
    ...(allowAmbiguous ? { allowAmbiguous } : {}),
  });

interface Case {
  name: string;
  build: () => Promise<Buffer>;
  readers: { pdfjs: Shown; pdftotext: Shown; mutool: Shown };
  /** Our verdict: valid only for the control. */
  valid?: boolean;
}

/** The drafter's page draws unlisted object N, whose body is planted in the drafted bytes. */
const plantedBefore =
  (objectStreams: boolean, o: { free?: boolean; skewPages?: boolean } = {}) =>
  async () => {
    const base = await makePdf({ useObjectStreams: objectStreams });
    const n = unlistedNumber(new PdfReader(base));
    return sign(drawsUnlisted(base, n, { plant: true, ...o }));
  };

/** The signed page draws unlisted object N, defined nowhere; a later revision hides a body. */
const hiddenAfter =
  (objectStreams: boolean, o: { skewPages?: boolean } = {}) =>
  async () => {
    const base = await makePdf({ useObjectStreams: objectStreams });
    const r = new PdfReader(base);
    const n = unlistedNumber(r);
    const signed = await sign(drawsUnlisted(base, n, o), o.skewPages === true);
    return hideBodyInNewObject(signed, n, plantedContent(r));
  };

/** The signed page's content stream is listed two bytes off; a later revision hides a body. */
const skewedThenHidden = (objectStreams: boolean) => async () => {
  const base = await makePdf({ useObjectStreams: objectStreams });
  const r = new PdfReader(base);
  const signed = await sign(skewedContent(base));
  return hideBodyInNewObject(signed, firstContent(r).num, plantedContent(r));
};

const CASES: Case[] = [
  {
    name: 'control: the signed page draws an unlisted object that no byte defines',
    build: async () => {
      const base = await makePdf();
      return sign(drawsUnlisted(base, unlistedNumber(new PdfReader(base))), false);
    },
    readers: { pdfjs: 'signed', pdftotext: 'signed', mutool: 'signed' },
    valid: true,
  },
  {
    name: 'a body planted before signing, no entry (classic tables)',
    build: plantedBefore(false),
    readers: { pdfjs: 'signed', pdftotext: 'planted', mutool: 'signed' },
  },
  {
    name: 'a body planted before signing, a free entry (classic tables)',
    build: plantedBefore(false, { free: true }),
    readers: { pdfjs: 'signed', pdftotext: 'planted', mutool: 'signed' },
  },
  {
    name: 'a body planted before signing, the page tree root listed two bytes off (classic tables)',
    build: plantedBefore(false, { skewPages: true }),
    readers: { pdfjs: 'planted', pdftotext: 'planted', mutool: 'planted' },
  },
  {
    name: 'a body planted before signing, the page tree root listed two bytes off (object streams)',
    build: plantedBefore(true, { skewPages: true }),
    // poppler cannot rebuild a file whose xref is in streams: it finds no page at all.
    readers: { pdfjs: 'planted', pdftotext: 'nothing', mutool: 'signed' },
  },
  {
    name: 'a body hidden in a later revision’s new object (classic tables)',
    build: hiddenAfter(false),
    readers: { pdfjs: 'signed', pdftotext: 'planted', mutool: 'signed' },
  },
  {
    name: 'a body hidden in a later revision’s new object, the page tree root listed two bytes off (object streams)',
    build: hiddenAfter(true, { skewPages: true }),
    readers: { pdfjs: 'planted', pdftotext: 'nothing', mutool: 'signed' },
  },
  {
    name: 'a content stream listed two bytes off, another body hidden after signing (classic tables)',
    build: skewedThenHidden(false),
    readers: { pdfjs: 'error', pdftotext: 'planted', mutool: 'signed' },
  },
  {
    name: 'a content stream listed two bytes off, another body hidden after signing (object streams)',
    build: skewedThenHidden(true),
    readers: { pdfjs: 'error', pdftotext: 'signed', mutool: 'signed' },
  },
];

describe('interop: objects the xref does not locate, in pdf.js, pdftotext and mutool', function () {
  this.timeout(180_000);
  before(function () {
    requireTools(this);
    if (run('sh', ['-c', 'command -v mutool']).status !== 0) {
      if (process.env.CI === 'true') throw new Error('mutool is not installed');
      this.skip();
    }
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.valid ? 'valid' : 'not valid'}; the readers as recorded`, async () => {
      const pdf = await c.build();
      const report = verifyPdf(pdf, { trustAnchors: [pki.root.cert], now: FIXED_NOW });
      const text = formatReport(report);
      expect(report.signatures.map((s) => s.valid)).to.deep.equal([true]);
      expect(report.valid, text).to.equal(c.valid ?? false);
      if (!c.valid)
        expect(
          report.problems.map((p) => p.rule),
          text,
        ).to.include('REFERENCE_AMBIGUOUS');
      const t = readersText(pdf);
      expect({
        pdfjs: shown(t.pdfjs),
        pdftotext: shown(t.pdftotext),
        mutool: shown(t.mutool),
      }).to.deep.equal(c.readers);
    });
  }
});
