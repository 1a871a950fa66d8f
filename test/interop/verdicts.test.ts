/**
 * What pdfsig (poppler) and mutool (MuPDF) say about the forged files of the attack corpus,
 * beside our verdict. The table below is the record: where a tool disagrees with us, the reason
 * says why; the test fails when a tool's opinion changes, so the record stays true.
 *
 * Only integrity is compared: pdfsig's certificate check needs an NSS database trusting the test
 * root, and mutool has no trust store; both are about the certificate, not the forgery.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SigningError, formatReport, signPdf, verifyPdf } from '../../src/signing/index.js';
import { ATTACKS, type Attack } from '../unit/signing/helpers/attacks.js';
import { FIXED_NOW, testPki } from '../unit/signing/helpers/index.js';
import { classicPdf, popplerSigned } from './corpus.js';
import { createInteropPki, type InteropPki } from './fixture.js';
import { requireTools, run } from './tools.js';

type PdfsigOpinion = 'valid' | 'digest-mismatch' | 'unreadable';
type MutoolOpinion = 'unchanged' | 'edited' | 'invalid' | 'unreadable';

interface Recorded {
  pdfsig: PdfsigOpinion;
  mutool: MutoolOpinion;
  why: string;
}

const TRAILING =
  'pdfsig checks only the bytes each signature covers (it notes "Not total document signed"); ' +
  'mutool says "valid but there have been edits since signing" for any later revision, ' +
  'including a legitimate seal revision, so it cannot tell this forgery from normal use.';

const RECORD: Record<string, Recorded> = {
  'hole-holds-objects': {
    pdfsig: 'unreadable',
    mutool: 'unreadable',
    why: 'Both stop at the garbage after /Contents; neither calls it valid.',
  },
  'gap-wider-than-contents': {
    pdfsig: 'valid',
    mutool: 'unchanged',
    why: 'Both digest whatever ranges are written; neither checks that the gap is exactly /Contents, so the two unsigned bytes can be changed freely.',
  },
  'first-range-not-from-zero': {
    pdfsig: 'valid',
    mutool: 'invalid',
    why: 'pdfsig digests the ranges as given and even says "Total document signed" although the header is unsigned; mutool fails reading the certificate data.',
  },
  'overlapping-ranges': {
    pdfsig: 'digest-mismatch',
    mutool: 'invalid',
    why: 'Same verdict for a different reason: they digest the overlap and the digest fails; we refuse the ranges before digesting.',
  },
  'negative-length': {
    pdfsig: 'unreadable',
    mutool: 'invalid',
    why: 'Same verdict.',
  },
  'three-ranges': {
    pdfsig: 'valid',
    mutool: 'invalid',
    why: 'pdfsig accepts any even number of ranges; PAdES allows exactly two.',
  },
  'short-of-revision-end': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'pdfsig does not require the range to reach the end of its revision (the trailer and startxref are unsigned); mutool notices bytes after the range.',
  },
  'shadow-xref-stream': {
    pdfsig: 'valid',
    mutool: 'unreadable',
    why: 'pdfsig shows the planted page content (pdftotext prints FORGED) and calls the signature valid; mutool reads the hybrid section differently and finds no signature value.',
  },
  'certification-not-first': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'Neither checks DocMDP; a certification after an approval signature is void (ISO 32000-1 12.8.2.2).',
  },
  'certified-p1-then-signed': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'Neither enforces DocMDP P=1 (no changes); both accept the second signature.',
  },
  'certified-p2-then-annotated': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'Neither enforces DocMDP P=2 (annotations not allowed).',
  },
  'stamp-with-author-redrawn-after-p2': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'Neither enforces DocMDP P=2; a stamp is not a form field whatever its /T says.',
  },
  'sneaky-signature-field-after-p2': {
    pdfsig: 'valid',
    mutool: 'unreadable',
    why: 'pdfsig does not enforce DocMDP P=2, and mutool stops at the signature field that has no value; an empty signature widget that paints over the page is an overlay, not a signature (Mainka et al., IEEE S&P 2021).',
  },
  'signature-field-reusing-old-signature': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'Neither enforces DocMDP P=2; the new widget shows a look that no new signature covers.',
  },
  'signature-widget-outside-the-form-after-p2': {
    pdfsig: 'unreadable',
    mutool: 'edited',
    why: 'pdfsig stops at the planted signature dictionary and mutool does not enforce DocMDP P=2; the widget looks like a signature, but its value is in no form field, so nothing verifies it.',
  },
  'object-stream-repeats-a-number': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'pdfsig checks only the signed bytes while pdftotext (poppler) prints PAY 1,000,000 VND from the copy the later revision points at; pdf.js prints it even before that revision (it takes the last copy of a number), mutool the first (PAY 100 VND) and notes edits as for any later revision.',
  },
  'hybrid-table-frees-what-its-stream-keeps': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: "pdfsig checks only the signed bytes; mutool notes edits as for any later revision, then draws page 1 blank, as pdf.js does (the table's free entry wins there), while pdftotext (poppler) still prints the signed text.",
  },
  'xref-row-of-unknown-type': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'pdfsig checks only the signed bytes, while pdftotext and pdf.js take the xref for broken, rebuild the file and print the planted PAY 1,000,000 VND; mutool keeps the xref and notes edits. We refuse the file (PDF_MALFORMED).',
  },
  'unlisted-body-planted-before-signing': {
    pdfsig: 'valid',
    mutool: 'unchanged',
    why: 'Both check only the signed bytes, which hold the planted body; pdftotext (poppler) rebuilds the file from its object headers for the object no xref lists and prints PAY 1,000,000 VND on the signed page, pdf.js and mutool draw nothing for it (see rebuilt-readers.test.ts). We refuse the file (REFERENCE_AMBIGUOUS).',
  },
  'unlisted-body-hidden-after-signing': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'pdfsig checks only the signed bytes and mutool notes edits as for any later revision, while pdftotext prints the body hidden in the later object for the signed page (see rebuilt-readers.test.ts). We refuse the file (REFERENCE_AMBIGUOUS).',
  },
  'skewed-entry-body-hidden-after-signing': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'pdfsig checks only the signed bytes and mutool notes edits as for any later revision; pdf.js drops the content stream whose entry misses it, pdftotext prints the body hidden in the later object (see rebuilt-readers.test.ts). We refuse the file (REFERENCE_AMBIGUOUS).',
  },
  'open-action-planted-as-dss-after-p1': {
    pdfsig: 'valid',
    mutool: 'edited',
    why: 'Neither enforces DocMDP P=1; an object the catalog acts with is not validation data because the DSS lists it.',
  },
};
for (const name of [
  'root-swapped',
  'prev-skips-signed-revision',
  'shadow-xref',
  'objects-appended-without-xref',
  'referenced-then-defined',
  'content-planted-as-dss',
  'xobject-planted-as-metadata',
  'indirect-rotate',
  'overlay-annotation',
  'signature-widget-moved',
  'signature-appearance-replaced',
  'annotation-hidden',
  'annotation-moved',
  'content-stream-rewritten',
  'contents-array-extended',
  'resources-replaced',
  'page-added',
  'visible-empty-signature-field',
  'hidden-flag-not-an-integer',
  'direct-annotation-swapped',
  'annotation-planted-as-info',
  'appearance-planted-as-dss',
  'line-annotation-as-signature-field',
  'optional-content-planted-as-info',
  'object-stream-planted-as-metadata',
  'xfa-planted-as-metadata',
])
  RECORD[name] = { pdfsig: 'valid', mutool: 'edited', why: TRAILING };

function pdfsigOpinion(file: string): PdfsigOpinion {
  const r = run('pdfsig', ['-no-ocsp', file]);
  const out = r.stdout + r.stderr;
  const verdicts = [...out.matchAll(/Signature Validation: (.*)/g)].map((m) => m[1]!.trim());
  if (!verdicts.length || verdicts.some((v) => /not yet been verified/.test(v)))
    return 'unreadable';
  if (verdicts.some((v) => /Digest Mismatch/i.test(v))) return 'digest-mismatch';
  return verdicts.every((v) => v === 'Signature is Valid.') ? 'valid' : 'unreadable';
}

function mutoolOpinion(file: string): MutoolOpinion {
  const r = run('mutool', ['sign', '-v', file]);
  const out = r.stdout + r.stderr;
  if (/not signed/.test(out)) return 'unreadable';
  if (/Digest error|Verification error|invalid/i.test(out.replace(/invalid key/g, '')))
    return 'invalid';
  if (/edits since signing/.test(out)) return 'edited';
  return /unchanged since signing/.test(out) ? 'unchanged' : 'unreadable';
}

/** Whether we call the file valid (a file we refuse to read with the attack's code is not). */
function ourVerdict(attack: Attack, pdf: Buffer): boolean {
  try {
    return verifyPdf(pdf, { trustAnchors: [testPki().root.cert], now: FIXED_NOW }).valid;
  } catch (e) {
    if (e instanceof SigningError && e.code === attack.refusedAs) return false;
    throw e;
  }
}

