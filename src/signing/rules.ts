/**
 * The rules a signature and a signed document are checked against. Each failure in a report
 * names its rule and says it in Vietnamese and English; `detail` adds the specifics.
 */
const RULES = {
  SIGNATURE_UNREADABLE: {
    vi: 'Không đọc được từ điển chữ ký',
    en: 'The signature dictionary cannot be read',
  },
  BYTE_RANGE_MALFORMED: {
    vi: 'Phạm vi ký (ByteRange) sai định dạng: cần hai đoạn, đoạn đầu từ byte 0, độ dài không âm, không chồng lấn',
    en: 'The ByteRange is malformed: two ranges, the first from byte 0, non-negative, not overlapping',
  },
  BYTE_RANGE_HOLE: {
    vi: 'Khoảng trống của phạm vi ký không đúng bằng chuỗi /Contents của chính từ điển chữ ký',
    en: 'The gap in the ByteRange is not exactly the /Contents string of its own signature dictionary',
  },
  BYTE_RANGE_END: {
    vi: 'Phạm vi ký không kết thúc ở cuối phiên bản chứa chữ ký',
    en: 'The ByteRange does not end at the end of the revision that holds the signature',
  },
  SIGNATURE_DICT_SHARED: {
    vi: 'Từ điển chữ ký được dùng chung bởi nhiều trường chữ ký',
    en: 'The signature dictionary is shared by several signature fields',
  },
  SIGNED_REVISION_UNREADABLE: {
    vi: 'Không đọc được phiên bản được ký',
    en: 'The signed revision cannot be read',
  },
  SIGNED_REVISION_OUTSIDE: {
    vi: 'Phiên bản được ký tham chiếu tới dữ liệu nằm ngoài phạm vi ký',
    en: 'The signed revision refers to bytes outside the signed range',
  },
  DIGEST_MISMATCH: {
    vi: 'Mã băm tài liệu không khớp: nội dung đã ký bị thay đổi',
    en: 'The document digest does not match: the signed bytes were changed',
  },
  CMS_UNREADABLE: { vi: 'Không đọc được khối chữ ký CMS', en: 'The CMS signature cannot be read' },
  CMS_SIGNATURE_INVALID: {
    vi: 'Giá trị chữ ký không hợp lệ với chứng thư của người ký',
    en: 'The signature value is not valid for the signer certificate',
  },
  SIGNER_CERT_MISSING: {
    vi: 'Không tìm thấy chứng thư của người ký trong chữ ký',
    en: 'The signer certificate is not in the signature',
  },
  SIGNER_CERT_MISMATCH: {
    vi: 'Chứng thư kèm theo chữ ký không phải chứng thư mà người ký đã ký cùng (thuộc tính signingCertificate)',
    en: 'The certificate given with the signature is not the one the signer signed with (signingCertificate attribute)',
  },
  CHAIN_UNTRUSTED: {
    vi: 'Chứng thư người ký không dẫn tới chứng thư gốc tin cậy',
    en: 'The signer certificate does not chain to a trusted root',
  },
  CERT_EXPIRED: {
    vi: 'Chứng thư số đã hết hạn tại thời điểm kiểm tra và chữ ký không có dấu thời gian tin cậy chứng minh được ký khi chứng thư còn hiệu lực',
    en: 'A certificate has expired at the time of checking, and no trusted timestamp shows the signature was made while it was valid',
  },
  CERT_NOT_YET_VALID: {
    vi: 'Chứng thư số chưa có hiệu lực tại thời điểm kiểm tra',
    en: 'A certificate is not yet valid at the time of checking',
  },
  CERT_USAGE_INVALID: {
    vi: 'Chứng thư số không được phép dùng để ký văn bản (mục đích sử dụng khoá) hoặc bên cấp không có quyền cấp chứng thư',
    en: 'A certificate is not allowed to sign documents (key usage) or its issuer may not issue certificates',
  },
  WEAK_ALGORITHM: {
    vi: 'Chữ ký hoặc chứng thư dùng thuật toán yếu (SHA-1, MD5, RSA dưới 2048 bit), không đủ tin cậy',
    en: 'The signature or a certificate uses a weak algorithm (SHA-1, MD5, RSA under 2048 bits)',
  },
  CERT_REVOKED: { vi: 'Chứng thư người ký đã bị thu hồi', en: 'The signer certificate is revoked' },
  TIMESTAMP_INVALID: {
    vi: 'Dấu thời gian không hợp lệ',
    en: 'The signature timestamp is not valid',
  },
  TIMESTAMP_UNTRUSTED: {
    vi: 'Đơn vị cấp dấu thời gian không được tin cậy',
    en: 'The timestamp authority is not trusted',
  },
  CERTIFICATION_NOT_FIRST: {
    vi: 'Chữ ký chứng nhận (DocMDP) phải là chữ ký đầu tiên của văn bản',
    en: 'A certification (DocMDP) signature must be the first signature of the document',
  },
  CERTIFICATION_MALFORMED: {
    vi: 'Tham số chứng nhận (DocMDP) không hợp lệ',
    en: 'The certification (DocMDP) parameters are invalid',
  },
  REVISION_NOT_IN_CHAIN: {
    vi: 'Phiên bản được ký không nằm trong chuỗi phiên bản hiện tại của tệp (/Prev bỏ qua nó)',
    en: 'The signed revision is not in the current revision chain (a /Prev skips it)',
  },
  SHADOW_XREF: {
    vi: 'Bảng tham chiếu chéo được cài sẵn trong phần đã ký và kích hoạt sau khi ký',
    en: 'A cross-reference section planted inside the signed bytes is activated after signing',
  },
  SHADOW_OBJECT: {
    vi: 'Một đối tượng có hai bản trong tệp (hai lần trong cùng một luồng đối tượng, hoặc một bản mà bảng tham chiếu chéo không trỏ tới): trình đọc khác có thể hiển thị bản khác với bản đã kiểm tra',
    en: 'An object has two copies in the file (twice in one object stream, or a body the cross-reference does not point to): other readers may show another copy than the one checked',
  },
  XREF_AMBIGUOUS: {
    vi: 'Bảng tham chiếu chéo và luồng tham chiếu chéo đi kèm (/XRefStm) khai báo khác nhau cho cùng một đối tượng: các trình đọc PDF hiển thị khác nhau',
    en: 'A cross-reference table and its /XRefStm stream define the same object differently: PDF readers disagree on what the document holds',
  },
  REFERENCE_AMBIGUOUS: {
    vi: 'Tài liệu tham chiếu tới một đối tượng mà bảng tham chiếu chéo không trỏ đúng tới (không có mục, mục được đánh dấu trống, vị trí lệch hoặc khác số thế hệ): phần mềm đọc PDF dựng lại tệp từ tiêu đề các đối tượng hoặc bỏ qua đối tượng đó, nên hiển thị nội dung khác với nội dung đã kiểm tra',
    en: 'The document refers to an object that the cross-reference does not locate exactly (no entry, a free entry, an offset that misses it, or another generation): PDF readers rebuild the file from its object headers or drop the object, and show other content than the content checked',
  },
  ROOT_CHANGED: {
    vi: 'Danh mục gốc (/Root) của tài liệu bị thay sau khi ký',
    en: 'The document catalog (/Root) was swapped after signing',
  },
  ENCRYPTED_AFTER: {
    vi: 'Tài liệu bị mã hoá sau khi ký',
    en: 'Encryption was added after signing',
  },
  MODIFIED_AFTER_SIGNING: {
    vi: 'Tài liệu bị sửa đổi sau khi ký ở phần không được chữ ký nào bảo vệ',
    en: 'The document was modified after signing in a part no signature covers',
  },
  DOCMDP_VIOLATED: {
    vi: 'Thay đổi sau khi ký vi phạm mức cho phép của chữ ký chứng nhận (DocMDP)',
    en: 'A change after signing breaks the certification (DocMDP) permissions',
  },
  UNSIGNED_TRAILING_BYTES: {
    vi: 'Có dữ liệu được ghi thêm sau phiên bản cuối cùng của tệp, ngoài mọi chữ ký',
    en: 'Bytes were appended after the last revision of the file, outside every signature',
  },
  NO_SIGNER: {
    vi: 'Tài liệu chỉ có dấu thời gian, không có chữ ký của người ký nào',
    en: 'The document carries only timestamps, no signer’s signature',
  },
  CHANGES_UNREADABLE: {
    vi: 'Không phân tích được các phiên bản sau khi ký',
    en: 'The later revisions cannot be analysed',
  },
} as const;

export type RuleId = keyof typeof RULES;

export interface Finding {
  rule: RuleId;
  vi: string;
  en: string;
  detail?: string;
}

export function finding(rule: RuleId, detail?: string): Finding {
  const { vi, en } = RULES[rule];
  return detail ? { rule, vi, en, detail } : { rule, vi, en };
}
