import { expect } from 'chai';
import {
  extractSignatures,
  formatReport,
  sealRectOverLeader,
  signPdf,
  verifyPdf,
  type Appearance,
} from '../../../src/signing/index.js';
import { PdfDict, PdfRef, PdfStream } from '../../../src/signing/pdf/objects.js';
import { PdfReader } from '../../../src/signing/pdf/reader.js';
import { IncrementalWriter } from '../../../src/signing/pdf/writer.js';
import { certFields } from '../../../src/signing/cms/certificate.js';
import {
  FIXED_NOW,
  FakeTsa,
  createCrl,
  makePdf,
  sealImage,
  signatureImage,
  signerOf,
  testPki,
} from './helpers/index.js';

const pki = testPki();
const opts = () => ({ trustAnchors: [pki.root.cert], now: FIXED_NOW });

const leader: Extract<Appearance, { kind: 'leader' }> = {
  kind: 'leader',
  page: 2,
  rect: [330, 400, 220, 150],
  image: signatureImage(),
  authorityPrefix: 'KT. CHỦ TỊCH',
  title: 'PHÓ CHỦ TỊCH',
  name: 'Nguyễn Thị Hằng',
};

/** Leader, then agency seal (with number and date), then a countersignature. */
async function threeSignatures(src: Buffer): Promise<Buffer[]> {
  const r1 = await signPdf(src, {
    signer: signerOf(pki.rsaSigner),
    signingTime: FIXED_NOW,
    appearance: leader,
  });
  const r2 = await signPdf(r1, {
    signer: signerOf(pki.seal),
    signingTime: new Date(FIXED_NOW.getTime() + 3600e3),
    appearance: {
      kind: 'seal',
      page: 2,
      rect: sealRectOverLeader(leader, 100, 100),
      image: sealImage(),
      number: { text: 'Số: 15/QĐ-UBND', page: 1, rect: [72, 700, 200, 16] },
      date: { text: 'Hà Nội, ngày 21 tháng 11 năm 2026', page: 1, rect: [300, 700, 250, 16] },
    },
  });
  const r3 = await signPdf(r2, {
    signer: signerOf(pki.ecSigner),
    signingTime: new Date(FIXED_NOW.getTime() + 7200e3),
  });
  return [r1, r2, r3];
}

/** Appends a revision that replaces page 1's content (what a forger would do). */
function editPageContent(pdf: Buffer, mode: 'new-stream' | 'same-object'): Buffer {
  const reader = new PdfReader(pdf);
  const writer = new IncrementalWriter(reader, pdf);
  const page = reader.getPage(1);
  const data = Buffer.from('BT /F1 24 Tf 72 500 Td (KHONG HOP LE) Tj ET');
  const contents = page.dict.get('Contents');
  if (mode === 'same-object' && contents instanceof PdfRef) {
    writer.set(contents, new PdfStream(new PdfDict(), data));
  } else {
    const ref = writer.allocate();
    writer.set(ref, new PdfStream(new PdfDict(), data));
    writer.set(page.ref, page.dict.clone().set('Contents', ref));
  }
  const { appended } = writer.build();
  return Buffer.concat([pdf, appended]);
}

