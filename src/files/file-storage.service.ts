import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { UniqueConstraintError } from 'sequelize';
import { db } from '../db/index.js';
import { rawWrite } from '../db/raw-write.js';
import { dialectOf } from '../db/sequelize.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import { StoredFile } from './file.model.js';
import { inspectPdfOffThread } from './pdf-check-pool.js';
import type { SignatureCheck } from './signature-check.js';
import { ZIP_LIMITS, zipInflationProblem } from './zip-inflation.js';

export const PDF_MIME = 'application/pdf';

let configuredDir: string | null = null;

/** Sets the folder files are kept in (STORAGE_DIR); called once when the app is built. */
export function configureFileStorage(storageDir: string): void {
  configuredDir = storageDir;
}

/** STORAGE_DIR, as configured. */
export function storageDir(): string {
  if (!configuredDir) throw new Error('File storage not configured: call configureFileStorage()');
  return configuredDir;
}

/** Where a file's bytes live: STORAGE_DIR/ab/cd/<sha256>, never under a public path. */
export function storedFilePath(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('Not a SHA-256 hex digest');
  return path.join(storageDir(), sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

export interface UploadCheck {
  mimeType: string;
  pageCount: number;
}

export interface StoredUpload {
  storedFile: StoredFile;
  originalName: string;
}

// C0 and C1 control characters, and the bidirectional marks, embeddings, overrides and isolates
// that make "hoadon\u202Efdp.exe" read as "hoadonexe.pdf".
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A readable file name: no folders, no control or bidirectional characters, at most 255
 * characters; with `extension` (".pdf" for a PDF) it always ends in that extension.
 */
export function cleanFileName(name: string, extension?: string): string {
  const base = path.basename(String(name).replace(/\\/g, '/'));
  const cleaned = base
    .replace(INVISIBLE, '')
    .replace(/["<>|:*?]/g, '_')
    .trim();
  if (!extension) return (cleaned || 'file.pdf').slice(-255);
  const stem = cleaned.toLowerCase().endsWith(extension)
    ? cleaned.slice(0, -extension.length)
    : cleaned.replace(/[. ]+$/, '');
  return `${(stem || 'file').slice(0, 255 - extension.length)}${extension}`;
}

async function writeAtomically(buffer: Buffer, finalPath: string): Promise<void> {
  try {
    const existing = await stat(finalPath);
    if (existing.size === buffer.length) return;
  } catch {
    // not stored yet
  }
  const tmpDir = path.join(storageDir(), 'tmp');
  const tmpPath = path.join(tmpDir, `${randomUUID()}.part`);
  // The folders are made when missing only: after the first files they exist, and two mkdir
  // calls a file were a tenth of an issuance's file work.
  const handle = await open(tmpPath, 'wx', 0o640).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    await mkdir(tmpDir, { recursive: true });
    return open(tmpPath, 'wx', 0o640);
  });
  try {
    await handle.writeFile(buffer);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // rename is atomic: readers see either no file or the whole file, never half of one.
    await rename(tmpPath, finalPath).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await mkdir(path.dirname(finalPath), { recursive: true });
      await rename(tmpPath, finalPath);
    });
  } catch (err) {
    await unlink(tmpPath).catch(() => undefined);
    throw err;
  }
}

/**
 * MariaDB: the row of a digest in one statement, created or found by the unique index on sha256
 * (LAST_INSERT_ID(id) makes the existing row's id the statement's insert id; its updatedAt is
 * renewed for the orphan sweep), with no transaction
 * of its own; a signature stores two files per document and each statement is a round trip. The
 * instance is built from the values given: the same digest is the same bytes, of the same size,
 * type and page count.
 */
async function upsertRowMariaDb(
  sha256: string,
  size: number,
  check: UploadCheck,
  options?: TxOptions,
): Promise<StoredFile> {
  const now = new Date();
  const { insertId: id } = await rawWrite(
    db(),
    `INSERT INTO stored_files (sha256, size, mimeType, pageCount, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), updatedAt = VALUES(updatedAt)`,
    [sha256, size, check.mimeType, check.pageCount, now, now],
    options?.transaction,
  );
  return StoredFile.build(
    {
      id: Number(id),
      sha256,
      size,
      mimeType: check.mimeType,
      pageCount: check.pageCount,
      createdAt: now,
      updatedAt: now,
    },
    { isNewRecord: false, raw: true },
  );
}

