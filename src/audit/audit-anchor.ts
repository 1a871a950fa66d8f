import { createHash, verify, X509Certificate } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../db/index.js';
import type { SignatureProvider } from '../signing-providers/types.js';
import { verifyAuditChain } from './audit.service.js';

/** What a checkpoint vouches for: the chain's head (last row and its hash) and length, when. */
export interface AuditCheckpoint {
  version: 1;
  agencyId: number;
  headId: number;
  headHash: string;
  count: number;
  createdAt: string;
}

/** A checkpoint as written to its file: signed with the agency's seal key (or a CA-issued key). */
export interface SignedCheckpoint {
  checkpoint: AuditCheckpoint;
  algorithm: string;
  /** DER certificate of the signer, base64; `chain` its issuers. */
  certificate: string;
  chain: string[];
  /** Over SHA-256 of the canonical checkpoint (RSA PKCS#1 v1.5 or ECDSA, DER). */
  signature: string;
}

export type AnchorVerification =
  | { ok: true; rows: number; checkpoint: AuditCheckpoint; signer: string }
  | {
      ok: false;
      reason: 'signature' | 'untrusted' | 'broken' | 'rewritten' | 'truncated' | 'count';
      rows?: number;
      brokenAtId?: number;
    };

/** The bytes signed: the checkpoint's fields in a fixed order. */
export function canonicalCheckpoint(c: AuditCheckpoint): Buffer {
  return Buffer.from(
    JSON.stringify([c.version, c.agencyId, c.headId, c.headHash, c.count, c.createdAt]),
  );
}

async function chainHead(): Promise<{ headId: number; headHash: string; count: number }> {
  const [head] = await db().query<{ lastId: unknown; lastHash: string }>(
    'SELECT lastId, lastHash FROM audit_chain_head WHERE id = 1',
    { type: QueryTypes.SELECT },
  );
  const headId = head?.lastId == null ? 0 : Number(head.lastId);
  const [row] = await db().query<{ n: unknown }>(
    'SELECT COUNT(*) AS n FROM audit_logs WHERE id <= ?',
    { replacements: [headId], type: QueryTypes.SELECT },
  );
  return { headId, headHash: head?.lastHash ?? '', count: Number(row?.n ?? 0) };
}

/**
 * Signs the audit chain's current head (checked intact first) with `signer`: kept outside the
 * database, it lets `verifyAgainstCheckpoint` detect a rewrite of the whole chain by someone who
 * can write to the database but holds neither the seal key nor the checkpoint file.
 */
export async function createAuditCheckpoint(
  signer: SignatureProvider,
  agencyId: number,
  now = new Date(),
): Promise<SignedCheckpoint> {
  const verification = await verifyAuditChain();
  if (!verification.intact)
    throw new Error(
      `the audit chain is broken at row ${verification.brokenAtId} (${verification.reason}); no checkpoint written`,
    );
  const head = await chainHead();
  const checkpoint: AuditCheckpoint = {
    version: 1,
    agencyId,
    ...head,
    createdAt: now.toISOString(),
  };
  const certificate = await signer.certificate();
  const toBeSigned = canonicalCheckpoint(checkpoint);
  const digest = createHash('sha256').update(toBeSigned).digest();
  const signature = await signer.signDigest(digest, {
    description: 'audit checkpoint',
    toBeSigned,
  });
  return {
    checkpoint,
    algorithm: String(certificate.algorithm),
    certificate: certificate.certificate.toString('base64'),
    chain: certificate.chain.map((c) => c.toString('base64')),
    signature: signature.toString('base64'),
  };
}

/** Whether the certificate was issued by one of the anchors, directly or through its chain. */
function issuedByAnchor(cert: X509Certificate, chain: X509Certificate[], anchors: Buffer[]) {
  const roots = anchors.map((a) => new X509Certificate(a));
  const byRoot = (c: X509Certificate) =>
    roots.some(
      (r) => c.fingerprint256 === r.fingerprint256 || (c.checkIssued(r) && c.verify(r.publicKey)),
    );
  if (byRoot(cert)) return true;
  return chain.some(
    (issuer) => cert.checkIssued(issuer) && cert.verify(issuer.publicKey) && byRoot(issuer),
  );
}

/**
 * Checks a signed checkpoint and compares the chain in the database with it: the signature must
 * hold (and, when trust anchors are given, the signer's certificate come from them), the chain
 * must be intact, and the row the checkpoint names must still be there with the same hash and
 * the same number of rows up to it. Rows appended since are fine.
 */
export async function verifyAgainstCheckpoint(
  signed: SignedCheckpoint,
  anchors: Buffer[] = [],
): Promise<AnchorVerification> {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(signed.certificate, 'base64'));
    const good = verify(
      'sha256',
      canonicalCheckpoint(signed.checkpoint),
      cert.publicKey,
      Buffer.from(signed.signature, 'base64'),
    );
    if (!good) return { ok: false, reason: 'signature' };
  } catch {
    return { ok: false, reason: 'signature' };
  }
  if (anchors.length) {
    const chain = signed.chain.map((c) => new X509Certificate(Buffer.from(c, 'base64')));
    if (!issuedByAnchor(cert, chain, anchors)) return { ok: false, reason: 'untrusted' };
  }
  const chainCheck = await verifyAuditChain();
  if (!chainCheck.intact)
    return {
      ok: false,
      reason: 'broken',
      rows: chainCheck.rows,
      brokenAtId: chainCheck.brokenAtId,
    };
  const { headId, headHash, count } = signed.checkpoint;
  if (headId > 0) {
    const [row] = await db().query<{ hash: string }>('SELECT hash FROM audit_logs WHERE id = ?', {
      replacements: [headId],
      type: QueryTypes.SELECT,
    });
    if (!row) return { ok: false, reason: 'truncated', brokenAtId: headId };
    if (row.hash !== headHash) return { ok: false, reason: 'rewritten', brokenAtId: headId };
  }
  const [n] = await db().query<{ n: unknown }>(
    'SELECT COUNT(*) AS n FROM audit_logs WHERE id <= ?',
    { replacements: [headId], type: QueryTypes.SELECT },
  );
  if (Number(n?.n ?? 0) !== count) return { ok: false, reason: 'count', brokenAtId: headId };
  return { ok: true, rows: chainCheck.rows, checkpoint: signed.checkpoint, signer: cert.subject };
}
