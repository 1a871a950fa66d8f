import { keepFolded } from '../db/folded.js';
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
  type Transaction,
} from 'sequelize';
import type { Department } from '../agencies/agency.model.js';
import type { User } from '../users/user.model.js';
import { documentTypeName } from '../documents/document-types.js';
import { incomingSearchText } from './incoming.search-text.js';
import { writeSearchTerms } from './incoming.search-terms.js';

export const INCOMING_STATUSES = [
  'registered',
  'presented',
  'directed',
  'in_progress',
  'completed',
  'filed',
  'returned',
  // Thu hồi: the sender recalled a document delivered inside the deployment and the clerk accepted.
  'withdrawn',
  // Trả lại nơi gửi: a returned document closed by the clerk, the reason kept.
  'sent_back',
] as const;
export type IncomingStatus = (typeof INCOMING_STATUSES)[number];

/** An incoming document (văn bản đến); column names follow edXML where one exists. */
export class IncomingDocument extends Model<
  InferAttributes<IncomingDocument>,
  InferCreationAttributes<IncomingDocument>
> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare registerId: number;
  declare arrivalNumber: number;
  declare arrivalDate: Date;
  declare fromOrganName: string;
  declare fromOrganId: string | null;
  declare codeNumber: string | null;
  declare codeNotation: string | null;
  declare promulgationDate: string | null;
  declare documentType: string;
  declare subject: string;
  declare signerName: string | null;
  declare urgency: number;
  declare confidentiality: number;
  declare pageAmount: number | null;
  declare dueDate: string | null;
  /** 'original' (bản chính), 'SY', 'TrS', 'SL' (copy-forms.ts); null when not recorded. */
  declare copyForm: CreationOptional<string | null>;
  /** Hỏa tốc hẹn giờ: the time it must be dealt with by (urgency is then 3, Hỏa tốc). */
  declare urgentDeliverBy: CreationOptional<Date | null>;
  /** edXML DocumentId, SignerInfo/Competence and Position, PromulgationInfo/Place. */
  declare edxmlDocumentId: CreationOptional<string | null>;
  declare signerCompetence: CreationOptional<string | null>;
  declare signerPosition: CreationOptional<string | null>;
  declare promulgationPlace: CreationOptional<string | null>;
  /** edXML ResponseFor: the documents it answers, a JSON array (response-for.ts). */
  declare responseFor: CreationOptional<string | null>;
  declare status: IncomingStatus;
  declare presentedToId: CreationOptional<number | null>;
  declare directionNote: CreationOptional<string | null>;
  declare resultNote: CreationOptional<string | null>;
  declare returnReason: CreationOptional<string | null>;
  declare completedAt: CreationOptional<Date | null>;
  declare filedAt: CreationOptional<Date | null>;
  declare createdById: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Folded search text (incoming.search-text.ts), kept by the model's hooks on every save. */
  declare searchText: CreationOptional<string | null>;
  /** The sender folded (the list's "Nơi gửi" filter): keepFolded. */
  declare fromOrganFolded: CreationOptional<string | null>;
  declare assignments?: IncomingAssignment[];
  declare presentedTo?: User;
  declare createdBy?: User;

  static initModel(sequelize: Sequelize): void {
    IncomingDocument.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        registerId: { type: DataTypes.INTEGER, allowNull: false },
        arrivalNumber: { type: DataTypes.INTEGER, allowNull: false },
        arrivalDate: { type: DataTypes.DATE(3), allowNull: false },
        fromOrganName: { type: DataTypes.STRING(255), allowNull: false },
        fromOrganId: { type: DataTypes.STRING(13), allowNull: true },
        codeNumber: { type: DataTypes.STRING(20), allowNull: true },
        codeNotation: { type: DataTypes.STRING(100), allowNull: true },
        promulgationDate: { type: DataTypes.DATEONLY, allowNull: true },
        documentType: { type: DataTypes.STRING(10), allowNull: false },
        subject: { type: DataTypes.TEXT, allowNull: false },
        signerName: { type: DataTypes.STRING(255), allowNull: true },
        urgency: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        confidentiality: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        pageAmount: { type: DataTypes.INTEGER, allowNull: true },
        dueDate: { type: DataTypes.DATEONLY, allowNull: true },
        copyForm: { type: DataTypes.STRING(10), allowNull: true },
        urgentDeliverBy: { type: DataTypes.DATE(3), allowNull: true },
        edxmlDocumentId: { type: DataTypes.STRING(255), allowNull: true },
        signerCompetence: { type: DataTypes.STRING(255), allowNull: true },
        signerPosition: { type: DataTypes.STRING(255), allowNull: true },
        promulgationPlace: { type: DataTypes.STRING(255), allowNull: true },
        responseFor: { type: DataTypes.TEXT, allowNull: true },
        status: { type: DataTypes.STRING(20), allowNull: false },
        presentedToId: { type: DataTypes.INTEGER, allowNull: true },
        directionNote: { type: DataTypes.TEXT, allowNull: true },
        resultNote: { type: DataTypes.TEXT, allowNull: true },
        returnReason: { type: DataTypes.TEXT, allowNull: true },
        completedAt: { type: DataTypes.DATE(3), allowNull: true },
        filedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdById: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
        searchText: { type: DataTypes.TEXT, allowNull: true },
        fromOrganFolded: { type: DataTypes.STRING(255), allowNull: true },
      },
      {
        sequelize,
        tableName: 'incoming_documents',
        hooks: {
          beforeSave: (doc) => keepSearchText(doc),
          beforeBulkCreate: (docs) => docs.forEach(keepSearchText),
          afterSave: (doc, options) => indexSearchText([doc], options.transaction),
          afterBulkCreate: (docs, options) => indexSearchText(docs, options.transaction),
        },
      },
    );
    keepFolded(IncomingDocument, { fromOrganFolded: 'fromOrganName' });
  }
}

