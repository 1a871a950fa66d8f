import { randomBytes } from 'node:crypto';
import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
  StandardFonts,
} from 'pdf-lib';

const CHUNK = 8 * 1024 * 1024;

/**
 * A PDF of about `bytes` bytes whose bulk is incompressible RGB image data (random bytes), so the
 * size is real and not something a compressor would shrink.
 */
export async function generatePdf(bytes: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  let remaining = Math.max(bytes - 4096, 3 * 64);
  let index = 0;
  while (remaining > 0) {
    const size = Math.min(remaining, CHUNK);
    const side = Math.max(1, Math.floor(Math.sqrt(size / 3)));
    const data = randomBytes(side * side * 3);
    remaining -= Math.max(data.length, 3 * 64);
    const image = doc.context.register(
      doc.context.stream(data, {
        Type: 'XObject',
        Subtype: 'Image',
        Width: side,
        Height: side,
        ColorSpace: 'DeviceRGB',
        BitsPerComponent: 8,
      }),
    );
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Trang ${++index} - du lieu anh ngau nhien`, { x: 50, y: 800, size: 12, font });
    const xName = page.node.newXObject('Im', image);
    page.pushOperators(
      pushGraphicsState(),
      concatTransformationMatrix(495, 0, 0, 495, 50, 250),
      drawObject(xName),
      popGraphicsState(),
    );
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
