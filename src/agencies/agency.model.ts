import { keepFolded } from '../db/folded.js';
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class Agency extends Model<InferAttributes<Agency>, InferCreationAttributes<Agency>> {
  declare id: CreationOptional<number>;
  declare parentId: number | null;
  declare name: string;
  declare abbreviation: string;
  declare code: string;
  declare address: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Agency.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        parentId: { type: DataTypes.INTEGER, allowNull: true },
        name: { type: DataTypes.STRING(255), allowNull: false },
        abbreviation: { type: DataTypes.STRING(30), allowNull: false },
        code: { type: DataTypes.STRING(13), allowNull: false },
        address: { type: DataTypes.STRING(255), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'agencies' },
    );
  }
}

export class Department extends Model<
  InferAttributes<Department>,
  InferCreationAttributes<Department>
> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare parentId: number | null;
  declare name: string;
  /** The name folded (the directory's search): keepFolded. */
  declare nameFolded: CreationOptional<string | null>;
  declare abbreviation: string;
  /** The head of the department (trưởng phòng), one of its members. */
  declare headUserId: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Department.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        parentId: { type: DataTypes.INTEGER, allowNull: true },
        name: { type: DataTypes.STRING(255), allowNull: false },
        nameFolded: { type: DataTypes.STRING(255), allowNull: true },
        abbreviation: { type: DataTypes.STRING(30), allowNull: false },
        headUserId: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'departments' },
    );
    keepFolded(Department, { nameFolded: 'name' });
  }
}
