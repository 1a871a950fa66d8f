import { formatVietnamTime } from './time.js';
import { CHANGE_LABELS } from './changes/index.js';
import type { Finding } from './rules.js';
import type { SignatureReport, VerificationReport } from './verify.js';

type Lang = 'vi' | 'en';

const T = {
  vi: {
    none: 'Tài liệu không có chữ ký số.',
    allValid: 'Tất cả chữ ký hợp lệ.',
    notAllValid: 'Có chữ ký không hợp lệ.',
    sig: 'Chữ ký',
    valid: 'Chữ ký hợp lệ',
    invalid: 'Chữ ký KHÔNG hợp lệ',
    signer: 'Người ký',
    issuer: 'Cơ quan cấp',
    serial: 'Số hiệu chứng thư',
    time: 'Thời điểm ký (khai báo)',
    tsTime: 'Dấu thời gian',
    range: 'Phạm vi ký',
    coversAll: 'bao trùm toàn bộ tệp',
    coversRev: 'bao trùm đến hết phiên bản',
    notCovers: 'KHÔNG kết thúc ở cuối một phiên bản',
    digest: 'Toàn vẹn nội dung',
    cms: 'Giá trị chữ ký',
    chain: 'Chứng thư tin cậy',
    revocation: 'Tình trạng thu hồi',
    ok: 'đạt',
    fail: 'KHÔNG đạt',
    rev: {
      good: 'chưa bị thu hồi',
      revoked: 'ĐÃ BỊ THU HỒI',
      unknown: 'không xác định (không có CRL)',
    },
    changes: 'Thay đổi sau khi ký',
    noChanges: 'không có',
    permitted: 'được phép',
    flagged: 'KHÔNG được phép',
    problems: 'Vấn đề',
    revision: 'phiên bản',
    by: 'do chữ ký',
    docInvalid: 'Tài liệu KHÔNG hợp lệ',
    modified: 'Tài liệu đã bị sửa đổi sau khi ký',
    certified: 'Văn bản được chứng nhận (DocMDP), mức',
  },
  en: {
    none: 'The document has no digital signatures.',
    allValid: 'All signatures are valid.',
    notAllValid: 'Some signatures are not valid.',
    sig: 'Signature',
    valid: 'Signature is valid',
    invalid: 'Signature is NOT valid',
    signer: 'Signer',
    issuer: 'Issuer',
    serial: 'Certificate serial',
    time: 'Claimed signing time',
    tsTime: 'Timestamp',
    range: 'Byte range',
    coversAll: 'covers the whole file',
    coversRev: 'covers the file up to revision',
    notCovers: 'does NOT end at the end of a revision',
    digest: 'Document integrity',
    cms: 'Signature value',
    chain: 'Trusted certificate chain',
    revocation: 'Revocation',
    ok: 'ok',
    fail: 'FAILED',
    rev: { good: 'not revoked', revoked: 'REVOKED', unknown: 'unknown (no CRL)' },
    changes: 'Changes after signing',
    noChanges: 'none',
    permitted: 'permitted',
    flagged: 'NOT permitted',
    problems: 'Problems',
    revision: 'revision',
    by: 'by signature',
    docInvalid: 'The document is NOT valid',
    modified: 'The document was modified after signing',
    certified: 'Certified document (DocMDP), level',
  },
};

const say = (f: Finding, lng: Lang) => (f.detail ? `${f[lng]} (${f.detail})` : f[lng]);

function formatOne(s: SignatureReport, i: number, t: (typeof T)['vi'], lng: Lang): string[] {
  const yes = (b: boolean) => (b ? t.ok : t.fail);
  const when = s.claimedTime.timestamp ?? s.claimedTime.signingTime ?? s.claimedTime.m;
  const lines = [`${t.sig} ${i + 1} (${s.fieldName}): ${s.valid ? t.valid : t.invalid}`];
  if (s.signer) {
    lines.push(`  ${t.signer}: ${s.signer.commonName ?? s.signer.subject}`);
    lines.push(`  ${t.issuer}: ${s.signer.issuer}`);
    lines.push(`  ${t.serial}: ${s.signer.serialNumber}`);
  }
  if (when) lines.push(`  ${t.time}: ${formatVietnamTime(new Date(when))}`);
  if (s.timestamp)
    lines.push(
      `  ${t.tsTime}: ${formatVietnamTime(new Date(s.timestamp.genTime))} (${s.timestamp.tsa ?? '?'})`,
    );
  const cover = s.coversWholeFile
    ? t.coversAll
    : s.coversWholeFileUpToRevision
      ? `${t.coversRev} ${s.revision}`
      : t.notCovers;
  lines.push(`  ${t.range}: [${s.byteRange.join(' ')}] — ${cover}`);
  lines.push(
    `  ${t.digest}: ${yes(s.digestValid)}; ${t.cms}: ${yes(s.cmsSignatureValid)}; ${t.chain}: ${yes(s.chainTrusted)}`,
  );
  lines.push(`  ${t.revocation}: ${t.rev[s.revocation]}`);
  if (!s.modificationsAfter.length) lines.push(`  ${t.changes}: ${t.noChanges}`);
  else {
    lines.push(`  ${t.changes}:`);
    for (const m of s.modificationsAfter) {
      lines.push(
        `    - ${t.revision} ${m.revision}, obj ${m.objectNumber}: ${CHANGE_LABELS[m.kind][lng]} (${m.permitted ? t.permitted : t.flagged}${m.attributedTo ? `, ${t.by} ${m.attributedTo}` : ''})`,
      );
    }
  }
  if (s.problems.length) {
    lines.push(`  ${t.problems}:`);
    for (const p of s.problems) lines.push(`    - ${say(p, lng)}`);
  }
  return lines;
}

/** Readable text form of a verification report (Vietnamese by default). */
export function formatReport(report: VerificationReport, lng: Lang = 'vi'): string {
  const t = T[lng] ?? T.vi;
  if (!report.signatures.length) return t.none + '\n';
  const allSigsValid = report.signatures.every((s) => s.valid);
  const lines = [allSigsValid ? t.allValid : t.notAllValid];
  if (report.modifiedAfterSigning) lines.push(t.modified);
  if (!report.valid && allSigsValid) lines.push(t.docInvalid);
  if (report.certification) lines.push(`${t.certified} ${report.certification}`);
  for (const p of report.problems) lines.push(`  - ${say(p, lng)}`);
  lines.push('');
  report.signatures.forEach((s, i) => lines.push(...formatOne(s, i, t, lng), ''));
  return lines.join('\n');
}
