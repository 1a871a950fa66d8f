import { PDFDocument, PDFName, PDFString, StandardFonts, rgb } from 'pdf-lib';

export const FIXED_NOW = new Date('2026-11-21T02:30:00Z');

export interface FixtureOptions {
  pages?: number;
  useObjectStreams?: boolean;
  withForm?: boolean;
  withAnnotation?: boolean;
}

/** A small official-looking document made with pdf-lib. */
export async function makePdf(opts: FixtureOptions = {}): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setCreationDate(FIXED_NOW);
  doc.setModificationDate(FIXED_NOW);
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let i = 0; i < (opts.pages ?? 2); i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`QUYET DINH - trang ${i + 1}`, {
      x: 72,
      y: 760,
      size: 14,
      font,
      color: rgb(0, 0, 0),
    });
  }
  if (opts.withForm) {
    const form = doc.getForm();
    const tf = form.createTextField('ghi_chu');
    tf.setText('Noi dung');
    tf.addToPage(doc.getPage(0), { x: 72, y: 600, width: 200, height: 24 });
  }
  if (opts.withAnnotation) {
    const page = doc.getPage(0);
    const annot = doc.context.obj({
      Type: 'Annot',
      Subtype: 'Text',
      Rect: [300, 700, 320, 720],
      Contents: PDFString.of('Ghi chu'),
      F: 4,
    });
    const ref = doc.context.register(annot);
    const existing = page.node.lookup(PDFName.of('Annots'));
    if (existing) (existing as any).push(ref);
    else page.node.set(PDFName.of('Annots'), doc.context.obj([ref]));
  }
  const bytes = await doc.save({ useObjectStreams: opts.useObjectStreams ?? false });
  return Buffer.from(bytes);
}

/**
 * A hybrid-reference file: a classic xref table whose trailer points (/XRefStm) at the
 * xref stream that locates the objects living in object streams.
 */
export async function makeHybridPdf(): Promise<Buffer> {
  const text = (await makePdf({ useObjectStreams: true })).toString('latin1');
  const sx = text.lastIndexOf('startxref');
  const xrefStm = parseInt(/startxref\s+(\d+)/.exec(text.slice(sx))![1]!, 10);
  const root = /\/Root (\d+ \d+ R)/.exec(text.slice(xrefStm))![1];
  const size = /\/Size (\d+)/.exec(text.slice(xrefStm))![1];
  const head = text.slice(0, sx);
  const table =
    `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size ${size} /Root ${root} /XRefStm ${xrefStm} >>\n` +
    `startxref\n${head.length}\n%%EOF\n`;
  return Buffer.from(head + table, 'latin1');
}
