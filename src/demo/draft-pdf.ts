/**
 * The demo's outgoing drafts as a drafter uploads them (Decree 30/2020 Appendix I): the agency
 * beside the national heading, "Số:        /QĐ-UBND" and the place-and-date line left blank for
 * issuance, the title and excerpt (or a công văn's "V/v" and "Kính gửi"), the text, "Nơi nhận"
 * beside the signer's block with its gap, so that signing and issuance find their places.
 */
import { DecreeDocument, placeDateText } from '../meetings/meeting-pdf.js';

export interface DraftText {
  agency: string;
  /** The symbol after the number, e.g. "QĐ-UBND" or "UBND-TCKH". */
  notation: string;
  place: string;
  /** The document's name in capitals ("QUYẾT ĐỊNH"); none for a công văn. */
  title?: string;
  subject: string;
  /** Kính gửi (a công văn's addressees). */
  addressees?: string[];
  body: string[];
  /** The signer's block: ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], then the name. */
  signerTitle: string[];
  signerName: string;
  recipients: string[];
}

export async function draftPdf(text: DraftText): Promise<Buffer> {
  const doc = await DecreeDocument.create(`${text.title ?? 'Công văn'}: ${text.subject}`);
  doc.header({
    parentAgency: null,
    agency: text.agency,
    numberLine: `Số:        /${text.notation}`,
    placeDate: placeDateText(text.place, null),
  });
  if (text.title) {
    doc.title(text.title, text.subject);
  } else {
    doc.text(text.subject);
    doc.text('');
    doc.text(`Kính gửi: ${(text.addressees ?? []).join('; ')}.`);
    doc.text('');
  }
  doc.text(text.body.join('\n'));
  doc.signatures(null, { title: text.signerTitle, name: text.signerName }, [
    'Nơi nhận:',
    ...text.recipients.map((r) => `- ${r};`),
    '- Lưu: VT.',
  ]);
  return doc.save();
}
