import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { UniqueConstraintError } from 'sequelize';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import { StoredFile } from './file.model.js';

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

/**
 * Checks a PDF by its content: the %PDF- signature in the first bytes and a successful parse
 * (which also gives the page count). A renamed non-PDF is refused with FILE_NOT_PDF (422).
 */
export async function inspectPdf(buffer: Buffer, originalName: string): Promise<UploadCheck> {
  const refuse = () =>
    new AppError('FILE_NOT_PDF', 422, undefined, undefined, { name: originalName });
  const head = buffer.subarray(0, 1024).toString('latin1');
  if (!head.includes('%PDF-')) throw refuse();
  try {
    const pdf = await PDFDocument.load(buffer, {
      updateMetadata: false,
      ignoreEncryption: true,
      throwOnInvalidObject: false,
    });
    const pageCount = pdf.getPageCount();
    if (pageCount < 1) throw refuse();
    return { mimeType: PDF_MIME, pageCount };
  } catch {
    throw refuse();
  }
}

export interface StoredUpload {
  storedFile: StoredFile;
  originalName: string;
}

/** A readable file name: no folders, no control characters, at most 255 characters. */
export function cleanFileName(name: string): string {
  const base = path.basename(String(name).replace(/\\/g, '/'));
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_').trim();
  return (cleaned || 'file.pdf').slice(-255);
}

async function writeAtomically(buffer: Buffer, finalPath: string): Promise<void> {
  try {
    const existing = await stat(finalPath);
    if (existing.size === buffer.length) return;
  } catch {
    // not stored yet
  }
  await mkdir(path.dirname(finalPath), { recursive: true });
  const tmpDir = path.join(storageDir(), 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const tmpPath = path.join(tmpDir, `${randomUUID()}.part`);
  const handle = await open(tmpPath, 'wx', 0o640);
  try {
    await handle.writeFile(buffer);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // rename is atomic: readers see either no file or the whole file, never half of one.
    await rename(tmpPath, finalPath);
  } catch (err) {
    await unlink(tmpPath).catch(() => undefined);
    throw err;
  }
}

/** Finds or creates the StoredFile row of a digest; a concurrent creator wins the race harmlessly. */
async function findOrCreateRow(
  sha256: string,
  size: number,
  check: UploadCheck,
  options?: TxOptions,
): Promise<StoredFile> {
  const found = await StoredFile.findOne({ where: { sha256 }, transaction: options?.transaction });
  if (found) return found;
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

/** An upload whose content was checked; not written yet. */
export interface CheckedUpload extends UploadCheck {
  buffer: Buffer;
  originalName: string;
  sha256: string;
  size: number;
}

/** Checks an upload by size and content (a PDF must parse); writes nothing. */
export async function checkUpload(
  buffer: Buffer,
  originalName: string,
  { maxBytes }: { maxBytes?: number } = {},
): Promise<CheckedUpload> {
  const name = cleanFileName(originalName);
  if (buffer.length === 0) throw new AppError('FILE_EMPTY', 422, undefined, undefined, { name });
  if (maxBytes !== undefined && buffer.length > maxBytes) throw new AppError('FILE_TOO_LARGE', 413);
  const check = await inspectPdf(buffer, name);
  const sha256 = createHash('sha256').update(buffer).digest('hex');
  return { ...check, buffer, originalName: name, sha256, size: buffer.length };
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
  await writeAtomically(upload.buffer, storedFilePath(upload.sha256));
  const storedFile = await findOrCreateRow(upload.sha256, upload.size, upload, options);
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
