import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class Notification extends Model<
  InferAttributes<Notification>,
  InferCreationAttributes<Notification>
> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare kind: string;
  /** The text of a notification written before texts were keyed (issue 11 §7); '' otherwise. */
  declare message: CreationOptional<string>;
  /** The i18n key of the text, put into words in the reader's language (notificationText). */
  declare messageKey: string | null;
  /** The text's parameters, JSON (MessageParams). */
  declare messageParams: string | null;
  declare link: string | null;
  declare isRead: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Notification.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(50), allowNull: false },
        message: { type: DataTypes.STRING(500), allowNull: false, defaultValue: '' },
        messageKey: { type: DataTypes.STRING(120), allowNull: true },
        messageParams: { type: DataTypes.TEXT, allowNull: true },
        link: { type: DataTypes.STRING(255), allowNull: true },
        isRead: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'notifications' },
    );
  }
}
