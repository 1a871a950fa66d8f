/**
 * Records files (hồ sơ, Decree 30/2020 Articles 28–30 and Appendix VI): a person doing a piece of
 * work opens a file for it, gathers its incoming and outgoing documents (one document may be in
 * many files), shares it, and closes it when the work ends; a file kept 5 years or more is due
 * at the agency's archive within a year of closing, and its keeper and the clerks are told 30
 * days before (records-files.notices.ts). Every change is audited in the transaction that
 * makes it. A document page's "Hồ sơ" panel is records-files.panel.ts.
 *
 *   listRecordsFiles(user, query) → { rows, total, pages }          what the person may see
 *   findVisibleFile(user, id) → VisibleFile                          404 unless records_file.view
 *   createRecordsFile / updateRecordsFile / deleteRecordsFile
 *   closeRecordsFile / reopenRecordsFile / transferRecordsFile
 *   addDocumentToFile / removeDocumentFromFile / shareRecordsFile / unshareRecordsFile
 *   fileDocuments(user, fileId) → the documents the reader may open, and how many others
 *   recordsFileDetail(user, id) → a file with its documents, people and what the reader may do
 *   catalogueRows(user, year, filters) → the year's catalogue (danh mục hồ sơ), as the list filters it
 *   transferListRows(user, year) → the files taken into the archive that year (mục lục nộp lưu)
 */
