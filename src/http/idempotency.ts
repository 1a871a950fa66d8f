import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { db } from '../db/index.js';
import { AppError } from './app-error.js';

/** How long a key's reply is kept, and after how long a claim never answered is given up. */
export const IDEMPOTENCY_HOURS = 24;
const ABANDONED_MINUTES = 10;
const KEY = /^[\x21-\x7e]{1,200}$/;

export interface IdempotentReply {
  status: number;
  body: unknown;
  location: string | null;
}

/** A digest of what was sent (fields and file bytes): a key reused for another request is refused. */
export function requestFingerprint(body: unknown, files: { buffer: Buffer }[] = []): string {
  const hash = createHash('sha256');
  const fields = Object.entries((body ?? {}) as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  hash.update(JSON.stringify(fields));
  for (const f of files) hash.update(createHash('sha256').update(f.buffer).digest());
  return hash.digest('hex');
}

async function claim(userId: number, key: string, requestHash: string): Promise<boolean> {
  const now = new Date();
  try {
    await db().query(
      `INSERT INTO idempotency_keys (userId, idemKey, requestHash, state, createdAt, updatedAt, expiresAt)
       VALUES (?, ?, ?, 'pending', ?, ?, ?)`,
      {
        replacements: [
          userId,
          key,
          requestHash,
          now,
          now,
          new Date(now.getTime() + IDEMPOTENCY_HOURS * 3600_000),
        ],
      },
    );
    return true;
  } catch (err) {
    if (err instanceof UniqueConstraintError) return false;
    throw err;
  }
}

/** Drops the key's row when it has expired or its request was abandoned (a crash). */
async function dropStale(userId: number, key: string): Promise<void> {
  const now = new Date();
  await db().query(
    `DELETE FROM idempotency_keys WHERE userId = ? AND idemKey = ?
       AND (expiresAt < ? OR (state = 'pending' AND updatedAt < ?))`,
    { replacements: [userId, key, now, new Date(now.getTime() - ABANDONED_MINUTES * 60_000)] },
  );
}

async function forget(userId: number, key: string): Promise<void> {
  await db().query(
    `DELETE FROM idempotency_keys WHERE userId = ? AND idemKey = ? AND state = 'pending'`,
    { replacements: [userId, key] },
  );
}

/**
 * Runs a creating request once per Idempotency-Key of its caller. The first request claims the
 * key with an INSERT (the database orders concurrent duplicates: one runs, the others get 409
 * IDEMPOTENCY_IN_PROGRESS) and its reply is kept; a retry with the same key and request gets
 * that reply again (`replayed`), with another request 422 IDEMPOTENCY_KEY_REUSED. A refused
 * request releases its key. Without the header the request simply runs.
 */
export async function onceForKey(
  req: Request,
  requestHash: string,
  run: () => Promise<IdempotentReply>,
): Promise<IdempotentReply & { replayed: boolean }> {
  const key = req.get('idempotency-key');
  if (key === undefined || !req.user) return { ...(await run()), replayed: false };
  if (!KEY.test(key)) throw new AppError('IDEMPOTENCY_KEY_INVALID', 400);
  const userId = req.user.id;
  if (!(await claim(userId, key, requestHash))) {
    await dropStale(userId, key);
    if (!(await claim(userId, key, requestHash))) {
      const [row] = await db().query<{
        requestHash: string;
        state: string;
        responseStatus: number | null;
        responseBody: string | null;
        location: string | null;
      }>(
        'SELECT requestHash, state, responseStatus, responseBody, location FROM idempotency_keys WHERE userId = ? AND idemKey = ?',
        { replacements: [userId, key], type: QueryTypes.SELECT },
      );
      if (!row) throw new AppError('IDEMPOTENCY_IN_PROGRESS', 409);
      if (row.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 422);
      if (row.state !== 'done') throw new AppError('IDEMPOTENCY_IN_PROGRESS', 409);
      return {
        status: Number(row.responseStatus),
        body: row.responseBody ? JSON.parse(row.responseBody) : null,
        location: row.location,
        replayed: true,
      };
    }
  }
  let reply: IdempotentReply;
  try {
    reply = await run();
  } catch (err) {
    await forget(userId, key).catch(() => undefined);
    throw err;
  }
  await db().query(
    `UPDATE idempotency_keys SET state = 'done', responseStatus = ?, responseBody = ?, location = ?, updatedAt = ?
     WHERE userId = ? AND idemKey = ?`,
    {
      replacements: [
        reply.status,
        JSON.stringify(reply.body),
        reply.location,
        new Date(),
        userId,
        key,
      ],
    },
  );
  return { ...reply, replayed: false };
}

/** Deletes the keys whose time is up. */
export async function sweepIdempotencyKeys(now = new Date()): Promise<void> {
  await db().query('DELETE FROM idempotency_keys WHERE expiresAt < ?', { replacements: [now] });
}
