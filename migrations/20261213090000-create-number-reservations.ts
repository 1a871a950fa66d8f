import { DataTypes, type QueryInterface } from 'sequelize';

// Number reservations (issue 12 §7): an outgoing issuance takes its number in a short transaction
// and seals outside any lock; the number is held here until the issuance commits (the row is
// then deleted) or fails (the row turns 'free' and the next issuance of the series takes it).
// A held row past expiresAt belongs to a crashed process and is swept back to 'free'.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('number_reservations', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    registerId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'registers', key: 'id' },
      onDelete: 'CASCADE',
    },
    number: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(10), allowNull: false },
    token: { type: DataTypes.STRING(36), allowNull: true },
    documentKind: { type: DataTypes.STRING(20), allowNull: true },
    documentId: { type: DataTypes.INTEGER, allowNull: true },
    expiresAt: { type: DataTypes.DATE(3), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('number_reservations', ['registerId', 'number'], {
    unique: true,
    name: 'number_reservations_register_number',
  });
  await qi.addIndex('number_reservations', ['registerId', 'status', 'number'], {
    name: 'number_reservations_register_status',
  });
  await qi.addIndex('number_reservations', ['status', 'expiresAt'], {
    name: 'number_reservations_status_expires',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('number_reservations');
}
