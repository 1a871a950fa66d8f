import { expect } from 'chai';
import { createHash, privateEncrypt, constants } from 'node:crypto';
import forge from 'node-forge';
import {
  SigningError,
  extractSignatures,
  finishSignature,
  prepareSignature,
  signPdf,
  signPdfIncrement,
  verifyPdf,
} from '../../../src/signing/index.js';
import {
  FIXED_NOW,
  hasTool,
  makePdf,
  qpdfTransform,
  runOnPdf,
  signerOf,
  testPki,
} from './helpers/index.js';

const pki = testPki();
const anchors = () => ({ trustAnchors: [pki.root.cert], now: FIXED_NOW });

async function expectSigningError(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(SigningError);
    expect((e as SigningError).code).to.equal(code);
    return;
  }
  expect.fail(`expected SigningError ${code}`);
}

describe('signing: signPdf', () => {
  let pdf: Buffer;
  before(async () => {
    pdf = await makePdf();
  });

  it('writes a byte-exact ByteRange that excludes exactly the hex /Contents with its angle brackets', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const [sig] = extractSignatures(out);
    const [a, b, c, d] = sig!.byteRange;
    expect(a).to.equal(0);
    expect(c + d).to.equal(out.length);
    expect(String.fromCharCode(out[b]!)).to.equal('<');
    expect(String.fromCharCode(out[c - 1]!)).to.equal('>');
    const hex = out.toString('latin1', b + 1, c - 1);
    expect(hex).to.match(/^[0-9a-f]+$/);
    expect(hex.length % 2).to.equal(0);
    expect(
      Buffer.from(hex, 'hex').subarray(0, sig!.contents.length).equals(sig!.contents),
    ).to.equal(true);
    const written = /\/ByteRange\s*\[\s*(\d+) (\d+) (\d+) (\d+)\s*\]/.exec(
      out.toString('latin1', pdf.length),
    );
    expect(written!.slice(1).map(Number)).to.deep.equal([a, b, c, d]);
    // placeholder sized from a dry run: only a little room beyond the real CMS
    expect(hex.length / 2 - sig!.contents.length).to.be.within(0, 64);
  });

  it('appends an incremental update: the input is a prefix of the output and is not modified', async () => {
    const copy = Buffer.from(pdf);
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    expect(pdf.equals(copy)).to.equal(true);
    expect(out.subarray(0, pdf.length).equals(pdf)).to.equal(true);
    expect(out.toString('latin1', out.length - 6)).to.equal('%%EOF\n');
  });

  it('produces a valid B-B signature with the PAdES dictionary entries', async () => {
    const out = await signPdf(pdf, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
      reason: 'Phê duyệt',
    });
    const tail = out.toString('latin1', pdf.length);
    expect(tail).to.include('/Type /Sig');
    expect(tail).to.include('/Filter /Adobe.PPKLite');
    expect(tail).to.include('/SubFilter /ETSI.CAdES.detached');
    expect(tail).to.include("/M (D:20261121093000+07'00')");
    expect(tail).to.include('/F 132');
    expect(tail).to.include('/SigFlags 3');
    const report = verifyPdf(out, anchors());
    expect(report.valid, JSON.stringify(report.signatures[0]?.problems)).to.equal(true);
    const s = report.signatures[0]!;
    expect(s.signer!.commonName).to.equal('Nguyễn Thị Hằng');
    expect(s.coversWholeFile).to.equal(true);
    expect(s.claimedTime.m).to.equal(FIXED_NOW.toISOString());
    expect(s.claimedTime.signingTime).to.equal(undefined);
  });

  it('builds the CMS with DER-sorted signed attributes and no signing-time in CAdES mode', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const cms = extractSignatures(out)[0]!.contents;
    const ci = forge.asn1.fromDer(forge.util.createBuffer(cms.toString('binary')));
    const ciValue = ci.value as forge.asn1.Asn1[];
    expect(forge.asn1.derToOid(ciValue[0]!.value as string)).to.equal('1.2.840.113549.1.7.2');
    const sd = (ciValue[1]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
    expect((sd[0]!.value as string).charCodeAt(0)).to.equal(1);
    const encap = sd[2]!.value as forge.asn1.Asn1[];
    expect(encap).to.have.length(1);
    const signerInfo = (sd[sd.length - 1]!.value as forge.asn1.Asn1[])[0]!
      .value as forge.asn1.Asn1[];
    const signedAttrs = signerInfo[3]!;
    expect(signedAttrs.tagClass).to.equal(forge.asn1.Class.CONTEXT_SPECIFIC);
    const attrs = signedAttrs.value as forge.asn1.Asn1[];
    const oids = attrs.map((a) =>
      forge.asn1.derToOid((a.value as forge.asn1.Asn1[])[0]!.value as string),
    );
    expect(oids).to.have.members([
      '1.2.840.113549.1.9.3',
      '1.2.840.113549.1.9.4',
      '1.2.840.113549.1.9.16.2.47',
      '1.2.840.113549.1.9.52',
    ]);
    expect(oids).not.to.include('1.2.840.113549.1.9.5');
    const encoded = attrs.map((a) => Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary'));
    const sorted = [...encoded].sort(Buffer.compare);
    expect(encoded.map((b) => b.toString('hex'))).to.deep.equal(
      sorted.map((b) => b.toString('hex')),
    );
    const essAttr = attrs[oids.indexOf('1.2.840.113549.1.9.16.2.47')]!;
    const essCertId = (
      (
        ((essAttr.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!
          .value as forge.asn1.Asn1[]
      )[0]!.value as forge.asn1.Asn1[]
    )[0]!.value as forge.asn1.Asn1[];
    expect(essCertId[0]!.type).to.equal(forge.asn1.Type.OCTETSTRING);
    const certHash = Buffer.from(essCertId[0]!.value as string, 'binary');
    expect(certHash.equals(createHash('sha256').update(pki.rsaSigner.cert).digest())).to.equal(
      true,
    );
  });

  it('signs with ECDSA P-256', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.ecSigner), signingTime: FIXED_NOW });
    const report = verifyPdf(out, anchors());
    expect(report.valid, JSON.stringify(report.signatures[0]?.problems)).to.equal(true);
    expect(report.signatures[0]!.signer!.commonName).to.equal('Trần Văn Bình');
  });

  it('supports adbe.pkcs7.detached with a signing-time attribute', async () => {
    const out = await signPdf(pdf, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
      subFilter: 'adbe.pkcs7.detached',
    });
    expect(out.toString('latin1', pdf.length)).to.include('/SubFilter /adbe.pkcs7.detached');
    const report = verifyPdf(out, anchors());
    expect(report.valid).to.equal(true);
    expect(report.signatures[0]!.subFilter).to.equal('adbe.pkcs7.detached');
    expect(report.signatures[0]!.claimedTime.signingTime).to.equal(FIXED_NOW.toISOString());
  });

  it('two-phase signing: a token that signs only the hash gives a valid signature', async () => {
    const prepared = await prepareSignature(pdf, {
      certificate: pki.rsaSigner.cert,
      chain: [pki.root.cert],
      signatureAlgorithm: 'rsa-sha256',
      signingTime: FIXED_NOW,
    });
    expect(
      prepared.digest.equals(createHash('sha256').update(prepared.toBeSigned).digest()),
    ).to.equal(true);
    // what a PKCS#11 token does with CKM_RSA_PKCS: pad DigestInfo(SHA-256, hash) and sign
    const digestInfo = Buffer.concat([
      Buffer.from('3031300d060960864801650304020105000420', 'hex'),
      prepared.digest,
    ]);
    const signature = privateEncrypt(
      { key: pki.rsaSigner.key, padding: constants.RSA_PKCS1_PADDING },
      digestInfo,
    );
    const out = await finishSignature(prepared, signature);
    expect(out.subarray(0, pdf.length).equals(pdf)).to.equal(true);
    expect(verifyPdf(out, anchors()).valid).to.equal(true);
  });

  it('refuses a wrong signature value at verification (two-phase with a bad token)', async () => {
    const prepared = await prepareSignature(pdf, {
      certificate: pki.rsaSigner.cert,
      signatureAlgorithm: 'rsa-sha256',
      signingTime: FIXED_NOW,
    });
    const out = await finishSignature(prepared, Buffer.alloc(256, 7));
    const s = verifyPdf(out, anchors()).signatures[0]!;
    expect(s.digestValid).to.equal(true);
    expect(s.cmsSignatureValid).to.equal(false);
    expect(s.valid).to.equal(false);
  });

  it('signPdfIncrement returns the untouched input and the signed increment (no copy of the file)', async () => {
    const whole = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const parts = await signPdfIncrement(pdf, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
    });
    expect(parts.original).to.equal(pdf);
    expect(Buffer.concat([parts.original, parts.increment]).equals(whole)).to.equal(true);
  });

  it('rejects a key that does not belong to the certificate', async () => {
    await expectSigningError(
      signPdf(pdf, { signer: { privateKey: pki.ecSigner.key, certificate: pki.rsaSigner.cert } }),
      'KEY_MISMATCH',
    );
  });

  it('works on files saved with object streams and xref streams', async () => {
    const os = await makePdf({ useObjectStreams: true });
    expect(os.toString('latin1')).to.include('/ObjStm');
    const out = await signPdf(os, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const tail = out.toString('latin1', os.length);
    expect(tail).to.include('/Type /XRef');
    expect(tail).not.to.include('\ntrailer');
    expect(verifyPdf(out, anchors()).valid).to.equal(true);
  });

  it('works on files with an AcroForm and annotations, keeping them', async () => {
    const src = await makePdf({ withForm: true, withAnnotation: true });
    const out = await signPdf(src, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const report = verifyPdf(out, anchors());
    expect(report.valid).to.equal(true);
    const tail = out.toString('latin1', src.length);
    // the existing text field and text annotation stay referenced
    const fields = /\/Fields\s*\[([^\]]*)\]/
      .exec(tail)![1]!
      .trim()
      .split(/\s+R\s*/)
      .filter(Boolean);
    expect(fields).to.have.length(2);
    const annots = /\/Annots\s*\[([^\]]*)\]/
      .exec(tail)![1]!
      .trim()
      .split(/\s+R\s*/)
      .filter(Boolean);
    expect(annots).to.have.length(3);
  });

  it('refuses a truncated file with PDF_TRUNCATED', async () => {
    await expectSigningError(
      signPdf(pdf.subarray(0, pdf.length - 40), { signer: signerOf(pki.rsaSigner) }),
      'PDF_TRUNCATED',
    );
    await expectSigningError(
      signPdf(pdf.subarray(0, pdf.length >> 1), { signer: signerOf(pki.rsaSigner) }),
      'PDF_TRUNCATED',
    );
  });

  it('refuses an encrypted file with PDF_ENCRYPTED', async () => {
    const text = pdf.toString('latin1');
    const at = text.lastIndexOf('trailer');
    const enc = Buffer.from(
      text.slice(0, at) + text.slice(at).replace('<<', '<<\n/Encrypt 999 0 R'),
      'latin1',
    );
    await expectSigningError(signPdf(enc, { signer: signerOf(pki.rsaSigner) }), 'PDF_ENCRYPTED');
  });

  it('refuses a real qpdf-encrypted file with PDF_ENCRYPTED', async function () {
    if (!hasTool('qpdf')) this.skip();
    const enc = qpdfTransform(pdf, ['--encrypt', 'u', 'o', '256', '--']);
    await expectSigningError(signPdf(enc, { signer: signerOf(pki.rsaSigner) }), 'PDF_ENCRYPTED');
  });

  it('refuses broken files with PDF_MALFORMED', async () => {
    await expectSigningError(
      signPdf(Buffer.from('hello world, not a pdf at all, really not'), {
        signer: signerOf(pki.rsaSigner),
      }),
      'PDF_MALFORMED',
    );
    const text = pdf.toString('latin1');
    const sx = text.lastIndexOf('startxref');
    const broken = Buffer.from(text.slice(0, sx) + 'startxref\n123\n%%EOF\n', 'latin1');
    await expectSigningError(signPdf(broken, { signer: signerOf(pki.rsaSigner) }), 'PDF_MALFORMED');
  });

  it('reads a file whose xref offsets are a few bytes off, but does not sign it (readers do not all show it alike)', async () => {
    const text = pdf.toString('latin1');
    const xref = text.lastIndexOf('\nxref\n');
    const entries = text.slice(xref).split('\n');
    const firstInUse = entries.findIndex((l) => / 00000 n/.test(l));
    const line = entries[firstInUse]!;
    const shifted = String(parseInt(line.slice(0, 10), 10) - 5).padStart(10, '0') + line.slice(10);
    const broken = Buffer.from(
      text.slice(0, xref) + text.slice(xref).replace(line, shifted),
      'latin1',
    );
    expect(broken.length).to.equal(pdf.length);
    await expectSigningError(
      signPdf(broken, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW }),
      'PDF_AMBIGUOUS',
    );
    // Signed as another tool would, it is read (the object found where a rebuild finds it),
    // and not valid.
    const out = await signPdf(broken, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
      allowAmbiguous: true,
    });
    const report = verifyPdf(out, anchors());
    expect(report.signatures[0]!.valid).to.equal(true);
    expect(report.problems.map((p) => p.rule)).to.deep.equal(['REFERENCE_AMBIGUOUS']);
  });

  it('fails with PLACEHOLDER_TOO_SMALL, not a corrupt file, when the timestamp token outgrows its reserve', async () => {
    const big = { maxTokenSize: 10, timestamp: async () => Buffer.alloc(4000, 1) };
    await expectSigningError(
      signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW, timestamp: big }),
      'PLACEHOLDER_TOO_SMALL',
    );
  });

  it('refuses a page that does not exist', async () => {
    await expectSigningError(
      signPdf(pdf, {
        signer: signerOf(pki.rsaSigner),
        appearance: {
          kind: 'leader',
          page: 9,
          rect: [300, 100, 200, 120],
          title: 'CHỦ TỊCH',
          name: 'A',
        },
      }),
      'PAGE_NOT_FOUND',
    );
  });

  describe('qpdf variants', () => {
    before(function () {
      if (!hasTool('qpdf')) this.skip();
    });

    for (const [label, args] of [
      ['linearized', ['--linearize']],
      ['object streams (qpdf)', ['--object-streams=generate']],
      ['linearized with object streams', ['--linearize', '--object-streams=generate']],
    ] as const) {
      it(`signs a ${label} file twice and qpdf --check stays clean`, async () => {
        const src = qpdfTransform(await makePdf({ withForm: true, withAnnotation: true }), [
          ...args,
        ]);
        const once = await signPdf(src, {
          signer: signerOf(pki.rsaSigner),
          signingTime: FIXED_NOW,
        });
        const twice = await signPdf(once, {
          signer: signerOf(pki.ecSigner),
          signingTime: FIXED_NOW,
        });
        expect(twice.subarray(0, once.length).equals(once)).to.equal(true);
        const report = verifyPdf(twice, anchors());
        expect(report.valid, JSON.stringify(report.signatures.map((s) => s.problems))).to.equal(
          true,
        );
        expect(report.signatures).to.have.length(2);
        const check = runOnPdf('qpdf', (f) => ['--check', f], twice);
        expect(check).to.include('No syntax or stream encoding errors');
      });
    }
  });

  it('is accepted by pdfsig (poppler) when present', async function () {
    if (!hasTool('pdfsig')) this.skip();
    const once = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const twice = await signPdf(once, { signer: signerOf(pki.ecSigner), signingTime: FIXED_NOW });
    const out = runOnPdf('pdfsig', (f) => [f], twice);
    expect(out.match(/Signature is Valid/g)).to.have.length(2);
    expect(out).to.include('Total document signed');
  });

  it('keeps private key material out of the output', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const der = pki.rsaSigner.key.export({ type: 'pkcs8', format: 'der' });
    expect(out.indexOf(der.subarray(40, 72))).to.equal(-1);
  });
});
