import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** One row of the append-only, hash-chained audit log. */
export class AuditLog extends Model<InferAttributes<AuditLog>, InferCreationAttributes<AuditLog>> {
  declare id: CreationOptional<number>;
  declare occurredAt: Date;
  declare userId: number | null;
  declare ip: string | null;
  declare action: string;
  declare entityType: string | null;
  declare entityId: string | null;
  declare details: string | null;
  declare prevHash: string;
  declare hash: string;

  static initModel(sequelize: Sequelize): void {
    AuditLog.init(
      {
        id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
        occurredAt: { type: DataTypes.DATE(3), allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: true },
        ip: { type: DataTypes.STRING(64), allowNull: true },
        action: { type: DataTypes.STRING(64), allowNull: false },
        entityType: { type: DataTypes.STRING(40), allowNull: true },
        entityId: { type: DataTypes.STRING(64), allowNull: true },
        details: { type: DataTypes.TEXT, allowNull: true },
        prevHash: { type: DataTypes.STRING(64), allowNull: false },
        hash: { type: DataTypes.STRING(64), allowNull: false },
      },
      { sequelize, tableName: 'audit_logs', timestamps: false },
    );
  }
}
