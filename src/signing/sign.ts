import { createHash, createPublicKey, sign as cryptoSign } from 'node:crypto';
import { buildAppearance } from './appearance/index.js';
import { certFields, parseX509, toDer } from './cms/certificate.js';
import { OID } from './cms/oids.js';
import {
  attribute,
  buildSignedAttributes,
  buildSignedData,
  maxSignatureLength,
  type SignatureAlgorithm,
} from './cms/signed-data.js';
import { SigningError, asSigningError } from './errors.js';
import { documentCertification, docMdpReference } from './docmdp.js';
import {
  addAcroFormFields,
  addPageAnnotations,
  listFields,
  uniqueFieldName,
} from './pdf/document.js';
import { PdfDict, PdfRaw, dict, name, textString, type PdfRef } from './pdf/objects.js';
import type { PdfReader } from './pdf/reader.js';
import { openPdf } from './pdf/open.js';
import { findRevisions } from './pdf/revisions.js';
import { shadowCopies } from './changes/shadow-copies.js';
import { earliestSignedEnd } from './signature-dict.js';
import { IncrementalWriter } from './pdf/writer.js';
import { formatPdfDate } from './time.js';
import type { PrepareOptions, SignOptions, TimestampProvider } from './types.js';

const BYTE_RANGE_PLACEHOLDER = '[0 9999999999 9999999999 9999999999]';
const DEFAULT_TSA_RESERVE = 12000;

/** State between prepareSignature and finishSignature; serializable apart from `timestamp`. */
export interface PreparedSignature {
  /** DER SET OF signed attributes: the bytes the private key signs. */
  readonly toBeSigned: Buffer;
  /** SHA-256 of toBeSigned (what a token or remote service signs). */
  readonly digest: Buffer;
  /** SHA-256 over the byte ranges (the messageDigest attribute). */
  readonly documentDigest: Buffer;
  readonly byteRange: [number, number, number, number];
  readonly fieldName: string;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly original: Buffer;
  /** The incremental update (its /Contents hole is filled in by the finish functions). */
  readonly appended: Buffer;
  /** Offset in `appended` of the first hex digit of /Contents, and the hex capacity. */
  readonly contentsOffset: number;
  readonly contentsCapacity: number;
  readonly certificate: Buffer;
  readonly chain: Buffer[];
  readonly timestamp?: TimestampProvider;
}

function keyBits(certificate: Buffer): number {
  const details = parseX509(certificate).publicKey.asymmetricKeyDetails ?? {};
  if (details.modulusLength) return details.modulusLength;
  const curveBits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
  return curveBits[details.namedCurve ?? ''] ?? 521;
}

function estimateCmsSize(opts: PrepareOptions, certificate: Buffer, chain: Buffer[]): number {
  const sigLen = maxSignatureLength(opts.signatureAlgorithm, keyBits(certificate));
  const signedAttributes = buildSignedAttributes({
    certificate,
    signatureAlgorithm: opts.signatureAlgorithm,
    messageDigest: Buffer.alloc(32),
    signingTime: opts.subFilter === 'adbe.pkcs7.detached' ? new Date(0) : undefined,
  });
  const unsignedAttributes = opts.timestamp
    ? [
        attribute(
          OID.signatureTimeStampToken,
          Buffer.alloc(opts.timestamp.maxTokenSize ?? DEFAULT_TSA_RESERVE),
        ),
      ]
    : undefined;
  const cms = buildSignedData({
    certificate,
    chain,
    signatureAlgorithm: opts.signatureAlgorithm,
    signedAttributes,
    signature: Buffer.alloc(sigLen, 0xff),
    unsignedAttributes,
  });
  return cms.length + 32;
}

/**
 * Refuses what a certification forbids: any signature after a P=1 certification, annotations
 * (the seal's number and date) after P=2, and certifying a document that is already signed.
 */
