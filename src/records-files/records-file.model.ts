import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { keepFolded } from '../db/folded.js';

export const RECORDS_FILE_STATUSES = ['open', 'closed', 'transferred'] as const;
export type RecordsFileStatus = (typeof RECORDS_FILE_STATUSES)[number];

export const RECORDS_FILE_DOCUMENT_KINDS = ['incoming', 'outgoing'] as const;
export type RecordsFileDocumentKind = (typeof RECORDS_FILE_DOCUMENT_KINDS)[number];

/**
 * A records file (hồ sơ) of the agency's year: opened by the person doing the work (its keeper),
 * gathering the documents of one matter, closed when the work ends and, when kept 5 years or
 * more, transferred to the agency's archive within a year of closing (Decree 30, Articles 28–30).
 */
export class RecordsFile extends Model<
  InferAttributes<RecordsFile>,
  InferCreationAttributes<RecordsFile>
> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare year: number;
  /** Số và ký hiệu hồ sơ as typed ("01.VP"); codeKey is the same compared for uniqueness. */
  declare code: string;
  declare codeKey: string;
  declare title: string;
  /** The title folded as typed words are (keepFolded): "ngan sach" finds "Ngân sách". */
  declare titleFolded: CreationOptional<string | null>;
  declare description: string | null;
  /** Thời hạn bảo quản in years; null is permanent (vĩnh viễn). */
  declare retentionYears: number | null;
  /** The unit making the file (đơn vị lập hồ sơ). */
  declare departmentId: number | null;
  /** The person making and keeping the file (người lập hồ sơ). */
  declare keeperId: number;
  declare status: RecordsFileStatus;
  declare closedOn: string | null;
  /** The last day of the archive transfer; null when the file stays with its unit. */
  declare transferDueOn: string | null;
  /** The day the 30-day notice of the transfer was sent, once per closing. */
  declare transferNoticeOn: string | null;
  declare transferredOn: string | null;
  declare transferredById: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    RecordsFile.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        year: { type: DataTypes.INTEGER, allowNull: false },
        code: { type: DataTypes.STRING(30), allowNull: false },
        codeKey: { type: DataTypes.STRING(30), allowNull: false },
        title: { type: DataTypes.STRING(500), allowNull: false },
        titleFolded: { type: DataTypes.STRING(500), allowNull: true },
        description: { type: DataTypes.TEXT, allowNull: true },
        retentionYears: { type: DataTypes.INTEGER, allowNull: true },
        departmentId: { type: DataTypes.INTEGER, allowNull: true },
        keeperId: { type: DataTypes.INTEGER, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open' },
        closedOn: { type: DataTypes.DATEONLY, allowNull: true },
        transferDueOn: { type: DataTypes.DATEONLY, allowNull: true },
        transferNoticeOn: { type: DataTypes.DATEONLY, allowNull: true },
        transferredOn: { type: DataTypes.DATEONLY, allowNull: true },
        transferredById: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'records_files' },
    );
    keepFolded(RecordsFile, { titleFolded: 'title' }, 500);
  }
}

/** A document gathered in a file. The same document may be in several files. */
export class RecordsFileItem extends Model<
  InferAttributes<RecordsFileItem>,
  InferCreationAttributes<RecordsFileItem>
> {
  declare id: CreationOptional<number>;
  declare recordsFileId: number;
  declare documentKind: RecordsFileDocumentKind;
  declare documentId: number;
  declare addedById: number;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    RecordsFileItem.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        recordsFileId: { type: DataTypes.INTEGER, allowNull: false },
        documentKind: { type: DataTypes.STRING(16), allowNull: false },
        documentId: { type: DataTypes.INTEGER, allowNull: false },
        addedById: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'records_file_items', updatedAt: false },
    );
  }
}

/**
 * A person the keeper shares the file with: they see the file (and, of its documents, those they
 * may open anyway); with canAdd they also gather documents into it.
 */
export class RecordsFileMember extends Model<
  InferAttributes<RecordsFileMember>,
  InferCreationAttributes<RecordsFileMember>
> {
  declare id: CreationOptional<number>;
  declare recordsFileId: number;
  declare userId: number;
  declare canAdd: boolean;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    RecordsFileMember.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        recordsFileId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        canAdd: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'records_file_members', updatedAt: false },
    );
  }
}
