import { DataTypes, type QueryInterface } from 'sequelize';

// Why an agenda item was withdrawn: the organisers keep seeing the item, struck out, with it.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('meeting_items', 'withdrawnReason', {
    type: DataTypes.STRING(500),
    allowNull: true,
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('ALTER TABLE meeting_items DROP COLUMN withdrawnReason');
}
