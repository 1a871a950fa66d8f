import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { signPdf, verifyPdf, type Appearance, type SignerKey } from '../../src/signing/index.js';
import type { IssuedCertificate } from '../../src/pki/index.js';
import {
  classicPdf,
  formPdf,
  hybridPdf,
  objectStreamPdf,
  popplerSigned,
  qpdfVariant,
  ringPng,
} from './corpus.js';
import { AGENCY, createInteropPki, type InteropPki } from './fixture.js';
import { requireTools } from './tools.js';
import { opensslCmsVerify, pdfsig, pdftotext, qpdfCheck, rawSignatures } from './verifiers.js';

const LEADER_NAME = 'Nguyễn Thị Hằng';
const LEADER_TITLE = 'Phó Chủ tịch';
const NUMBER = '15/QĐ-UBND';
const DATE_TEXT = 'Hà Giang, ngày 21 tháng 11 năm 2026';

const signerOf = (c: IssuedCertificate): SignerKey => ({
  privateKey: c.privateKey,
  certificate: c.certificate,
  chain: c.chain,
});

const leaderAppearance = (image: Buffer): Appearance => ({
  kind: 'leader',
  page: 1,
  rect: [330, 90, 200, 120],
  image,
  title: LEADER_TITLE,
  name: LEADER_NAME,
  authorityPrefix: 'KT. CHỦ TỊCH',
});

const sealAppearance = (image: Buffer): Appearance => ({
  kind: 'seal',
  page: 1,
  rect: [290, 100, 110, 110],
  image,
  number: { text: NUMBER, page: 1, rect: [60, 770, 160, 18] },
  date: { text: DATE_TEXT, page: 1, rect: [290, 770, 280, 18] },
});

interface Case {
  name: string;
  /** Signatures already in the input (made by another tool). */
  prior: number;
  /** Page 1 text pdftotext must still find after signing. */
  marker?: string;
  build(pki: InteropPki, dir: string): Promise<Buffer>;
}

const CASES: Case[] = [
  { name: 'pdf-lib, classic xref table', prior: 0, build: () => classicPdf() },
  { name: 'pdf-lib, xref stream + object streams', prior: 0, build: () => objectStreamPdf() },
  {
    name: 'qpdf --object-streams=generate',
    prior: 0,
    build: async (_pki, dir) =>
      qpdfVariant(dir, 'objstm', await classicPdf(), ['--object-streams=generate']),
  },
  {
    name: 'qpdf --linearize',
    prior: 0,
    build: async (_pki, dir) => qpdfVariant(dir, 'linear', await classicPdf(), ['--linearize']),
  },
  { name: 'AcroForm with fields and annotations', prior: 0, build: () => formPdf() },
  {
    name: 'hybrid-reference file (xref table + /XRefStm)',
    prior: 0,
    marker: 'Van ban hybrid xref',
    build: async () => hybridPdf(),
  },
  {
    name: 'signed first by pdfsig -add-signature',
    prior: 1,
    build: async (pki, dir) => popplerSigned(dir, await classicPdf(), pki.nssDir, pki.popplerNick),
  },
];

