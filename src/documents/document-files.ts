import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/index.js';
import { hydrate, prefixedColumns } from '../db/hydrate.js';
import { rawSelect } from '../db/raw-select.js';
import { insertRows } from '../db/raw-write.js';
import type { Select } from '../db/select-together.js';
import { DocumentFile, StoredFile, type FileRole } from '../files/file.model.js';
import type { DocumentRef } from './step-runner.js';

export interface FileToAttach {
  fileId: number;
  originalName: string;
  role: FileRole;
  /** JSON of the signature check made when the file arrived. */
  signatureCheck?: string | null;
  /** For a signed revision: the document file it signs. */
  signedFromId?: number | null;
  /** JSON of a main version's layout (placements and first page's text). */
  layout?: string | null;
}

/**
 * Attaches stored files to a document in the caller's transaction. Each main file is a new
 * version (after the document's latest); attachments and signed revisions keep version 1.
 */
export async function attachFiles(
  ref: DocumentRef,
  files: FileToAttach[],
  transaction: Transaction,
): Promise<DocumentFile[]> {
  let version = 0;
  if (files.some((f) => f.role === 'main')) {
    const [row] = await db().query<{ latest: number | null }>(
      `SELECT MAX(version) AS latest FROM document_files
       WHERE documentKind = ? AND documentId = ? AND role = 'main'`,
      { replacements: [ref.kind, ref.id], type: QueryTypes.SELECT, transaction },
    );
    version = Number(row?.latest ?? 0);
  }
  return insertRows(
    DocumentFile,
    files.map((f) => ({
      documentKind: ref.kind,
      documentId: ref.id,
      fileId: f.fileId,
      originalName: f.originalName,
      role: f.role,
      version: f.role === 'main' ? ++version : 1,
      signedFromId: f.signedFromId ?? null,
      signatureCheck: f.signatureCheck ?? null,
      layout: f.layout ?? null,
    })),
    transaction,
  );
}

/** The document's main file: its latest version (or a given one). */
export async function mainFile(
  ref: DocumentRef,
  version?: number,
  transaction?: Transaction,
): Promise<DocumentFile | null> {
  return DocumentFile.findOne({
    where: {
      documentKind: ref.kind,
      documentId: ref.id,
      role: 'main',
      ...(version ? { version } : {}),
    },
    order: [['version', 'DESC']],
    transaction,
  });
}

/**
 * A document's files of the given roles, oldest first, each with its stored content's record, in
 * one statement read by hand (the signing and issuing steps pick the main version, the signed
 * revision and the attachments from it instead of one query each).
 */
export async function filesWithStored(
  ref: DocumentRef,
  roles: readonly FileRole[],
  transaction?: Transaction,
): Promise<DocumentFile[]> {
  if (!roles.length) return [];
  const { sql, params } = filesWithStoredSelect(ref, roles);
  return filesFromRows(await rawSelect<Record<string, unknown>>(db(), sql, params, transaction));
}

/** filesWithStored's statement (roles not empty), for a caller reading it with others. */
export function filesWithStoredSelect(ref: DocumentRef, roles: readonly FileRole[]): Select {
  return filesOfDocumentsSelect(ref.kind, [ref.id], roles);
}

function filesOfDocumentsSelect(
  kind: DocumentRef['kind'],
  ids: readonly number[],
  roles: readonly FileRole[],
): Select {
  const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  return {
    sql: `SELECT df.*, ${prefixedColumns('sf', Object.keys(StoredFile.getAttributes()))}
       FROM document_files df LEFT JOIN stored_files sf ON sf.id = df.fileId
      WHERE df.documentKind = ? AND df.documentId IN (${marks(ids.length)})
        AND df.role IN (${marks(roles.length)})
      ORDER BY df.id`,
    params: [kind, ...ids, ...roles],
  };
}

/** filesWithStored for several documents of a kind in one statement: each one's files, oldest first. */
export async function filesWithStoredOf(
  kind: DocumentRef['kind'],
  ids: readonly number[],
  roles: readonly FileRole[],
): Promise<Map<number, DocumentFile[]>> {
  const byDocument = new Map<number, DocumentFile[]>(ids.map((id) => [id, []]));
  if (!ids.length || !roles.length) return byDocument;
  const { sql, params } = filesOfDocumentsSelect(kind, ids, roles);
  for (const file of filesFromRows(await rawSelect<Record<string, unknown>>(db(), sql, params)))
    byDocument.get(file.documentId)?.push(file);
  return byDocument;
}

/** The files of filesWithStoredSelect's rows. */
export function filesFromRows(rows: Record<string, unknown>[]): DocumentFile[] {
  return rows.map((row) => {
    const documentFile = hydrate(DocumentFile, row);
    documentFile.file = hydrate(StoredFile, row, 'sf__', true) ?? undefined;
    return documentFile;
  });
}

/** The latest main version among files read by filesWithStored (the highest version). */
export function latestMain(files: readonly DocumentFile[]): DocumentFile | null {
  let latest: DocumentFile | null = null;
  for (const f of files)
    if (f.role === 'main' && (!latest || f.version > latest.version)) latest = f;
  return latest;
}
