import { DataTypes, type QueryInterface } from 'sequelize';

/*
 * Văn bản trả lời: an outgoing document may answer an incoming one of its agency (the draft made
 * from the incoming page). The incoming page lists its answers and the processing-tracking
 * register prints their numbers (Decree 30, Appendix IV, column 6), read by this index.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('outgoing_documents', 'answersIncomingId', {
    type: DataTypes.INTEGER,
    allowNull: true,
  });
  await qi.addIndex('outgoing_documents', ['answersIncomingId'], {
    name: 'outgoing_documents_answers',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('outgoing_documents', 'outgoing_documents_answers');
  await qi.sequelize.query('ALTER TABLE outgoing_documents DROP COLUMN answersIncomingId');
}