import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { recordAudit } from '../audit/audit.service.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { foldedLikeCondition } from '../db/folded.js';
import { likeCondition } from '../db/like.js';
import { rawSelect } from '../db/raw-select.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import { requireVisibleIncoming } from '../incoming/incoming.access.js';
import { visibleIncomingSql } from '../incoming/incoming.visibility.js';
import { loadOutgoingAccesses, requireVisibleOutgoing } from '../outgoing/outgoing.access.js';
import { authorize, can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import {
  RecordsFile,
  RecordsFileItem,
  RecordsFileMember,
  RECORDS_FILE_STATUSES,
  type RecordsFileDocumentKind,
  type RecordsFileStatus,
} from './records-file.model.js';
import {
  goesToArchive,
  handlesDocuments,
  seesAgencyFiles,
  type RecordsFileSubject,
} from './records-files.policy.js';
import {
  ARCHIVED_FROM_YEARS,
  type AddDocumentInput,
  type RecordsFileInput,
  type RecordsFileListQuery,
  type ShareInput,
} from './records-files.schemas.js';

export const RECORDS_FILES_PAGE_SIZE = 25;

interface AuditActor {
  userId: number;
  ip: string | null;
}

/** A file with the people it is shared with: what the rules and the file's page need. */
export interface VisibleFile {
  file: RecordsFile;
  members: RecordsFileMember[];
  subject: RecordsFileSubject;
}

const notFound = () => new AppError('RECORDS_FILE_NOT_FOUND', 404);

/** The code as compared for uniqueness: NFC, upper case, one space between words. */
export const recordsFileCodeKey = (code: string) =>
  code.normalize('NFC').toLocaleUpperCase('vi').replace(/\s+/g, ' ').trim();

const subjectOf = (file: RecordsFile, members: RecordsFileMember[]): RecordsFileSubject => ({
  agencyId: file.agencyId,
  departmentId: file.departmentId,
  keeperId: file.keeperId,
  status: file.status,
  retentionYears: file.retentionYears,
  members: members.map((m) => ({ userId: m.userId, canAdd: m.canAdd })),
});

/**
 * The file if the person may see it; otherwise not found (404), whether it exists elsewhere or
 * not. Inside a transaction the file's row is locked first, so changes to one file queue.
 */
export async function findVisibleFile(
  user: User,
  id: number,
  transaction?: Transaction,
): Promise<VisibleFile> {
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound();
  const file = await RecordsFile.findByPk(id, {
    transaction,
    ...(transaction ? { lock: transaction.LOCK.UPDATE } : {}),
  });
  if (!file || file.agencyId !== user.agencyId) throw notFound();
  const members = await RecordsFileMember.findAll({
    where: { recordsFileId: id },
    order: [['id', 'ASC']],
    transaction,
  });
  const subject = subjectOf(file, members);
  if (!can(user, 'records_file.view', subject)) throw notFound();
  return { file, members, subject };
}

// What a file's state refuses, said as such (409): "Hồ sơ đã kết thúc…", not "not allowed".
const STATE_REFUSALS: Record<RecordsFileStatus, string> = {
  open: 'RECORDS_FILE_IS_OPEN',
  closed: 'RECORDS_FILE_IS_CLOSED',
  transferred: 'RECORDS_FILE_IS_TRANSFERRED',
};

/**
 * authorize() on a file, except that someone who could do it were the file in another state
 * (its keeper closing a file already closed in another tab) is told the file's state (409).
 */
export function authorizeOnFile(user: User, action: string, subject: RecordsFileSubject): void {
  if (
    !can(user, action, subject) &&
    RECORDS_FILE_STATUSES.some(
      (status) => status !== subject.status && can(user, action, { ...subject, status }),
    )
  )
    throw new AppError(STATE_REFUSALS[subject.status], 409);
  authorize(user, action, subject);
}

/** The files a person may see, as a SQL condition on records_files aliased `f`. */
function visibleFilesSql(user: User): { sql: string; params: unknown[] } {
  const agency = { sql: 'f.agencyId = ?', params: [user.agencyId] as unknown[] };
  if (seesAgencyFiles(user)) return agency;
  const parts = [
    'f.keeperId = ?',
    'f.id IN (SELECT m.recordsFileId FROM records_file_members m WHERE m.userId = ?)',
  ];
  const params: unknown[] = [user.id, user.id];
  if (user.hasRole('dept_head') && user.departmentId != null) {
    parts.push('f.departmentId = ?');
    params.push(user.departmentId);
  }
  return {
    sql: `${agency.sql} AND (${parts.join(' OR ')})`,
    params: [...agency.params, ...params],
  };
}

export interface RecordsFileRow {
  id: number;
  year: number;
  code: string;
  title: string;
  retentionYears: number | null;
  status: RecordsFileStatus;
  closedOn: string | null;
  transferDueOn: string | null;
  keeperName: string;
  departmentName: string | null;
  documents: number;
}

/** The list's status and words as a SQL condition on records_files aliased `f`. */
function filterCondition(query: Pick<RecordsFileListQuery, 'status' | 'q'>): {
  sql: string;
  params: unknown[];
} {
  const where = ['1 = 1'];
  const params: unknown[] = [];
  if (query.status) {
    where.push('f.status = ?');
    params.push(query.status);
  }
  if (query.q) {
    // The code as typed (% and _ literally), or every word in the folded title: "ngan sach"
    // finds "Ngân sách" on both databases.
    const code = likeCondition('f.codeKey', recordsFileCodeKey(query.q));
    const title = foldedLikeCondition('f.titleFolded', query.q);
    where.push(`(${code.sql} OR ${title.sql})`);
    params.push(...code.params, ...title.params);
  }
  return { sql: where.join(' AND '), params };
}

/** The files the person may see, by the list's filters: newest year first, then by code. */
export async function listRecordsFiles(
  user: User,
  query: RecordsFileListQuery,
  pageSize = RECORDS_FILES_PAGE_SIZE,
): Promise<{ rows: RecordsFileRow[]; total: number; pages: number }> {
  authorize(user, 'records_file.list');
  const visible = visibleFilesSql(user);
  const where = [visible.sql];
  const params = [...visible.params];
  if (query.year) {
    where.push('f.year = ?');
    params.push(query.year);
  }
  const filtered = filterCondition(query);
  where.push(filtered.sql);
  params.push(...filtered.params);
  const condition = where.join(' AND ');
  const [{ n }] = await rawSelect<{ n: unknown }>(
    db(),
    `SELECT COUNT(*) AS n FROM records_files f WHERE ${condition}`,
    params,
  );
  const total = Number(n);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const rows = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT f.id, f.year, f.code, f.title, f.retentionYears, f.status, f.closedOn, f.transferDueOn,
            k.fullName AS keeperName, d.name AS departmentName,
            (SELECT COUNT(*) FROM records_file_items i WHERE i.recordsFileId = f.id) AS documents
       FROM records_files f
       JOIN users k ON k.id = f.keeperId
       LEFT JOIN departments d ON d.id = f.departmentId
      WHERE ${condition}
      ORDER BY f.year DESC, f.codeKey ASC, f.id ASC
      LIMIT ${pageSize} OFFSET ${(Math.min(query.page, pages) - 1) * pageSize}`,
    params,
  );
  return { rows: rows.map(fileRowOf), total, pages };
}

const dateOnly = (v: unknown): string | null =>
  v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

function fileRowOf(r: Record<string, unknown>): RecordsFileRow {
  return {
    id: Number(r.id),
    year: Number(r.year),
    code: String(r.code),
    title: String(r.title),
    retentionYears: r.retentionYears == null ? null : Number(r.retentionYears),
    status: String(r.status) as RecordsFileStatus,
    closedOn: dateOnly(r.closedOn),
    transferDueOn: dateOnly(r.transferDueOn),
    keeperName: String(r.keeperName),
    departmentName: r.departmentName == null ? null : String(r.departmentName),
    documents: Number(r.documents ?? 0),
  };
}

/**
 * The unit of a file: one of the agency's; a specialist or a unit head makes files of their own
 * unit, a clerk or a leader of any. Given none, the person's own.
 */
async function unitOf(
  user: User,
  departmentId: number | undefined,
  transaction: Transaction,
): Promise<number | null> {
  const wanted = departmentId ?? user.departmentId ?? null;
  if (wanted == null) return null;
  const department = await Department.findOne({
    where: { id: wanted, agencyId: user.agencyId },
    attributes: ['id'],
    transaction,
  });
  const anyUnit = seesAgencyFiles(user);
  if (!department || (!anyUnit && wanted !== user.departmentId))
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      departmentId: 'errors:RECORDS_FILE_DEPARTMENT_INVALID',
    });
  return wanted;
}

const codeTaken = () =>
  new AppError('RECORDS_FILE_CODE_TAKEN', 422, undefined, {
    code: 'errors:RECORDS_FILE_CODE_TAKEN',
  });

/** A code another request took meanwhile (the unique index) is the same refusal as one seen. */
async function uniqueCode<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw codeTaken();
    throw err;
  }
}

async function refuseTakenCode(
  agencyId: number,
  year: number,
  codeKey: string,
  exceptId: number | undefined,
  transaction: Transaction,
) {
  const taken = await RecordsFile.findOne({
    where: { agencyId, year, codeKey, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) },
    attributes: ['id'],
    transaction,
  });
  if (taken) throw codeTaken();
}

const describe = (f: RecordsFile) => ({
  year: f.year,
  code: f.code,
  title: f.title,
  retentionYears: f.retentionYears,
  departmentId: f.departmentId,
});

/**
 * Opens a file (mở hồ sơ): its keeper is the person opening it. With `first` (opened from a
 * document's page), that document goes into it in the same transaction: a document the person
 * may not see leaves no file behind.
 */
export async function createRecordsFile(
  user: User,
  input: RecordsFileInput,
  actor: AuditActor,
  options?: TxOptions,
  first?: { kind: RecordsFileDocumentKind; documentId: number },
): Promise<RecordsFile> {
  authorize(user, 'records_file.create');
  const codeKey = recordsFileCodeKey(input.code);
  return uniqueCode(() =>
    withTransaction(db(), options, async (transaction) => {
      const departmentId = await unitOf(user, input.departmentId, transaction);
      await refuseTakenCode(user.agencyId, input.year, codeKey, undefined, transaction);
      const file = await RecordsFile.create(
        {
          agencyId: user.agencyId,
          year: input.year,
          code: input.code,
          codeKey,
          title: input.title,
          description: input.description ?? null,
          retentionYears: input.retention,
          departmentId,
          keeperId: user.id,
          status: 'open',
        },
        { transaction },
      );
      await recordAudit(
        {
          action: 'records_file.create',
          ...actor,
          entityType: 'records_file',
          entityId: file.id,
          details: describe(file),
        },
        { transaction },
      );
      if (first)
        await addDocumentToFile(user, file.id, { fileId: file.id, ...first }, actor, {
          transaction,
        });
      return file;
    }),
  );
}

/** Changes an open file's code, title, year, retention or unit. */
export async function updateRecordsFile(
  user: User,
  id: number,
  input: RecordsFileInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<RecordsFile> {
  const codeKey = recordsFileCodeKey(input.code);
  return uniqueCode(() =>
    withTransaction(db(), options, async (transaction) => {
      const { file, subject } = await findVisibleFile(user, id, transaction);
      authorizeOnFile(user, 'records_file.manage', subject);
      const departmentId =
        input.departmentId === file.departmentId && input.departmentId != null
          ? file.departmentId
          : await unitOf(user, input.departmentId, transaction);
      await refuseTakenCode(user.agencyId, input.year, codeKey, file.id, transaction);
      const before = describe(file);
      await file.update(
        {
          year: input.year,
          code: input.code,
          codeKey,
          title: input.title,
          description: input.description ?? null,
          retentionYears: input.retention,
          departmentId,
        },
        { transaction },
      );
      await recordAudit(
        {
          action: 'records_file.update',
          ...actor,
          entityType: 'records_file',
          entityId: file.id,
          details: { before, after: describe(file) },
        },
        { transaction },
      );
      return file;
    }),
  );
}

/** Deletes an open file that holds no document (one opened by mistake). */
export async function deleteRecordsFile(
  user: User,
  id: number,
  actor: AuditActor,
  options?: TxOptions,
): Promise<RecordsFile> {
  return withTransaction(db(), options, async (transaction) => {
    const { file, subject } = await findVisibleFile(user, id, transaction);
    authorizeOnFile(user, 'records_file.manage', subject);
    if ((await RecordsFileItem.count({ where: { recordsFileId: id }, transaction })) > 0)
      throw new AppError('RECORDS_FILE_NOT_EMPTY', 409);
    await RecordsFileMember.destroy({ where: { recordsFileId: id }, transaction });
    await file.destroy({ transaction });
    await recordAudit(
      {
        action: 'records_file.delete',
        ...actor,
        entityType: 'records_file',
        entityId: file.id,
        details: describe(file),
      },
      { transaction },
    );
    return file;
  });
}

/** The day a year after `day` (29 February → 28 February of a common year). */
export function oneYearAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const last = new Date(Date.UTC(y + 1, m, 0)).getUTCDate();
  return `${y + 1}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * When a file closed on `closedOn` is due at the agency's archive: within a year of the work's
 * end for a file kept 5 years or more or permanently (Decree 30, Article 30); null for one kept
 * less, which stays with its unit.
 */
export function transferDueOf(retentionYears: number | null, closedOn: string): string | null {
  return goesToArchive(retentionYears) ? oneYearAfter(closedOn) : null;
}

// The policy's and the audit log's names of each change of state (written whole: the audit
// labels are looked up by these literals).
const STATUS_ACTIONS = {
  close: 'records_file.close',
  reopen: 'records_file.reopen',
  transfer: 'records_file.transfer',
} as const;

const itemCount = async (fileId: number, transaction: Transaction) =>
  RecordsFileItem.count({ where: { recordsFileId: fileId }, transaction });

async function changeStatus(
  user: User,
  id: number,
  action: 'close' | 'reopen' | 'transfer',
  actor: AuditActor,
  today: string,
  options?: TxOptions,
): Promise<RecordsFile> {
  return withTransaction(db(), options, async (transaction) => {
    const { file, subject } = await findVisibleFile(user, id, transaction);
    // Who could record the transfer of a file kept 5 years or more is told why this one stays
    // with its unit (409), not refused as if they had no right to.
    if (
      action === 'transfer' &&
      !goesToArchive(file.retentionYears) &&
      can(user, STATUS_ACTIONS.transfer, { ...subject, status: 'closed', retentionYears: null })
    )
      throw new AppError('RECORDS_FILE_STAYS_WITH_UNIT', 409);
    authorizeOnFile(user, STATUS_ACTIONS[action], subject);
    // A file with nothing in it has nothing to end or hand to the archive: it was opened by
    // mistake, and is deleted instead.
    if (action !== 'reopen' && (await itemCount(file.id, transaction)) === 0)
      throw new AppError('RECORDS_FILE_EMPTY', 409);
    const from = file.status;
    if (action === 'close') {
      await file.update(
        {
          status: 'closed',
          closedOn: today,
          transferDueOn: transferDueOf(file.retentionYears, today),
          transferNoticeOn: null,
        },
        { transaction },
      );
    } else if (action === 'reopen') {
      await file.update(
        { status: 'open', closedOn: null, transferDueOn: null, transferNoticeOn: null },
        { transaction },
      );
    } else {
      await file.update(
        { status: 'transferred', transferredOn: today, transferredById: user.id },
        { transaction },
      );
    }
    await recordAudit(
      {
        action: STATUS_ACTIONS[action],
        ...actor,
        entityType: 'records_file',
        entityId: file.id,
        details: {
          code: file.code,
          fileStatus: [from, file.status],
          ...(action === 'close' ? { transferDueOn: file.transferDueOn } : {}),
        },
      },
      { transaction },
    );
    return file;
  });
}

/** A change of a file's state, as the routes call it (today: Vietnam's, or a test's day). */
const statusChange =
  (action: keyof typeof STATUS_ACTIONS) =>
  (user: User, id: number, actor: AuditActor, today = todayInVietnam(), options?: TxOptions) =>
    changeStatus(user, id, action, actor, today, options);

/** Kết thúc hồ sơ: the work has ended; no more documents, and the transfer's year begins. */
export const closeRecordsFile = statusChange('close');
/** Opens a closed file again (closed too early); its transfer date is set again when it closes. */
export const reopenRecordsFile = statusChange('reopen');
/** Nộp lưu: a clerk records that the closed file was taken into the agency's archive. */
export const transferRecordsFile = statusChange('transfer');

/** Gathers a document the person may open into a file they may add to. */
export async function addDocumentToFile(
  user: User,
  id: number,
  input: AddDocumentInput,
  actor: AuditActor,
  options?: TxOptions & { alreadyHeldIsFine?: boolean },
): Promise<RecordsFileItem> {
  try {
    return await withTransaction(db(), options, async (transaction) => {
      const { file, subject } = await findVisibleFile(user, id, transaction);
      authorizeOnFile(user, 'records_file.add_document', subject);
      // Someone else's document, or one of another agency, is not found: the file cannot
      // become a way to learn of it.
      if (input.kind === 'incoming')
        await requireVisibleIncoming(user, input.documentId, transaction);
      else await requireVisibleOutgoing(user, input.documentId, transaction);
      const taken = await RecordsFileItem.findOne({
        where: { recordsFileId: id, documentKind: input.kind, documentId: input.documentId },
        transaction,
      });
      // A step that files the document (lưu hồ sơ) into a file already holding it is done.
      if (taken && options?.alreadyHeldIsFine) return taken;
      if (taken) throw new AppError('RECORDS_FILE_DOCUMENT_ALREADY', 409);
      const item = await RecordsFileItem.create(
        {
          recordsFileId: id,
          documentKind: input.kind,
          documentId: input.documentId,
          addedById: user.id,
        },
        { transaction },
      );
      await file.changed('updatedAt', true);
      await file.save({ transaction });
      await recordAudit(
        {
          action: 'records_file.add_document',
          ...actor,
          entityType: 'records_file',
          entityId: file.id,
          details: { code: file.code, documentKind: input.kind, documentId: input.documentId },
        },
        { transaction },
      );
      return item;
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError)
      throw new AppError('RECORDS_FILE_DOCUMENT_ALREADY', 409);
    throw err;
  }
}

/** Takes a document out of an open file: its keeper or a clerk, or whoever gathered it. */
export async function removeDocumentFromFile(
  user: User,
  id: number,
  itemId: number,
  actor: AuditActor,
  options?: TxOptions,
): Promise<void> {
  await withTransaction(db(), options, async (transaction) => {
    const { file, subject } = await findVisibleFile(user, id, transaction);
    const item = Number.isSafeInteger(itemId)
      ? await RecordsFileItem.findOne({ where: { id: itemId, recordsFileId: id }, transaction })
      : null;
    if (!item) throw new AppError('RECORDS_FILE_DOCUMENT_NOT_FOUND', 404);
    const own = item.addedById === user.id;
    if (!(own && can(user, 'records_file.add_document', subject))) {
      // Who gathered it (a member) is told the file's state (409) as its keeper is: they would
      // take it out were the file open, so "not allowed" would be wrong.
      const asMember = own && !can(user, 'records_file.manage', { ...subject, status: 'open' });
      authorizeOnFile(
        user,
        asMember ? 'records_file.add_document' : 'records_file.manage',
        subject,
      );
    }
    await item.destroy({ transaction });
    await recordAudit(
      {
        action: 'records_file.remove_document',
        ...actor,
        entityType: 'records_file',
        entityId: file.id,
        details: {
          code: file.code,
          documentKind: item.documentKind,
          documentId: item.documentId,
        },
      },
      { transaction },
    );
  });
}

/** Shares the file with a person of the agency who handles documents (again: changes canAdd). */
export async function shareRecordsFile(
  user: User,
  id: number,
  input: ShareInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<RecordsFileMember> {
  return withTransaction(db(), options, async (transaction) => {
    const { file, members, subject } = await findVisibleFile(user, id, transaction);
    authorizeOnFile(user, 'records_file.manage', subject);
    const person = await User.findOne({
      where: { id: input.userId, agencyId: user.agencyId, isActive: true },
      transaction,
    });
    const handles = person != null && handlesDocuments(person);
    if (!person || !handles || person.id === file.keeperId)
      throw new AppError('VALIDATION_FAILED', 422, undefined, {
        userId: 'errors:RECORDS_FILE_MEMBER_INVALID',
      });
    const existing = members.find((m) => m.userId === person.id);
    const member = existing
      ? await existing.update({ canAdd: input.canAdd }, { transaction })
      : await RecordsFileMember.create(
          { recordsFileId: id, userId: person.id, canAdd: input.canAdd },
          { transaction },
        );
    await recordAudit(
      {
        action: 'records_file.share',
        ...actor,
        entityType: 'records_file',
        entityId: file.id,
        details: { code: file.code, userId: person.id, canAdd: input.canAdd },
      },
      { transaction },
    );
    return member;
  });
}

/** Ends a person's share of the file. */
export async function unshareRecordsFile(
  user: User,
  id: number,
  userId: number,
  actor: AuditActor,
  options?: TxOptions,
): Promise<void> {
  await withTransaction(db(), options, async (transaction) => {
    const { file, members, subject } = await findVisibleFile(user, id, transaction);
    authorizeOnFile(user, 'records_file.manage', subject);
    const member = members.find((m) => m.userId === userId);
    if (!member) throw new AppError('RECORDS_FILE_MEMBER_NOT_FOUND', 404);
    await member.destroy({ transaction });
    await recordAudit(
      {
        action: 'records_file.unshare',
        ...actor,
        entityType: 'records_file',
        entityId: file.id,
        details: { code: file.code, userId },
      },
      { transaction },
    );
  });
}

/** A document of a file as its page lists it. */
export interface FileDocumentRow {
  itemId: number;
  kind: RecordsFileDocumentKind;
  documentId: number;
  href: string;
  numberSymbol: string | null;
  documentDate: string | null;
  /** The document type's code (CV, QĐ…); its name is documentTypeName's. */
  documentType: string;
  subject: string;
  /** Who issued it: an incoming document's sender; null for the agency's own (outgoing). */
  author: string | null;
  /** Its own status (incoming or outgoing), and whether its handling is still under way. */
  status: string;
  unfinished: boolean;
  addedById: number;
  addedByName: string;
  addedAt: Date;
}

/** "05/QĐ-UBND" from a document's number and notation (a number alone padded to two digits). */
export const numberSymbol = (codeNumber: unknown, codeNotation: unknown): string | null => {
  if (codeNumber == null || codeNumber === '') return codeNotation ? String(codeNotation) : null;
  const n =
    typeof codeNumber === 'number' ? String(codeNumber).padStart(2, '0') : String(codeNumber);
  return codeNotation ? `${n}/${String(codeNotation)}` : n;
};

// Statuses of documents whose handling is still under way (not done, filed, issued or closed).
const UNFINISHED: Record<RecordsFileDocumentKind, readonly string[]> = {
  incoming: ['registered', 'presented', 'directed', 'in_progress', 'returned'],
  outgoing: ['draft', 'in_approval', 'signed'],
};

/**
 * The documents of a file the reader may open, by date, and how many
 * others it holds: those are counted, never described (a shared file does not tell a reader the
 * subject of a document they may not see).
 */
export async function fileDocuments(
  user: User,
  fileId: number,
): Promise<{ rows: FileDocumentRow[]; hidden: number }> {
  const items = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT i.id, i.documentKind, i.documentId, i.addedById, i.createdAt, u.fullName AS addedByName
       FROM records_file_items i JOIN users u ON u.id = i.addedById
      WHERE i.recordsFileId = ? ORDER BY i.id ASC`,
    [fileId],
  );
  const ids = (kind: string) =>
    items.filter((i) => i.documentKind === kind).map((i) => Number(i.documentId));
  const incomingIds = ids('incoming');
  const outgoingIds = ids('outgoing');
  const seen = new Map<
    string,
    {
      numberSymbol: string | null;
      date: string | null;
      documentType: string;
      subject: string;
      author: string | null;
      status: string;
    }
  >();
  if (incomingIds.length) {
    // The list pages' own visibility rule, the query twin of the 'incoming.view' rule, on the
    // file's items (a join, not a list of every id in the statement's text).
    const rows = await rawSelect<Record<string, unknown>>(
      db(),
      `SELECT IncomingDocument.id, IncomingDocument.codeNumber, IncomingDocument.codeNotation,
              IncomingDocument.promulgationDate, IncomingDocument.subject,
              IncomingDocument.documentType, IncomingDocument.fromOrganName,
              IncomingDocument.status
         FROM records_file_items AS item
         JOIN incoming_documents AS IncomingDocument ON IncomingDocument.id = item.documentId
        WHERE item.recordsFileId = ? AND item.documentKind = 'incoming'
          AND ${visibleIncomingSql(user)}`,
      [fileId],
    );
    for (const r of rows)
      seen.set(`incoming:${Number(r.id)}`, {
        numberSymbol: numberSymbol(r.codeNumber, r.codeNotation),
        date: dateOnly(r.promulgationDate),
        documentType: String(r.documentType),
        subject: String(r.subject),
        author: r.fromOrganName == null ? null : String(r.fromOrganName),
        status: String(r.status),
      });
  }
  if (outgoingIds.length) {
    const accesses = await loadOutgoingAccesses(user, outgoingIds);
    for (const [docId, access] of accesses) {
      if (!can(user, 'outgoing.view', access)) continue;
      const d = access.document;
      seen.set(`outgoing:${docId}`, {
        numberSymbol: numberSymbol(d.codeNumber, d.codeNotation),
        date: dateOnly(d.promulgationDate),
        documentType: d.documentType,
        subject: d.subject,
        author: null,
        status: d.status,
      });
    }
  }
  const rows: FileDocumentRow[] = [];
  for (const i of items) {
    const kind = String(i.documentKind) as RecordsFileDocumentKind;
    const documentId = Number(i.documentId);
    const doc = seen.get(`${kind}:${documentId}`);
    if (!doc) continue;
    rows.push({
      itemId: Number(i.id),
      kind,
      documentId,
      href: `/${kind}/${documentId}`,
      numberSymbol: doc.numberSymbol,
      documentDate: doc.date,
      documentType: doc.documentType,
      subject: doc.subject,
      author: doc.author,
      status: doc.status,
      unfinished: UNFINISHED[kind].includes(doc.status),
      addedById: Number(i.addedById),
      addedByName: String(i.addedByName),
      addedAt: i.createdAt instanceof Date ? i.createdAt : new Date(String(i.createdAt)),
    });
  }
  // In the order of their dates, as documents are arranged in a file; undated ones (drafts) last,
  // each in the order it was gathered.
  rows.sort(
    (a, b) =>
      (a.documentDate ?? '9999').localeCompare(b.documentDate ?? '9999') || a.itemId - b.itemId,
  );
  return { rows, hidden: items.length - rows.length };
}

/** What a file's page and the API's file show: the file, its documents and its people. */
export interface RecordsFileDetail extends VisibleFile {
  /** The documents the reader may open; `hidden` counts the others. */
  documents: FileDocumentRow[];
  hidden: number;
  departmentName: string | null;
  /** The keeper, who recorded the transfer, and the people it is shared with. */
  people: Map<number, { fullName: string; positionTitle: string | null }>;
  can: {
    manage: boolean;
    addDocuments: boolean;
    close: boolean;
    reopen: boolean;
    transfer: boolean;
  };
}

/** A file the person may see, with what its page shows (404 otherwise). */
export async function recordsFileDetail(user: User, id: number): Promise<RecordsFileDetail> {
  const visible = await findVisibleFile(user, id);
  const { file, members, subject } = visible;
  const [{ rows, hidden }, people, department] = await Promise.all([
    fileDocuments(user, file.id),
    User.findAll({
      where: {
        id: [
          file.keeperId,
          ...(file.transferredById ? [file.transferredById] : []),
          ...members.map((m) => m.userId),
        ],
      },
      attributes: ['id', 'fullName', 'positionTitle'],
    }),
    file.departmentId
      ? Department.findByPk(file.departmentId, { attributes: ['name'] })
      : Promise.resolve(null),
  ]);
  const holdsAny = rows.length + hidden > 0;
  return {
    ...visible,
    documents: rows,
    hidden,
    departmentName: department?.name ?? null,
    people: new Map(
      people.map((p) => [p.id, { fullName: p.fullName, positionTitle: p.positionTitle ?? null }]),
    ),
    can: {
      manage: can(user, 'records_file.manage', subject),
      addDocuments: can(user, 'records_file.add_document', subject),
      close: holdsAny && can(user, 'records_file.close', subject),
      reopen: can(user, 'records_file.reopen', subject),
      transfer: holdsAny && can(user, 'records_file.transfer', subject),
    },
  };
}

/** A row of the year's catalogue of files (danh mục hồ sơ, Decree 30 Appendix V). */
export interface CatalogueRow {
  code: string;
  title: string;
  retentionYears: number | null;
  departmentName: string | null;
  keeperName: string;
  status: RecordsFileStatus;
  documents: number;
  closedOn: string | null;
  transferredOn: string | null;
  /** The earliest and latest dates of its documents (thời gian tài liệu); null when it has none. */
  firstDocumentOn: string | null;
  lastDocumentOn: string | null;
}

/** The agency's files matching `where` (on records_files aliased f), by unit then code. */
async function agencyFileRows(
  user: User,
  where: string,
  params: unknown[],
): Promise<CatalogueRow[]> {
  authorize(user, 'records_file.catalogue');
  // The span of the documents' own dates (thời gian tài liệu), over both kinds a file holds.
  const span = (fn: 'MIN' | 'MAX', kind: 'incoming' | 'outgoing') =>
    `(SELECT ${fn}(x.promulgationDate) FROM records_file_items i
        JOIN ${kind}_documents x ON x.id = i.documentId
       WHERE i.recordsFileId = f.id AND i.documentKind = '${kind}')`;
  const rows = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT f.code, f.title, f.retentionYears, f.status, f.closedOn, f.transferredOn,
            d.name AS departmentName, k.fullName AS keeperName,
            (SELECT COUNT(*) FROM records_file_items i WHERE i.recordsFileId = f.id) AS documents,
            ${span('MIN', 'incoming')} AS inFirst, ${span('MAX', 'incoming')} AS inLast,
            ${span('MIN', 'outgoing')} AS outFirst, ${span('MAX', 'outgoing')} AS outLast
       FROM records_files f
       JOIN users k ON k.id = f.keeperId
       LEFT JOIN departments d ON d.id = f.departmentId
      WHERE f.agencyId = ? AND ${where}
      ORDER BY CASE WHEN d.name IS NULL THEN 1 ELSE 0 END, d.name, f.codeKey, f.id`,
    [user.agencyId, ...params],
  );
  const first = (...days: Array<string | null>) =>
    days.filter((d): d is string => d != null).sort()[0] ?? null;
  const last = (...days: Array<string | null>) =>
    days
      .filter((d): d is string => d != null)
      .sort()
      .at(-1) ?? null;
  return rows.map((r) => ({
    code: String(r.code),
    title: String(r.title),
    retentionYears: r.retentionYears == null ? null : Number(r.retentionYears),
    departmentName: r.departmentName == null ? null : String(r.departmentName),
    keeperName: String(r.keeperName),
    status: String(r.status) as RecordsFileStatus,
    documents: Number(r.documents ?? 0),
    closedOn: dateOnly(r.closedOn),
    transferredOn: dateOnly(r.transferredOn),
    firstDocumentOn: first(dateOnly(r.inFirst), dateOnly(r.outFirst)),
    lastDocumentOn: last(dateOnly(r.inLast), dateOnly(r.outLast)),
  }));
}

/**
 * Every file of the agency's year, by unit then code: the catalogue clerks keep; with the list's
 * status and words, the files the list shows.
 */
export function catalogueRows(
  user: User,
  year: number,
  filters: Pick<RecordsFileListQuery, 'status' | 'q'> = {},
) {
  const filtered = filterCondition(filters);
  return agencyFileRows(user, `f.year = ? AND ${filtered.sql}`, [year, ...filtered.params]);
}

/**
 * The files taken into the agency's archive in a year (mục lục hồ sơ nộp lưu, Decree 30
 * Appendix V), by unit then code, each with the span of its documents' dates.
 */
export const transferListRows = (user: User, year: number) =>
  agencyFileRows(
    user,
    // A file kept under 5 years is never the archive's, even one recorded as such by mistake.
    `f.status = 'transferred' AND f.transferredOn BETWEEN ? AND ?
       AND (f.retentionYears IS NULL OR f.retentionYears >= ?)`,
    [`${year}-01-01`, `${year}-12-31`, ARCHIVED_FROM_YEARS],
  );
