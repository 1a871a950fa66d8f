import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
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

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A transparent RGBA PNG with a coloured ring (stand-in for a signature or seal image). */
export function ringPng(size: number, color: [number, number, number]): Buffer {
  const rows: Buffer[] = [];
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const on = d < c - 1 && d > c * 0.7;
      row.set([...color, on ? 255 : 0], 1 + x * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
