import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { User } from '../users/user.model.js';

export type DocumentKind = 'incoming' | 'outgoing' | 'meeting';

/** One step of a document's processing trail, shown as its timeline. */
export class DocumentEvent extends Model<
  InferAttributes<DocumentEvent>,
  InferCreationAttributes<DocumentEvent>
> {
  declare id: CreationOptional<number>;
  declare documentKind: DocumentKind;
  declare documentId: number;
  declare actorId: number | null;
  declare action: string;
  declare note: string | null;
  declare data: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare actor?: User;

  static initModel(sequelize: Sequelize): void {
    DocumentEvent.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        documentKind: { type: DataTypes.STRING(20), allowNull: false },
        documentId: { type: DataTypes.INTEGER, allowNull: false },
        actorId: { type: DataTypes.INTEGER, allowNull: true },
        action: { type: DataTypes.STRING(50), allowNull: false },
        note: { type: DataTypes.TEXT, allowNull: true },
        data: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'document_events' },
    );
  }
}

export class DocumentComment extends Model<
  InferAttributes<DocumentComment>,
  InferCreationAttributes<DocumentComment>
> {
  declare id: CreationOptional<number>;
  declare documentKind: DocumentKind;
  declare documentId: number;
  declare authorId: number;
  declare body: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare author?: User;

  static initModel(sequelize: Sequelize): void {
    DocumentComment.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        documentKind: { type: DataTypes.STRING(20), allowNull: false },
        documentId: { type: DataTypes.INTEGER, allowNull: false },
        authorId: { type: DataTypes.INTEGER, allowNull: false },
        body: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'document_comments' },
    );
  }
}

/** Access to one secret document granted to a user outside its handling chain. */
export class DocumentGrant extends Model<
  InferAttributes<DocumentGrant>,
  InferCreationAttributes<DocumentGrant>
> {
  declare id: CreationOptional<number>;
  declare documentKind: DocumentKind;
  declare documentId: number;
  declare userId: number;
  declare grantedById: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    DocumentGrant.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        documentKind: { type: DataTypes.STRING(20), allowNull: false },
        documentId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        grantedById: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'document_grants' },
    );
  }
}
