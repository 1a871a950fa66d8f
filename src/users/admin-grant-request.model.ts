import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { isRole, type Role } from './user.model.js';

export type AdminGrantStatus = 'pending' | 'approved' | 'rejected' | 'superseded';

/**
 * Roles and a secret clearance asked for an administrator's account that open documents: applied
 * only when an administrator other than the one who asked and the account's holder approves.
 */
export class AdminGrantRequest extends Model<
  InferAttributes<AdminGrantRequest>,
  InferCreationAttributes<AdminGrantRequest>
> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare userId: number;
  /** Null when the server's operator asked from the command line. */
  declare requestedById: number | null;
  /** The account's whole role list once approved, comma-separated. */
  declare roles: string;
  declare secretClearance: number;
  declare status: CreationOptional<AdminGrantStatus>;
  declare decidedById: CreationOptional<number | null>;
  declare decidedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  roleList(): Role[] {
    return this.roles.split(',').filter(isRole);
  }

  static initModel(sequelize: Sequelize): void {
    AdminGrantRequest.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        requestedById: { type: DataTypes.INTEGER, allowNull: true },
        roles: { type: DataTypes.STRING(100), allowNull: false },
        secretClearance: { type: DataTypes.INTEGER, allowNull: false },
        status: { type: DataTypes.STRING(12), allowNull: false, defaultValue: 'pending' },
        decidedById: { type: DataTypes.INTEGER, allowNull: true },
        decidedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'admin_grant_requests' },
    );
  }
}
