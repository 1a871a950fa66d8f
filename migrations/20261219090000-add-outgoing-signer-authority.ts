import { DataTypes, type QueryInterface } from 'sequelize';

// The rest of the Decree 30 signer block (Appendix I) a draft names: the collective a TM.
// signature is on behalf of ("Ủy ban nhân dân"), and the title of the head a KT., Q., TL. or TUQ.
// signature stands in for ("Chủ tịch"). The signer's own title was there already (signerTitle).
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('outgoing_documents', 'authorityName', {
    type: DataTypes.STRING(255),
    allowNull: true,
  });
  await qi.addColumn('outgoing_documents', 'principalTitle', {
    type: DataTypes.STRING(255),
    allowNull: true,
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('ALTER TABLE outgoing_documents DROP COLUMN principalTitle');
  await qi.sequelize.query('ALTER TABLE outgoing_documents DROP COLUMN authorityName');
}