/** Every check an independent verifier can make on one signed file. */
function checkWithVerifiers(
  pki: InteropPki,
  file: string,
  pdf: Buffer,
  revisionEnds: number[],
  tag: string,
): void {
  const sig = pdfsig(file, pki.nssDir);
  expect(sig.signatures, sig.raw).to.have.length(revisionEnds.length);
  sig.signatures.forEach((s, i) => {
    expect(s.signatureValidation, `signature #${i + 1}\n${sig.raw}`).to.equal(
      'Signature is Valid.',
    );
    expect(s.certificateValidation, `signature #${i + 1}\n${sig.raw}`).to.equal(
      'Certificate is Trusted.',
    );
    expect(s.ranges, sig.raw).to.have.length(2);
    expect(s.ranges[0]![0]).to.equal(0);
    // Each signature covers its own revision exactly, up to that revision's end.
    expect(s.ranges[1]![1], `signature #${i + 1} end`).to.equal(revisionEnds[i]);
  });
  const last = sig.signatures.at(-1)!;
  expect(last.totalDocumentSigned, sig.raw).to.equal(true);
  expect(last.ranges[1]![1]).to.equal(pdf.length);

  const check = qpdfCheck(file);
  expect(check.status, check.output).to.equal(0);
  expect(check.output).to.include('No syntax or stream encoding errors');

  const raws = rawSignatures(pdf);
  expect(raws).to.have.length(revisionEnds.length);
  const caFile = path.join(pki.dir, 'ca.pem');
  raws.forEach((raw, i) => {
    const r = opensslCmsVerify(pki.dir, raw, caFile, `${tag}-${i}`);
    expect(r.status, r.output).to.equal(0);
    expect(r.output).to.include('Verification successful');
  });

  const ours = verifyPdf(pdf, { trustAnchors: [pki.caDer] });
  expect(ours.signatures).to.have.length(revisionEnds.length);
  for (const s of ours.signatures) expect(s.valid, JSON.stringify(s, null, 2)).to.equal(true);
  expect(ours.valid).to.equal(true);
}

