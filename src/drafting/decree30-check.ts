/*
 * The "Decree 30 check" of a draft: layout elements of Decree 30/2020/NĐ-CP Appendix I that can be
 * told from the draft's text alone. Its findings are advice the drafter may dismiss (a rule id is
 * stable, so a dismissal can be kept), never a refusal: the text of a PDF is an approximation of
 * its layout, and only a person sees the page.
 */

export const DECREE30_RULES = [
  'no-text',
  'national-heading',
  'number-symbol',
  'place-date',
  'excerpt',
  'signer',
  'recipients',
] as const;

export type Decree30Rule = (typeof DECREE30_RULES)[number];

export interface Decree30Finding {
  rule: Decree30Rule;
  vi: string;
  en: string;
  severity: 'advice';
}

export interface Decree30Options {
  /** Appendix III code (src/incoming/document-types.ts); 'CV' (công văn) needs a V/v excerpt. */
  documentType: string;
}

/**
 * Lists the layout elements missing from a draft's text (as extractPdfText gives it: lines, with
 * columns of one line split by tabs). Tolerant of NFC/NFD, of old and new tone-mark placement
 * (Hòa/Hoà), of letter case and of spacing; placeholders of a draft not yet numbered or dated
 * ("Số:      /QĐ-UBND", "ngày ... tháng ... năm 2026") count as present.
 */
export function checkDecree30(text: string, { documentType }: Decree30Options): Decree30Finding[] {
  const nfc = text.normalize('NFC');
  const lines = nfc.split(/\r?\n|\f/).map((l) => l.replace(/\u00a0/g, ' ').trim());
  const folded = lines.map(fold);
  const all = folded.join(' ').replace(/\s+/g, ' ');
  if (!/\p{L}/u.test(all)) return [finding('no-text')];

  const found: Decree30Finding[] = [];
  const hasName = /cong ?hoa xa hoi chu nghia viet nam/i.test(all);
  const hasMotto = /doc ?lap ?- ?tu ?do ?- ?hanh ?phuc/i.test(all);
  if (!hasName || !hasMotto)
    found.push(
      finding('national-heading', !hasName && !hasMotto ? 'both' : hasName ? 'motto' : 'name'),
    );
  if (!folded.some((l) => NUMBER_SYMBOL.test(l))) found.push(finding('number-symbol'));
  if (!folded.some((l) => PLACE_DATE.test(l))) found.push(finding('place-date'));
  if (isCongVan(documentType) && !folded.some((l) => EXCERPT.test(l)))
    found.push(finding('excerpt'));
  const signer = signerBlock(lines);
  if (signer !== 'complete') found.push(finding('signer', signer));
  if (!/\bnoi nhan ?:/i.test(all)) found.push(finding('recipients'));
  return found;
}

// "Số: 15/QĐ-UBND", "Số: 15/2026/QĐ-UBND", "Số: 12/UBND-VP"; unnumbered: "Số:    /QĐ-UBND",
// "Số: .../QĐ-UBND". The symbol must hold a letter: "số 30/2020" in a citation has no colon anyway.
const NUMBER_SYMBOL =
  /\bSo ?: ?(?:\d+|[.…_ ]*) ?\/ ?(?:\d{4} ?\/ ?)?(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?: ?- ?[A-Z0-9]+)*/i;
// "Hà Nội, ngày 02 tháng 11 năm 2026", placeholders "ngày    tháng    năm 2026", "ngày ... tháng ...".
// The comma after a place tells it from "… ngày 19 tháng 6 năm 2015" in a legal basis.
const PLACE_DATE =
  /\p{L}\.? ?, ?ngay(?!\p{L})[ \d.…_]*(?<!\p{L})thang(?!\p{L})[ \d.…_]*(?<!\p{L})nam(?!\p{L})/iu;
const EXCERPT = /\bV ?\/ ?v\b ?[:.]? ?\p{L}/iu;

const PREFIX = /^(?:TM|KT|Q|TL|TUQ) ?\. ?\p{L}/iu;
const TITLES = [
  'chu tich',
  'giam doc',
  'tong giam doc',
  'bo truong',
  'thu truong',
  'chanh van phong',
  'truong phong',
  'truong ban',
  'tong cuc truong',
  'cuc truong',
  'vu truong',
  'chanh thanh tra',
  'hieu truong',
  'vien truong',
  'chanh an',
  'chu nhiem',
  'bi thu',
  'thu tuong',
];
const TITLE = new RegExp(`^(?:pho )?(?:${TITLES.join('|')})\\b`, 'i');
// Two to six capitalised words and nothing else: "Trần Văn Hùng", "Nguyễn Thị Minh Khai".
const NAME = /^\p{Lu}\p{Ll}*(?: \p{Lu}\p{Ll}*){1,5}$/u;

