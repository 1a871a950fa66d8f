import { loadCrls, loadTrustAnchors } from '../pki/trust.js';
import { asSigningError } from '../signing/errors.js';
import { verifyPdf, type SignatureReport } from '../signing/index.js';

/**
 * - none: the file carries no digital signature;
 * - valid: every signature is intact, covers what it should and chains to a trusted root;
 * - untrusted: intact, but the signer's certificate does not chain to a root this agency trusts;
 * - invalid: a signature is broken (the file was changed after signing, a bad or revoked
 *   certificate, a disallowed change in a later revision);
 * - unreadable: the file seems signed but its signatures could not be read.
 */
export const SIGNATURE_STATUSES = ['none', 'valid', 'untrusted', 'invalid', 'unreadable'] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

export interface SignerCheck {
  signer: string;
  issuer: string;
  signedAt: string | null;
  valid: boolean;
  trusted: boolean;
  problems: string[];
}

export interface SignatureCheck {
  checkedAt: string;
  status: SignatureStatus;
  signatures: SignerCheck[];
  /** The file holds JavaScript actions (found by the file check; shown as a warning). */
  javaScript?: boolean;
}

let configuredCertsDir: string | null = null;

/** Where the trust anchors and CRLs are (CERTS_DIR); called when the app is built. */
export function configureSignatureTrust(certsDir: string): void {
  configuredCertsDir = certsDir;
}

/** Everything a valid signature needs except a certificate chaining to a trusted root. */
const intactApartFromTrust = (s: SignatureReport) =>
  s.coversWholeFileUpToRevision &&
  s.digestValid &&
  s.cmsSignatureValid &&
  s.revocation !== 'revoked' &&
  s.problems.every((p) => p.rule === 'CHAIN_UNTRUSTED');

function signerCheck(s: SignatureReport): SignerCheck {
  const intact = s.digestValid && s.cmsSignatureValid;
  return {
    signer: s.signer?.commonName ?? s.signer?.subject ?? '',
    issuer: s.signer?.issuerCommonName ?? s.signer?.issuer ?? '',
    signedAt: s.claimedTime.timestamp ?? s.claimedTime.signingTime ?? s.claimedTime.m ?? null,
    valid: s.valid,
    trusted: intact && s.chainTrusted,
    problems: s.problems.map((p) => p.vi),
  };
}

/**
 * Checks the digital signatures of a received PDF against the agency's trust anchors and CRLs
 * (CERTS_DIR/trust, CERTS_DIR/crl). A file it can't read is reported as such; it throws only a
 * SigningError PDF_TOO_COMPLEX or PDF_TIMEOUT (a file past the verifier's limits). CPU-bound on
 * untrusted bytes: called in the file check worker (pdf-check-pool.ts), never on the event loop.
 */
export function checkSignatures(pdf: Buffer, now = new Date()): SignatureCheck {
  const checkedAt = now.toISOString();
  const dir = configuredCertsDir;
  try {
    const report = verifyPdf(pdf, {
      trustAnchors: dir ? loadTrustAnchors(dir) : [],
      crls: dir ? loadCrls(dir) : [],
      now,
    });
    const signatures = report.signatures.map(signerCheck);
    let status: SignatureStatus = 'none';
    if (signatures.length) {
      // A change after signing that nothing permits breaks the document whoever signed it.
      const validOrOnlyUntrusted =
        report.problems.length === 0 &&
        report.signatures.every((s) => s.valid || (!s.chainTrusted && intactApartFromTrust(s)));
      status = report.valid ? 'valid' : validOrOnlyUntrusted ? 'untrusted' : 'invalid';
    }
    return { checkedAt, status, signatures };
  } catch (e) {
    // A file past the verifier's limits is hostile, not unreadable: the caller refuses it.
    const error = asSigningError(e);
    if (error.code === 'PDF_TOO_COMPLEX' || error.code === 'PDF_TIMEOUT') throw error;
    // Our reader refuses some files outright; only one that looks signed is worth a warning.
    const looksSigned = pdf.includes('/ByteRange');
    return { checkedAt, status: looksSigned ? 'unreadable' : 'none', signatures: [] };
  }
}

/** The check stored with a document's file, or null when there is none (or it can't be read). */
export function storedSignatureCheck(file: {
  signatureCheck?: string | null;
}): SignatureCheck | null {
  if (!file.signatureCheck) return null;
  try {
    return JSON.parse(file.signatureCheck) as SignatureCheck;
  } catch {
    return null;
  }
}