describe('interop: our PAdES signatures in independent verifiers', function () {
  this.timeout(180_000);
  let pki: InteropPki;
  let signatureImage: Buffer;
  let sealImage: Buffer;

  before(function () {
    requireTools(this);
    pki = createInteropPki();
    signatureImage = ringPng(96, [20, 40, 200]);
    sealImage = ringPng(160, [220, 20, 20]);
  });
  after(() => pki?.cleanup());

  for (const c of CASES) {
    describe(c.name, () => {
      const revisions: Buffer[] = [];
      const file = (i: number) => path.join(pki.dir, `${c.name.replace(/\W+/g, '-')}-rev${i}.pdf`);

      before(async () => {
        const input = await c.build(pki, pki.dir);
        revisions.push(input);
        revisions.push(
          await signPdf(input, {
            signer: signerOf(pki.leader),
            appearance: leaderAppearance(signatureImage),
            reason: 'Phê duyệt',
          }),
        );
        revisions.push(
          await signPdf(revisions[1]!, {
            signer: signerOf(pki.seal),
            appearance: sealAppearance(sealImage),
            location: 'Hà Giang',
          }),
        );
        revisions.forEach((r, i) => writeFileSync(file(i), r));
      });

      it('appends only: every revision is a byte prefix of the next', () => {
        for (let i = 1; i < revisions.length; i++) {
          expect(revisions[i]!.length).to.be.greaterThan(revisions[i - 1]!.length);
          expect(
            revisions[i]!.subarray(0, revisions[i - 1]!.length).equals(revisions[i - 1]!),
          ).to.equal(true);
        }
      });

      it('the input is valid for the verifiers before we sign', () => {
        const check = qpdfCheck(file(0));
        expect(check.status, check.output).to.equal(0);
        if (c.prior > 0) {
          const sig = pdfsig(file(0), pki.nssDir);
          expect(
            sig.signatures.map((s) => s.signatureValidation),
            sig.raw,
          ).to.deep.equal(['Signature is Valid.']);
        }
      });

      it('leader signature: pdfsig, qpdf --check, openssl cms and our verifier all accept it', () => {
        const prior = c.prior > 0 ? [revisions[0]!.length] : [];
        checkWithVerifiers(
          pki,
          file(1),
          revisions[1]!,
          [...prior, revisions[1]!.length],
          `${c.prior}-leader`,
        );
      });

      it('leader + agency seal: every signature stays valid and the seal covers the whole file', () => {
        const prior = c.prior > 0 ? [revisions[0]!.length] : [];
        checkWithVerifiers(
          pki,
          file(2),
          revisions[2]!,
          [...prior, revisions[1]!.length, revisions[2]!.length],
          `${c.prior}-seal`,
        );
      });

      it('pdftotext reads the Vietnamese stamp texts exactly', () => {
        const text = pdftotext(file(2), 1);
        expect(text).to.include(LEADER_NAME);
        expect(text).to.include(LEADER_TITLE.toLocaleUpperCase('vi')); // Decree 30: titles in capitals
        expect(text).to.include(NUMBER);
        expect(text).to.include(DATE_TEXT);
        expect(text).to.include(c.marker ?? 'UY BAN NHAN DAN TINH HA GIANG - trang 1/');
        expect(pdftotext(file(0), 1)).to.include(
          c.marker ?? 'UY BAN NHAN DAN TINH HA GIANG - trang 1/',
        );
      });
    });
  }

  describe('attachment signed by the agency only', () => {
    it('shows number and +07:00 ISO time top right of page 1 and validates everywhere', async () => {
      const input = await classicPdf();
      const signed = await signPdf(input, {
        signer: signerOf(pki.seal),
        appearance: { kind: 'attachment', codeText: NUMBER },
      });
      const out = path.join(pki.dir, 'attachment.pdf');
      writeFileSync(out, signed);
      checkWithVerifiers(pki, out, signed, [signed.length], 'attachment');
      const text = pdftotext(out, 1);
      expect(text).to.include(NUMBER);
      expect(text).to.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00/);
    });
  });

  describe('our verifier on files signed by poppler alone', () => {
    it('accepts the pdfsig signature with the trusted CA and distrusts it without', async () => {
      const signed = popplerSigned(pki.dir, await objectStreamPdf(), pki.nssDir, pki.popplerNick);
      const trusted = verifyPdf(signed, { trustAnchors: [pki.caDer] });
      expect(trusted.signatures).to.have.length(1);
      expect(trusted.signatures[0]!.subFilter).to.equal('adbe.pkcs7.detached');
      expect(trusted.signatures[0]!.digestValid).to.equal(true);
      expect(trusted.signatures[0]!.cmsSignatureValid).to.equal(true);
      expect(trusted.valid, JSON.stringify(trusted, null, 2)).to.equal(true);
      const untrusted = verifyPdf(signed, { trustAnchors: [] });
      expect(untrusted.valid).to.equal(false);
      expect(untrusted.signatures[0]!.chainTrusted).to.equal(false);
    });
  });

  describe('tampering', () => {
    it('one flipped byte inside the signed ranges: pdfsig reports a digest mismatch, and so do we', async () => {
      const input = await classicPdf();
      const once = await signPdf(input, {
        signer: signerOf(pki.leader),
        appearance: leaderAppearance(signatureImage),
      });
      const twice = await signPdf(once, { signer: signerOf(pki.seal) });
      const tampered = Buffer.from(twice);
      const at = tampered.indexOf('/Title <FEFF0051');
      expect(at).to.be.greaterThan(0);
      tampered[at + '/Title <FEFF00'.length] = 0x37; // <0051> "Q" -> <0071> "q": still a well-formed file
      const file = path.join(pki.dir, 'tampered.pdf');
      writeFileSync(file, tampered);

      const sig = pdfsig(file, pki.nssDir);
      expect(sig.signatures, sig.raw).to.have.length(2);
      for (const s of sig.signatures)
        expect(s.signatureValidation, sig.raw).to.match(/Digest Mismatch|Invalid/i);

      const ours = verifyPdf(tampered, { trustAnchors: [pki.caDer] });
      expect(ours.valid).to.equal(false);
      expect(ours.signatures.map((s) => s.digestValid)).to.deep.equal([false, false]);

      const raw = rawSignatures(tampered)[0]!;
      const r = opensslCmsVerify(pki.dir, raw, path.join(pki.dir, 'ca.pem'), 'tampered');
      expect(r.status).not.to.equal(0);
    });
  });

  it(`signs for ${AGENCY} with certificates from our own CA`, () => {
    expect(pki.seal.certificatePem).to.include('BEGIN CERTIFICATE');
  });
});
