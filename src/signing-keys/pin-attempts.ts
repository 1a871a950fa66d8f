import type { KeyObject } from 'node:crypto';
import { literal, Op, type Transaction, type WhereOptions } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import { formatDate } from '../http/view-helpers.js';
import { PkiError } from '../pki/index.js';
import { keyMatchesCertificate } from './opened-key-provider.js';
import { protectPersonalKey, readPersonalKey } from './personal-key.js';
import { SignerCredential } from './signer-credential.model.js';

/** Wrong PINs in a row before the key is locked, and for how long. */
export const PIN_MAX_ATTEMPTS = 5;
export const PIN_LOCK_MINUTES = 15;

const PIN_PATTERN = /^[0-9]{6,12}$/;

export interface PinActor {
  userId: number | null;
  ip: string | null;
}

/** A signing PIN is 6 to 12 digits; anything else is refused with the rule, in Vietnamese. */
export function assertPinRule(pin: unknown, field = 'pin'): asserts pin is string {
  if (typeof pin !== 'string' || !PIN_PATTERN.test(pin))
    throw new AppError('SIGNING_PIN_RULE', 422, undefined, { [field]: 'errors:SIGNING_PIN_RULE' });
}

const pad = (n: number) => String(n).padStart(2, '0');

/** dd/mm/yyyy HH:mm in Vietnam time (UTC+7, no daylight saving). */
export function formatVietnamTime(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3600_000);
  return `${formatDate(d)} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}`;
}

const lockedError = (until: Date) =>
  new AppError('SIGNING_PIN_LOCKED', 423, undefined, undefined, {
    until: formatVietnamTime(until),
  });

const notLocked = (now: Date): WhereOptions => ({
  [Op.or]: [{ pinLockedUntil: null }, { pinLockedUntil: { [Op.lte]: now } }],
});

const audit = (
  action: string,
  row: SignerCredential,
  actor: PinActor,
  details: Record<string, unknown>,
  transaction?: Parameters<typeof recordAudit>[1],
) =>
  recordAudit(
    {
      action,
      userId: actor.userId,
      ip: actor.ip,
      entityType: 'signer_credential',
      entityId: row.id,
      details,
    },
    transaction,
  );

/**
 * Takes one attempt on the credential with a single conditional UPDATE: it counts the attempt
 * before the PIN is checked, and only while the key is unlocked and fewer than PIN_MAX_ATTEMPTS
 * attempts are counted. Concurrent attempts are thus ordered by the database: at most
 * PIN_MAX_ATTEMPTS of them get past a lock, however many arrive together.
 */
async function claimAttempt(row: SignerCredential, now: Date): Promise<boolean> {
  const [claimed] = await withTransaction(db(), undefined, (transaction) =>
    SignerCredential.update(
      { failedPinCount: literal('failedPinCount + 1') as unknown as number },
      {
        where: {
          id: row.id,
          revokedAt: null,
          failedPinCount: { [Op.lt]: PIN_MAX_ATTEMPTS },
          ...notLocked(now),
        },
        transaction,
      },
    ),
  );
  return claimed === 1;
}

async function refuseUnclaimed(row: SignerCredential, now: Date, actor: PinActor): Promise<never> {
  await row.reload();
  if (row.revokedAt) throw new AppError('SIGNING_NOT_ENROLLED', 409);
  const until = row.pinLockedUntil && row.pinLockedUntil > now ? row.pinLockedUntil : null;
  await audit('signing_key.pin_refused', row, actor, {
    lockedUntil: until?.toISOString() ?? null,
  });
  // Every attempt allowed is under way: the lock comes if they are all wrong.
  if (!until) throw new AppError('SIGNING_PIN_BUSY', 429);
  throw lockedError(until);
}

/** A wrong PIN: the PIN_MAX_ATTEMPTS-th in a row locks the key, once, in the same transaction. */
async function recordWrongPin(row: SignerCredential, now: Date, actor: PinActor): Promise<never> {
  const until = new Date(now.getTime() + PIN_LOCK_MINUTES * 60_000);
  const locked = await withTransaction(db(), undefined, async (transaction) => {
    const [lockedNow] = await SignerCredential.update(
      { pinLockedUntil: until, failedPinCount: 0 },
      {
        where: {
          id: row.id,
          failedPinCount: { [Op.gte]: PIN_MAX_ATTEMPTS },
          ...notLocked(now),
        },
        transaction,
      },
    );
    await row.reload({ transaction });
    const remaining = Math.max(0, PIN_MAX_ATTEMPTS - row.failedPinCount);
    await audit('signing_key.pin_wrong', row, actor, { remaining }, { transaction });
    if (lockedNow === 1)
      await audit(
        'signing_key.pin_locked',
        row,
        actor,
        { until: until.toISOString(), attempts: PIN_MAX_ATTEMPTS },
        { transaction },
      );
    return lockedNow === 1;
  });
  if (locked) throw lockedError(until);
  if (row.pinLockedUntil && row.pinLockedUntil > now) throw lockedError(row.pinLockedUntil);
  throw new AppError('SIGNING_PIN_WRONG', 422, undefined, undefined, {
    remaining: Math.max(0, PIN_MAX_ATTEMPTS - row.failedPinCount),
  });
}

