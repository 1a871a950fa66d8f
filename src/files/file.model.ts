import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** A file's bytes, stored once under STORAGE_DIR by SHA-256. */
export class StoredFile extends Model<
  InferAttributes<StoredFile>,
  InferCreationAttributes<StoredFile>
> {
  declare id: CreationOptional<number>;
  declare sha256: string;
  declare size: number;
  declare mimeType: string;
  declare pageCount: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    StoredFile.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        sha256: { type: DataTypes.STRING(64), allowNull: false },
        size: { type: DataTypes.BIGINT, allowNull: false },
        mimeType: { type: DataTypes.STRING(100), allowNull: false },
        pageCount: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'stored_files' },
    );
  }
}

/** 'source' is the file a main version was converted from (a DOCX draft). */
export type FileRole = 'main' | 'attachment' | 'signed' | 'source';

/** A file attached to a document, under the name it was uploaded with. */
export class DocumentFile extends Model<
  InferAttributes<DocumentFile>,
  InferCreationAttributes<DocumentFile>
> {
  declare id: CreationOptional<number>;
  declare documentKind: string;
  declare documentId: number;
  declare fileId: number;
  declare originalName: string;
  /** main (the document itself), attachment, or signed (a signed revision of another file). */
  declare role: CreationOptional<FileRole>;
  /** The main file's version (1, 2, …); other roles keep 1. */
  declare version: CreationOptional<number>;
  /** For a signed revision: the file it signs. */
  declare signedFromId: CreationOptional<number | null>;
  /** JSON of a SignatureCheck made when the file was received; null before checks existed. */
  declare signatureCheck: CreationOptional<string | null>;
  /** JSON of a main version's layout (see src/outgoing/version-layout.ts), read once at upload. */
  declare layout: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare file?: StoredFile;

  static initModel(sequelize: Sequelize): void {
    DocumentFile.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        documentKind: { type: DataTypes.STRING(20), allowNull: false },
        documentId: { type: DataTypes.INTEGER, allowNull: false },
        fileId: { type: DataTypes.INTEGER, allowNull: false },
        originalName: { type: DataTypes.STRING(255), allowNull: false },
        role: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'main' },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        signedFromId: { type: DataTypes.INTEGER, allowNull: true },
        signatureCheck: { type: DataTypes.TEXT, allowNull: true },
        layout: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'document_files' },
    );
  }
}
