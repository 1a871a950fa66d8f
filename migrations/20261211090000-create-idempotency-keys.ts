import { DataTypes, type QueryInterface } from 'sequelize';
import { sizedText } from '../src/db/sequelize.js';

// An API caller's Idempotency-Key and the reply it got: a retry after a lost reply gets the same
// reply (the same document, not a second number). Rows expire after a day and are swept.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('idempotency_keys', {
    userId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
    idemKey: { type: DataTypes.STRING(200), allowNull: false, primaryKey: true },
    requestHash: { type: DataTypes.STRING(64), allowNull: false },
    state: { type: DataTypes.STRING(10), allowNull: false },
    responseStatus: { type: DataTypes.INTEGER, allowNull: true },
    responseBody: { type: sizedText(qi.sequelize.getDialect(), 'medium'), allowNull: true },
    location: { type: DataTypes.STRING(500), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    expiresAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('idempotency_keys', ['expiresAt'], { name: 'idempotency_keys_expires' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('idempotency_keys');
}
