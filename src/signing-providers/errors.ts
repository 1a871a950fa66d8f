import { CodedError, type Sentences } from '../signing/coded-error.js';

export type ProviderErrorCode =
  | 'PIN_REQUIRED'
  | 'WRONG_PIN'
  | 'KEY_INVALID'
  | 'ALGORITHM_UNSUPPORTED'
  | 'PROVIDER_UNAVAILABLE'
  | 'REMOTE_UNAUTHORIZED'
  | 'REMOTE_REFUSED'
  | 'REMOTE_EXPIRED'
  | 'REMOTE_TIMEOUT'
  | 'REMOTE_ERROR'
  | 'CREDENTIAL_NOT_FOUND'
  | 'ABORTED'
  | 'SIGNATURE_MISMATCH'
  | 'SESSION_INVALID'
  | 'SESSION_EXPIRED';

const MESSAGES: Sentences<ProviderErrorCode> = {
  PIN_REQUIRED: { vi: 'Cần nhập mã PIN ký số', en: 'The signing PIN is required' },
  WRONG_PIN: { vi: 'Mã PIN ký số không đúng', en: 'The signing PIN is wrong' },
  KEY_INVALID: {
    vi: 'Khóa ký số không đọc được hoặc không khớp với chứng thư số',
    en: 'The signing key is unreadable or does not belong to the certificate',
  },
  ALGORITHM_UNSUPPORTED: {
    vi: 'Thuật toán ký số không được hỗ trợ',
    en: 'The signature algorithm is not supported',
  },
  PROVIDER_UNAVAILABLE: {
    vi: 'Dịch vụ ký số không truy cập được, vui lòng thử lại sau',
    en: 'The signing service is unavailable; try again later',
  },
  REMOTE_UNAUTHORIZED: {
    vi: 'Dịch vụ ký số từ xa từ chối thông tin xác thực của hệ thống',
    en: 'The remote signing service refused the client credentials',
  },
  REMOTE_REFUSED: {
    vi: 'Người ký đã từ chối yêu cầu ký số',
    en: 'The signer refused the signing request',
  },
  REMOTE_EXPIRED: {
    vi: 'Phiên cho phép ký số đã hết hạn, vui lòng ký lại',
    en: 'The signing authorization has expired; sign again',
  },
  REMOTE_TIMEOUT: {
    vi: 'Hết thời gian chờ xác nhận ký số',
    en: 'The signing request timed out',
  },
  REMOTE_ERROR: {
    vi: 'Dịch vụ ký số từ xa trả về lỗi',
    en: 'The remote signing service returned an error',
  },
  CREDENTIAL_NOT_FOUND: {
    vi: 'Không tìm thấy chứng thư số của người ký trên dịch vụ ký số',
    en: "The signer's credential was not found on the signing service",
  },
  ABORTED: { vi: 'Yêu cầu ký số đã bị hủy', en: 'The signing request was cancelled' },
  SIGNATURE_MISMATCH: {
    vi: 'Chữ ký trả về không khớp với văn bản hoặc chứng thư số',
    en: 'The returned signature does not match the document or the certificate',
  },
  SESSION_INVALID: {
    vi: 'Phiên ký số không hợp lệ',
    en: 'The signing session is invalid',
  },
  SESSION_EXPIRED: {
    vi: 'Phiên ký số đã hết hạn, vui lòng ký lại',
    en: 'The signing session has expired; sign again',
  },
};

/**
 * Typed error of the signature providers: `code` is stable (a caller counts WRONG_PIN like a
 * failed password), `message` is the technical detail, `vi`/`en` the sentence for a person.
 */
export class ProviderError extends CodedError<ProviderErrorCode> {
  constructor(code: ProviderErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ProviderError';
  }

  protected sentences(): Sentences<ProviderErrorCode> {
    return MESSAGES;
  }
}

/** Vietnamese (or English) sentence for a code, for layers that only kept the code. */
export function providerErrorText(code: ProviderErrorCode, lang: 'vi' | 'en' = 'vi'): string {
  return MESSAGES[code][lang];
}
