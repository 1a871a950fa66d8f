import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName, PDFNumber, PDFString, degrees } from 'pdf-lib';
import {
  formatVietnamTime,
  leaderImageBox,
  sealRectOverLeader,
  signPdf,
  verifyPdf,
  type Appearance,
  type LeaderAppearance,
  type SealAppearance,
} from '../../../src/signing/index.js';
import { decodeStream } from '../../../src/signing/pdf/filters.js';
import { PdfDict, PdfRef, PdfStream } from '../../../src/signing/pdf/objects.js';
import { PdfReader } from '../../../src/signing/pdf/reader.js';
import {
  FIXED_NOW,
  hasTool,
  makePdf,
  runOnPdf,
  sealImage,
  signatureImage,
  signerOf,
  testPki,
  withPhys,
} from './helpers/index.js';

const pki = testPki();
const MM = 72 / 25.4;

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

const leader: LeaderAppearance = {
  kind: 'leader',
  page: 1,
  rect: [320, 120, 230, 150],
  image: signatureImage(),
  authorityPrefix: 'KT. Chủ tịch',
  title: 'Phó Chủ tịch',
  name: 'Nguyễn Thị Hằng',
};

async function signWith(pdf: Buffer, appearance: Appearance, seal = false): Promise<Buffer> {
  return signPdf(pdf, {
    signer: signerOf(seal ? pki.seal : pki.rsaSigner),
    signingTime: FIXED_NOW,
    appearance,
  });
}

async function signingError(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; message: string };
  }
  return expect.fail('should throw');
}

/** The last annotation of `page` in the newest revision, with its appearance content. */
function lastAnnot(pdf: Buffer, page = 1, fromEnd = 1) {
  const reader = new PdfReader(pdf);
  const annots = reader.resolve(reader.getPage(page).dict.get('Annots')) as PdfRef[];
  const annot = reader.resolveDict(annots[annots.length - fromEnd])!;
  const ap = reader.resolve(reader.resolveDict(annot.get('AP'))!.get('N')) as PdfStream;
  const [x1, y1, x2, y2] = annot.get('Rect') as number[];
  return {
    reader,
    annot,
    ap,
    rect: { x1: x1!, y1: y1!, x2: x2!, y2: y2!, w: x2! - x1!, h: y2! - y1! },
    content: decodeStream(ap).toString('latin1'),
  };
}