describe('signing: verifyPdf', () => {
  let pdf: Buffer;
  before(async () => {
    pdf = await makePdf();
  });

  it('detects one flipped byte inside a signed range', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    expect(verifyPdf(out, opts()).valid).to.equal(true);
    const text = out.toString('latin1');
    const at = text.indexOf('QUYET') >= 0 ? text.indexOf('QUYET') : text.indexOf('stream\n') + 10;
    const tampered = Buffer.from(out);
    tampered[at + 2] ^= 0x01;
    const report = verifyPdf(tampered, opts());
    expect(report.valid).to.equal(false);
    expect(report.signatures[0]!.digestValid).to.equal(false);
    expect(report.signatures[0]!.cmsSignatureValid).to.equal(true);
  });

  it('detects a flipped byte in the second range (after /Contents)', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const [, , c] = extractSignatures(out)[0]!.byteRange;
    const tampered = Buffer.from(out);
    const at = tampered.indexOf('/F 132', c, 'latin1');
    tampered[at + 3] = 0x33; // '/F 132' -> '/F 332'
    expect(verifyPdf(tampered, opts()).signatures[0]!.digestValid).to.equal(false);
  });

  it('three successive signatures (leader, seal, countersignature) are all valid, each revision a prefix of the next', async () => {
    const [r1, r2, r3] = await threeSignatures(pdf);
    expect(r1!.subarray(0, pdf.length).equals(pdf)).to.equal(true);
    expect(r2!.subarray(0, r1!.length).equals(r1!)).to.equal(true);
    expect(r3!.subarray(0, r2!.length).equals(r2!)).to.equal(true);
    const report = verifyPdf(r3!, opts());
    expect(report.valid, formatReport(report)).to.equal(true);
    expect(report.signatures.map((s) => s.signer!.commonName)).to.deep.equal([
      'Nguyễn Thị Hằng',
      'UBND Tỉnh Thử Nghiệm',
      'Trần Văn Bình',
    ]);
    const [s1, s2, s3] = report.signatures;
    expect(s1!.coversWholeFile).to.equal(false);
    expect(s1!.coversWholeFileUpToRevision).to.equal(true);
    expect(s1!.byteRange[2] + s1!.byteRange[3]).to.equal(r1!.length);
    expect(s2!.byteRange[2] + s2!.byteRange[3]).to.equal(r2!.length);
    expect(s3!.coversWholeFile).to.equal(true);
    expect(s1!.modificationsAfter.length).to.be.greaterThan(0);
    expect(s1!.modificationsAfter.every((m) => m.permitted)).to.equal(true);
    expect(s1!.modificationsAfter.map((m) => m.kind)).to.include.members([
      'signature',
      'annotation',
      'page-annotations',
      'form',
    ]);
    expect(s3!.modificationsAfter).to.deep.equal([]);
    expect(JSON.parse(JSON.stringify(report))).to.deep.equal(report);
  });

  it('flags an edit of page content after signing (new content stream)', async () => {
    const signed = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const edited = editPageContent(signed, 'new-stream');
    const report = verifyPdf(edited, opts());
    const s = report.signatures[0]!;
    expect(s.digestValid).to.equal(true);
    expect(s.coversWholeFile).to.equal(false);
    // The signature keeps its own result; the document is what is no longer valid.
    expect(s.valid).to.equal(true);
    expect(report.modifiedAfterSigning).to.equal(true);
    expect(report.valid).to.equal(false);
    expect(report.problems.map((p) => p.rule)).to.deep.equal(['MODIFIED_AFTER_SIGNING']);
    expect(s.modificationsAfter.some((m) => !m.permitted && m.kind === 'page-content')).to.equal(
      true,
    );
  });

  it('flags an in-place rewrite of a page content stream object', async () => {
    const signed = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const edited = editPageContent(signed, 'same-object');
    const report = verifyPdf(edited, opts());
    const s = report.signatures[0]!;
    expect(report.valid).to.equal(false);
    expect(s.modificationsAfter.find((m) => !m.permitted)!.kind).to.equal('page-content');
    expect(formatReport(verifyPdf(edited, opts()))).to.include('KHÔNG được phép');
  });

  it('does not trust a chain that does not reach a trust anchor', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const s = verifyPdf(out, { trustAnchors: [pki.otherRoot.cert], now: FIXED_NOW }).signatures[0]!;
    expect(s.digestValid).to.equal(true);
    expect(s.cmsSignatureValid).to.equal(true);
    expect(s.chainTrusted).to.equal(false);
    expect(s.valid).to.equal(false);
  });

  it('reports revocation from a CRL signed by the issuer', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const serial = certFields(pki.rsaSigner.cert).serial.subarray(2);
    const revoked = createCrl(
      pki.root,
      [{ serial, date: new Date('2026-06-01T00:00:00Z') }],
      new Date('2026-10-01T00:00:00Z'),
    );
    const clean = createCrl(pki.root, [], new Date('2026-10-01T00:00:00Z'));
    const forged = createCrl(
      pki.otherRoot,
      [{ serial, date: new Date('2026-06-01T00:00:00Z') }],
      new Date('2026-10-01T00:00:00Z'),
    );
    const r1 = verifyPdf(out, { ...opts(), crls: [revoked] }).signatures[0]!;
    expect(r1.revocation).to.equal('revoked');
    expect(r1.valid).to.equal(false);
    expect(verifyPdf(out, { ...opts(), crls: [clean] }).signatures[0]!.revocation).to.equal('good');
    expect(verifyPdf(out, { ...opts(), crls: [forged] }).signatures[0]!.revocation).to.equal(
      'unknown',
    );
    expect(verifyPdf(out, opts()).signatures[0]!.revocation).to.equal('unknown');
  });

  it('B-T: adds an RFC 3161 token from the timestamp provider that verifies', async () => {
    const tsaTime = new Date(FIXED_NOW.getTime() + 5000);
    const tsa = new FakeTsa(pki.tsa, [pki.root.cert], () => tsaTime);
    const out = await signPdf(pdf, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
      timestamp: tsa,
    });
    expect(tsa.requests).to.have.length(1);
    const report = verifyPdf(out, opts());
    const s = report.signatures[0]!;
    expect(s.timestamp, formatReport(report)).to.deep.include({
      genTime: tsaTime.toISOString(),
      imprintValid: true,
      signatureValid: true,
      chainTrusted: true,
      tsa: 'eOffice Test TSA',
    });
    expect(s.claimedTime.timestamp).to.equal(tsaTime.toISOString());
    expect(report.valid).to.equal(true);
  });

  it('B-T: a token over the wrong digest is reported invalid', async () => {
    const tsa = new FakeTsa(pki.tsa, [pki.root.cert], () => FIXED_NOW);
    const wrong = { timestamp: (d: Buffer) => tsa.timestamp(Buffer.from(d).fill(1, 0, 4)) };
    const out = await signPdf(pdf, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
      timestamp: wrong,
    });
    const s = verifyPdf(out, opts()).signatures[0]!;
    expect(s.timestamp!.imprintValid).to.equal(false);
    expect(s.valid).to.equal(false);
  });

  it('formats a readable Vietnamese report', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const text = formatReport(verifyPdf(out, opts()));
    expect(text).to.include('Chữ ký hợp lệ');
    expect(text).to.include('Nguyễn Thị Hằng');
    expect(text).to.include('2026-11-21T09:30:00+07:00');
    expect(formatReport(verifyPdf(out, opts()), 'en')).to.include('Signature is valid');
    expect(formatReport(verifyPdf(pdf, opts()))).to.include('không có chữ ký');
  });

  it('extractSignatures returns the CMS and byte ranges of every signature in order', async () => {
    const [, , r3] = await threeSignatures(pdf);
    const sigs = extractSignatures(r3!);
    expect(sigs.map((s) => s.fieldName)).to.deep.equal(['Signature1', 'Signature2', 'Signature3']);
    for (const s of sigs) expect(s.contents[0]).to.equal(0x30);
  });

  it('creates an indirect AcroForm with /SigFlags 3 on a file without one (a permitted catalog change)', async () => {
    const [r1, r2] = await threeSignatures(pdf);
    const reader = new PdfReader(r1!);
    expect(reader.catalog().get('AcroForm')).to.be.instanceOf(PdfRef);
    expect(reader.resolveDict(reader.catalog().get('AcroForm'))!.get('SigFlags')).to.equal(3);
    const mods = verifyPdf(r2!, opts()).signatures[0]!.modificationsAfter;
    expect(mods.filter((m) => m.kind === 'catalog')).to.deep.equal([]);
    expect(mods.find((m) => m.kind === 'form')!.permitted).to.equal(true);
  });
});
