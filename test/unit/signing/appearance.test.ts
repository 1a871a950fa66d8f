import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatVietnamTime,
  sealRectOverLeader,
  signPdf,
  verifyPdf,
  type Appearance,
} from '../../../src/signing/index.js';
import { PdfRef, PdfStream } from '../../../src/signing/pdf/objects.js';
import { PdfReader } from '../../../src/signing/pdf/reader.js';
import {
  FIXED_NOW,
  hasTool,
  makePdf,
  sealImage,
  signatureImage,
  signerOf,
  testPki,
} from './helpers/index.js';

const pki = testPki();

function pdftotext(pdf: Buffer, page?: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'eoffice-text-'));
  try {
    const file = join(dir, 'a.pdf');
    writeFileSync(file, pdf);
    const range = page ? ['-f', String(page), '-l', String(page)] : [];
    return execFileSync('pdftotext', [...range, file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).join(' ');

const leader: Extract<Appearance, { kind: 'leader' }> = {
  kind: 'leader',
  page: 1,
  rect: [320, 120, 230, 150],
  image: signatureImage(),
  authorityPrefix: 'KT. CHỦ TỊCH',
  title: 'PHÓ CHỦ TỊCH',
  name: 'Nguyễn Thị Hằng — Phó Chủ tịch',
};

describe('signing: appearances', () => {
  let pdf: Buffer;
  before(async () => {
    pdf = await makePdf({ pages: 1 });
  });

  it('formats ISO 8601 Vietnam time with +07:00', () => {
    expect(formatVietnamTime(FIXED_NOW)).to.equal('2026-11-21T09:30:00+07:00');
    expect(formatVietnamTime(new Date('2026-12-31T20:00:00Z'))).to.equal(
      '2027-01-01T03:00:00+07:00',
    );
  });

  it('leader: Vietnamese text extracts exactly with pdftotext', async function () {
    if (!hasTool('pdftotext')) this.skip();
    const out = await signPdf(pdf, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
      appearance: leader,
    });
    const text = pdftotext(out);
    expect(text).to.include('KT. CHỦ TỊCH');
    expect(text).to.include('PHÓ CHỦ TỊCH');
    expect(text).to.include('Nguyễn Thị Hằng — Phó Chủ tịch');
  });

  it('seal: number and date are written in the same revision and extract exactly', async function () {
    if (!hasTool('pdftotext')) this.skip();
    const signed = await signPdf(pdf, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
      appearance: leader,
    });
    const sealed = await signPdf(signed, {
      signer: signerOf(pki.seal),
      signingTime: FIXED_NOW,
      appearance: {
        kind: 'seal',
        page: 1,
        rect: sealRectOverLeader(leader, 100, 100),
        image: sealImage(),
        number: { text: 'Số: 15/QĐ-UBND', page: 1, rect: [72, 700, 200, 16] },
        date: { text: 'Hà Nội, ngày 21 tháng 11 năm 2026', page: 1, rect: [300, 700, 250, 16] },
      },
    });
    const text = pdftotext(sealed);
    expect(text).to.include('Số: 15/QĐ-UBND');
    expect(text).to.include('Hà Nội, ngày 21 tháng 11 năm 2026');
    const report = verifyPdf(sealed, { trustAnchors: [pki.root.cert], now: FIXED_NOW });
    expect(report.valid).to.equal(true);
    // number and date are covered by the seal signature (same revision)
    expect(report.signatures[1]!.coversWholeFile).to.equal(true);
  });

  it('attachment: number/symbol and ISO time at the top right of page 1, 10 pt', async function () {
    const out = await signPdf(pdf, {
      signer: signerOf(pki.seal),
      signingTime: FIXED_NOW,
      appearance: { kind: 'attachment', codeText: '15/QĐ-UBND' },
    });
    const reader = new PdfReader(out);
    const annots = reader.resolve(reader.getPage(1).dict.get('Annots')) as PdfRef[];
    const widget = reader.resolveDict(annots[annots.length - 1])!;
    const [x1, y1, x2, y2] = widget.get('Rect') as number[];
    expect(x2).to.be.greaterThan(500);
    expect(y2).to.be.greaterThan(780);
    expect(x1).to.be.lessThan(x2!);
    expect(y1).to.be.lessThan(y2!);
    const ap = reader.resolve(reader.resolveDict(widget.get('AP'))!.get('N')) as PdfStream;
    expect(ap.data.toString('latin1')).to.include(' 10 Tf');
    if (hasTool('pdftotext')) {
      expect(words(pdftotext(out))).to.include('15/QĐ-UBND 2026-11-21T09:30:00+07:00');
    }
  });

  it('never edits page content: only /Annots changes on the page and the font is an embedded subset', async () => {
    const out = await signPdf(pdf, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
      appearance: leader,
    });
    const before = new PdfReader(pdf).getPage(1).dict;
    const after = new PdfReader(out).getPage(1).dict;
    for (const [k, v] of before.map) if (k !== 'Annots') expect(after.get(k)).to.deep.equal(v);
    const tail = out.toString('latin1', pdf.length);
    expect(tail).to.match(/\/BaseFont \/[A-Z]{6}\+DejaVuSerif-Bold/);
    expect(tail).to.include('/CIDToGIDMap /Identity');
    expect(tail).to.include('/ToUnicode');
    // a subset, not the 700 KB font
    expect(out.length - pdf.length).to.be.lessThan(60_000);
  });

  it('draws the leader block and the seal without images', async function () {
    const { image: _image, ...noImage } = leader;
    const once = await signPdf(pdf, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
      appearance: noImage,
    });
    const twice = await signPdf(once, {
      signer: signerOf(pki.seal),
      signingTime: FIXED_NOW,
      appearance: { kind: 'seal', page: 1, rect: sealRectOverLeader(noImage, 90, 90) },
    });
    expect(verifyPdf(twice, { trustAnchors: [pki.root.cert], now: FIXED_NOW }).valid).to.equal(
      true,
    );
    if (hasTool('pdftotext')) expect(pdftotext(twice)).to.include('Nguyễn Thị Hằng — Phó Chủ tịch');
  });

  it('invisible signature: zero rect widget', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    expect(out.toString('latin1', pdf.length)).to.include('/Rect [0 0 0 0]');
  });

  it('rejects a non-PNG image with IMAGE_UNSUPPORTED', async () => {
    try {
      await signPdf(pdf, {
        signer: signerOf(pki.rsaSigner),
        appearance: { ...leader, image: Buffer.from('GIF89a....') },
      });
      expect.fail('should throw');
    } catch (e) {
      expect((e as { code?: string }).code).to.equal('IMAGE_UNSUPPORTED');
    }
  });
});
