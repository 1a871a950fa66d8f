import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** A deputy head (phó trưởng phòng) of a department; a department has one head and several. */
export class DepartmentDeputy extends Model<
  InferAttributes<DepartmentDeputy>,
  InferCreationAttributes<DepartmentDeputy>
> {
  declare id: CreationOptional<number>;
  declare departmentId: number;
  declare userId: number;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    DepartmentDeputy.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        departmentId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'department_deputies', updatedAt: false },
    );
  }
}