/** Gives back an attempt that failed for another reason than the PIN (an unreadable key). */
async function giveBackAttempt(row: SignerCredential): Promise<void> {
  await withTransaction(db(), undefined, (transaction) =>
    SignerCredential.update(
      {
        failedPinCount: literal(
          'CASE WHEN failedPinCount > 0 THEN failedPinCount - 1 ELSE 0 END',
        ) as unknown as number,
      },
      { where: { id: row.id }, transaction },
    ),
  );
}

export interface OpenWithPinOptions {
  /**
   * Re-wrap a key still stored in the scrypt format once it opens (default true). changePin says
   * false: it stores the key under the new PIN itself.
   */
  rewrap?: boolean;
}

/** The key in the wrapped format, or null while production has no server secret (it stays as is). */
function rewrapped(key: KeyObject, pin: string): string | null {
  try {
    return protectPersonalKey(key, pin);
  } catch (e) {
    if (e instanceof AppError && e.code === 'SIGNING_KEY_SECRET_MISSING') return null;
    throw e;
  }
}

/**
 * Stores a key that opened from the scrypt format in the wrapped one, only if the row still holds
 * what was read (a new PIN or enrolment meanwhile stays), with its audit row.
 */
async function saveRewrapped(
  row: SignerCredential,
  encryptedKey: string,
  actor: PinActor,
  transaction: Transaction,
): Promise<void> {
  const [changed] = await SignerCredential.update(
    { encryptedKey },
    { where: { id: row.id, revokedAt: null, encryptedKey: row.encryptedKey! }, transaction },
  );
  if (changed === 1) await audit('signing_key.rewrap', row, actor, {}, { transaction });
}

/**
 * Opens a person's server-held key with their signing PIN. The stored key is read and checked
 * against the server secret first (readPersonalKey: a changed secret or damaged bytes are 503s
 * and take no attempt). Then the attempt is counted atomically (claimAttempt) and the PIN tried:
 * it is right when it opens the key (GCM's tag; a key stored before in the scrypt format: the
 * AES-CBC padding and the DER) and the key found is the certificate's; anything else is a wrong
 * PIN. PIN_MAX_ATTEMPTS wrong ones lock the key for PIN_LOCK_MINUTES; a right one resets the
 * count, and a key still in the scrypt format is re-wrapped. Throws SIGNING_PIN_REQUIRED,
 * SIGNING_PIN_WRONG (remaining attempts), SIGNING_PIN_LOCKED (until when), SIGNING_PIN_BUSY,
 * SIGNING_NOT_ENROLLED, SIGNING_KEY_SECRET_CHANGED, SIGNING_KEY_SECRET_MISSING or
 * SIGNING_KEY_UNREADABLE.
 */
export async function openWithPin(
  row: SignerCredential,
  pin: string | undefined,
  actor: PinActor,
  options: OpenWithPinOptions = {},
): Promise<KeyObject> {
  if (!row.encryptedKey || !row.certificate) throw new AppError('SIGNING_NOT_ENROLLED', 409);
  if (!pin)
    throw new AppError('SIGNING_PIN_REQUIRED', 422, undefined, {
      pin: 'errors:SIGNING_PIN_REQUIRED',
    });
  const stored = readPersonalKey(row.encryptedKey);
  const now = new Date();
  if (!(await claimAttempt(row, now))) return refuseUnclaimed(row, now, actor);
  let key: KeyObject;
  try {
    key = await stored.open(pin);
  } catch (e) {
    if (e instanceof PkiError && e.code === 'WRONG_PIN') return recordWrongPin(row, now, actor);
    await giveBackAttempt(row);
    throw e;
  }
  // A wrong PIN that still decrypts to some key is not this certificate's key.
  if (!keyMatchesCertificate(key, row.certificate)) return recordWrongPin(row, now, actor);
  const rewrap =
    stored.format === 'scrypt' && options.rewrap !== false ? rewrapped(key, pin) : null;
  await withTransaction(db(), undefined, async (transaction) => {
    await SignerCredential.update({ failedPinCount: 0 }, { where: { id: row.id }, transaction });
    if (rewrap) await saveRewrapped(row, rewrap, actor, transaction);
  });
  return key;
}
