/** Document types and abbreviations of Decree 30/2020 Appendix III; Công văn (CV) has none. */
export const DOCUMENT_TYPES = [
  { code: 'CV', vi: 'Công văn', en: 'Official letter' },
  { code: 'NQ', vi: 'Nghị quyết', en: 'Resolution' },
  { code: 'QĐ', vi: 'Quyết định', en: 'Decision' },
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

/** The type's name in a language (Vietnamese by default); the code itself when unknown. */
export function documentTypeName(code: string, lng: string = 'vi'): string {
  const type = DOCUMENT_TYPES.find(
    (d) => d.code === code || d.code.normalize('NFC') === code.normalize('NFC'),
  );
  if (!type) return code;
  return lng === 'en' ? type.en : type.vi;
}
