import { DataTypes, type QueryInterface } from 'sequelize';

// Records files (hồ sơ, Decree 30/2020 Chapter IV and Appendix VI): a file of the agency's year
// with its code and retention period, the documents gathered in it (one document may be in many
// files), and the people it is shared with. codeKey is the code as compared for uniqueness (one
// per agency and year), compared bytewise on MariaDB as on SQLite; titleFolded is the title as
// the list's words are looked for in it (db/folded.ts).
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
  const user = (allowNull: boolean) => ({
    type: DataTypes.INTEGER,
    allowNull,
    references: { model: 'users', key: 'id' },
  });
  await qi.createTable('records_files', {
    id,
    agencyId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'agencies', key: 'id' },
    },
    year: { type: DataTypes.INTEGER, allowNull: false },
    code: { type: DataTypes.STRING(30), allowNull: false },
    codeKey: { type: DataTypes.STRING(30), allowNull: false },
    title: { type: DataTypes.STRING(500), allowNull: false },
    titleFolded: { type: DataTypes.STRING(500), allowNull: true },
    description: { type: DataTypes.TEXT, allowNull: true },
    retentionYears: { type: DataTypes.INTEGER, allowNull: true },
    departmentId: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'departments', key: 'id' },
    },
    keeperId: user(false),
    status: { type: DataTypes.STRING(16), allowNull: false },
    closedOn: { type: DataTypes.DATEONLY, allowNull: true },
    transferDueOn: { type: DataTypes.DATEONLY, allowNull: true },
    transferNoticeOn: { type: DataTypes.DATEONLY, allowNull: true },
    transferredOn: { type: DataTypes.DATEONLY, allowNull: true },
    transferredById: user(true),
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  if (qi.sequelize.getDialect() !== 'sqlite') {
    await qi.sequelize.query(
      `ALTER TABLE records_files
         MODIFY codeKey VARCHAR(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`,
    );
  }
  await qi.addIndex('records_files', ['agencyId', 'year', 'codeKey'], {
    unique: true,
    name: 'records_files_agency_year_code',
  });
  await qi.addIndex('records_files', ['keeperId'], { name: 'records_files_keeper' });
  await qi.addIndex('records_files', ['status', 'transferDueOn'], {
    name: 'records_files_transfer_due',
  });

  await qi.createTable('records_file_items', {
    id,
    recordsFileId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'records_files', key: 'id' },
      onDelete: 'CASCADE',
    },
    documentKind: { type: DataTypes.STRING(16), allowNull: false },
    documentId: { type: DataTypes.INTEGER, allowNull: false },
    addedById: user(false),
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('records_file_items', ['recordsFileId', 'documentKind', 'documentId'], {
    unique: true,
    name: 'records_file_items_file_document',
  });
  await qi.addIndex('records_file_items', ['documentKind', 'documentId'], {
    name: 'records_file_items_document',
  });

  await qi.createTable('records_file_members', {
    id,
    recordsFileId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'records_files', key: 'id' },
      onDelete: 'CASCADE',
    },
    userId: { ...user(false), onDelete: 'CASCADE' },
    canAdd: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('records_file_members', ['recordsFileId', 'userId'], {
    unique: true,
    name: 'records_file_members_file_user',
  });
  await qi.addIndex('records_file_members', ['userId'], { name: 'records_file_members_user' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('DROP TABLE records_file_members');
  await qi.sequelize.query('DROP TABLE records_file_items');
  await qi.sequelize.query('DROP TABLE records_files');
}
