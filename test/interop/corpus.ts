import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { makePng } from '../unit/signing/helpers/png.js';
import { runOk } from './tools.js';

export const TITLE = 'Quyet dinh so 15';

async function drawPages(doc: PDFDocument, pages: number): Promise<void> {
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`UY BAN NHAN DAN TINH HA GIANG - trang ${i}/${pages}`, {
      x: 60,
      y: 740,
      size: 12,
      font,
    });
    for (let line = 0; line < 30; line++) {
      page.drawText(`Dieu ${line + 1}. Noi dung van ban dong ${line + 1}.`, {
        x: 60,
        y: 700 - line * 16,
        size: 10,
        font,
      });
    }
  }
  doc.setTitle(TITLE);
  doc.setCreationDate(new Date('2026-11-20T08:00:00+07:00'));
  doc.setModificationDate(new Date('2026-11-20T08:00:00+07:00'));
}

/** Three pages, classic xref table, no object streams. */
export async function classicPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  await drawPages(doc, 3);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** pdf-lib's default output: xref stream and object streams (PDF 1.5+). */
export async function objectStreamPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  await drawPages(doc, 2);
  return Buffer.from(await doc.save({ useObjectStreams: true }));
}

/** An AcroForm (text field, check box) plus link and text annotations. */
export async function formPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  await drawPages(doc, 2);
  const page = doc.getPage(0);
  const form = doc.getForm();
  const field = form.createTextField('nguoiNhan');
  field.setText('Van phong UBND');
  field.addToPage(page, { x: 60, y: 200, width: 200, height: 20 });
  const box = form.createCheckBox('daXem');
  box.addToPage(page, { x: 280, y: 200, width: 14, height: 14 });
  box.check();
  const ctx = doc.context;
  const link = ctx.register(
    ctx.obj({
      Type: 'Annot',
      Subtype: 'Link',
      Rect: [60, 230, 260, 245],
      Border: [0, 0, 0],
      A: { S: 'URI', URI: PDFString.of('https://hagiang.gov.vn') },
    }),
  );
  const note = ctx.register(
    ctx.obj({
      Type: 'Annot',
      Subtype: 'Text',
      Rect: [400, 600, 420, 620],
      Contents: PDFString.of('Ghi chu'),
      Open: false,
    }),
  );
  page.node.addAnnot(link);
  page.node.addAnnot(note);
  page.node.set(PDFName.of('Tabs'), PDFName.of('S'));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** Runs qpdf on `input` with `args` and returns the result. */
export function qpdfVariant(dir: string, name: string, input: Buffer, args: string[]): Buffer {
  const src = path.join(dir, `${name}-src.pdf`);
  const out = path.join(dir, `${name}.pdf`);
  writeFileSync(src, input);
  runOk('qpdf', [...args, src, out]);
  return readFileSync(out);
}

/** A file signed first by poppler (`pdfsig -add-signature`, adbe.pkcs7.detached, NSS key). */
export function popplerSigned(dir: string, input: Buffer, nssDir: string, nick: string): Buffer {
  const src = path.join(dir, 'poppler-src.pdf');
  const out = path.join(dir, 'poppler-signed.pdf');
  writeFileSync(src, input);
  runOk('pdfsig', [
    '-add-signature',
    '-nssdir',
    `sql:${nssDir}`,
    '-nick',
    nick,
    '-new-signature-field-name',
    'PopplerSig',
    '-reason',
    'Kiem tra',
    src,
    out,
  ]);
  return readFileSync(out);
}

/** A transparent RGBA PNG with a coloured ring (stand-in for a signature or seal image). */
export function ringPng(size: number, color: [number, number, number]): Buffer {
  const c = size / 2;
  return makePng(size, size, (x, y) => {
    const d = Math.hypot(x - c, y - c);
    return [...color, d < c - 1 && d > c * 0.7 ? 255 : 0];
  });
}

/**
 * A hybrid-reference file (PDF 1.5 section 7.5.8.4): a classic xref table whose trailer points
 * with /XRefStm to a cross-reference stream; the font dictionary lives only in an object stream,
 * so only readers that follow /XRefStm find it.
 */
export function hybridPdf(): Buffer {
  const parts: Buffer[] = [];
  const offsets = new Map<number, number>();
  let length = 0;
  const push = (data: string | Buffer) => {
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    parts.push(b);
    length += b.length;
  };
  const obj = (num: number, body: string | Buffer) => {
    offsets.set(num, length);
    push(`${num} 0 obj\n`);
    push(body);
    push('\nendobj\n');
  };
  push('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n');
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  obj(
    3,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >> /Contents 4 0 R >>',
  );
  const content = 'BT /F1 14 Tf 60 760 Td (Van ban hybrid xref) Tj ET';
  obj(4, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  obj(5, `<< /Title (${TITLE} hybrid) /Producer (eoffice interop corpus) >>`);
  const font = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  const header = '6 0 ';
  const objStm = Buffer.from(deflateSync(Buffer.from(header + font, 'latin1')));
  obj(
    7,
    Buffer.concat([
      Buffer.from(
        `<< /Type /ObjStm /N 1 /First ${header.length} /Filter /FlateDecode /Length ${objStm.length} >>\nstream\n`,
        'latin1',
      ),
      objStm,
      Buffer.from('\nendstream', 'latin1'),
    ]),
  );
  // The cross-reference stream only needs the object that is in an object stream.
  const rows = Buffer.from([2, 0, 7, 0]); // type 2, in object stream 7, index 0 (W [1 2 1])
  const xrefStmOffset = length;
  obj(
    8,
    Buffer.concat([
      Buffer.from(
        `<< /Type /XRef /Size 9 /Index [6 1] /W [1 2 1] /Length ${rows.length} >>\nstream\n`,
        'latin1',
      ),
      rows,
      Buffer.from('\nendstream', 'latin1'),
    ]),
  );
  const xrefOffset = length;
  const entry = (n: number) =>
    offsets.has(n)
      ? `${String(offsets.get(n)).padStart(10, '0')} 00000 n \n`
      : '0000000000 65535 f \n';
  // Object 6 has no table entry at all: PDF 1.4 readers never see it, and poppler only takes an
  // /XRefStm entry for an object the table left undefined.
  let table = 'xref\n0 6\n0000000000 65535 f \n';
  for (let n = 1; n <= 5; n++) table += entry(n);
  table += '7 2\n' + entry(7) + entry(8);
  push(table);
  push(
    `trailer\n<< /Size 9 /Root 1 0 R /Info 5 0 R /XRefStm ${xrefStmOffset} >>\nstartxref\n${xrefOffset}\n%%EOF\n`,
  );
  return Buffer.concat(parts);
}
