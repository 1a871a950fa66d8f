import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const ROLES = ['clerk', 'specialist', 'dept_head', 'leader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare departmentId: number | null;
  declare username: string;
  declare fullName: string;
  declare positionTitle: string | null;
  declare email: string | null;
  declare passwordHash: string;
  declare roles: string;
  declare secretClearance: CreationOptional<number>;
  declare isActive: CreationOptional<boolean>;
  declare failedLoginCount: CreationOptional<number>;
  declare lockedUntil: CreationOptional<Date | null>;
  declare locale: CreationOptional<string>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  roleList(): Role[] {
    return this.roles
      .split(',')
      .map((r) => r.trim())
      .filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  }

  hasRole(role: Role): boolean {
    return this.roleList().includes(role);
  }

  static initModel(sequelize: Sequelize): void {
    User.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        departmentId: { type: DataTypes.INTEGER, allowNull: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        fullName: { type: DataTypes.STRING(255), allowNull: false },
        positionTitle: { type: DataTypes.STRING(255), allowNull: true },
        email: { type: DataTypes.STRING(255), allowNull: true },
        passwordHash: { type: DataTypes.STRING(255), allowNull: false },
        roles: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
        secretClearance: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        failedLoginCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lockedUntil: { type: DataTypes.DATE(3), allowNull: true },
        locale: { type: DataTypes.STRING(5), allowNull: false, defaultValue: 'vi' },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'users' },
    );
  }
}

export class AccessToken extends Model<
  InferAttributes<AccessToken>,
  InferCreationAttributes<AccessToken>
> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare name: string;
  declare tokenHash: string;
  declare lastUsedAt: CreationOptional<Date | null>;
  declare expiresAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    AccessToken.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        name: { type: DataTypes.STRING(100), allowNull: false },
        tokenHash: { type: DataTypes.STRING(64), allowNull: false },
        lastUsedAt: { type: DataTypes.DATE(3), allowNull: true },
        expiresAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'access_tokens' },
    );
  }
}
