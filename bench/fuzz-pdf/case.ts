/** Runs one input through verifyPdf and signPdf and says how each ended. */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SigningError, signPdf, verifyPdf, type SignerKey } from '../../src/signing/index.js';

export type OpOutcome =
  | { kind: 'success' }
  | { kind: 'typed'; code: string }
  | { kind: 'untyped'; name: string; message: string; stack: string };

export interface CaseResult {
  verify: OpOutcome;
  sign: OpOutcome;
}

export interface Identity {
  signer: SignerKey;
  anchor: Buffer;
}

/** The throwaway key and certificates the parent wrote into the work directory. */
export function loadIdentity(dir: string): Identity {
  const privateKey = createPrivateKey(readFileSync(path.join(dir, 'key.pem')));
  const certificate = readFileSync(path.join(dir, 'signer.der'));
  const anchor = readFileSync(path.join(dir, 'root.der'));
  return { signer: { privateKey, certificate, chain: [anchor] }, anchor };
}

function outcome(e: unknown): OpOutcome {
  if (e instanceof SigningError) return { kind: 'typed', code: e.code };
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    kind: 'untyped',
    name: err.name,
    message: err.message.slice(0, 500),
    stack: (err.stack ?? '').split('\n').slice(0, 16).join('\n'),
  };
}

const NOW = new Date('2026-11-21T02:30:00Z');

/**
 * `withAppearance`: sign with a visible attachment stamp on page 1 (reads the page tree, the
 * page boxes and /Rotate) instead of an invisible signature.
 */
export async function runCase(
  pdf: Buffer,
  id: Identity,
  withAppearance = false,
): Promise<CaseResult> {
  let verify: OpOutcome;
  try {
    verifyPdf(pdf, { trustAnchors: [id.anchor], now: NOW });
    verify = { kind: 'success' };
  } catch (e) {
    verify = outcome(e);
  }
  let sign: OpOutcome;
  let signed: Buffer;
  try {
    signed = await signPdf(pdf, {
      signer: id.signer,
      signingTime: NOW,
      appearance: withAppearance ? { kind: 'attachment', codeText: 'VB-2026-001' } : undefined,
    });
    sign = { kind: 'success' };
  } catch (e) {
    return { verify, sign: outcome(e) };
  }
  // Whatever sign writes must verify: the new signature (the one that covers the whole output)
  // is valid, whatever the input held before it.
  try {
    const report = verifyPdf(signed, { trustAnchors: [id.anchor], now: NOW });
    const ours = report.signatures.find((s) => s.coversWholeFile);
    if (!ours?.valid) {
      const why = ours
        ? ours.problems.map((p) => `${p.rule} ${p.detail ?? ''}`).join('; ')
        : 'not found';
      sign = { kind: 'untyped', name: 'SignedOutputNotValid', message: why, stack: '' };
    }
  } catch (e) {
    const o = outcome(e);
    sign = {
      kind: 'untyped',
      name: 'SignedOutputUnreadable',
      message: o.kind === 'typed' ? o.code : o.kind === 'untyped' ? o.message : '',
      stack: o.kind === 'untyped' ? o.stack : '',
    };
  }
  return { verify, sign };
}
