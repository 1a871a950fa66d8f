import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const REGISTER_KINDS = ['incoming', 'outgoing'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];

/** A register (sổ đăng ký) of one agency, kind and year; lastNumber is the number last issued. */
export class Register extends Model<InferAttributes<Register>, InferCreationAttributes<Register>> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare kind: RegisterKind;
  declare year: number;
  /** '' for the ordinary series, else e.g. 'secret' or 'normative:QĐ' (number-series.ts). */
  declare series: CreationOptional<string>;
  declare name: string;
  declare lastNumber: CreationOptional<number>;
  declare closedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Register.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(20), allowNull: false },
        year: { type: DataTypes.INTEGER, allowNull: false },
        series: { type: DataTypes.STRING(40), allowNull: false, defaultValue: '' },
        name: { type: DataTypes.STRING(255), allowNull: false },
        lastNumber: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        closedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'registers' },
    );
  }
}
