import { defineRules } from '../policy/policy.js';
import type { User } from '../users/user.model.js';
import type { RecordsFileStatus } from './records-file.model.js';
import { ARCHIVED_FROM_YEARS } from './records-files.schemas.js';

/** What the rules need of a file: its agency, unit, keeper, state and the people it is shared with. */
export interface RecordsFileSubject {
  agencyId: number;
  departmentId: number | null;
  keeperId: number;
  status: RecordsFileStatus;
  /** Thời hạn bảo quản in years; null is permanent. */
  retentionYears: number | null;
  members: Array<{ userId: number; canAdd: boolean }>;
}

/**
 * Whether a file goes to the agency's archive: kept 5 years or more, or permanently (Decree 30,
 * Article 30); a file kept less stays with its unit.
 */
export const goesToArchive = (retentionYears: number | null) =>
  retentionYears == null || retentionYears >= ARCHIVED_FROM_YEARS;

/** People who handle documents make and keep files; an administrator's role alone does not. */
export const handlesDocuments = (user: User) =>
  user.hasRole('clerk') ||
  user.hasRole('specialist') ||
  user.hasRole('dept_head') ||
  user.hasRole('leader');

/**
 * The agency's clerks keep its catalogue of files and take them into the archive (văn thư, lưu
 * trữ cơ quan); its leaders oversee all of them.
 */
export const seesAgencyFiles = (user: User) => user.hasRole('clerk') || user.hasRole('leader');

const member = (user: User, file: RecordsFileSubject) =>
  file.members.find((m) => m.userId === user.id);

/** The keeper, or a clerk of the agency: who changes the file, shares it and closes it. */
const manages = (user: User, file: RecordsFileSubject) =>
  user.agencyId === file.agencyId &&
  handlesDocuments(user) &&
  (file.keeperId === user.id || user.hasRole('clerk'));

const sees = (user: User, file: RecordsFileSubject) =>
  user.agencyId === file.agencyId &&
  handlesDocuments(user) &&
  (manages(user, file) ||
    seesAgencyFiles(user) ||
    member(user, file) != null ||
    (user.hasRole('dept_head') &&
      file.departmentId != null &&
      file.departmentId === user.departmentId));

// A file shows, of its documents, only those the reader may open by the documents' own rules:
// sharing a file never opens a document to someone who may not see it (a secret one above all).
defineRules({
  'records_file.list': (user) => handlesDocuments(user),
  'records_file.create': (user) => handlesDocuments(user),
  // The year's catalogue (danh mục hồ sơ) of the whole agency.
  'records_file.catalogue': (user) => seesAgencyFiles(user),
  'records_file.view': (user, file: RecordsFileSubject) => sees(user, file),
  'records_file.manage': (user, file: RecordsFileSubject) =>
    manages(user, file) && file.status === 'open',
  'records_file.add_document': (user, file: RecordsFileSubject) =>
    file.status === 'open' &&
    user.agencyId === file.agencyId &&
    handlesDocuments(user) &&
    (manages(user, file) || member(user, file)?.canAdd === true),
  // Closing ends the gathering; reopening is the keeper's or a clerk's until the file is transferred.
  'records_file.close': (user, file: RecordsFileSubject) =>
    manages(user, file) && file.status === 'open',
  'records_file.reopen': (user, file: RecordsFileSubject) =>
    manages(user, file) && file.status === 'closed',
  // Only a file kept 5 years or more is taken into the archive; a shorter one stays with its unit.
  'records_file.transfer': (user, file: RecordsFileSubject) =>
    user.agencyId === file.agencyId &&
    user.hasRole('clerk') &&
    file.status === 'closed' &&
    goesToArchive(file.retentionYears),
});
