import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** The authority prefix a delegate signs with (Decree 30 Art. 13). */
export const DELEGATION_FORMS = ['KT', 'Q', 'TL', 'TUQ'] as const;
export type DelegationForm = (typeof DELEGATION_FORMS)[number];

/** A principal lets a delegate act for them, for some actions, from one day to another. */
export class Delegation extends Model<
  InferAttributes<Delegation>,
  InferCreationAttributes<Delegation>
> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare principalId: number;
  declare delegateId: number;
  declare form: DelegationForm;
  /** JSON array of policy actions. */
  declare actions: string;
  declare startsOn: string;
  declare endsOn: string;
  /** The delegation this one passes on, when the delegate re-delegates. */
  declare parentId: number | null;
  declare note: string | null;
  declare createdById: number;
  declare revokedAt: CreationOptional<Date | null>;
  declare revokedById: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  actionList(): string[] {
    try {
      const parsed: unknown = JSON.parse(this.actions);
      return Array.isArray(parsed) ? parsed.filter((a): a is string => typeof a === 'string') : [];
    } catch {
      return [];
    }
  }

  /** In force on a day (YYYY-MM-DD) and not revoked. */
  isActiveOn(day: string): boolean {
    return !this.revokedAt && this.startsOn <= day && day <= this.endsOn;
  }

  static initModel(sequelize: Sequelize): void {
    Delegation.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        principalId: { type: DataTypes.INTEGER, allowNull: false },
        delegateId: { type: DataTypes.INTEGER, allowNull: false },
        form: { type: DataTypes.STRING(8), allowNull: false },
        actions: { type: DataTypes.TEXT, allowNull: false },
        startsOn: { type: DataTypes.DATEONLY, allowNull: false },
        endsOn: { type: DataTypes.DATEONLY, allowNull: false },
        parentId: { type: DataTypes.INTEGER, allowNull: true },
        note: { type: DataTypes.TEXT, allowNull: true },
        createdById: { type: DataTypes.INTEGER, allowNull: false },
        revokedAt: { type: DataTypes.DATE(3), allowNull: true },
        revokedById: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'delegations' },
    );
  }
}
