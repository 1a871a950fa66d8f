import { DataTypes, type QueryInterface } from 'sequelize';

// Who acts for whom (Decree 30 Art. 13): a leader hands some actions to a deputy (KT.), an acting
// head (Q.), a subordinate by order (TL.) or by written authorisation (TUQ.), for a span of days.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const ref = (table: string, allowNull = false) => ({
    type: DataTypes.INTEGER,
    allowNull,
    references: { model: table, key: 'id' },
  });
  await qi.createTable('delegations', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    agencyId: ref('agencies'),
    principalId: ref('users'),
    delegateId: ref('users'),
    // KT, Q, TL or TUQ: the authority prefix the delegate signs with.
    form: { type: DataTypes.STRING(8), allowNull: false },
    // JSON array of policy actions handed over.
    actions: { type: DataTypes.TEXT, allowNull: false },
    startsOn: { type: DataTypes.DATEONLY, allowNull: false },
    endsOn: { type: DataTypes.DATEONLY, allowNull: false },
    parentId: ref('delegations', true),
    note: { type: DataTypes.TEXT, allowNull: true },
    createdById: ref('users'),
    revokedAt: { type: DataTypes.DATE(3), allowNull: true },
    revokedById: ref('users', true),
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('delegations', ['delegateId', 'startsOn']);
  await qi.addIndex('delegations', ['principalId', 'startsOn']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('delegations');
}
