import { expect } from 'chai';
import {
  SigningError,
  formatReport,
  sealRectOverLeader,
  signPdf,
  verifyPdf,
} from '../../../src/signing/index.js';
import {
  PdfRef,
  PdfStream,
  dict,
  formatNumber,
  name,
  textString,
} from '../../../src/signing/pdf/objects.js';
import { listFields } from '../../../src/signing/pdf/document.js';
import { PdfReader } from '../../../src/signing/pdf/reader.js';
import { ATTACKS, formXObject, signedBase, update, type Attack } from './helpers/attacks.js';
import { forgeSignature } from './helpers/forge.js';
import { FIXED_NOW, makePdf, sealImage, signerOf, testPki } from './helpers/index.js';

const pki = testPki();
const opts = () => ({ trustAnchors: [pki.root.cert], now: FIXED_NOW });
const rulesOf = (r: ReturnType<typeof verifyPdf>) => [
  ...r.problems.map((p) => p.rule),
  ...r.signatures.flatMap((s) => s.problems.map((p) => p.rule)),
];

/** The report, or undefined when the verifier refuses the file with the attack's code. */
function verdict(attack: Attack, pdf: Buffer): ReturnType<typeof verifyPdf> | undefined {
  try {
    const report = verifyPdf(pdf, opts());
    expect(attack.refusedAs, formatReport(report)).to.equal(undefined);
    return report;
  } catch (e) {
    if (!attack.refusedAs || !(e instanceof SigningError)) throw e;
    expect(e.code).to.equal(attack.refusedAs);
    return undefined;
  }
}

describe('signing: a forger cannot get a "valid" verdict', () => {
  for (const attack of ATTACKS) {
    it(`${attack.name}: ${attack.how}`, async () => {
      const pdf = await attack.build();
      const report = verdict(attack, pdf);
      if (!report) return;
      const text = formatReport(report);
      expect(report.valid, text).to.equal(false);
      expect(rulesOf(report), text).to.include.oneOf(attack.rules);
      // The report says the rule in both languages.
      const f = [...report.problems, ...report.signatures.flatMap((s) => s.problems)].find((p) =>
        attack.rules.includes(p.rule),
      )!;
      expect(f.vi).to.match(/[ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]/i);
      expect(f.en).to.match(/^[\x20-\x7e]+$/);
    });
  }

  // The same attacks on a base saved with object streams and xref streams: the forger's
  // revision then redefines objects that lived compressed, and the library writes xref streams.
  for (const attack of ATTACKS) {
    it(`${attack.name} (object streams): still not valid`, async () => {
      const report = verdict(attack, await attack.build({ useObjectStreams: true }));
      if (!report) return;
      expect(report.valid, formatReport(report)).to.equal(false);
      expect(rulesOf(report), formatReport(report)).to.include.oneOf(attack.rules);
    });
  }

  it('the forged signatures themselves are cryptographically sound (the verdict rests on structure)', async () => {
    for (const name of [
      'gap-wider-than-contents',
      'short-of-revision-end',
      'certification-not-first',
    ]) {
      const s = verifyPdf(
        await ATTACKS.find((a) => a.name === name)!.build(),
        opts(),
      ).signatures.at(-1)!;
      expect(s.cmsSignatureValid, name).to.equal(true);
      expect(s.digestValid, name).to.equal(true);
      expect(s.valid, name).to.equal(false);
    }
  });

  it('an unsigned trailing change leaves each signature its own result but the document invalid', async () => {
    const pdf = await ATTACKS.find((a) => a.name === 'overlay-annotation')!.build();
    const report = verifyPdf(pdf, opts());
    expect(report.signatures[0]!.valid).to.equal(true);
    expect(report.modifiedAfterSigning).to.equal(true);
    const bad = report.signatures[0]!.modificationsAfter.filter((m) => !m.permitted);
    expect(bad.map((m) => m.level)).to.include('annotation');
    expect(bad.every((m) => m.attributedTo === undefined)).to.equal(true);
  });
});