/**
 * A signer signs what every reader shows: a file whose readers take different copies of an
 * object (a hybrid table and its stream that disagree, an object listed twice, a second body of
 * an object) or resolve a reference differently (an object the xref does not locate exactly) is
 * refused before signing, as the verifier would call the signature not valid.
 */
function refuseAmbiguous(pdf: Buffer, reader: PdfReader, opts: { allowAmbiguous?: true }): void {
  if (opts.allowAmbiguous) return;
  const revisions = findRevisions(pdf);
  const signedEnd = earliestSignedEnd(pdf, reader, revisions);
  const found = shadowCopies(pdf, reader, revisions, { signedEnd });
  if (found.length)
    throw new SigningError('PDF_AMBIGUOUS', found.map((f) => f.detail ?? f.rule).join('; '));
}

/**
 * Why the engine would refuse to sign this file before any key is involved (encrypted,
 * malformed, ambiguous to its readers), or null: a draft is checked with it on upload, so its
 * drafter learns it then rather than the leader at signing.
 */
export function signingRefusal(pdf: Buffer): SigningError | null {
  try {
    refuseAmbiguous(pdf, openPdf(pdf), {});
    return null;
  } catch (e) {
    return asSigningError(e);
  }
}

function checkCertification(reader: PdfReader, opts: PrepareOptions): void {
  const cert = documentCertification(reader);
  if (cert?.level === 1)
    throw new SigningError('DOC_CERTIFIED', 'the document is certified with no changes allowed');
  const addsAnnotations =
    opts.appearance?.kind === 'seal' && !!(opts.appearance.number || opts.appearance.date);
  if (cert?.level === 2 && addsAnnotations)
    throw new SigningError(
      'DOC_CERTIFIED',
      'the certification allows form filling and signatures only, not the number and date annotations',
    );
  if (opts.certify !== undefined) {
    if (![1, 2, 3].includes(opts.certify))
      throw new SigningError('APPEARANCE_INVALID', 'certify must be 1, 2 or 3');
    if (cert || listFields(reader).some((f) => f.type === 'Sig' && f.dict.has('V')))
      throw new SigningError('DOC_SIGNED', 'only the first signature of a document can certify it');
  }
}

/**
 * Phase one: builds the incremental update with a sized placeholder and returns the bytes to sign.
 * Nothing is written to the input buffer.
 */
export async function prepareSignature(
  pdf: Buffer,
  opts: PrepareOptions,
): Promise<PreparedSignature> {
  try {
    return await prepareUnchecked(pdf, opts);
  } catch (e) {
    // A RangeError or TypeError from hostile bytes is a refusal of the file, never a crash.
    throw asSigningError(e);
  }
}

