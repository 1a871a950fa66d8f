import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';

const require = createRequire(import.meta.url);
let fontBytes: Buffer | null = null;

export interface SamplePdfText {
  /** The sending agency, printed top left. */
  issuer: string;
  /** Số/Ký hiệu, e.g. "123/QĐ-UBND". */
  notation: string;
  /** Document type name, printed as the title (e.g. "QUYẾT ĐỊNH"). */
  title: string;
  subject: string;
  signer?: string;
  pages?: number;
}

/** A small A4 PDF laid out like an administrative document, with Vietnamese text (DejaVu Sans). */
export async function samplePdf(text: SamplePdfText): Promise<Buffer> {
  fontBytes ??= readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(fontBytes, { subset: true });
  pdf.setTitle(`${text.notation} ${text.subject}`.slice(0, 200));
  pdf.setProducer('eOffice demo');
  const pages = Math.max(1, text.pages ?? 1);
  for (let n = 1; n <= pages; n += 1) {
    const page = pdf.addPage([595.28, 841.89]);
    const draw = (s: string, x: number, y: number, size = 12) =>
      page.drawText(s, {
        x,
        y,
        size,
        font,
        color: rgb(0.1, 0.1, 0.1),
        maxWidth: 480,
        lineHeight: size * 1.4,
      });
    if (n === 1) {
      draw(text.issuer.toUpperCase(), 60, 780, 11);
      draw(`Số: ${text.notation}`, 60, 760, 11);
      draw('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 300, 780, 11);
      draw('Độc lập - Tự do - Hạnh phúc', 340, 762, 11);
      draw(text.title.toUpperCase(), 230, 700, 15);
      draw(text.subject, 60, 670, 12);
      draw(
        'Căn cứ các quy định hiện hành; xét đề nghị của các cơ quan, đơn vị liên quan.',
        60,
        610,
        12,
      );
      if (text.signer) draw(text.signer, 380, 480, 12);
    } else {
      draw(`Trang ${n}/${pages} — ${text.notation}`, 60, 780, 11);
    }
  }
  return Buffer.from(await pdf.save());
}
