import { DataTypes, type QueryInterface } from 'sequelize';
import { sizedText } from '../src/db/sequelize.js';

// Two-phase signing with a token in the signer's hands: the prepared signature waits here
// (not in one process's memory) between the hash going out and the signature coming back.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('signing_sessions', {
    id: { type: DataTypes.STRING(36), primaryKey: true },
    userId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'users', key: 'id' },
    },
    documentKind: { type: DataTypes.STRING(20), allowNull: false },
    documentId: { type: DataTypes.INTEGER, allowNull: false },
    // The document file (main version) the session signs.
    sourceFileId: { type: DataTypes.INTEGER, allowNull: false },
    state: { type: sizedText(qi.sequelize.getDialect(), 'medium'), allowNull: false },
    expiresAt: { type: DataTypes.DATE(3), allowNull: false },
    completedAt: { type: DataTypes.DATE(3), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('signing_sessions', ['userId', 'expiresAt']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('signing_sessions');
}