/** Is there a signer block: an authority prefix or a leader's title, then a name below it? */
function signerBlock(lines: string[]): 'complete' | 'no-authority' | 'no-name' {
  const segments = lines.map((l) => l.split(/\t| {3,}/).map((s) => s.trim()));
  let anchor = false;
  for (let i = 0; i < segments.length; i += 1) {
    if (!segments[i].some(isAuthority)) continue;
    anchor = true;
    for (let j = i + 1; j < Math.min(segments.length, i + 10); j += 1)
      if (segments[j].some((s) => NAME.test(s) && s !== s.toUpperCase())) return 'complete';
  }
  return anchor ? 'no-name' : 'no-authority';
}

function isAuthority(segment: string): boolean {
  const f = fold(segment);
  if (PREFIX.test(f)) return true;
  // A title alone on its line, in capitals as Appendix I writes it (not "Chủ tịch UBND huyện…"
  // beginning a sentence of the body).
  return TITLE.test(f) && f.split(' ').length <= 8 && segment === segment.toUpperCase();
}

const isCongVan = (code: string) => code.normalize('NFC').trim().toUpperCase() === 'CV';

/** Letters without tone or vowel marks (đ → d), dashes as "-", spaces single; case kept. */
function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

type Variant = 'both' | 'name' | 'motto' | 'no-authority' | 'no-name';

const MESSAGES: Record<Decree30Rule, (v?: Variant) => { vi: string; en: string }> = {
  'no-text': () => ({
    vi: 'Không đọc được chữ trong tệp (có thể là bản chụp, bản quét): không kiểm tra được thể thức.',
    en: 'No text could be read from the file (a scan?): its layout cannot be checked.',
  }),
  'national-heading': (v) => ({
    vi:
      v === 'name'
        ? 'Thiếu Quốc hiệu "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".'
        : v === 'motto'
          ? 'Thiếu Tiêu ngữ "Độc lập - Tự do - Hạnh phúc".'
          : 'Thiếu Quốc hiệu và Tiêu ngữ ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc").',
    en:
      v === 'name'
        ? 'The national name "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" is missing.'
        : v === 'motto'
          ? 'The motto "Độc lập - Tự do - Hạnh phúc" is missing.'
          : 'The national heading (national name and motto) is missing.',
  }),
  'number-symbol': () => ({
    vi: 'Thiếu dòng số, ký hiệu văn bản (ví dụ "Số: 15/QĐ-UBND", hoặc để trống số: "Số:    /QĐ-UBND").',
    en: 'The number and symbol line is missing (e.g. "Số: 15/QĐ-UBND", or "Số:    /QĐ-UBND" unnumbered).',
  }),
  'place-date': () => ({
    vi: 'Thiếu địa danh và thời gian ban hành (ví dụ "Hà Nội, ngày 02 tháng 11 năm 2026").',
    en: 'The place and date line is missing (e.g. "Hà Nội, ngày 02 tháng 11 năm 2026").',
  }),
  excerpt: () => ({
    vi: 'Công văn thiếu trích yếu nội dung sau chữ "V/v" dưới số, ký hiệu.',
    en: 'The official letter lacks its excerpt after "V/v" below the number and symbol.',
  }),
  signer: (v) => ({
    vi:
      v === 'no-name'
        ? 'Phần chữ ký thiếu họ và tên người ký dưới chức vụ.'
        : 'Thiếu quyền hạn, chức vụ của người ký (TM., KT., Q., TL., TUQ. hoặc chức vụ như CHỦ TỊCH) và họ tên người ký.',
    en:
      v === 'no-name'
        ? "The signer block lacks the signer's full name below the title."
        : "The signer block is missing (authority TM., KT., Q., TL., TUQ. or a title such as CHỦ TỊCH, then the signer's name).",
  }),
  recipients: () => ({
    vi: 'Thiếu phần "Nơi nhận:".',
    en: 'The recipients list ("Nơi nhận:") is missing.',
  }),
};

function finding(rule: Decree30Rule, variant?: Variant): Decree30Finding {
  return { rule, ...MESSAGES[rule](variant), severity: 'advice' };
}

/** The signer block's tests, for finding where the signature goes (placement-scan.ts). */
export { fold as foldVietnamese, isAuthority as isSignerAuthority, NAME as SIGNER_NAME };