describe('interop: pdfsig and mutool on the forged files, beside our verdict', function () {
  let dir: string;
  before(function () {
    requireTools(this);
    const missing = ['mutool'].filter((t) => run('sh', ['-c', `command -v ${t}`]).status !== 0);
    if (missing.length && process.env.CI === 'true') throw new Error('mutool is not installed');
    if (missing.length) this.skip();
    dir = mkdtempSync(path.join(os.tmpdir(), 'eoffice-verdicts-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('every attack has a recorded opinion of both tools', () => {
    expect(Object.keys(RECORD).sort()).to.deep.equal(ATTACKS.map((a) => a.name).sort());
  });

  for (const attack of ATTACKS) {
    it(`${attack.name}: ours invalid; pdfsig and mutool as recorded`, async () => {
      const pdf = await attack.build();
      const file = path.join(dir, `${attack.name}.pdf`);
      writeFileSync(file, pdf);
      expect(ourVerdict(attack, pdf)).to.equal(false);
      const recorded = RECORD[attack.name]!;
      expect(
        { pdfsig: pdfsigOpinion(file), mutool: mutoolOpinion(file) },
        recorded.why,
      ).to.deep.equal({
        pdfsig: recorded.pdfsig,
        mutool: recorded.mutool,
      });
    });
  }
});

describe('interop: a later signature by another tool keeps ours valid', function () {
  let pki: InteropPki;
  let dir: string;
  before(function () {
    requireTools(this);
    pki = createInteropPki();
    dir = mkdtempSync(path.join(os.tmpdir(), 'eoffice-countersign-'));
  });
  after(() => {
    pki?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('our leader signature, then poppler (pdfsig -add-signature): both valid, the change attributed', async () => {
    const leader = {
      privateKey: pki.leader.privateKey,
      certificate: pki.leader.certificate,
      chain: pki.leader.chain,
    };
    const ours = await signPdf(await classicPdf(), {
      signer: leader,
      appearance: {
        kind: 'leader',
        page: 1,
        rect: [330, 300, 230, 150],
        title: 'Phó Chủ tịch',
        name: 'Nguyễn Thị Hằng',
      },
    });
    const both = popplerSigned(dir, ours, pki.nssDir, pki.popplerNick);
    const report = verifyPdf(both, { trustAnchors: [pki.caDer] });
    expect(report.valid, formatReport(report)).to.equal(true);
    const after = report.signatures[0]!.modificationsAfter;
    expect(after.length).to.be.greaterThan(0);
    expect(after.every((m) => m.permitted && m.attributedTo === 'PopplerSig')).to.equal(true);
  });
});
