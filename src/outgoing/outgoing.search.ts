/**
 * What finds an outgoing document in its lists: one folded column (searchText) holding its number
 * and symbol as printed (with and without the leading zero: "5/QĐ-UBND" and "05/QĐ-UBND"), its
 * type's name, subject, summary, signer's title, the authority signed for, its "nơi nhận" and
 * place. Each typed word must be in it (foldedLikeCondition), accents and case aside, as the
 * incoming list reads its own. Outgoing documents are counted in thousands a year, not the
 * incoming flow's tens of thousands, so a LIKE per word over the agency's rows is enough.
 */
import { documentTypeName } from '../documents/document-types.js';
import { foldSearchText } from '../incoming/incoming.search-text.js';

/** The longest search text kept (the column is TEXT; a summary may be long). */
const SEARCH_TEXT_MAX = 20_000;

export interface OutgoingSearchFields {
  documentType: string | null;
  subject: string | null;
  summary: string | null;
  codeNumber: number | null;
  codeNotation: string | null;
  signerTitle: string | null;
  authorityName: string | null;
  recipientsNote: string | null;
  placeName: string | null;
}

/** The folded search text of an outgoing document's fields. */
export function outgoingSearchText(d: OutgoingSearchFields): string {
  const numbers =
    d.codeNumber != null && d.codeNotation
      ? [
          `${d.codeNumber}/${d.codeNotation}`,
          `${String(d.codeNumber).padStart(2, '0')}/${d.codeNotation}`,
        ]
      : [];
  const parts = [
    ...new Set(numbers),
    d.documentType ? documentTypeName(d.documentType, 'vi') : null,
    d.subject,
    d.summary,
    d.signerTitle,
    d.authorityName,
    d.recipientsNote,
    d.placeName,
  ];
  return foldSearchText(parts.filter(Boolean).join('\n')).slice(0, SEARCH_TEXT_MAX);
}

/** The fields the search text is made of: a save that changes none of them leaves it. */
export const OUTGOING_SEARCH_SOURCES: readonly (keyof OutgoingSearchFields)[] = [
  'documentType',
  'subject',
  'summary',
  'codeNumber',
  'codeNotation',
  'signerTitle',
  'authorityName',
  'recipientsNote',
  'placeName',
];
