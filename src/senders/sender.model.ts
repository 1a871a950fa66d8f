import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** An agency documents come from, in a receiving agency's sender directory. */
export class Sender extends Model<InferAttributes<Sender>, InferCreationAttributes<Sender>> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare name: string;
  /** The name without accents, case or punctuation (normaliseOrganName): one row per sender. */
  declare nameKey: string;
  /** Mã định danh (e.g. 000.00.00.H41), when known. */
  declare code: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Sender.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        name: { type: DataTypes.STRING(255), allowNull: false },
        nameKey: { type: DataTypes.STRING(255), allowNull: false },
        code: { type: DataTypes.STRING(13), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'senders' },
    );
  }
}
