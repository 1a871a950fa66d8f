/**
 * Drafts for the issuance bench: Decree 30 layout (national heading, "Số: …/QĐ-UBND" and the
 * place-and-date placeholders the seal fills in, a signer block with its gap), each one distinct
 * (its own subject line), two pages; the large kind adds an incompressible image on page 2 until
 * the file reaches the asked size.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
} from 'pdf-lib';

const require = createRequire(import.meta.url);
const SERIF = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf'));

export async function benchDraft(n: number, targetBytes = 0): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(SERIF, { subset: true });
  const page = doc.addPage([595.28, 841.89]);
  const draw = (
    p: typeof page,
    s: string,
    y: number,
    at: { x?: number; cx?: number },
    size = 13,
  ) => {
    const w = font.widthOfTextAtSize(s, size);
    p.drawText(s, { x: at.x ?? at.cx! - w / 2, y, size, font });
  };
  draw(page, 'ỦY BAN NHÂN DÂN', 790, { cx: 160 }, 12);
  draw(page, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 790, { cx: 420 }, 12);
  draw(page, 'HUYỆN THỬ', 775, { cx: 160 }, 12);
  draw(page, 'Độc lập - Tự do - Hạnh phúc', 775, { cx: 420 });
  draw(page, 'Số:          /QĐ-UBND', 745, { cx: 160 });
  draw(page, 'Hà Nội, ngày      tháng      năm 20   ', 745, { cx: 420 });
  draw(page, 'QUYẾT ĐỊNH', 700, { cx: 297 }, 14);
  draw(page, `Về việc đo thời gian ban hành văn bản số ${n}`, 682, { cx: 297 });
  for (let i = 0; i < 8; i += 1)
    draw(
      page,
      `Điều ${i + 1}. Nội dung điều ${i + 1} của quyết định thử nghiệm số ${n}.`,
      640 - i * 20,
      { x: 85 },
    );
  const last = doc.addPage([595.28, 841.89]);
  for (let i = 0; i < 10; i += 1)
    draw(
      last,
      `Điều ${i + 9}. Nội dung tiếp theo của văn bản số ${n}, dòng ${i + 1}.`,
      780 - i * 20,
      { x: 85 },
    );
  draw(last, 'Nơi nhận:', 480, { x: 85 }, 12);
  draw(last, '- Như Điều 3;', 465, { x: 85 }, 11);
  draw(last, '- Lưu: VT.', 452, { x: 85 }, 11);
  draw(last, 'TM. ỦY BAN NHÂN DÂN', 480, { cx: 420 });
  draw(last, 'CHỦ TỊCH', 463, { cx: 420 });
  draw(last, 'Trần Văn Hùng', 373, { cx: 420 });
  const base = Buffer.from(await doc.save());
  if (targetBytes <= base.length) return base;
  // An uncompressed RGB image of random bytes (incompressible) drawn small on page 2.
  const side = Math.ceil(Math.sqrt((targetBytes - base.length) / 3));
  const stream = doc.context.stream(randomBytes(side * side * 3), {
    Type: 'XObject',
    Subtype: 'Image',
    Width: side,
    Height: side,
    ColorSpace: 'DeviceRGB',
    BitsPerComponent: 8,
  });
  const ref = doc.context.register(stream);
  const name = last.node.newXObject('Noise', ref);
  last.pushOperators(
    pushGraphicsState(),
    concatTransformationMatrix(80, 0, 0, 60, 85, 250),
    drawObject(name),
    popGraphicsState(),
  );
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
