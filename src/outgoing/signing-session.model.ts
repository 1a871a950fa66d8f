import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { DocumentKind } from '../documents/document.model.js';

/** A two-phase token signature between prepare and finish (see outgoing.token-sessions.ts). */
export class SigningSession extends Model<
  InferAttributes<SigningSession>,
  InferCreationAttributes<SigningSession>
> {
  declare id: string;
  declare userId: number;
  declare documentKind: DocumentKind;
  declare documentId: number;
  declare sourceFileId: number;
  declare state: string;
  declare expiresAt: Date;
  declare completedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    SigningSession.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        documentKind: { type: DataTypes.STRING(20), allowNull: false },
        documentId: { type: DataTypes.INTEGER, allowNull: false },
        sourceFileId: { type: DataTypes.INTEGER, allowNull: false },
        state: { type: DataTypes.TEXT('medium'), allowNull: false },
        expiresAt: { type: DataTypes.DATE(3), allowNull: false },
        completedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'signing_sessions' },
    );
  }
}
