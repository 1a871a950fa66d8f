import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { QueryTypes } from 'sequelize';
import { db } from '../db/index.js';
import { foreignKeysTo, type ForeignKey } from '../db/foreign-keys.js';
import { sweepIdempotencyKeys } from '../http/idempotency.js';
import { sweepSigningSessions } from '../outgoing/outgoing.token-sessions.js';
import { sweepNumberReservations } from '../registers/number-reservations.js';
import { storageDir, storedFilePath } from './file-storage.service.js';

/** Stored files nothing links to are kept this long (an upload on its way to its row). */
export const ORPHAN_HOURS = 24;
/** A temporary `.part` file this old is what a write stopped by a crash left. */
const PART_MINUTES = 60;

export interface SweepResult {
  rows: number;
  parts: number;
}

/**
 * The columns that link a stored file: every foreign key to stored_files the database declares
 * (document files, meeting item documents, minutes, a task's result, and whatever a later
 * migration adds), read from its catalogue at each sweep rather than listed here, where the next
 * table would be forgotten and its files deleted. Without document_files.fileId among them the
 * catalogue was not read right, and nothing may be swept on it.
 */
export async function storedFileLinks(): Promise<ForeignKey[]> {
  const links = await foreignKeysTo(db(), 'stored_files');
  if (!links.some((l) => l.table === 'document_files' && l.column === 'fileId'))
    throw new Error('The foreign keys to stored_files could not be read; no file is swept');
  return links;
}

/**
 * SQL true of a stored_files row that none of these columns links to. NOT IN a subquery (its
 * NULLs left out) rather than a correlated NOT EXISTS: SQLite has no index on these columns and
 * reads each subquery once into a set, where NOT EXISTS would read the table again for every file.
 */
function unlinkedSql(links: ForeignKey[]): string {
  const q = (name: string) => db().getQueryInterface().quoteIdentifier(name);
  return links
    .map(
      (l) =>
        `stored_files.${q(l.referencedColumn)} NOT IN ` +
        `(SELECT ${q(l.column)} FROM ${q(l.table)} WHERE ${q(l.column)} IS NOT NULL)`,
    )
    .join(' AND ');
}

/** Test seam: runs between the steps of one orphan's removal (see sweepOrphan). */
export const sweepSteps: { after?: (step: 'moved' | 'deleted') => Promise<void> } = {};

/**
 * Removes one orphan's row and bytes unless it was stored again meanwhile. The bytes are moved
 * aside first, then the row is deleted only if still old and unlinked: a store of the same
 * content renews or recreates the row before it writes the file (storeContent), so either it
 * renewed the row first (the DELETE misses and the bytes go back) or it finds the file gone and
 * writes it again. Deleting and then unlinking the stored path instead lost the bytes of a row
 * created between the two.
 */
async function sweepOrphan(
  orphan: { id: number; sha256: string },
  cutoff: Date,
  unlinked: string,
): Promise<boolean> {
  const stored = storedFilePath(orphan.sha256);
  const aside = path.join(storageDir(), 'tmp', `${orphan.sha256}.${randomUUID()}.swept`);
  const moved = await rename(stored, aside).then(
    () => true,
    async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      // No tmp folder yet (a new store), or no file: another sweeper has it, or it was lost.
      if (await exists(stored)) {
        await mkdir(path.dirname(aside), { recursive: true });
        await rename(stored, aside);
        return true;
      }
      return false;
    },
  );
  // Dated now, so another process's sweep leaves it to this one (restoreSweptAside).
  if (moved) await utimes(aside, new Date(), new Date()).catch(() => undefined);
  await sweepSteps.after?.('moved');
  const deleted = await db().query(
    `DELETE FROM stored_files WHERE id = ? AND updatedAt < ? AND ${unlinked}`,
    { replacements: [orphan.id, cutoff], type: QueryTypes.BULKDELETE },
  );
  await sweepSteps.after?.('deleted');
  if (!moved) return Number(deleted) === 1;
  if (Number(deleted) === 1) {
    await unlink(aside).catch(() => undefined);
    return true;
  }
  // Stored again meanwhile: the bytes go back (a store that wrote them again wrote the same).
  await rename(aside, stored).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  return false;
}

/**
 * Bytes a sweep moved aside and did not finish with (its process died between the move and the
 * DELETE, or before it unlinked them): back in place when their row is still there, else removed.
 * Only files older than a sweep's own steps are touched.
 */
async function restoreSweptAside(tmp: string, names: string[], now: Date): Promise<void> {
  for (const name of names) {
    const sha256 = /^([0-9a-f]{64})\.[0-9a-f-]+\.swept$/.exec(name)?.[1];
    if (!sha256) continue;
    const file = path.join(tmp, name);
    const info = await stat(file).catch(() => null);
    if (!info || info.mtimeMs > now.getTime() - PART_MINUTES * 60_000) continue;
    const [row] = await db().query('SELECT id FROM stored_files WHERE sha256 = ?', {
      replacements: [sha256],
      type: QueryTypes.SELECT,
    });
    if (row && !(await exists(storedFilePath(sha256))))
      await rename(file, storedFilePath(sha256)).catch(() => undefined);
    else await unlink(file).catch(() => undefined);
  }
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * Removes what a crash can leave behind: stored files (row and bytes) that nothing has linked to
 * for ORPHAN_HOURS since they were last stored (written before the transaction that would have
 * linked them; storing the same bytes again renews a row's updatedAt, so an upload that reuses an
 * old orphan's row is not swept on its way to being linked) and `.part`
 * files in STORAGE_DIR/tmp. Each row is deleted by a conditional DELETE, so a file linked
 * meanwhile is kept; several processes may sweep at once.
 */
export async function sweepOrphanFiles(now = new Date()): Promise<SweepResult> {
  const cutoff = new Date(now.getTime() - ORPHAN_HOURS * 3600_000);
  const unlinked = unlinkedSql(await storedFileLinks());
  const orphans = await db().query<{ id: number; sha256: string }>(
    `SELECT id, sha256 FROM stored_files WHERE updatedAt < ? AND ${unlinked}`,
    { replacements: [cutoff], type: QueryTypes.SELECT },
  );
  let rows = 0;
  for (const orphan of orphans) if (await sweepOrphan(orphan, cutoff, unlinked)) rows += 1;
  let parts = 0;
  const tmp = path.join(storageDir(), 'tmp');
  const names = await readdir(tmp).catch(() => [] as string[]);
  await restoreSweptAside(tmp, names, now);
  for (const name of names.filter((n) => n.endsWith('.part'))) {
    const file = path.join(tmp, name);
    const info = await stat(file).catch(() => null);
    if (!info || info.mtimeMs > now.getTime() - PART_MINUTES * 60_000) continue;
    await unlink(file).then(
      () => (parts += 1),
      () => undefined,
    );
  }
  return { rows, parts };
}

/**
 * Sweeps at start and then once a day: orphan files, `.part` files, expired API keys and
 * expired signing sessions, and numbers held by an issuance whose process died.
 */
export function scheduleFileSweep(logger: Logger, everyMs = 24 * 3600_000): () => void {
  const sweep = async () => {
    try {
      const result = await sweepOrphanFiles();
      await sweepIdempotencyKeys();
      await sweepSigningSessions();
      await sweepNumberReservations();
      if (result.rows || result.parts) logger.info(result, 'files left by a crash swept');
    } catch (err) {
      logger.warn({ err }, 'file sweep failed; retrying at the next one');
    }
  };
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  void sweep();
  return () => clearInterval(timer);
}
