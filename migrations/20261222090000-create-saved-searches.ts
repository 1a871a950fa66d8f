import { DataTypes, type QueryInterface } from 'sequelize';

// Saved searches (tìm kiếm đã lưu, Decree 30 Appendix VI): a person's own named copies of a
// list's query string (the incoming or the outgoing list), opened again with the list's results
// read fresh. One name per person and list, compared as nameKey (the name lower-cased), which
// compares bytewise on MariaDB as on SQLite: its utf8mb4_unicode_ci would also take "Quyết định"
// and "Quyet dinh" for one name on MariaDB only.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('saved_searches', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    userId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
    },
    listKind: { type: DataTypes.STRING(16), allowNull: false },
    name: { type: DataTypes.STRING(100), allowNull: false },
    nameKey: { type: DataTypes.STRING(100), allowNull: false },
    query: { type: DataTypes.TEXT, allowNull: false },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  if (qi.sequelize.getDialect() !== 'sqlite') {
    await qi.sequelize.query(
      `ALTER TABLE saved_searches
         MODIFY nameKey VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`,
    );
  }
  await qi.addIndex('saved_searches', ['userId', 'listKind', 'nameKey'], {
    unique: true,
    name: 'saved_searches_user_list_name',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('DROP TABLE saved_searches');
}
