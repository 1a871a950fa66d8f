import type { TFunction } from 'i18next';
import type { Language } from '../i18n/index.js';
import {
  CHANGE_LABELS,
  formatVietnamTime,
  signingErrorText,
  type Finding,
  type SignatureReport,
} from '../signing/index.js';
import type { VerifyOutcome } from './verify.service.js';

type T = (key: string, options?: Record<string, unknown>) => string;

/** hh:mm:ss dd/mm/yyyy (UTC+7), Vietnam time whatever the server's zone. */
export function vietnamTime(iso: string | undefined): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const [, y, mo, d, time] = /^(\d+)-(\d+)-(\d+)T([\d:]+)/.exec(formatVietnamTime(date)) ?? [];
  return `${time} ${d}/${mo}/${y} (UTC+7)`;
}

const say = (f: Finding, lng: Language) => ({ text: f[lng], detail: f.detail ?? null });

function signatureView(s: SignatureReport, i: number, t: T, lng: Language) {
  const mark = (ok: boolean) => ({ ok, text: t(ok ? 'verify:ok' : 'verify:fail') });
  const source = (['timestamp', 'signingTime', 'm'] as const).find((k) => s.claimedTime[k]);
  const ts = s.timestamp;
  const tsOk = Boolean(ts && ts.imprintValid && ts.signatureValid && ts.chainTrusted);
  return {
    title: t('verify:signature', { n: i + 1 }),
    fieldName: s.fieldName,
    valid: s.valid,
    signer: s.signer?.commonName ?? s.signer?.subject ?? t('verify:unknown'),
    issuer: s.signer?.issuerCommonName ?? s.signer?.issuer ?? t('verify:unknown'),
    serial: s.signer?.serialNumber ?? null,
    signedAt: source
      ? `${vietnamTime(s.claimedTime[source])} — ${t(`verify:timeSource.${source}`)}`
      : t('verify:unknown'),
    coverage: {
      ok: s.coversWholeFileUpToRevision,
      text: s.coversWholeFile
        ? t('verify:coversAll')
        : s.coversWholeFileUpToRevision
          ? t('verify:coversRevision', { revision: s.revision })
          : t('verify:coversNot'),
    },
    integrity: mark(s.digestValid),
    signatureValue: mark(s.cmsSignatureValid),
    trust: mark(s.chainTrusted),
    revocation: {
      ok: s.revocation !== 'revoked',
      text:
        s.revocation === 'revoked' && s.revokedAt
          ? t('verify:rev.revokedAt', { at: vietnamTime(s.revokedAt) })
          : t(`verify:rev.${s.revocation}`),
    },
    timestamp: ts
      ? {
          ok: tsOk,
          text: t('verify:timestampValue', {
            at: vietnamTime(ts.genTime),
            tsa: ts.tsa ?? t('verify:unknown'),
            state: t(tsOk ? 'verify:ok' : 'verify:fail'),
          }),
        }
      : null,
    certification: s.certification
      ? t('verify:certificationLevel', { level: s.certification })
      : null,
    changes: s.modificationsAfter.map((m) => ({
      permitted: m.permitted,
      text: t('verify:changeItem', {
        revision: m.revision,
        object: m.objectNumber,
        detail: CHANGE_LABELS[m.kind][lng],
      }),
      verdict: t(m.permitted ? 'verify:permitted' : 'verify:notPermitted'),
      attributedTo: m.attributedTo ? t('verify:attributedTo', { field: m.attributedTo }) : null,
    })),
    problems: s.problems.map((p) => say(p, lng)),
  };
}

/** What the result part of the page shows, in the request's language. */
export function outcomeView(outcome: VerifyOutcome, tf: TFunction, lng: Language) {
  const t = tf as unknown as T;
  const head = {
    verdict: outcome.verdict,
    flashClass: outcome.verdict === 'valid' ? 'flash-success' : 'flash-error',
    heading: t(`verify:verdict.${outcome.verdict}`),
    explanation: t(`verify:verdictText.${outcome.verdict}`),
    fileName: outcome.fileName,
    fileSize: outcome.fileSize,
  };
  if (outcome.verdict === 'unreadable')
    return { ...head, reason: signingErrorText(outcome.reason, lng), detail: outcome.detail };
  const r = outcome.report;
  return {
    ...head,
    revisions: r.revisions,
    verifiedAt: vietnamTime(r.verifiedAt),
    certified: r.certification
      ? t('verify:certified', {
          level: r.certification,
          text: t(`verify:certLevel.${r.certification}`),
        })
      : null,
    problems: r.problems.map((p) => say(p, lng)),
    signatures: r.signatures.map((s, i) => signatureView(s, i, t, lng)),
  };
}
