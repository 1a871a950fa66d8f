import { outgoingSearchText, OUTGOING_SEARCH_SOURCES } from './outgoing.search.js';
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { User } from '../users/user.model.js';

/**
 * draft → in_approval (the chain decides: approved, returned to draft, rejected) → signed (the
 * leader's signature) → issued (number, seal, dispatched); an issued document may be recalled.
 */
export const OUTGOING_STATUSES = [
  'draft',
  'in_approval',
  'rejected',
  'signed',
  'issued',
  'recalled',
] as const;
export type OutgoingStatus = (typeof OUTGOING_STATUSES)[number];

export const SIGNING_FORMS = ['', 'TM', 'KT', 'Q', 'TL', 'TUQ'] as const;
export type SigningForm = (typeof SIGNING_FORMS)[number];

/** edXML delivery statuses of a recipient (and the recall answers). */
export const DELIVERY_STATUSES = ['01', '02', '03', '04', '05', '06'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const RECALL_STATUSES = ['13', '15', '16'] as const;
export type RecallStatus = (typeof RECALL_STATUSES)[number];

const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });

/** An outgoing document (văn bản đi); column names follow edXML where one exists. */
export class OutgoingDocument extends Model<
  InferAttributes<OutgoingDocument>,
  InferCreationAttributes<OutgoingDocument>
> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare departmentId: number | null;
  declare documentType: string;
  declare subject: string;
  declare summary: string | null;
  declare urgency: number;
  declare urgentDeliverBy: Date | null;
  declare confidentiality: number;
  declare normative: boolean;
  declare signerId: number | null;
  declare signingForm: SigningForm;
  declare signerTitle: string | null;
  /** TM.: the collective signed for ("Ủy ban nhân dân"); blank: the agency's name. */
  declare authorityName: CreationOptional<string | null>;
  /** KT., Q., TL., TUQ.: the title of the head signed for ("Chủ tịch"). */
  declare principalTitle: CreationOptional<string | null>;
  declare recipientsNote: string | null;
  declare placeName: string | null;
  declare status: OutgoingStatus;
  declare adviceDismissed: CreationOptional<string | null>;
  declare signedAt: CreationOptional<Date | null>;
  declare registerId: CreationOptional<number | null>;
  declare series: CreationOptional<string | null>;
  declare codeNumber: CreationOptional<number | null>;
  declare codeNotation: CreationOptional<string | null>;
  declare promulgationDate: CreationOptional<string | null>;
  declare issuedAt: CreationOptional<Date | null>;
  declare issuedById: CreationOptional<number | null>;
  declare relatedId: number | null;
  declare relation: 'replacement' | 'correction' | null;
  /** The incoming document of the agency this one answers (văn bản trả lời), if any. */
  declare answersIncomingId: CreationOptional<number | null>;
  declare recalledAt: CreationOptional<Date | null>;
  declare recallReason: CreationOptional<string | null>;
  declare createdById: number;
  /** Folded search text (outgoing.search.ts), kept by the model's hooks on every save. */
  declare searchText: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare signer?: User;
  declare createdBy?: User;
  declare recipients?: OutgoingRecipient[];

  static initModel(sequelize: Sequelize): void {
    OutgoingDocument.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        departmentId: { type: DataTypes.INTEGER, allowNull: true },
        documentType: str(10, false),
        subject: { type: DataTypes.TEXT, allowNull: false },
        summary: { type: DataTypes.TEXT, allowNull: true },
        urgency: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        urgentDeliverBy: { type: DataTypes.DATE(3), allowNull: true },
        confidentiality: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        normative: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        signerId: { type: DataTypes.INTEGER, allowNull: true },
        signingForm: { type: DataTypes.STRING(8), allowNull: false, defaultValue: '' },
        signerTitle: str(255),
        authorityName: str(255),
        principalTitle: str(255),
        recipientsNote: { type: DataTypes.TEXT, allowNull: true },
        placeName: str(100),
        status: str(20, false),
        adviceDismissed: { type: DataTypes.TEXT, allowNull: true },
        signedAt: { type: DataTypes.DATE(3), allowNull: true },
        registerId: { type: DataTypes.INTEGER, allowNull: true },
        series: str(40),
        codeNumber: { type: DataTypes.INTEGER, allowNull: true },
        codeNotation: str(100),
        promulgationDate: { type: DataTypes.DATEONLY, allowNull: true },
        issuedAt: { type: DataTypes.DATE(3), allowNull: true },
        issuedById: { type: DataTypes.INTEGER, allowNull: true },
        relatedId: { type: DataTypes.INTEGER, allowNull: true },
        relation: str(20),
        answersIncomingId: { type: DataTypes.INTEGER, allowNull: true },
        recalledAt: { type: DataTypes.DATE(3), allowNull: true },
        recallReason: { type: DataTypes.TEXT, allowNull: true },
        createdById: { type: DataTypes.INTEGER, allowNull: false },
        searchText: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      {
        sequelize,
        tableName: 'outgoing_documents',
        hooks: {
          beforeSave: (doc, options) => keepSearchText(doc, options),
          beforeBulkCreate: (docs) => docs.forEach((doc) => keepSearchText(doc)),
        },
      },
    );
  }
}

