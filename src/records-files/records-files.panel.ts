/**
 * A document page's "Hồ sơ" panel: the files holding the document that the reader may see, and
 * the reader's open files to add it to. Read with the page's other reads (documentFilesSelect in
 * its round trip), or alone (filesOfDocument).
 */
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import type { Select } from '../db/select-together.js';
import { can } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import type { RecordsFileDocumentKind, RecordsFileStatus } from './records-file.model.js';
import type { RecordsFileSubject } from './records-files.policy.js';

/** A file as the document page's panel names it. */
export interface DocumentFileChoice {
  id: number;
  year: number;
  code: string;
  title: string;
  status: RecordsFileStatus;
}

/** A document page's "Hồ sơ" panel. */
export interface DocumentFilesPanel {
  kind: RecordsFileDocumentKind;
  documentId: number;
  /** The files holding the document that the reader may see. */
  holding: DocumentFileChoice[];
  /** The open files the reader may add it to (not holding it yet). */
  addable: DocumentFileChoice[];
}

/**
 * The SELECT of the panel's files, to be read with the document page's other reads (one round
 * trip); null for a person who keeps no files. The caller has checked the document. Three index
 * reads, each planned as a plain select (every page view pays for it): the files holding the
 * document, the person's own open files, and every file shared with them (its share decides
 * whether they see a holding file or add to an open one). What a reader may see of a file is
 * decided by the policy on these rows, not by the SQL. Clerks and leaders see every file
 * holding the document, and are offered their own open files and those shared with them.
 */
export function documentFilesSelect(
  user: User,
  kind: RecordsFileDocumentKind,
  documentId: number,
): Select | null {
  if (!can(user, 'records_file.list')) return null;
  const columns = `f.id, f.year, f.code, f.codeKey, f.title, f.status, f.agencyId, f.departmentId,
            f.keeperId, f.retentionYears`;
  return {
    sql: `SELECT 'holds' AS why, ${columns}, NULL AS canAdd FROM records_file_items i
            JOIN records_files f ON f.id = i.recordsFileId
           WHERE i.documentKind = ? AND i.documentId = ? AND f.agencyId = ?
          UNION ALL
          SELECT 'keeps' AS why, ${columns}, NULL AS canAdd FROM records_files f
           WHERE f.keeperId = ? AND f.status = 'open' AND f.agencyId = ?
          UNION ALL
          SELECT 'shared' AS why, ${columns}, m.canAdd FROM records_file_members m
            JOIN records_files f ON f.id = m.recordsFileId
           WHERE m.userId = ? AND f.agencyId = ?`,
    params: [kind, documentId, user.agencyId, user.id, user.agencyId, user.id, user.agencyId],
  };
}

/** The panel from the rows of documentFilesSelect, by year (newest first) then code. */
export function documentFilesPanel(
  user: User,
  kind: RecordsFileDocumentKind,
  documentId: number,
  rows: Record<string, unknown>[],
): DocumentFilesPanel {
  const shares = new Map<number, boolean>();
  const holds = new Set<number>();
  const files = new Map<number, Record<string, unknown>>();
  for (const r of rows) {
    const id = Number(r.id);
    files.set(id, r);
    if (r.why === 'holds') holds.add(id);
    if (r.why === 'shared') shares.set(id, r.canAdd === true || Number(r.canAdd) === 1);
  }
  const holding: Array<DocumentFileChoice & { codeKey: string }> = [];
  const addable: Array<DocumentFileChoice & { codeKey: string }> = [];
  for (const [id, r] of files) {
    const choice = {
      id,
      year: Number(r.year),
      code: String(r.code),
      codeKey: String(r.codeKey),
      title: String(r.title),
      status: String(r.status) as RecordsFileStatus,
    };
    const subject: RecordsFileSubject = {
      agencyId: Number(r.agencyId),
      departmentId: r.departmentId == null ? null : Number(r.departmentId),
      keeperId: Number(r.keeperId),
      status: choice.status,
      retentionYears: r.retentionYears == null ? null : Number(r.retentionYears),
      members: shares.has(id) ? [{ userId: user.id, canAdd: shares.get(id)! }] : [],
    };
    if (holds.has(id)) {
      if (can(user, 'records_file.view', subject)) holding.push(choice);
    } else if (
      (subject.keeperId === user.id || shares.get(id) === true) &&
      can(user, 'records_file.add_document', subject)
    )
      addable.push(choice);
  }
  const order = (a: { year: number; codeKey: string; id: number }, b: typeof a) =>
    b.year - a.year || (a.codeKey < b.codeKey ? -1 : a.codeKey > b.codeKey ? 1 : 0) || a.id - b.id;
  const plain = ({ codeKey: _key, ...choice }: DocumentFileChoice & { codeKey: string }) => choice;
  return {
    kind,
    documentId,
    holding: holding.sort(order).map(plain),
    addable: addable.sort(order).map(plain),
  };
}

/** The panel read on its own (a page whose other reads are not gathered); null as above. */
export async function filesOfDocument(
  user: User,
  kind: RecordsFileDocumentKind,
  documentId: number,
): Promise<DocumentFilesPanel | null> {
  const select = documentFilesSelect(user, kind, documentId);
  if (!select) return null;
  return documentFilesPanel(
    user,
    kind,
    documentId,
    await rawSelect(db(), select.sql, select.params),
  );
}