/** Finds or creates the StoredFile row of a digest; a concurrent creator wins the race harmlessly. */
async function findOrCreateRow(
  sha256: string,
  size: number,
  check: UploadCheck,
  options?: TxOptions,
): Promise<StoredFile> {
  if (dialectOf(db()) === 'mysql') return upsertRowMariaDb(sha256, size, check, options);
  const found = await StoredFile.findOne({ where: { sha256 }, transaction: options?.transaction });
  // Stored again: the orphan sweep counts its grace period from now (see sweepOrphanFiles).
  if (found) {
    const now = new Date();
    await db().query('UPDATE stored_files SET updatedAt = ? WHERE id = ?', {
      replacements: [now, found.id],
      transaction: options?.transaction,
    });
    found.updatedAt = now;
    return found;
  }
  try {
    return await withTransaction(db(), options, (transaction) =>
      StoredFile.create(
        { sha256, size, mimeType: check.mimeType, pageCount: check.pageCount },
        { transaction },
      ),
    );
  } catch (err) {
    if (!(err instanceof UniqueConstraintError)) throw err;
    const winner = await StoredFile.findOne({ where: { sha256 } });
    if (!winner) throw err;
    return winner;
  }
}

/**
 * Stores bytes under their digest: the row first (created, or its updatedAt renewed), then the
 * file when it is missing. In this order the orphan sweep cannot take the bytes from under a
 * store of the same content: it moves a file aside before its conditional DELETE and puts it
 * back when the row was renewed meanwhile (file-sweep.ts), and a row renewed or created here
 * before that DELETE keeps it from matching; a row created after it finds the file gone and
 * writes it again.
 */
async function storeContent(
  buffer: Buffer,
  sha256: string,
  check: UploadCheck,
  options?: TxOptions,
): Promise<StoredFile> {
  const storedFile = await findOrCreateRow(sha256, buffer.length, check, options);
  await writeAtomically(buffer, storedFilePath(sha256));
  return storedFile;
}

/** An upload whose content was checked; not written yet. */
export interface CheckedUpload extends UploadCheck {
  buffer: Buffer;
  originalName: string;
  sha256: string;
  size: number;
  /** Its digital signatures, checked on arrival (null when not asked for). */
  signatureCheck: SignatureCheck | null;
}

/**
 * Checks an upload by size and content (a PDF must parse) and, unless `signatures` is false, its
 * digital signatures; writes nothing. The parse and the check run in the file check pool, off
 * the event loop: a file past its limits is refused (422 FILE_TOO_COMPLEX, FILE_CHECK_TIMEOUT,
 * FILE_CHECK_MEMORY), a renamed non-PDF too (422 FILE_NOT_PDF).
 */
export async function checkUpload(
  buffer: Buffer,
  originalName: string,
  {
    maxBytes,
    signatures = true,
    signable = false,
  }: {
    maxBytes?: number;
    signatures?: boolean;
    /** To be signed in the application (a draft): refused when the engine could not sign it. */
    signable?: boolean;
  } = {},
): Promise<CheckedUpload> {
  const name = cleanFileName(originalName, '.pdf');
  // A refusal names the file as the person chose it ("notes.txt"), not as it would be kept.
  const chosen = cleanFileName(originalName);
  if (buffer.length === 0)
    throw new AppError('FILE_EMPTY', 422, undefined, undefined, { name: chosen });
  if (maxBytes !== undefined && buffer.length > maxBytes) throw new AppError('FILE_TOO_LARGE', 413);
  const head = buffer.subarray(0, 1024).toString('latin1');
  if (!head.includes('%PDF-'))
    throw new AppError('FILE_NOT_PDF', 422, undefined, undefined, { name: chosen });
  const inspected = await inspectPdfOffThread(buffer, chosen, { signatures, signable });
  return {
    mimeType: PDF_MIME,
    pageCount: inspected.pageCount,
    signatureCheck: inspected.signatureCheck,
    buffer,
    originalName: name,
    sha256: inspected.sha256,
    size: buffer.length,
  };
}