/** One recipient of an outgoing document and where the document stands with them. */
export class OutgoingRecipient extends Model<
  InferAttributes<OutgoingRecipient>,
  InferCreationAttributes<OutgoingRecipient>
> {
  declare id: CreationOptional<number>;
  declare outgoingId: number;
  declare position: number;
  declare recipientAgencyId: number | null;
  declare departmentId: number | null;
  declare name: string;
  declare code: string | null;
  declare status: CreationOptional<DeliveryStatus | null>;
  declare statusAt: CreationOptional<Date | null>;
  declare statusNote: CreationOptional<string | null>;
  declare incomingId: CreationOptional<number | null>;
  declare recallStatus: CreationOptional<RecallStatus | null>;
  declare recallAt: CreationOptional<Date | null>;
  declare recallNote: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare outgoing?: OutgoingDocument;
  declare events?: OutgoingStatusEvent[];

  static initModel(sequelize: Sequelize): void {
    OutgoingRecipient.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        outgoingId: { type: DataTypes.INTEGER, allowNull: false },
        position: { type: DataTypes.INTEGER, allowNull: false },
        recipientAgencyId: { type: DataTypes.INTEGER, allowNull: true },
        departmentId: { type: DataTypes.INTEGER, allowNull: true },
        name: str(255, false),
        code: str(40),
        status: str(2),
        statusAt: { type: DataTypes.DATE(3), allowNull: true },
        statusNote: { type: DataTypes.TEXT, allowNull: true },
        incomingId: { type: DataTypes.INTEGER, allowNull: true },
        recallStatus: str(2),
        recallAt: { type: DataTypes.DATE(3), allowNull: true },
        recallNote: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'outgoing_recipients' },
    );
  }
}

/** A recipient's status history: each edXML status with its time, as the sender sees it. */
export class OutgoingStatusEvent extends Model<
  InferAttributes<OutgoingStatusEvent>,
  InferCreationAttributes<OutgoingStatusEvent>
> {
  declare id: CreationOptional<number>;
  declare recipientId: number;
  declare status: string;
  declare note: string | null;
  declare actorId: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    OutgoingStatusEvent.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        recipientId: { type: DataTypes.INTEGER, allowNull: false },
        status: str(2, false),
        note: { type: DataTypes.TEXT, allowNull: true },
        actorId: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'outgoing_status_events' },
    );
  }
}

/** Recomputes the folded search column when a field it covers changed (or it was never written). */
function keepSearchText(doc: OutgoingDocument, options?: { fields?: string[] }): void {
  if (
    !doc.isNewRecord &&
    doc.searchText != null &&
    !OUTGOING_SEARCH_SOURCES.some((f) => doc.changed(f))
  )
    return;
  // A row read with some columns only can't tell its search text: left as it is.
  if (!doc.isNewRecord && !OUTGOING_SEARCH_SOURCES.every((f) => f in doc.dataValues)) return;
  const text = outgoingSearchText(doc.get({ plain: true }) as OutgoingDocument);
  if (doc.searchText === text) return;
  doc.searchText = text;
  // instance.update() saves only the fields it was given: the search text goes with them.
  if (options?.fields && !options.fields.includes('searchText')) options.fields.push('searchText');
}