describe('signing: what later revisions may do', () => {
  it('a seal revision (widget, number and date annotations) covered by a valid seal signature keeps the leader valid', async () => {
    const leaderSigned = await signedBase();
    const sealed = await signPdf(leaderSigned, {
      signer: signerOf(pki.seal),
      signingTime: new Date(FIXED_NOW.getTime() + 3600e3),
      appearance: {
        kind: 'seal',
        page: 1,
        rect: sealRectOverLeader(
          {
            rect: [330, 400, 230, 150],
            title: 'PHÓ CHỦ TỊCH',
            name: 'Nguyễn Thị Hằng',
            authorityPrefix: 'KT. CHỦ TỊCH',
          },
          100,
          100,
        ),
        image: sealImage(),
        number: { text: 'Số: 15/QĐ-UBND', page: 1, rect: [72, 700, 200, 18] },
        date: { text: 'Hà Nội, ngày 21 tháng 11 năm 2026', page: 1, rect: [280, 700, 300, 18] },
      },
    });
    const report = verifyPdf(sealed, opts());
    expect(report.valid, formatReport(report)).to.equal(true);
    const mods = report.signatures[0]!.modificationsAfter;
    expect(mods.some((m) => m.level === 'annotation')).to.equal(true);
    expect(mods.every((m) => m.permitted && m.attributedTo === 'Signature2')).to.equal(true);
  });

  it('the same annotations with an untrusted seal certificate make the document invalid', async () => {
    const sealed = await signPdf(await signedBase(), {
      signer: signerOf(pki.seal),
      appearance: {
        kind: 'seal',
        page: 1,
        rect: [100, 100, 80, 80],
        number: { text: 'Số: 1', page: 1, rect: [72, 700, 200, 18] },
      },
    });
    const report = verifyPdf(sealed, { trustAnchors: [pki.root.cert], now: FIXED_NOW, crls: [] });
    expect(report.valid).to.equal(true);
    const untrusted = verifyPdf(sealed, { trustAnchors: [pki.otherRoot.cert], now: FIXED_NOW });
    expect(untrusted.valid).to.equal(false);
    // Not valid because the signers are not trusted here, not "modified": the seal's intact
    // signature still answers for its own revision.
    expect(untrusted.modifiedAfterSigning).to.equal(false);
    expect(untrusted.problems).to.deep.equal([]);
    expect(untrusted.signatures.flatMap((s) => s.problems.map((p) => p.rule))).to.satisfy(
      (rules: string[]) => rules.every((r) => r === 'CHAIN_UNTRUSTED'),
    );
    const mods = untrusted.signatures[0]!.modificationsAfter;
    expect(mods.every((m) => m.permitted && m.attributedTo === 'Signature2')).to.equal(true);
  });

  it('an overlay under a signature whose own bytes are broken is a change nobody answers for', async () => {
    const sealed = await signPdf(await signedBase(), {
      signer: signerOf(pki.seal),
      appearance: {
        kind: 'seal',
        page: 1,
        rect: [100, 100, 80, 80],
        number: { text: 'Số: 1', page: 1, rect: [72, 700, 200, 18] },
      },
    });
    const broken = Buffer.from(sealed);
    broken[broken.length - 40] ^= 1;
    const report = verifyPdf(broken, opts());
    expect(report.signatures[1]!.digestValid).to.equal(false);
    expect(report.modifiedAfterSigning).to.equal(true);
  });

  it('a countersignature and validation data (DSS) added later are permitted', async () => {
    const twice = await signPdf(await signedBase(), {
      signer: signerOf(pki.ecSigner),
      signingTime: FIXED_NOW,
    });
    const withDss = update(twice, (r, w) => {
      const dss = w.allocate();
      w.set(dss, dict({ Type: name('DSS'), Certs: [] }));
      w.set(r.rootRef, r.catalog().clone().set('DSS', dss));
    });
    const report = verifyPdf(withDss, opts());
    expect(report.valid, formatReport(report)).to.equal(true);
    expect(report.signatures[1]!.modificationsAfter.map((m) => m.level)).to.include('ltv');
  });

  it('a signing tool that rewrites the XMP metadata (a new date) does not break earlier signatures', async () => {
    const xmp = (date: string) =>
      new PdfStream(
        dict({ Type: name('Metadata'), Subtype: name('XML') }),
        Buffer.from(
          `<x:xmpmeta xmlns:x="adobe:ns:meta/"><xmp:ModifyDate>${date}</xmp:ModifyDate></x:xmpmeta>`,
        ),
      );
    const withXmp = update(await makePdf(), (r, w) => {
      const m = w.allocate();
      w.set(m, xmp('2026-11-20'));
      w.set(r.rootRef, r.catalog().clone().set('Metadata', m));
    });
    const signed = await signPdf(withXmp, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
    });
    const touched = update(signed, (r, w) => {
      w.set(r.catalog().get('Metadata') as PdfRef, xmp('2026-11-21'));
    });
    const report = verifyPdf(touched, opts());
    expect(report.valid, formatReport(report)).to.equal(true);
    expect(report.signatures[0]!.modificationsAfter.map((m) => m.kind)).to.deep.equal(['metadata']);
  });

  it('an invisible empty signature field added later is permitted, a visible one is not', async () => {
    const addField = (rect: number[]) =>
      update(pdfForFields, (r, w) => {
        const f = w.allocate();
        w.set(
          f,
          dict({
            Type: name('Annot'),
            Subtype: name('Widget'),
            FT: name('Sig'),
            T: textString('Next'),
            Rect: rect,
            F: 4,
          }),
        );
        const page = r.getPage(1);
        const annots = r.resolve(page.dict.get('Annots'));
        w.set(
          page.ref,
          page.dict.clone().set('Annots', [...(Array.isArray(annots) ? annots : []), f]),
        );
      });
    const pdfForFields = await signedBase();
    expect(verifyPdf(addField([0, 0, 0, 0]), opts()).valid).to.equal(true);
    expect(verifyPdf(addField([100, 100, 300, 200]), opts()).valid).to.equal(false);
  });
});

