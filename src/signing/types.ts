import type { KeyObject } from 'node:crypto';

export type Rect = [x: number, y: number, w: number, h: number];

export interface SignerKey {
  privateKey: KeyObject;
  /** DER certificate of the signer. */
  certificate: Buffer;
  /** DER certificates of the chain, issuer first. */
  chain?: Buffer[];
}

/** Font size of the stamps' text (Decree 30 Appendix I: 13–14 pt); default 13. */
export type StampFontSize = 13 | 14;

/**
 * The signer's block (Decree 30 Appendix I): authority prefix and title in bold capitals,
 * the signature image, the full name in bold, at a fixed 13 or 14 pt. Text that does not fit
 * the rect is refused (TEXT_DOES_NOT_FIT), never shrunk.
 */
export interface LeaderAppearance {
  kind: 'leader';
  /** 1-based page number. */
  page: number;
  /** [x, y, width, height] in the page's user space (points). */
  rect: Rect;
  /** PNG signature image (blue, transparent). */
  image?: Buffer;
  /** Position title, e.g. "Phó Chủ tịch"; printed in capitals ("PHÓ CHỦ TỊCH"). */
  title: string;
  /** Full name, printed as given ("Nguyễn Thị Hằng"). */
  name: string;
  /** e.g. "KT. CHỦ TỊCH" (one line per "\n"); printed in capitals above the title. */
  authorityPrefix?: string;
  fontSize?: StampFontSize;
  imageOnly?: false;
}

/** Image-only leader block, for drafts that already carry the printed title and name. */
export interface LeaderImageOnlyAppearance {
  kind: 'leader';
  page: number;
  rect: Rect;
  /** The signature image, fitted in the rect (aspect kept, centred). */
  image: Buffer;
  imageOnly: true;
}

/** What the seal needs to know of the leader's block to overlap its signature image. */
export type LeaderBlock =
  | Pick<
      LeaderAppearance,
      'rect' | 'title' | 'name' | 'authorityPrefix' | 'image' | 'fontSize' | 'imageOnly'
    >
  | Pick<LeaderImageOnlyAppearance, 'rect' | 'image' | 'imageOnly'>;

/** A line of text in its own annotation (the seal's number and place-and-date lines). */
export interface PlacedText {
  text: string;
  page: number;
  rect: Rect;
  /**
   * Paint the rect white under the text: the line replaces a placeholder printed there (e.g. the
   * draft's "Hà Nội, ngày … tháng … năm …"), which would otherwise show through it.
   */
  cover?: boolean;
}

/**
 * The agency's seal signature. The seal image is drawn at its true size (from the PNG's pHYs;
 * without pHYs its larger side is taken as 40 mm). Its position: centred on `rect` when given;
 * else overlapping the left third of the leader's signature image, the leader being
 * `overLeader` when given, else the last signed signature widget on `page`.
 * Without an image the seal signature has no image (a text-only agency signature): the widget is
 * empty, only the number and date are drawn.
 */
export interface SealAppearance {
  kind: 'seal';
  page: number;
  rect?: Rect;
  overLeader?: LeaderBlock;
  /** PNG seal image (red, transparent, with pHYs for its true size). */
  image?: Buffer;
  /** Number and symbol, e.g. "Số: 15/QĐ-UBND", regular. */
  number?: PlacedText;
  /** Place and date, e.g. "Hà Nội, ngày 21 tháng 11 năm 2026", italic. */
  date?: PlacedText;
  fontSize?: StampFontSize;
}

/**
 * Attachment stamp: number/symbol and signing time (ISO 8601, +07:00) at the top right of
 * page 1 as displayed (CropBox and /Rotate honoured), 10 pt.
 */
export interface AttachmentAppearance {
  kind: 'attachment';
  codeText: string;
  signedAt?: Date;
}

export type Appearance =
  LeaderAppearance | LeaderImageOnlyAppearance | SealAppearance | AttachmentAppearance;

/** RFC 3161 timestamp source. */
export interface TimestampProvider {
  /** Returns a DER TimeStampToken (ContentInfo) over `digest`, the SHA-256 of the signature value. */
  timestamp(digest: Buffer): Promise<Buffer>;
  /** Bytes to reserve for the token in the placeholder (default 12000). */
  maxTokenSize?: number;
}

export interface SignOptions {
  signer: SignerKey;
  subFilter?: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';
  /** Signing time written to /M (and to signing-time in adbe mode); default now. */
  signingTime?: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** Field name; default SignatureN, unique in the document. */
  fieldName?: string;
  appearance?: Appearance;
  timestamp?: TimestampProvider;
  /**
   * Certify the document (DocMDP): 1 no changes allowed after it, 2 form filling and further
   * signatures, 3 also annotations. Only the first signature of a document can certify.
   */
  certify?: 1 | 2 | 3;
  /**
   * Sign even a file whose readers take different copies of an object or resolve a reference
   * differently (the verifier's XREF_AMBIGUOUS, SHADOW_OBJECT, REFERENCE_AMBIGUOUS): only for
   * building the hostile files a forger would sign with
   * another tool, in tests. The application never sets it: a signer must sign what every reader
   * shows, and such a signature would verify as not valid.
   */
  allowAmbiguous?: true;
}

export type PrepareOptions = Omit<SignOptions, 'signer'> & {
  certificate: Buffer;
  chain?: Buffer[];
  signatureAlgorithm: 'rsa-sha256' | 'ecdsa-sha256';
};
