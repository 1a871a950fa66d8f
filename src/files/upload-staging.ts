import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../http/app-error.js';
import { checkUpload, storageDir } from './file-storage.service.js';
import { isLimitRefusal } from './pdf-check-pool.js';

/**
 * Files kept while a registration form is shown again (a suspected duplicate to confirm, a field
 * to correct), so the clerk does not have to choose them again. Each sits in STORAGE_DIR/staging
 * as <id>.pdf beside <id>.json naming who sent it; the id is 128 random bits and only its sender
 * can use it, so it can't be used to reach somebody else's upload. Kept files are not documents
 * yet: nothing links to them, and they are swept after a day.
 */
export const STAGED_HOURS = 24;
const ID = /^[0-9a-f]{32}$/;

export interface StagedFile {
  id: string;
  originalName: string;
  size: number;
}

interface StagedMeta {
  ownerId: number;
  originalName: string;
  size: number;
  stagedAt: string;
}

const stagingDir = () => path.join(storageDir(), 'staging');
const fileOf = (id: string) => path.join(stagingDir(), `${id}.pdf`);
const metaOf = (id: string) => path.join(stagingDir(), `${id}.json`);

/**
 * Keeps the uploads that pass the content check (a PDF that parses, within maxBytes) for their
 * sender; the others are left out (their names added to `refused` when given), except that with
 * `failOnLimits` a file past the file check's limits refuses the whole batch (its 422). Also
 * sweeps expired ones.
 */
export async function stageUploads(
  uploads: { buffer: Buffer; originalName: string }[],
  ownerId: number,
  {
    maxBytes,
    refused,
    failOnLimits = false,
  }: { maxBytes?: number; refused?: string[]; failOnLimits?: boolean } = {},
): Promise<StagedFile[]> {
  await sweepStaged();
  const staged: StagedFile[] = [];
  for (const upload of uploads) {
    // Signatures are checked when the document is registered, not while its form waits.
    const checked = await checkUpload(upload.buffer, upload.originalName, {
      maxBytes,
      signatures: false,
    }).catch((err: unknown) => {
      if (failOnLimits && isLimitRefusal(err)) throw err;
      return null;
    });
    if (!checked) {
      refused?.push(upload.originalName);
      continue;
    }
    await mkdir(stagingDir(), { recursive: true });
    const id = randomBytes(16).toString('hex');
    const meta: StagedMeta = {
      ownerId,
      originalName: checked.originalName,
      size: checked.size,
      stagedAt: new Date().toISOString(),
    };
    await writeFile(fileOf(id), checked.buffer, { flag: 'wx', mode: 0o640 });
    await writeFile(metaOf(id), JSON.stringify(meta), { flag: 'wx', mode: 0o640 });
    staged.push({ id, originalName: meta.originalName, size: meta.size });
  }
  return staged;
}

/** Ids as a form sends them: one value or several; anything else is not an id of ours. */
export function stagedIdsOf(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map(String).slice(0, 10);
}

/** A kept file's record, when the id is well formed, the file is the sender's and not expired. */
async function ownMeta(id: string, ownerId: number): Promise<StagedMeta | null> {
  if (!ID.test(id)) return null;
  const meta = await readFile(metaOf(id), 'utf8').then(
    (text) => JSON.parse(text) as StagedMeta,
    () => null,
  );
  const age = meta ? Date.now() - Date.parse(meta.stagedAt) : NaN;
  // A record that can't be dated counts as expired.
  return meta && meta.ownerId === ownerId && age <= STAGED_HOURS * 3600_000 ? meta : null;
}

/**
 * The kept files of these ids, for their sender. An id that is malformed, unknown, expired or
 * somebody else's is refused as one (422 STAGED_FILE_GONE: choose the file again), so nobody
 * learns whether another person's upload exists.
 */
export async function readStaged(
  ids: string[],
  ownerId: number,
): Promise<{ id: string; buffer: Buffer; originalName: string }[]> {
  const found = [];
  for (const id of ids) {
    const meta = await ownMeta(id, ownerId);
    const buffer = meta && (await readFile(fileOf(id)).catch(() => null));
    if (!meta || !buffer)
      throw new AppError('STAGED_FILE_GONE', 422, undefined, {
        files: 'errors:STAGED_FILE_GONE',
      });
    found.push({ id, buffer, originalName: meta.originalName });
  }
  return found;
}

/** What the form shows of the kept files of these ids that are still there for their sender. */
export async function describeStaged(ids: string[], ownerId: number): Promise<StagedFile[]> {
  const described: StagedFile[] = [];
  for (const id of ids) {
    const meta = await ownMeta(id, ownerId);
    if (meta) described.push({ id, originalName: meta.originalName, size: meta.size });
  }
  return described;
}

/** Removes kept files once used (their bytes are now in the content-addressed store). */
export async function discardStaged(ids: string[]): Promise<void> {
  for (const id of ids.filter((i) => ID.test(i)))
    await Promise.all([rm(fileOf(id), { force: true }), rm(metaOf(id), { force: true })]);
}

/** Removes kept files older than STAGED_HOURS. */
export async function sweepStaged(now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(stagingDir());
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const full = path.join(stagingDir(), name);
    const info = await stat(full).catch(() => null);
    if (info && now - info.mtimeMs > STAGED_HOURS * 3600_000) {
      await rm(full, { force: true });
      removed++;
    }
  }
  return removed;
}
