import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { ListKind } from './saved-search.lists.js';

/** A person's named search of one list: the list's query string, never its results. */
export class SavedSearch extends Model<
  InferAttributes<SavedSearch>,
  InferCreationAttributes<SavedSearch>
> {
  declare id: CreationOptional<number>;
  /** Whose it is: nobody else sees, opens, renames or deletes it. */
  declare userId: number;
  declare listKind: ListKind;
  declare name: string;
  /** The name as compared for uniqueness (savedSearchNameKey): one per person and list. */
  declare nameKey: string;
  /** The list's query string as its schema reads it, without the page (normaliseListQuery). */
  declare query: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    SavedSearch.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        listKind: { type: DataTypes.STRING(16), allowNull: false },
        name: { type: DataTypes.STRING(100), allowNull: false },
        nameKey: { type: DataTypes.STRING(100), allowNull: false },
        query: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'saved_searches' },
    );
  }
}