describe('signing: appearances shared by a drafter', () => {
  it("a signed widget's appearance shared with a note is not rewritable as the note's, even under a later signature", async () => {
    let apNum = 0;
    const drafted = update(await makePdf(), (r, w) => {
      const ap = w.allocate();
      apNum = ap.num;
      w.set(ap, formXObject('BT /F1 12 Tf 2 10 Td (Nguyen Thi Hang) Tj ET', 100, 40));
      const note = w.allocate();
      w.set(
        note,
        dict({
          Type: name('Annot'),
          Subtype: name('Text'),
          Rect: [0, 0, 0, 0],
          F: 2,
          AP: dict({ N: ap }),
        }),
      );
      // On page 2, so that it is met after the signature's widget on page 1.
      const page = r.getPage(2);
      w.set(page.ref, page.dict.clone().set('Annots', [note]));
    });
    const signed = forgeSignature(drafted, {
      widgetEntries: { Rect: '[330 400 430 440]', AP: `<< /N ${apNum} 0 R >>` },
    });
    expect(verifyPdf(signed, opts()).valid).to.equal(true);
    const rewritten = update(signed, (r, w) => {
      const old = r.getObject(apNum) as PdfStream;
      w.set(apNum, new PdfStream(old.dict, Buffer.from('BT /F1 12 Tf 2 10 Td (Ke Gia Mao) Tj ET')));
    });
    const countersigned = await signPdf(rewritten, {
      signer: signerOf(pki.ecSigner),
      signingTime: FIXED_NOW,
    });
    const report = verifyPdf(countersigned, opts());
    expect(report.valid, formatReport(report)).to.equal(false);
    const change = report.signatures[0]!.modificationsAfter.find((m) => m.objectNumber === apNum)!;
    expect(change.level).to.equal('forbidden');
  });
});