async function prepareUnchecked(pdf: Buffer, opts: PrepareOptions): Promise<PreparedSignature> {
  const certificate = toDer(opts.certificate);
  const chain = (opts.chain ?? []).map(toDer);
  certFields(certificate);
  const reader = openPdf(pdf);
  refuseAmbiguous(pdf, reader, opts);
  checkCertification(reader, opts);
  const signingTime = opts.signingTime ?? new Date();
  const subFilter = opts.subFilter ?? 'ETSI.CAdES.detached';
  const contentsCapacity = 2 * estimateCmsSize(opts, certificate, chain);

  const writer = new IncrementalWriter(reader, pdf);
  const sigRef = writer.allocate();
  const widgetRef = writer.allocate();
  const fieldName = uniqueFieldName(reader, opts.fieldName);

  const signerName = parseX509(certificate).subject.match(/(?:^|\n)CN=([^\n]*)/)?.[1];
  // /Contents and /ByteRange come first, before any text that a caller chose: the placeholders
  // are then the first matches after the object's start whatever the reason or names say.
  const sigDict = dict({
    Type: name('Sig'),
    Contents: new PdfRaw(`<${'0'.repeat(contentsCapacity)}>`),
    ByteRange: new PdfRaw(BYTE_RANGE_PLACEHOLDER),
    Filter: name('Adobe.PPKLite'),
    SubFilter: name(subFilter),
    M: textString(formatPdfDate(signingTime)),
    Name: signerName ? textString(signerName) : undefined,
    Reason: opts.reason ? textString(opts.reason) : undefined,
    Location: opts.location ? textString(opts.location) : undefined,
    ContactInfo: opts.contactInfo ? textString(opts.contactInfo) : undefined,
    Reference: opts.certify ? docMdpReference(opts.certify) : undefined,
  });
  writer.set(sigRef, sigDict);

  const plan = await buildAppearance(opts.appearance, { reader, writer, signingTime });
  const page = reader.getPage(plan.page);
  const apRef = writer.allocate();
  writer.set(apRef, plan.stream);
  const widget = dict({
    Type: name('Annot'),
    Subtype: name('Widget'),
    FT: name('Sig'),
    T: textString(fieldName),
    V: sigRef,
    F: 132,
    P: page.ref,
    Rect: plan.rect,
    AP: dict({ N: apRef }),
  });
  writer.set(widgetRef, widget);
  const byPage = new Map<number, PdfRef[]>([[plan.page, [widgetRef]]]);
  for (const extra of plan.extraAnnotations) {
    const r = writer.allocate();
    extra.dict.set('P', reader.getPage(extra.page).ref);
    writer.set(r, extra.dict);
    byPage.set(extra.page, [...(byPage.get(extra.page) ?? []), r]);
  }
  for (const [pageNo, refs] of byPage) addPageAnnotations(reader, writer, pageNo, refs);
  addAcroFormFields(reader, writer, [widgetRef]);
  if (opts.certify) {
    const current = writer.get(reader.rootRef.num);
    const catalog = current instanceof PdfDict ? current : reader.catalog().clone();
    writer.set(reader.rootRef, catalog.set('Perms', dict({ DocMDP: sigRef })));
  }

  const { appended, objectOffsets } = writer.build();
  const sigOffset = objectOffsets.get(sigRef.num)!;
  const holeStart = appended.indexOf('/Contents <', sigOffset, 'latin1') + 10;
  const brOffset =
    appended.indexOf('/ByteRange ' + BYTE_RANGE_PLACEHOLDER, sigOffset, 'latin1') + 11;
  const dictStart = appended.indexOf('<<', sigOffset, 'latin1');
  if (appended.toString('latin1', dictStart, holeStart) !== '<</Type /Sig/Contents ')
    throw new SigningError('PDF_MALFORMED', 'signature placeholder not where it was written');
  const holeEnd = holeStart + contentsCapacity + 2;
  const base = pdf.length;
  const total = base + appended.length;
  const byteRange: [number, number, number, number] = [
    0,
    base + holeStart,
    base + holeEnd,
    total - base - holeEnd,
  ];
  const brText = `[0 ${byteRange[1]} ${byteRange[2]} ${byteRange[3]}`;
  appended.write(brText.padEnd(BYTE_RANGE_PLACEHOLDER.length - 1, ' ') + ']', brOffset, 'latin1');

  const documentDigest = createHash('sha256')
    .update(pdf)
    .update(appended.subarray(0, holeStart))
    .update(appended.subarray(holeEnd))
    .digest();
  const toBeSigned = buildSignedAttributes({
    certificate,
    signatureAlgorithm: opts.signatureAlgorithm,
    messageDigest: documentDigest,
    signingTime: subFilter === 'adbe.pkcs7.detached' ? signingTime : undefined,
  });
  return {
    toBeSigned,
    digest: createHash('sha256').update(toBeSigned).digest(),
    documentDigest,
    byteRange,
    fieldName,
    signatureAlgorithm: opts.signatureAlgorithm,
    original: pdf,
    appended,
    contentsOffset: holeStart + 1,
    contentsCapacity,
    certificate,
    chain,
    timestamp: opts.timestamp,
  };
}

/** The signed file as two parts: the untouched input and the appended signed revision. */
export interface SignedIncrement {
  original: Buffer;
  increment: Buffer;
}

