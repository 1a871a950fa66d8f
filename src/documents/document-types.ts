/**
 * Document types and abbreviations of Decree 30/2020 Appendix III, the types an agency issues.
 * `normative` marks the types that may be a legal normative document (Law on promulgation of
 * legal documents, Art. 4): a council's Nghị quyết and a people's committee's (or a minister's,
 * the Prime Minister's) Quyết định. The others are administrative documents and never are; Chỉ
 * thị has not been one since the 2015 Law.
 * `code` is the stored key; for every type but Công văn it is the Appendix III abbreviation.
 * Công văn has no abbreviation: its symbol is the agency's abbreviation and the drafting unit's
 * ("12/UBND-VX"), so its key 'CV' is never printed as one.
 */
export const DOCUMENT_TYPES = [
  { code: 'CV', vi: 'Công văn', en: 'Official letter' },
  { code: 'NQ', vi: 'Nghị quyết', en: 'Resolution', normative: true },
  { code: 'QĐ', vi: 'Quyết định', en: 'Decision', normative: true },
  { code: 'CT', vi: 'Chỉ thị', en: 'Directive' },
  { code: 'QC', vi: 'Quy chế', en: 'Regulation' },
  { code: 'QyĐ', vi: 'Quy định', en: 'Rule' },
  { code: 'TC', vi: 'Thông cáo', en: 'Communiqué' },
  { code: 'TB', vi: 'Thông báo', en: 'Notice' },
  { code: 'HD', vi: 'Hướng dẫn', en: 'Guidance' },
  { code: 'CTr', vi: 'Chương trình', en: 'Programme' },
  { code: 'KH', vi: 'Kế hoạch', en: 'Plan' },
  { code: 'PA', vi: 'Phương án', en: 'Option paper' },
  { code: 'ĐA', vi: 'Đề án', en: 'Scheme' },
  { code: 'DA', vi: 'Dự án', en: 'Project' },
  { code: 'BC', vi: 'Báo cáo', en: 'Report' },
  { code: 'BB', vi: 'Biên bản', en: 'Minutes' },
  { code: 'TTr', vi: 'Tờ trình', en: 'Submission' },
  { code: 'HĐ', vi: 'Hợp đồng', en: 'Contract' },
  { code: 'CĐ', vi: 'Công điện', en: 'Official telegram' },
  { code: 'BGN', vi: 'Bản ghi nhớ', en: 'Memorandum of understanding' },
  { code: 'BTT', vi: 'Bản thỏa thuận', en: 'Agreement' },
  { code: 'GUQ', vi: 'Giấy ủy quyền', en: 'Power of attorney' },
  { code: 'GM', vi: 'Giấy mời', en: 'Invitation' },
  { code: 'GGT', vi: 'Giấy giới thiệu', en: 'Letter of introduction' },
  { code: 'GNP', vi: 'Giấy nghỉ phép', en: 'Leave permit' },
  { code: 'PG', vi: 'Phiếu gửi', en: 'Dispatch slip' },
  { code: 'PC', vi: 'Phiếu chuyển', en: 'Transfer slip' },
  { code: 'PB', vi: 'Phiếu báo', en: 'Notification slip' },
] as const;

export type DocumentTypeCode = (typeof DOCUMENT_TYPES)[number]['code'];

export const DOCUMENT_TYPE_CODES = DOCUMENT_TYPES.map((d) => d.code) as [
  DocumentTypeCode,
  ...DocumentTypeCode[],
];

/**
 * Legal normative documents of the Law on promulgation of legal documents that Appendix III does
 * not list (Nghị quyết, Quyết định and Chỉ thị are above). An agency receives them; it does not
 * issue them. `abbreviation` is the one their symbol carries ('NĐ' in "15/2026/NĐ-CP", 'L' in
 * "04/2026/L-CTN"); Hiến pháp, Bộ luật, Luật and Pháp lệnh carry none (their symbol names the
 * issuing body: "45/2019/QH14", "02/2022/UBTVQH15"), so their keys are words, not abbreviations.
 */
export const LEGAL_DOCUMENT_TYPES = [
  { code: 'HIENPHAP', vi: 'Hiến pháp', en: 'Constitution', abbreviation: null },
  { code: 'BOLUAT', vi: 'Bộ luật', en: 'Code', abbreviation: null },
  { code: 'LUAT', vi: 'Luật', en: 'Law', abbreviation: null },
  { code: 'PHAPLENH', vi: 'Pháp lệnh', en: 'Ordinance', abbreviation: null },
  { code: 'L', vi: 'Lệnh', en: 'Order', abbreviation: 'L' },
  { code: 'NĐ', vi: 'Nghị định', en: 'Decree', abbreviation: 'NĐ' },
  { code: 'TT', vi: 'Thông tư', en: 'Circular', abbreviation: 'TT' },
  { code: 'TTLT', vi: 'Thông tư liên tịch', en: 'Joint circular', abbreviation: 'TTLT' },
  { code: 'NQLT', vi: 'Nghị quyết liên tịch', en: 'Joint resolution', abbreviation: 'NQLT' },
] as const;

const NORMATIVE_CODES = new Set<string>([
  ...DOCUMENT_TYPES.filter((d) => 'normative' in d && d.normative).map((d) => d.code),
  ...LEGAL_DOCUMENT_TYPES.map((d) => d.code),
]);

/** Whether a document of this type may be a legal normative document (its own number series). */
export const canBeNormative = (code: string): boolean =>
  NORMATIVE_CODES.has(code) || NORMATIVE_CODES.has(code.normalize('NFC'));

/** Every type a received document may have: Appendix III, then the legal normative ones. */
export const RECEIVED_DOCUMENT_TYPES = [
  ...DOCUMENT_TYPES.map(({ code, vi, en }) => ({
    code,
    vi,
    en,
    abbreviation: code === 'CV' ? null : code,
  })),
  ...LEGAL_DOCUMENT_TYPES,
] as readonly { code: string; vi: string; en: string; abbreviation: string | null }[];

export const RECEIVED_DOCUMENT_TYPE_CODES = RECEIVED_DOCUMENT_TYPES.map((d) => d.code) as [
  string,
  ...string[],
];

// By code as written and in NFC: every list row names its type (a scan normalising each code
// for each row showed in the list page's profile).
const TYPES_BY_CODE = new Map<string, (typeof RECEIVED_DOCUMENT_TYPES)[number]>();
for (const d of RECEIVED_DOCUMENT_TYPES)
  for (const key of [d.code, d.code.normalize('NFC')])
    if (!TYPES_BY_CODE.has(key)) TYPES_BY_CODE.set(key, d);
const findType = (code: string) =>
  TYPES_BY_CODE.get(code) ?? TYPES_BY_CODE.get(code.normalize('NFC'));

/** The type's name in a language (Vietnamese by default); the code itself when unknown. */
export function documentTypeName(code: string, lng: string = 'vi'): string {
  const type = findType(code);
  if (!type) return code;
  return lng === 'en' ? type.en : type.vi;
}

/** The abbreviation a type's symbol carries (null for Công văn, Luật…), as Appendix III writes it. */
export function documentTypeAbbreviation(code: string): string | null {
  return findType(code)?.abbreviation ?? null;
}

/** A select option's label: "Quyết định (QĐ)", and just "Công văn" for a type with none. */
export function documentTypeLabel(code: string, lng: string = 'vi'): string {
  const abbreviation = documentTypeAbbreviation(code);
  const name = documentTypeName(code, lng);
  return abbreviation ? `${name} (${abbreviation})` : name;
}
