import { CodedError, type Sentences } from './coded-error.js';

export type SigningErrorCode =
  | 'PDF_MALFORMED'
  | 'PDF_TRUNCATED'
  | 'PDF_ENCRYPTED'
  | 'PDF_AMBIGUOUS'
  | 'PDF_UNSUPPORTED'
  | 'PDF_TOO_COMPLEX'
  | 'PDF_TIMEOUT'
  | 'PAGE_NOT_FOUND'
  | 'PAGE_BOX_INVALID'
  | 'FIELD_EXISTS'
  | 'IMAGE_UNSUPPORTED'
  | 'APPEARANCE_INVALID'
  | 'TEXT_DOES_NOT_FIT'
  | 'CERTIFICATE_INVALID'
  | 'KEY_MISMATCH'
  | 'PLACEHOLDER_TOO_SMALL'
  | 'TIMESTAMP_FAILED'
  | 'SIGNATURE_INVALID'
  | 'DOC_CERTIFIED'
  | 'DOC_SIGNED';

/** What each code means to a person, in Vietnamese and English; the detail says where. */
const MESSAGES: Sentences<SigningErrorCode> = {
  PDF_MALFORMED: { vi: 'Tệp PDF bị hỏng hoặc sai cấu trúc', en: 'The PDF file is malformed' },
  PDF_TRUNCATED: { vi: 'Tệp PDF không đầy đủ (bị cắt cụt)', en: 'The PDF file is truncated' },
  PDF_ENCRYPTED: {
    vi: 'Tệp PDF được mã hoá, không thể ký hoặc kiểm tra',
    en: 'The PDF file is encrypted',
  },
  PDF_AMBIGUOUS: {
    vi: 'Tệp PDF có cấu trúc mơ hồ: các phần mềm đọc PDF có thể hiển thị nội dung khác nhau nên không thể ký. Hãy xuất lại tệp PDF từ phần mềm soạn thảo',
    en: 'The PDF file is ambiguous: PDF readers may show different content, so it cannot be signed. Export the PDF again from the editor',
  },
  PDF_UNSUPPORTED: {
    vi: 'Tệp PDF dùng tính năng chưa được hỗ trợ',
    en: 'The PDF file uses an unsupported feature',
  },
  PDF_TOO_COMPLEX: {
    vi: 'Tệp PDF vượt quá giới hạn xử lý cho phép (quá lớn, quá sâu hoặc lặp vòng)',
    en: 'The PDF file exceeds the processing limits (too large, too deep or cyclic)',
  },
  PDF_TIMEOUT: {
    vi: 'Xử lý tệp PDF quá thời gian cho phép',
    en: 'Processing the PDF file took too long',
  },
  PAGE_NOT_FOUND: { vi: 'Không có trang được chỉ định', en: 'The page does not exist' },
  PAGE_BOX_INVALID: {
    vi: 'Khung trang (MediaBox/CropBox) của tệp PDF không hợp lệ',
    en: 'The page box (MediaBox/CropBox) is invalid',
  },
  FIELD_EXISTS: { vi: 'Trường chữ ký đã tồn tại', en: 'The signature field already exists' },
  IMAGE_UNSUPPORTED: {
    vi: 'Ảnh chữ ký hoặc con dấu không hợp lệ (cần PNG)',
    en: 'The signature or seal image is not supported (PNG needed)',
  },
  APPEARANCE_INVALID: {
    vi: 'Thông số hiển thị chữ ký không hợp lệ',
    en: 'The signature appearance is invalid',
  },
  TEXT_DOES_NOT_FIT: {
    vi: 'Nội dung không vừa khung hiển thị chữ ký',
    en: 'The text does not fit in its rectangle',
  },
  CERTIFICATE_INVALID: { vi: 'Chứng thư số không hợp lệ', en: 'The certificate is invalid' },
  KEY_MISMATCH: {
    vi: 'Khoá bí mật không khớp với chứng thư số',
    en: 'The private key does not belong to the certificate',
  },
  PLACEHOLDER_TOO_SMALL: {
    vi: 'Vùng dành cho chữ ký quá nhỏ',
    en: 'The signature placeholder is too small',
  },
  TIMESTAMP_FAILED: {
    vi: 'Không lấy được dấu thời gian',
    en: 'The timestamp authority failed',
  },
  SIGNATURE_INVALID: { vi: 'Chữ ký số không hợp lệ', en: 'The signature is invalid' },
  DOC_CERTIFIED: {
    vi: 'Văn bản đã được chứng nhận không cho phép thay đổi; không thể ký thêm',
    en: 'The document is certified with no changes allowed; it cannot be signed again',
  },
  DOC_SIGNED: {
    vi: 'Văn bản đã có chữ ký; chỉ chữ ký đầu tiên mới được chứng nhận văn bản',
    en: 'The document is already signed; only the first signature can certify it',
  },
};

/**
 * Typed error of the signing engine; `code` is stable and safe to map to user messages,
 * `message` is the technical detail (English), `vi`/`en` the sentence for a person.
 */
export class SigningError extends CodedError<SigningErrorCode> {
  constructor(code: SigningErrorCode, message: string) {
    super(code, message);
    this.name = 'SigningError';
  }

  protected sentences(): Sentences<SigningErrorCode> {
    return MESSAGES;
  }
}

/** Vietnamese (or English) sentence for a code, for layers that only kept the code. */
export function signingErrorText(code: SigningErrorCode, lang: 'vi' | 'en' = 'vi'): string {
  return MESSAGES[code][lang];
}

/**
 * Anything thrown while reading hostile input becomes a SigningError: a RangeError or
 * TypeError from deep inside a parser is a malformed file, never a crash.
 */
export function asSigningError(e: unknown, code: SigningErrorCode = 'PDF_MALFORMED'): SigningError {
  if (e instanceof SigningError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message))
    return new SigningError('PDF_TOO_COMPLEX', 'nesting too deep');
  const detail = e instanceof Error ? e.message : String(e);
  return new SigningError(code, detail || 'unreadable input');
}
