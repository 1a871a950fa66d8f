import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { DocumentKind } from './document.model.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/**
 * A background job on a document (e.g. converting an uploaded DOCX to PDF). Jobs live in the
 * database so that any process of any machine may run them, each claimed by one.
 */
export class DocumentJob extends Model<
  InferAttributes<DocumentJob>,
  InferCreationAttributes<DocumentJob>
> {
  declare id: CreationOptional<number>;
  declare kind: string;
  declare documentKind: DocumentKind;
  declare documentId: number;
  declare payload: string;
  declare status: JobStatus;
  declare attempts: CreationOptional<number>;
  declare lockedUntil: CreationOptional<Date | null>;
  declare error: CreationOptional<string | null>;
  declare createdById: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    DocumentJob.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        kind: { type: DataTypes.STRING(40), allowNull: false },
        documentKind: { type: DataTypes.STRING(20), allowNull: false },
        documentId: { type: DataTypes.INTEGER, allowNull: false },
        payload: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(20), allowNull: false },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lockedUntil: { type: DataTypes.DATE(3), allowNull: true },
        error: { type: DataTypes.TEXT, allowNull: true },
        createdById: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'document_jobs' },
    );
  }
}