/**
 * Phase two without copying the input: returns the original bytes and the signed increment,
 * for callers that write `original` then `increment` to a file or stream.
 */
export async function finishSignatureIncrement(
  prepared: PreparedSignature,
  signatureValue: Buffer,
): Promise<SignedIncrement> {
  const unsignedAttributes: Buffer[] = [];
  if (prepared.timestamp) {
    let token: Buffer;
    try {
      token = await prepared.timestamp.timestamp(
        createHash('sha256').update(signatureValue).digest(),
      );
    } catch (e) {
      throw new SigningError(
        'TIMESTAMP_FAILED',
        `timestamp authority failed: ${(e as Error).message}`,
      );
    }
    unsignedAttributes.push(attribute(OID.signatureTimeStampToken, token));
  }
  const cms = buildSignedData({
    certificate: prepared.certificate,
    chain: prepared.chain,
    signatureAlgorithm: prepared.signatureAlgorithm,
    signedAttributes: prepared.toBeSigned,
    signature: signatureValue,
    unsignedAttributes,
  });
  if (cms.length * 2 > prepared.contentsCapacity) {
    throw new SigningError(
      'PLACEHOLDER_TOO_SMALL',
      `signature needs ${cms.length} bytes, placeholder holds ${prepared.contentsCapacity / 2}`,
    );
  }
  const increment = Buffer.from(prepared.appended);
  const hex = cms.toString('hex');
  increment.write(hex, prepared.contentsOffset, 'latin1');
  return { original: prepared.original, increment };
}

/** Phase two: embeds the CMS built around `signatureValue` and returns the signed PDF. */
export async function finishSignature(
  prepared: PreparedSignature,
  signatureValue: Buffer,
): Promise<Buffer> {
  const { original, increment } = await finishSignatureIncrement(prepared, signatureValue);
  const out = Buffer.allocUnsafe(original.length + increment.length);
  original.copy(out, 0);
  increment.copy(out, original.length);
  return out;
}

function algorithmFor(signer: SignOptions['signer']): SignatureAlgorithm {
  const type = signer.privateKey.asymmetricKeyType;
  if (type === 'rsa') return 'rsa-sha256';
  if (type === 'ec') return 'ecdsa-sha256';
  throw new SigningError('CERTIFICATE_INVALID', `unsupported key type ${type}`);
}

function assertKeyMatches(signer: SignOptions['signer']): void {
  const fromKey = createPublicKey(signer.privateKey).export({ type: 'spki', format: 'der' });
  const fromCert = parseX509(toDer(signer.certificate)).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  if (!fromKey.equals(fromCert)) {
    throw new SigningError('KEY_MISMATCH', 'private key does not belong to the certificate');
  }
}

async function prepareWithKey(pdf: Buffer, options: SignOptions): Promise<PreparedSignature> {
  const { signer, ...rest } = options;
  assertKeyMatches(signer);
  return prepareSignature(pdf, {
    ...rest,
    certificate: signer.certificate,
    chain: signer.chain,
    signatureAlgorithm: algorithmFor(signer),
  });
}

/** Signs a PDF with a local key in one call (an incremental update; the input is a prefix of the output). */
export async function signPdf(pdf: Buffer, options: SignOptions): Promise<Buffer> {
  const prepared = await prepareWithKey(pdf, options);
  return finishSignature(
    prepared,
    cryptoSign('sha256', prepared.toBeSigned, options.signer.privateKey),
  );
}

/**
 * Like signPdf, but returns the input and the signed increment separately so that large files
 * can be written out (original, then increment) without a second in-memory copy.
 */
export async function signPdfIncrement(
  pdf: Buffer,
  options: SignOptions,
): Promise<SignedIncrement> {
  const prepared = await prepareWithKey(pdf, options);
  return finishSignatureIncrement(
    prepared,
    cryptoSign('sha256', prepared.toBeSigned, options.signer.privateKey),
  );
}
