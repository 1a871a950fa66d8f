import { DataTypes, type QueryInterface } from 'sequelize';

// The sender directory (danh bạ nơi gửi): the agencies documents come from, with their codes
// (mã định danh), one list per receiving agency; filled from registrations and edXML packages,
// edited by its clerks. nameKey is the name without accents, case or punctuation (one row each).
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('senders', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    agencyId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'agencies', key: 'id' },
      onDelete: 'CASCADE',
    },
    name: { type: DataTypes.STRING(255), allowNull: false },
    nameKey: { type: DataTypes.STRING(255), allowNull: false },
    code: { type: DataTypes.STRING(13), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('senders', ['agencyId', 'nameKey'], {
    unique: true,
    name: 'senders_agency_name_key',
  });
  await qi.addIndex('senders', ['agencyId', 'code'], { name: 'senders_agency_code' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('senders');
}
