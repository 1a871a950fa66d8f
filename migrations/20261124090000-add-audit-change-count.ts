import { DataTypes, type QueryInterface } from 'sequelize';

// The chain head counts the audited changes (views and downloads excluded): a number that moves
// with every committed change, so results derived from the data can be kept until it moves.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('audit_chain_head', 'changeCount', {
    type: DataTypes.BIGINT,
    allowNull: false,
    defaultValue: 0,
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('audit_chain_head', 'changeCount');
}