const tfSizes = (content: string) => [...content.matchAll(/\/(\w+) ([\d.]+) Tf/g)].map((m) => m[2]);

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

  describe('leader block (Decree 30 Appendix I)', () => {
    it('draws title and name at a fixed 13 pt, and 14 pt on request', async () => {
      const out = await signWith(pdf, leader);
      const { content } = lastAnnot(out);
      const sizes = tfSizes(content);
      expect(sizes).to.have.length(3);
      expect(sizes).to.deep.equal(['13', '13', '13']);
      const big = await signWith(pdf, { ...leader, fontSize: 14 });
      expect(tfSizes(lastAnnot(big).content)).to.deep.equal(['14', '14', '14']);
    });

    it('prints the authority prefix and the title in capitals, the name as given, and extracts exactly', async function () {
      if (!hasTool('pdftotext')) this.skip();
      const out = await signWith(pdf, leader);
      const text = pdftotext(out);
      expect(text).to.include('KT. CHỦ TỊCH');
      expect(text).to.include('PHÓ CHỦ TỊCH');
      expect(text).not.to.include('Phó Chủ tịch');
      expect(text).to.include('Nguyễn Thị Hằng');
    });

    it('refuses a line wider than the rect with TEXT_DOES_NOT_FIT naming the rect (no 4 pt text)', async () => {
      const e = await signingError(signWith(pdf, { ...leader, rect: [320, 120, 110, 150] }));
      expect(e.code).to.equal('TEXT_DOES_NOT_FIT');
      expect(e.message).to.include('leader rect [320 120 110 150]');
      expect(e.message).to.include('"PHÓ CHỦ TỊCH"');
      expect(e.message).to.include('at 13 pt');
    });

    it('refuses a rect too short for the lines and the signature image', async () => {
      const e = await signingError(signWith(pdf, { ...leader, rect: [320, 120, 230, 60] }));
      expect(e.code).to.equal('TEXT_DOES_NOT_FIT');
      expect(e.message).to.include('leader rect [320 120 230 60] is 60 pt tall');
    });

    it('image-only mode draws the image and no text', async () => {
      const out = await signWith(pdf, {
        kind: 'leader',
        page: 1,
        rect: [320, 120, 230, 80],
        image: signatureImage(),
        imageOnly: true,
      });
      const { content, ap } = lastAnnot(out);
      expect(content).to.match(/ cm \/Im1 Do/);
      expect(content).not.to.include('Tf');
      expect(content).not.to.include('BT');
      const res = ap.dict.get('Resources') as PdfDict;
      expect(res.has('Font')).to.equal(false);
      expect(out.toString('latin1', pdf.length)).not.to.include('DejaVu');
      const noImage = await signingError(
        signWith(pdf, {
          kind: 'leader',
          page: 1,
          rect: [320, 120, 230, 80],
          imageOnly: true,
        } as never),
      );
      expect(noImage.code).to.equal('APPEARANCE_INVALID');
    });

    it('refuses rects that are not finite numbers with a positive size, and font sizes other than 13/14', async () => {
      for (const rect of [
        [320, 120, 0, 150],
        [320, 120, -10, 150],
        [Number.NaN, 120, 230, 150],
        [320, 120, Infinity, 150],
        [320, 120, 230],
      ]) {
        const e = await signingError(signWith(pdf, { ...leader, rect: rect as never }));
        expect(e.code, JSON.stringify(rect)).to.equal('APPEARANCE_INVALID');
      }
      const e = await signingError(signWith(pdf, { ...leader, fontSize: 4 as never }));
      expect(e.code).to.equal('APPEARANCE_INVALID');
    });
  });

  describe('seal', () => {
    let signed: Buffer;
    before(async () => {
      signed = await signWith(pdf, leader);
    });

    const seal = (extra: Partial<SealAppearance> = {}): SealAppearance => ({
      kind: 'seal',
      page: 1,
      image: sealImage(),
      number: { text: 'Số: 15/QĐ-UBND', page: 1, rect: [72, 700, 200, 18] },
      date: { text: 'Hà Nội, ngày 21 tháng 11 năm 2026', page: 1, rect: [300, 700, 260, 18] },
      ...extra,
    });

    it('number (regular) and date (italic) at 13 pt, in the same revision, extract exactly', async function () {
      const sealed = await signWith(signed, seal(), true);
      const number = lastAnnot(sealed, 1, 2);
      const date = lastAnnot(sealed, 1, 1);
      expect(number.annot.name('Subtype')).to.equal('FreeText');
      expect(number.content).to.match(/\/FR 13 Tf/);
      expect(date.content).to.match(/\/FI 13 Tf/);
      const report = verifyPdf(sealed, { trustAnchors: [pki.root.cert], now: FIXED_NOW });
      expect(report.valid).to.equal(true);
      expect(report.signatures[1]!.coversWholeFile).to.equal(true);
      if (hasTool('pdftotext')) {
        const text = pdftotext(sealed);
        expect(text).to.include('Số: 15/QĐ-UBND');
        expect(text).to.include('Hà Nội, ngày 21 tháng 11 năm 2026');
      }
      if (hasTool('pdffonts')) {
        const fonts = runOnPdf('pdffonts', (f) => [f], sealed);
        expect(fonts).to.match(/[A-Z]{6}\+DejaVuSerif-Italic\s/);
        expect(fonts).to.match(/[A-Z]{6}\+DejaVuSerif\s/);
      }
    });

    it('refuses a date line wider than its rect, naming the rect', async () => {
      const e = await signingError(
        signWith(
          signed,
          seal({
            date: { text: 'Hà Nội, ngày 21 tháng 11 năm 2026', page: 1, rect: [300, 700, 200, 18] },
          }),
          true,
        ),
      );
      expect(e.code).to.equal('TEXT_DOES_NOT_FIT');
      expect(e.message).to.include('seal date rect [300 700 200 18] is 200 pt wide');
      const low = await signingError(
        signWith(
          signed,
          seal({ number: { text: 'Số: 15', page: 1, rect: [72, 700, 200, 9] } }),
          true,
        ),
      );
      expect(low.code).to.equal('TEXT_DOES_NOT_FIT');
      expect(low.message).to.include('seal number rect [72 700 200 9] is 9 pt tall');
    });

    it('draws the seal at its true size from the PNG pHYs (152.4 dpi: 200 px = 33.3 mm)', async () => {
      const sealed = await signWith(
        signed,
        seal({ image: withPhys(sealImage(), 152.4), rect: [200, 100, 150, 150] }),
        true,
      );
      const { rect, content } = lastAnnot(sealed, 1, 3);
      const expected = (200 / 6000) * (72 / 0.0254);
      expect(rect.w).to.be.closeTo(expected, 0.01);
      expect(rect.h).to.be.closeTo(expected, 0.01);
      // centred on the given rect, which gives the position only
      expect((rect.x1 + rect.x2) / 2).to.be.closeTo(275, 0.01);
      expect((rect.y1 + rect.y2) / 2).to.be.closeTo(175, 0.01);
      expect(content).to.match(/ cm \/Im1 Do/);
      // without pHYs: the usual 40 mm
      const plain = await signWith(signed, seal({ rect: [200, 100, 150, 150] }), true);
      expect(lastAnnot(plain, 1, 3).rect.w).to.be.closeTo(40 * MM, 0.01);
      // a pHYs that makes a 1.3 m seal is refused
      const e = await signingError(
        signWith(
          signed,
          seal({ image: withPhys(sealImage(), 4), rect: [200, 100, 150, 150] }),
          true,
        ),
      );
      expect(e.code).to.equal('IMAGE_UNSUPPORTED');
    });

    it("overlaps the left third of the leader's signature image, found in the PDF when not given", async () => {
      const box = leaderImageBox(leader);
      const size = (200 / 6000) * (72 / 0.0254);
      const image = withPhys(sealImage(), 152.4);
      const found = lastAnnot(await signWith(signed, seal({ image }), true), 1, 3).rect;
      expect(found.x2).to.be.closeTo(box.x + box.w / 3, 0.01);
      expect(found.x2).to.be.greaterThan(box.x);
      expect(found.x1).to.be.lessThan(box.x);
      expect((found.y1 + found.y2) / 2).to.be.closeTo(box.y + box.h / 2, 0.01);
      expect(found.w).to.be.closeTo(size, 0.01);
      // the same when the caller gives the leader block
      const given = lastAnnot(
        await signWith(signed, seal({ image, overLeader: leader }), true),
        1,
        3,
      ).rect;
      expect(given.x1).to.be.closeTo(found.x1, 0.01);
      expect(given.y1).to.be.closeTo(found.y1, 0.01);
      const helper = sealRectOverLeader(leader, size, size);
      expect(helper[0]).to.be.closeTo(found.x1, 0.01);
      // and refused when there is no leader widget to overlap
      const e = await signingError(signWith(pdf, seal({ image }), true));
      expect(e.code).to.equal('APPEARANCE_INVALID');
    });

    it('without a seal image draws no seal (no circles): the widget is empty, the signature made', async () => {
      const sealed = await signWith(signed, seal({ image: undefined }), true);
      const widget = lastAnnot(sealed, 1, 3);
      expect(widget.annot.name('Subtype')).to.equal('Widget');
      expect(widget.content).to.equal('');
      expect(widget.content).not.to.match(/\sc\s/);
      for (const fromEnd of [1, 2])
        expect(lastAnnot(sealed, 1, fromEnd).content).not.to.match(/ c\b/);
      expect(verifyPdf(sealed, { trustAnchors: [pki.root.cert], now: FIXED_NOW }).valid).to.equal(
        true,
      );
    });
  });

  describe('attachment stamp', () => {
    it('number/symbol and ISO time at the top right of page 1, 10 pt', async () => {
      const out = await signWith(pdf, { kind: 'attachment', codeText: '15/QĐ-UBND' }, true);
      const { rect, content } = lastAnnot(out);
      expect(rect.x2).to.be.closeTo(595.28 - 15 * MM, 0.01);
      expect(rect.y2).to.be.closeTo(841.89 - 10 * MM, 0.01);
      expect(tfSizes(content)).to.deep.equal(['10', '10']);
      if (hasTool('pdftotext')) {
        expect(words(pdftotext(out))).to.include('15/QĐ-UBND 2026-11-21T09:30:00+07:00');
      }
    });

    async function pageWith(setup: (doc: PDFDocument) => void): Promise<Buffer> {
      const doc = await PDFDocument.load(pdf);
      setup(doc);
      return Buffer.from(await doc.save({ useObjectStreams: false }));
    }

    const CROP = [50, 60, 450, 700] as const; // x, y, w, h

    for (const rotation of [0, 90, 180, 270]) {
      it(`honours /CropBox and /Rotate ${rotation}: top right as displayed, text upright`, async () => {
        const src = await pageWith((doc) => {
          const page = doc.getPage(0);
          page.setCropBox(...CROP);
          page.setRotation(degrees(rotation));
        });
        const out = await signWith(src, { kind: 'attachment', codeText: '15/QĐ-UBND' }, true);
        const { rect, ap } = lastAnnot(out);
        const [cx, cy, cw, ch] = CROP;
        expect(rect.x1).to.be.at.least(cx);
        expect(rect.y1).to.be.at.least(cy);
        expect(rect.x2).to.be.at.most(cx + cw);
        expect(rect.y2).to.be.at.most(cy + ch);
        // distance from the displayed top-right corner, in user space
        const gaps: Record<number, [number, number]> = {
          0: [cx + cw - rect.x2, cy + ch - rect.y2], // right, top
          90: [cy + ch - rect.y2, rect.x1 - cx],
          180: [rect.x1 - cx, rect.y1 - cy],
          270: [rect.y1 - cy, cx + cw - rect.x2],
        };
        const [right, top] = gaps[rotation]!;
        expect(right).to.be.closeTo(15 * MM, 0.01);
        expect(top).to.be.closeTo(10 * MM, 0.01);
        const matrix = ap.dict.get('Matrix') as number[] | undefined;
        if (rotation === 0) expect(matrix).to.equal(undefined);
        else expect(matrix).to.have.length(6);
        if (!hasTool('pdftotext')) return;
        // with -cropbox, poppler's words are in displayed coordinates (y down), while its page
        // header keeps the unrotated crop box size
        const bbox = runOnPdf('pdftotext', (f) => ['-cropbox', '-bbox', f, '-'], out);
        const page = /<page width="([\d.]+)" height="([\d.]+)"/.exec(bbox)!;
        expect([Number(page[1]), Number(page[2])]).to.deep.equal([cw, ch]);
        const W = rotation % 180 ? ch : cw;
        const word =
          /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">15\/QĐ-UBND</.exec(
            bbox,
          )!;
        expect(word, bbox).to.not.equal(null);
        const [xMin, yMin, xMax, yMax] = word.slice(1, 5).map(Number) as number[];
        expect(xMax - xMin).to.be.greaterThan(3 * (yMax - yMin)); // horizontal on screen
        expect(xMax).to.be.closeTo(W - 15 * MM - 2, 3);
        expect(yMin).to.be.within(10 * MM, 10 * MM + 8);
        expect(words(runOnPdf('pdftotext', (f) => ['-layout', f, '-'], out))).to.include(
          '15/QĐ-UBND',
        );
      });
    }

    it('reads inherited and indirect boxes, and takes a /Rotate that is not a multiple of 90 as 0', async () => {
      const src = await pageWith((doc) => {
        const page = doc.getPage(0);
        page.node.delete(PDFName.of('MediaBox'));
        const pages = doc.catalog.Pages();
        pages.set(PDFName.of('MediaBox'), doc.context.register(doc.context.obj([0, 0, 500, 800])));
        page.node.set(PDFName.of('Rotate'), PDFNumber.of(45));
      });
      const { rect } = lastAnnot(
        await signWith(src, { kind: 'attachment', codeText: '15/QĐ-UBND' }, true),
      );
      expect(rect.x2).to.be.closeTo(500 - 15 * MM, 0.01);
      expect(rect.y2).to.be.closeTo(800 - 10 * MM, 0.01);
    });

    it('refuses a non-numeric, missing or empty page box with PAGE_BOX_INVALID (never NaN)', async () => {
      const cases: Array<[string, (doc: PDFDocument) => void]> = [
        [
          'MediaBox [0 0 (abc) 842]',
          (doc) =>
            doc
              .getPage(0)
              .node.set(PDFName.of('MediaBox'), doc.context.obj([0, 0, PDFString.of('abc'), 842])),
        ],
        ['no MediaBox', (doc) => doc.getPage(0).node.delete(PDFName.of('MediaBox'))],
        [
          'CropBox of three numbers',
          (doc) => doc.getPage(0).node.set(PDFName.of('CropBox'), doc.context.obj([0, 0, 100])),
        ],
        [
          'CropBox outside the MediaBox',
          (doc) =>
            doc.getPage(0).node.set(PDFName.of('CropBox'), doc.context.obj([900, 900, 1000, 1000])),
        ],
      ];
      for (const [label, setup] of cases) {
        const src = await pageWith(setup);
        const e = await signingError(
          signWith(src, { kind: 'attachment', codeText: '15/QĐ-UBND' }, true),
        );
        expect(e.code, label).to.equal('PAGE_BOX_INVALID');
        expect(e.message, label).not.to.include('NaN');
      }
    });
  });

  it('refuses stamp texts that are not one line of text with APPEARANCE_INVALID', async () => {
    const cases: Appearance[] = [
      { kind: 'attachment', codeText: '15/QĐ-UBND\n(endstream)' },
      { kind: 'attachment', codeText: '  ' },
      { ...leader, name: 'Nguyễn\rThị Hằng' },
      { ...leader, title: 42 as never },
    ];
    for (const appearance of cases) {
      const e = await signingError(signWith(pdf, appearance, true));
      expect(e.code, JSON.stringify(appearance).slice(0, 80)).to.equal('APPEARANCE_INVALID');
    }
  });

  it('never edits page content: only /Annots changes on the page and the font is an embedded subset', async () => {
    const out = await signWith(pdf, leader);
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

  it('invisible signature: zero rect widget', async () => {
    const out = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    expect(out.toString('latin1', pdf.length)).to.include('/Rect [0 0 0 0]');
  });

  it('rejects a non-PNG image with IMAGE_UNSUPPORTED', async () => {
    const e = await signingError(signWith(pdf, { ...leader, image: Buffer.from('GIF89a....') }));
    expect(e.code).to.equal('IMAGE_UNSUPPORTED');
  });
});
