import { Session } from '../auth/session.model.js';
import type { Sequelize } from 'sequelize';
import { Agency, Department } from '../agencies/agency.model.js';
import { AuditLog } from '../audit/audit-log.model.js';
import { Holiday, Setting } from '../calendar/calendar.model.js';
import { Sender } from '../senders/sender.model.js';
import { SavedSearch } from '../saved-searches/saved-search.model.js';
import {
  RecordsFile,
  RecordsFileItem,
  RecordsFileMember,
} from '../records-files/records-file.model.js';
import { DocumentComment, DocumentEvent, DocumentGrant } from '../documents/document.model.js';
import { DocumentFile, StoredFile } from '../files/file.model.js';
import { IncomingAssignment, IncomingDocument } from '../incoming/incoming.model.js';
import { Notification } from '../notifications/notification.model.js';
import { Register } from '../registers/register.model.js';
import { NumberReservation } from '../registers/number-reservation.model.js';
import {
  ApprovalDecision,
  ApprovalFlow,
  ApprovalStep,
  ApprovalTemplate,
} from '../approvals/approval.model.js';
import { Delegation } from '../users/delegation.model.js';
import { DocumentJob } from '../documents/document-job.model.js';
import {
  OutgoingDocument,
  OutgoingRecipient,
  OutgoingStatusEvent,
} from '../outgoing/outgoing.model.js';
import { SigningSession } from '../outgoing/signing-session.model.js';
import { AccessToken, User } from '../users/user.model.js';
import { UserRole } from '../users/user-role.model.js';
import { AdminGrantRequest } from '../users/admin-grant-request.model.js';
import { DepartmentDeputy } from '../agencies/department-deputy.model.js';
import { SignerCredential } from '../signing-keys/signer-credential.model.js';
import { initMeetingModels } from '../meetings/meetings.models.js';
import { createSequelize } from './sequelize.js';

let current: Sequelize | null = null;

function initModels(sequelize: Sequelize): void {
  for (const model of [
    Agency,
    Department,
    User,
    UserRole,
    AdminGrantRequest,
    DepartmentDeputy,
    AccessToken,
    Holiday,
    Setting,
    Notification,
    StoredFile,
    DocumentFile,
    DocumentEvent,
    DocumentComment,
    DocumentGrant,
    Register,
    NumberReservation,
    IncomingDocument,
    IncomingAssignment,
    AuditLog,
    Session,
    Delegation,
    ApprovalTemplate,
    ApprovalFlow,
    ApprovalStep,
    ApprovalDecision,
    SignerCredential,
    DocumentJob,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingStatusEvent,
    SigningSession,
    Sender,
    SavedSearch,
    RecordsFile,
    RecordsFileItem,
    RecordsFileMember,
  ]) {
    model.initModel(sequelize);
  }
  Department.belongsTo(Agency, { foreignKey: 'agencyId', as: 'agency' });
  Department.belongsTo(Department, { foreignKey: 'parentId', as: 'parent' });
  User.belongsTo(Department, { foreignKey: 'departmentId', as: 'department' });
  User.belongsTo(Agency, { foreignKey: 'agencyId', as: 'agency' });
  User.hasMany(UserRole, { foreignKey: 'userId', as: 'userRoles' });
  AdminGrantRequest.belongsTo(User, { foreignKey: 'userId', as: 'user' });
  AdminGrantRequest.belongsTo(User, { foreignKey: 'requestedById', as: 'requestedBy' });
  Department.belongsTo(User, { foreignKey: 'headUserId', as: 'head' });
  Department.hasMany(DepartmentDeputy, { foreignKey: 'departmentId', as: 'deputies' });
  DepartmentDeputy.belongsTo(User, { foreignKey: 'userId', as: 'user' });
  DocumentFile.belongsTo(StoredFile, { foreignKey: 'fileId', as: 'file' });
  DocumentEvent.belongsTo(User, { foreignKey: 'actorId', as: 'actor' });
  DocumentComment.belongsTo(User, { foreignKey: 'authorId', as: 'author' });
  IncomingDocument.hasMany(IncomingAssignment, { foreignKey: 'documentId', as: 'assignments' });
  IncomingDocument.belongsTo(User, { foreignKey: 'presentedToId', as: 'presentedTo' });
  IncomingAssignment.belongsTo(IncomingDocument, { foreignKey: 'documentId', as: 'document' });
  IncomingAssignment.belongsTo(User, { foreignKey: 'assigneeUserId', as: 'assigneeUser' });
  IncomingAssignment.belongsTo(User, { foreignKey: 'assignedById', as: 'assignedBy' });
  IncomingAssignment.belongsTo(Department, {
    foreignKey: 'assigneeDepartmentId',
    as: 'assigneeDepartment',
  });
  OutgoingDocument.hasMany(OutgoingRecipient, { foreignKey: 'outgoingId', as: 'recipients' });
  OutgoingDocument.belongsTo(User, { foreignKey: 'signerId', as: 'signer' });
  OutgoingDocument.belongsTo(User, { foreignKey: 'createdById', as: 'createdBy' });
  OutgoingRecipient.belongsTo(OutgoingDocument, { foreignKey: 'outgoingId', as: 'outgoing' });
  OutgoingRecipient.hasMany(OutgoingStatusEvent, { foreignKey: 'recipientId', as: 'events' });
  initMeetingModels(sequelize);
}

/** Opens the database for a DATABASE_URL and binds every model to it. */
export function openDatabase(databaseUrl: string): Sequelize {
  const sequelize = createSequelize(databaseUrl);
  initModels(sequelize);
  current = sequelize;
  return sequelize;
}

/**
 * Settings a database needs before the first request: on SQLite, write-ahead logging so that
 * readers (list pages) never wait for a writer (a registration), and writers never wait for readers.
 */
export async function prepareDatabase(sequelize: Sequelize): Promise<void> {
  if (sequelize.getDialect() !== 'sqlite') return;
  const storage = (sequelize as unknown as { options: { storage?: string } }).options.storage;
  if (storage && storage !== ':memory:') await sequelize.query('PRAGMA journal_mode = WAL');
}

/** The database opened last by openDatabase (one per process). */
export function db(): Sequelize {
  if (!current) throw new Error('Database not opened: call openDatabase() first');
  return current;
}

export async function closeDatabase(): Promise<void> {
  if (current) await current.close();
  current = null;
}
