import { keepDerived, keepFolded } from '../db/folded.js';
import { nameSortKey } from './name-order.js';
import {
  col,
  DataTypes,
  fn,
  Model,
  Op,
  where,
  type CreationOptional,
  type FindOptions,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
  type Transaction,
  type WhereOptions,
} from 'sequelize';
import { UserRole } from './user-role.model.js';

export const ROLES = ['clerk', 'specialist', 'dept_head', 'leader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** Roles that take part in documents and meetings: every role but admin. */
export const DOCUMENT_ROLES: readonly Role[] = ['clerk', 'specialist', 'dept_head', 'leader'];

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare departmentId: number | null;
  declare username: string;
  declare fullName: string;
  declare positionTitle: string | null;
  /** Name and title folded (the directory's and the user list's search): keepFolded. */
  declare fullNameFolded: CreationOptional<string | null>;
  /** The name in Vietnamese order (tên, then họ đệm): name-order.ts, kept on every save. */
  declare nameSortKey: CreationOptional<string | null>;
  declare positionTitleFolded: CreationOptional<string | null>;
  declare email: string | null;
  declare passwordHash: string;
  declare secretClearance: CreationOptional<number>;
  declare isActive: CreationOptional<boolean>;
  declare failedLoginCount: CreationOptional<number>;
  declare lockedUntil: CreationOptional<Date | null>;
  /** The password was set by an administrator: the person chooses their own before anything else. */
  declare passwordMustChange: CreationOptional<boolean>;
  declare locale: CreationOptional<string>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  // The roles read with the user: by the finders (afterFind), the session read, or setUserRoles.
  // Kept beside the row's values, not in them, so the user's values stay those of its row.
  #roles: ReadonlySet<Role> | undefined;

  /** The user's roles in ROLES order. */
  roleList(): Role[] {
    const roles = this.loadedRoles();
    return ROLES.filter((r) => roles.has(r));
  }

  hasRole(role: Role): boolean {
    return this.loadedRoles().has(role);
  }

  /**
   * Whether the user takes part in documents and meetings: every account but one that only
   * administers the system (the admin role and no other; whereNotOnlyAdmin's rule). A meeting's
   * delegate may hold no role at all. Such an account is never given a document or a meeting,
   * whatever a grant, an assignment or a delegation names it in: the view rules ask this first.
   */
  takesPart(): boolean {
    const roles = this.loadedRoles();
    return !(roles.has('admin') && roles.size === 1);
  }

  /** Whether the roles were read with this user (a person read by hand for a name has none). */
  hasLoadedRoles(): boolean {
    return this.#roles !== undefined;
  }

  /** Sets the roles read with the user (unknown codes are ignored); returns the user. */
  withLoadedRoles(roles: Iterable<string>): this {
    this.#roles = new Set([...roles].filter(isRole));
    return this;
  }

  private loadedRoles(): ReadonlySet<Role> {
    if (!this.#roles) throw new Error(`The roles of user ${this.id} were not loaded with it`);
    return this.#roles;
  }

  /** Reads the roles of the given users in one query (the finders do it for what they find). */
  static async loadRoles(users: readonly User[], transaction?: Transaction | null): Promise<void> {
    const ids = [...new Set(users.map((u) => u.id).filter((id) => id != null))];
    if (!ids.length) return;
    const rows = (await UserRole.findAll({
      where: { userId: ids },
      attributes: ['userId', 'role'],
      raw: true,
      transaction: transaction ?? undefined,
    })) as unknown as { userId: number; role: string }[];
    const byUser = new Map<number, string[]>();
    for (const row of rows) {
      const list = byUser.get(Number(row.userId)) ?? [];
      list.push(row.role);
      byUser.set(Number(row.userId), list);
    }
    for (const user of users) if (user.id != null) user.withLoadedRoles(byUser.get(user.id) ?? []);
  }

  /** A where clause for users who hold the role (one of the roles), by the user_roles index. */
  static whereHasRole(role: Role | readonly Role[]): WhereOptions<User> {
    // Only codes of ROLES reach the SQL text.
    const roles = (Array.isArray(role) ? role : [role]).filter(isRole);
    const list = roles.map((r) => `'${r}'`).join(', ') || 'NULL';
    return {
      id: {
        [Op.in]: User.sequelize!.literal(`(SELECT userId FROM user_roles WHERE role IN (${list}))`),
      },
    };
  }

  /**
   * A where clause for the account of a username, whatever its letter case: "VanThu" and "vanthu"
   * are one name (MariaDB's collation compares so already; SQLite's does not).
   */
  static whereUsername(username: string): WhereOptions<User> {
    return where(fn('LOWER', col('username')), username.trim().toLowerCase());
  }

  /** A where clause for the people who may be named for documents and meetings (takesPart). */
  static whereTakesPart(): WhereOptions<User> {
    return User.whereNotOnlyAdmin();
  }

  /**
   * A where clause for everyone but the accounts that only administer the system (the admin role
   * and no other): they take no part in meetings or documents, so pickers leave them out.
   */
  static whereNotOnlyAdmin(): WhereOptions<User> {
    return {
      id: {
        [Op.notIn]: User.sequelize!.literal(
          `(SELECT a.userId FROM user_roles a WHERE a.role = 'admin' AND NOT EXISTS
             (SELECT 1 FROM user_roles o WHERE o.userId = a.userId AND o.role <> 'admin'))`,
        ),
      },
    };
  }

  /** Reads the row again, and its roles (reload copies only the row's values). */
  override async reload(options?: FindOptions<InferAttributes<User>>): Promise<this> {
    await super.reload(options);
    await User.loadRoles([this], options?.transaction);
    return this;
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
        fullNameFolded: { type: DataTypes.STRING(255), allowNull: true },
        nameSortKey: { type: DataTypes.STRING(255), allowNull: true },
        positionTitleFolded: { type: DataTypes.STRING(255), allowNull: true },
        email: { type: DataTypes.STRING(255), allowNull: true },
        passwordHash: { type: DataTypes.STRING(255), allowNull: false },
        secretClearance: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        failedLoginCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lockedUntil: { type: DataTypes.DATE(3), allowNull: true },
        passwordMustChange: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        locale: { type: DataTypes.STRING(5), allowNull: false, defaultValue: 'vi' },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      {
        sequelize,
        tableName: 'users',
        hooks: {
          // Every finder reads the roles of the users it found, so hasRole stays synchronous.
          afterFind: async (found, options) => {
            if (options.raw || !found) return;
            const users = (Array.isArray(found) ? found : [found]).filter(
              (u): u is User => u instanceof User,
            );
            await User.loadRoles(users, options.transaction);
          },
        },
      },
    );
    keepFolded(User, { fullNameFolded: 'fullName', positionTitleFolded: 'positionTitle' });
    keepDerived(User, {
      nameSortKey: { from: 'fullName', value: (name) => nameSortKey(name as string | null) },
    });
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
