/**
 * The minutes' PDF (biên bản, Decree 30 Appendix I form): the agency and the national heading,
 * "BIÊN BẢN" and the meeting, the text the secretary wrote, and the signature blocks of the
 * secretary (left) and the chair (right), whose gaps the two signatures fill.
 */
import type { MinutesSignaturePlaces } from './meeting-minutes.model.js';
import { DecreeDocument, placeDateText } from './meeting-pdf.js';
import type { MinutesRecord } from './minutes-record.js';

export interface RenderedMinutes {
  bytes: Buffer;
  places: MinutesSignaturePlaces;
  pageCount: number;
}

/** The place printed before the date: the agency's address's last part, else its name. */
export function placeOf(address: string | null | undefined, fallback: string): string {
  const last = address?.split(',').at(-1)?.trim();
  return last || fallback;
}

export async function renderMinutesPdf(
  record: MinutesRecord,
  body: string,
  agency: { abbreviation: string; place: string },
): Promise<RenderedMinutes> {
  const { meeting } = record;
  const doc = await DecreeDocument.create(`Biên bản: ${meeting.title}`);
  doc.header({
    parentAgency: record.parentAgencyName,
    agency: record.agencyName,
    numberLine: `Số:        /BB-${agency.abbreviation}`,
    placeDate: placeDateText(agency.place, meeting.openedAt ?? meeting.startsAt),
  });
  doc.title('BIÊN BẢN', meeting.title);
  doc.text(body);
  const gaps = doc.signatures(
    { title: ['THƯ KÝ'], name: record.secretary?.fullName ?? '' },
    { title: ['CHỦ TỌA'], name: record.chair?.fullName ?? '' },
  );
  return {
    bytes: await doc.save(),
    places: { secretary: gaps.left!, chair: gaps.right },
    pageCount: doc.pages.length,
  };
}
