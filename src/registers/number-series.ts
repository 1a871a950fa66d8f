/**
 * Number series and the number/symbol of an outgoing document (Decree 30/2020 Article 15 and
 * Appendix III; Decree 34/2016 for legal normative documents).
 *
 * One register per agency, kind and year holds several series that number independently from 1:
 * the ordinary one, secret documents, each type of legal normative document, each kind of copy
 * (SY, TrS, SL) and each advisory body that uses the agency's seal.
 */

import { canBeNormative } from '../documents/document-types.js';

export type CopyKind = 'SY' | 'TrS' | 'SL';

export interface SeriesInput {
  /** Appendix III code ('QĐ', 'CV', …). */
  documentType: string;
  /** 0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật. */
  confidentiality?: number;
  /** A legal normative document (văn bản quy phạm pháp luật). */
  normative?: boolean;
  /** A copy (bản sao y, trích sao, sao lục) rather than an original. */
  copy?: CopyKind;
  /** The abbreviation of an advisory body (hội đồng, ban) that uses the agency's seal. */
  advisoryBody?: string;
}

/** A normative series only for a type that can be a legal normative document (document-types.ts). */
function normativeType(documentType: string): string {
  if (!canBeNormative(documentType))
    throw new RangeError(`a ${documentType} cannot be a legal normative document`);
  return documentType;
}

/** The series a document is numbered in; '' is the agency's ordinary series. */
export function numberSeries(input: SeriesInput): string {
  if (input.copy) return `copy:${input.copy}`;
  if (input.normative) return `normative:${normativeType(input.documentType)}`;
  if ((input.confidentiality ?? 0) > 0) return 'secret';
  if (input.advisoryBody) return `body:${input.advisoryBody}`;
  return '';
}

const COPY_NAMES: Record<CopyKind, string> = {
  SY: 'bản sao y',
  TrS: 'bản trích sao',
  SL: 'bản sao lục',
};

/** A register name's suffix for a series, e.g. "văn bản mật", "quy phạm pháp luật QĐ". */
export function seriesLabel(series: string): string {
  if (series === '') return '';
  if (series === 'secret') return 'văn bản mật';
  const [kind, value = ''] = series.split(':', 2);
  if (kind === 'normative') return `văn bản quy phạm pháp luật ${value}`;
  if (kind === 'copy') return COPY_NAMES[value as CopyKind] ?? value;
  if (kind === 'body') return value;
  return series;
}

export interface SymbolInput {
  documentType: string;
  /** The agency's abbreviation, e.g. 'UBND'. */
  agencyAbbr: string;
  /** The drafting unit's abbreviation, for công văn (e.g. 'VX'). */
  unitAbbr?: string;
  normative?: boolean;
  year?: number;
}

const JOIN_PART = /^[\p{L}\p{N}.]+$/u;

function part(value: string, what: string): string {
  const trimmed = value.trim();
  if (!JOIN_PART.test(trimmed)) throw new RangeError(`${what} "${value}" is not an abbreviation`);
  return trimmed;
}

/**
 * The symbol (ký hiệu) after the number: 'QĐ-UBND' for a typed document, 'UBND-VX' for a công
 * văn (agency, then the drafting unit), with the year first for a legal normative document
 * ('2026/QĐ-UBND'). Parts are joined by '-' without spaces.
 */
export function formatCodeNotation(input: SymbolInput): string {
  const agency = part(input.agencyAbbr, 'agency abbreviation');
  const notation =
    input.documentType === 'CV'
      ? [agency, input.unitAbbr ? part(input.unitAbbr, 'unit abbreviation') : undefined]
          .filter(Boolean)
          .join('-')
      : `${part(input.documentType, 'document type')}-${agency}`;
  if (!input.normative) return notation;
  normativeType(input.documentType);
  if (!input.year) throw new RangeError('a legal normative document needs the year in its symbol');
  return `${input.year}/${notation}`;
}

/** The number as written: zero-padded below 10 ('05'), as Decree 30 prints it. */
export const formatCodeNumber = (n: number): string => {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`number ${n} is not a document number`);
  return n < 10 ? `0${n}` : String(n);
};

/** 'Số' line value: '15/QĐ-UBND', '05/UBND-VX', '15/2026/QĐ-UBND'. */
export const formatNumberSymbol = (n: number, input: SymbolInput): string =>
  `${formatCodeNumber(n)}/${formatCodeNotation(input)}`;
