import type { KeyObject } from 'node:crypto';

export type Rect = [x: number, y: number, w: number, h: number];

export interface SignerKey {
  privateKey: KeyObject;
  /** DER certificate of the signer. */
  certificate: Buffer;
  /** DER certificates of the chain, issuer first. */
  chain?: Buffer[];
}

export type Appearance =
  | {
      kind: 'leader';
      /** 1-based page number. */
      page: number;
      rect: Rect;
      /** PNG signature image (blue, transparent). */
      image?: Buffer;
      title: string;
      name: string;
      /** e.g. "KT. CHỦ TỊCH"; printed above the title. */
      authorityPrefix?: string;
    }
  | {
      kind: 'seal';
      page: number;
      rect: Rect;
      /** PNG seal image (red, transparent, true size). */
      image?: Buffer;
      number?: { text: string; page: number; rect: Rect };
      date?: { text: string; page: number; rect: Rect };
    }
  | { kind: 'attachment'; codeText: string; signedAt?: Date };

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
}

export type PrepareOptions = Omit<SignOptions, 'signer'> & {
  certificate: Buffer;
  chain?: Buffer[];
  signatureAlgorithm: 'rsa-sha256' | 'ecdsa-sha256';
};