describe('signing: certification (DocMDP)', () => {
  it('writes /Perms /DocMDP and the transform parameters, and reports the level', async () => {
    const certified = await signPdf(await makePdf(), {
      signer: signerOf(pki.rsaSigner),
      certify: 2,
    });
    const text = certified.toString('latin1');
    expect(text).to.match(/\/Perms <<\/DocMDP \d+ 0 R>>/);
    expect(text).to.include('/TransformMethod /DocMDP');
    expect(text).to.match(/\/P 2\/V \/1\.2/);
    const report = verifyPdf(certified, opts());
    expect(report.valid).to.equal(true);
    expect(report.certification).to.equal(2);
  });

  it('refuses to sign a P=1 certified file with DOC_CERTIFIED, and to certify a signed one', async () => {
    const p1 = await signPdf(await makePdf(), { signer: signerOf(pki.rsaSigner), certify: 1 });
    const err = await signPdf(p1, { signer: signerOf(pki.ecSigner) }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SigningError);
    expect((err as SigningError).code).to.equal('DOC_CERTIFIED');
    expect((err as SigningError).vi).to.match(/chứng nhận/);
    const signed = await signedBase();
    const err2 = await signPdf(signed, { signer: signerOf(pki.ecSigner), certify: 3 }).catch(
      (e: unknown) => e,
    );
    expect((err2 as SigningError).code).to.equal('DOC_SIGNED');
  });

  it('P=2 permits form filling in an unsigned revision; without a certification it is a change', async () => {
    const fill = (pdf: Buffer) =>
      update(pdf, (r, w) => {
        const field = listFields(r).find((f) => f.fullName === 'ghi_chu')!;
        w.set(field.ref!, field.dict.clone().set('V', textString('Đã điền')));
      });
    const base = await makePdf({ withForm: true });
    const p2 = await signPdf(base, { signer: signerOf(pki.rsaSigner), certify: 2 });
    const certified = verifyPdf(fill(p2), opts());
    expect(certified.valid, formatReport(certified)).to.equal(true);
    expect(certified.signatures[0]!.modificationsAfter.map((m) => m.level)).to.deep.equal([
      'form-fill',
    ]);
    const plain = await signPdf(base, { signer: signerOf(pki.rsaSigner) });
    expect(verifyPdf(fill(plain), opts()).modifiedAfterSigning).to.equal(true);
  });

  it('P=2 permits a later signature; P=3 permits annotations; P=2 does not', async () => {
    const base = await makePdf({ withAnnotation: true });
    const p2 = await signPdf(base, { signer: signerOf(pki.rsaSigner), certify: 2 });
    expect(verifyPdf(await signPdf(p2, { signer: signerOf(pki.ecSigner) }), opts()).valid).to.equal(
      true,
    );
    const annotate = (pdf: Buffer) =>
      update(pdf, (r, w) => {
        const annots = r.resolve(r.getPage(1).dict.get('Annots')) as PdfRef[];
        const a = annots.find((x) => r.resolveDict(x)?.name('Subtype') === 'Text')!;
        w.set(a, r.resolveDict(a)!.clone().set('Contents', textString('Đã xem')));
      });
    const p3 = await signPdf(base, { signer: signerOf(pki.rsaSigner), certify: 3 });
    expect(verifyPdf(annotate(p3), opts()).valid).to.equal(true);
    const bad = verifyPdf(annotate(p2), opts());
    expect(bad.valid).to.equal(false);
    expect(bad.problems.map((p) => p.rule)).to.deep.equal(['DOCMDP_VIOLATED']);
  });
});

describe('signing: one broken signature never hides the others', () => {
  it('a corrupt CMS in the middle signature is reported and the others are still checked', async () => {
    const one = await signedBase();
    const two = await signPdf(one, { signer: signerOf(pki.ecSigner), signingTime: FIXED_NOW });
    const three = await signPdf(two, { signer: signerOf(pki.seal), signingTime: FIXED_NOW });
    const broken = Buffer.from(three);
    const fields = listFields(new PdfReader(three));
    expect(fields.filter((f) => f.type === 'Sig')).to.have.length(3);
    const second = verifyPdf(three, opts()).signatures[1]!.byteRange;
    broken.write('ff', second[1]! + 1, 'latin1');
    const report = verifyPdf(broken, opts());
    // The third covers the second's /Contents, so it breaks too; the first is untouched.
    expect(
      report.signatures.map((s) => s.valid),
      formatReport(report),
    ).to.deep.equal([true, false, false]);
    expect(report.signatures[1]!.problems.map((p) => p.rule)).to.include('CMS_UNREADABLE');
    expect(report.signatures[2]!.problems.map((p) => p.rule)).to.include('DIGEST_MISMATCH');
    expect(report.valid).to.equal(false);
  });

  it('a signature field whose value is not a signature dictionary gets its own invalid entry', async () => {
    const signed = await signedBase();
    const withBad = update(signed, (r, w) => {
      const f = w.allocate();
      w.set(
        f,
        dict({
          FT: name('Sig'),
          T: textString('Broken'),
          V: dict({ Type: name('Sig') }),
          Rect: [0, 0, 0, 0],
          Subtype: name('Widget'),
        }),
      );
      const af = r.catalog().get('AcroForm') as PdfRef;
      const form = r.resolveDict(af)!;
      w.set(af, form.clone().set('Fields', [...(r.resolve(form.get('Fields')) as PdfRef[]), f]));
    });
    const report = verifyPdf(withBad, opts());
    expect(report.signatures).to.have.length(2);
    const broken = report.signatures.find((s) => s.fieldName === 'Broken')!;
    expect(broken.valid).to.equal(false);
    expect(broken.problems[0]!.rule).to.equal('SIGNATURE_UNREADABLE');
    expect(report.signatures.find((s) => s.fieldName !== 'Broken')!.valid).to.equal(true);
  });

  it('a forged ByteRange on one of two signatures does not change the other verdict', async () => {
    const forged = forgeSignature(await signedBase(), {
      byteRange: (h) => `[0 ${h.start - 1} ${h.end + 1} ${h.total - h.end - 1}]`,
    });
    const report = verifyPdf(forged, opts());
    expect(report.signatures.map((s) => s.valid)).to.deep.equal([true, false]);
  });
});