// The documents whose search column this save writes (new, or a searched field changed).
const searchTextWritten = new WeakSet<IncomingDocument>();

/** Recomputes the folded search column from the fields it covers (registration, edit, import). */
function keepSearchText(doc: IncomingDocument): void {
  const text = incomingSearchText({
    ...(doc.get({ plain: true }) as IncomingDocument),
    documentTypeName: doc.documentType ? documentTypeName(doc.documentType, 'vi') : null,
  });
  if (doc.searchText !== text || doc.isNewRecord) searchTextWritten.add(doc);
  if (doc.searchText !== text) doc.searchText = text;
}

/** Rewrites the search index's terms of the documents whose column was written, in the save's transaction. */
async function indexSearchText(
  docs: readonly IncomingDocument[],
  transaction: Transaction | null | undefined,
): Promise<void> {
  const written = docs.filter((doc) => searchTextWritten.delete(doc) && doc.id != null);
  if (written.length === 0) return;
  await writeSearchTerms(
    written[0].sequelize,
    written.map((doc) => ({
      agencyId: doc.agencyId,
      documentId: doc.id,
      folded: doc.searchText ?? '',
    })),
    'meta',
    { replace: true, transaction },
  );
}

export type AssignmentRole = 'lead' | 'support' | 'info';
// 'closed': open work ended by the clerk's filing of the document (lưu hồ sơ).
export const ASSIGNMENT_STATUSES = [
  'pending',
  'in_progress',
  'completed',
  'returned',
  'closed',
] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/** A hand-over of an incoming document to a unit or person, with its role and deadline. */
export class IncomingAssignment extends Model<
  InferAttributes<IncomingAssignment>,
  InferCreationAttributes<IncomingAssignment>
> {
  declare id: CreationOptional<number>;
  declare documentId: number;
  declare parentId: number | null;
  declare role: AssignmentRole;
  declare assigneeUserId: number | null;
  declare assigneeDepartmentId: number | null;
  declare assignedById: number;
  declare deadline: string | null;
  declare status: AssignmentStatus;
  declare progressPercent: CreationOptional<number>;
  declare note: string | null;
  declare resultNote: CreationOptional<string | null>;
  declare completedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare assigneeUser?: User;
  declare assignedBy?: User;
  declare assigneeDepartment?: Department;
  declare document?: IncomingDocument;

  static initModel(sequelize: Sequelize): void {
    IncomingAssignment.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        documentId: { type: DataTypes.INTEGER, allowNull: false },
        parentId: { type: DataTypes.INTEGER, allowNull: true },
        role: { type: DataTypes.STRING(10), allowNull: false },
        assigneeUserId: { type: DataTypes.INTEGER, allowNull: true },
        assigneeDepartmentId: { type: DataTypes.INTEGER, allowNull: true },
        assignedById: { type: DataTypes.INTEGER, allowNull: false },
        deadline: { type: DataTypes.DATEONLY, allowNull: true },
        status: { type: DataTypes.STRING(20), allowNull: false },
        progressPercent: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        note: { type: DataTypes.TEXT, allowNull: true },
        resultNote: { type: DataTypes.TEXT, allowNull: true },
        completedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'incoming_assignments' },
    );
  }
}