/**
 * Writes a checked upload content-addressed by SHA-256 (temp file, then rename; identical content
 * is stored once) and finds or creates its StoredFile row. Slow work: call it before the
 * transaction that links the file to a document.
 */
export async function saveCheckedUpload(
  upload: CheckedUpload,
  options?: TxOptions,
): Promise<StoredUpload> {
  const storedFile = await storeContent(upload.buffer, upload.sha256, upload, options);
  return { storedFile, originalName: upload.originalName };
}

/** checkUpload then saveCheckedUpload: a PDF checked by content, stored once by its digest. */
export async function storeUpload(
  buffer: Buffer,
  originalName: string,
  { maxBytes, transaction }: { maxBytes?: number } & TxOptions = {},
): Promise<StoredUpload> {
  return saveCheckedUpload(await checkUpload(buffer, originalName, { maxBytes }), { transaction });
}

/** A stream of a stored file's bytes; 404 FILE_MISSING when the bytes are gone from storage. */
export async function openStoredFile(storedFile: StoredFile): Promise<ReadStream> {
  const filePath = storedFilePath(storedFile.sha256);
  try {
    await stat(filePath);
  } catch {
    throw new AppError('FILE_MISSING', 404);
  }
  return createReadStream(filePath);
}

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * Stores a DOCX draft as it came (it is never served to a viewer, only converted to PDF by
 * LibreOffice off the request path): a zip holding word/document.xml, within maxBytes, whose
 * directory does not say it inflates past the bounds of zip-inflation.ts.
 */
export async function storeDocxUpload(
  buffer: Buffer,
  originalName: string,
  { maxBytes, transaction }: { maxBytes?: number } & TxOptions = {},
): Promise<StoredUpload> {
  const name = cleanFileName(originalName, '.docx');
  if (buffer.length === 0) throw new AppError('FILE_EMPTY', 422, undefined, undefined, { name });
  if (maxBytes !== undefined && buffer.length > maxBytes) throw new AppError('FILE_TOO_LARGE', 413);
  // A decompression bomb is refused here, before it is stored or queued for LibreOffice.
  const inflation = isDocxBytes(buffer) ? zipInflationProblem(buffer) : 'unreadable';
  if (inflation === 'unreadable')
    throw new AppError('FILE_NOT_DOCX', 422, undefined, undefined, { name });
  if (inflation)
    throw new AppError('FILE_DOCX_INFLATES', 422, undefined, undefined, {
      name,
      ratio: ZIP_LIMITS.maxRatio,
      maxMb: ZIP_LIMITS.maxInflated / (1024 * 1024),
    });
  const sha256 = createHash('sha256').update(buffer).digest('hex');
  const storedFile = await storeContent(
    buffer,
    sha256,
    { mimeType: DOCX_MIME, pageCount: 0 },
    { transaction },
  );
  return { storedFile, originalName: name };
}

/** A zip (PK\3\4) that holds word/document.xml: what Word and LibreOffice write as DOCX. */
export function isDocxBytes(bytes: Buffer): boolean {
  return (
    bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) &&
    bytes.includes('word/document.xml')
  );
}

/** The bytes of a stored file (for signing or converting; documents are bounded by MAX_UPLOAD_MB). */
export async function readStoredFile(storedFile: StoredFile): Promise<Buffer> {
  try {
    return await readFile(storedFilePath(storedFile.sha256));
  } catch {
    throw new AppError('FILE_MISSING', 404);
  }
}

/**
 * Stores a PDF this server produced itself (a signed revision of a stored file): no parse is
 * needed, its page count is that of the file it signs.
 */
export async function storeProducedPdf(
  buffer: Buffer,
  originalName: string,
  pageCount: number,
  options?: TxOptions,
): Promise<StoredUpload> {
  const sha256 = createHash('sha256').update(buffer).digest('hex');
  const storedFile = await storeContent(buffer, sha256, { mimeType: PDF_MIME, pageCount }, options);
  return { storedFile, originalName: cleanFileName(originalName, '.pdf') };
}