describe('signing: whatever sign writes verifies', () => {
  it('texts that look like PDF syntax (a /Contents hole, brackets, parentheses) stay text', async () => {
    const hostile = [
      '/Contents <0000>',
      '/ByteRange [0 1 2 3]',
      ')(\\',
      '<<>>',
      'Sở (Tài chính) \\ <x>',
    ];
    let pdf = await makePdf();
    for (const [i, text] of hostile.entries()) {
      pdf = await signPdf(pdf, {
        signer: signerOf(i % 2 ? pki.ecSigner : pki.rsaSigner),
        signingTime: FIXED_NOW,
        reason: text,
        location: text,
        contactInfo: text,
        fieldName: `${text} ${i}`,
      });
    }
    const report = verifyPdf(pdf, opts());
    expect(report.valid, formatReport(report)).to.equal(true);
    expect(report.signatures.map((s) => s.fieldName)).to.deep.equal(
      hostile.map((t, i) => `${t} ${i}`),
    );
  });
});

describe('signing: sign refuses what it could not write readably', () => {
  it('a file whose /Size leaves no object number free is refused with PDF_TOO_COMPLEX', async () => {
    const text = (await makePdf()).toString('latin1');
    const at = text.lastIndexOf('trailer');
    const full = Buffer.from(
      text.slice(0, at) + text.slice(at).replace(/\/Size \d+/, '/Size 8388608'),
      'latin1',
    );
    const err = await signPdf(full, { signer: signerOf(pki.rsaSigner) }).catch((e: unknown) => e);
    expect((err as SigningError).code).to.equal('PDF_TOO_COMPLEX');
  });

  it('an object it must rewrite with a generation no reader accepts is refused with PDF_MALFORMED', async () => {
    const pdf = await makePdf();
    const text = pdf.toString('latin1');
    const root = Number(/\/Root (\d+) 0 R/.exec(text.slice(text.lastIndexOf('trailer')))![1]);
    const xref = text.lastIndexOf('\nxref\n') + 1;
    const entryAt = xref + text.slice(xref).indexOf('\n', 5) + 1 + root * 20;
    const bad = Buffer.from(pdf);
    bad.write('99999', entryAt + 11, 'latin1');
    const refusal = (allowAmbiguous?: true) =>
      signPdf(bad, { signer: signerOf(pki.rsaSigner), allowAmbiguous }).catch((e: unknown) => e);
    // The catalog's entry names another generation than its header and the trailer's reference:
    // readers resolve it differently, so the file is refused before anything is written.
    const err = await refusal();
    expect(err).to.be.instanceOf(SigningError);
    expect((err as SigningError).code).to.equal('PDF_AMBIGUOUS');
    // Signed as another tool would, the writer still refuses to write the generation.
    expect(((await refusal(true)) as SigningError).code).to.equal('PDF_MALFORMED');
  });
});

describe('signing: numbers are written as PDF numbers or not at all', () => {
  it('NaN, Infinity and exponent-sized numbers are refused by the serializer', () => {
    for (const n of [NaN, Infinity, -Infinity, 1e21]) {
      expect(() => formatNumber(n), String(n)).to.throw(SigningError, /PDF number/);
    }
    expect(formatNumber(595.28)).to.equal('595.28');
    expect(formatNumber(-0.0000001)).to.equal('0');
  });
});
