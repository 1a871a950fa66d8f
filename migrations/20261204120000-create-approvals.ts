import { DataTypes, type QueryInterface } from 'sequelize';

// Approval chains (issue 12 §2), keyed by a document reference so outgoing drafts and meeting
// minutes use the same engine: a flow per submission round, ordered steps, one decision row per
// person asked in the round.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
  const ref = (table: string, allowNull = false) => ({
    type: DataTypes.INTEGER,
    allowNull,
    references: { model: table, key: 'id' },
  });
  const timestamps = {
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  };
  await qi.createTable('approval_templates', {
    id,
    agencyId: ref('agencies'),
    name: { type: DataTypes.STRING(255), allowNull: false },
    // Which drafts it serves: a document type and a drafting department, each optional.
    documentType: { type: DataTypes.STRING(10), allowNull: true },
    departmentId: ref('departments', true),
    // JSON: [{ title, members: [{ userId } | { role, department: 'drafter' | id }], rule, n, days }]
    steps: { type: DataTypes.TEXT, allowNull: false },
    isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    ...timestamps,
  });
  await qi.createTable('approval_flows', {
    id,
    agencyId: ref('agencies'),
    documentKind: { type: DataTypes.STRING(20), allowNull: false },
    documentId: { type: DataTypes.INTEGER, allowNull: false },
    templateId: ref('approval_templates', true),
    drafterId: ref('users'),
    // in_progress, approved, returned (to the drafter), rejected, withdrawn
    status: { type: DataTypes.STRING(20), allowNull: false },
    // Each submission, and each return to an earlier step, opens a new round of decisions.
    round: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    currentPosition: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    ...timestamps,
  });
  await qi.addIndex('approval_flows', ['documentKind', 'documentId']);
  await qi.createTable('approval_steps', {
    id,
    flowId: ref('approval_flows'),
    position: { type: DataTypes.INTEGER, allowNull: false },
    title: { type: DataTypes.STRING(255), allowNull: false },
    // all, any, or n (at least `required` of the members)
    rule: { type: DataTypes.STRING(8), allowNull: false },
    required: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    days: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 2 },
    dueOn: { type: DataTypes.DATEONLY, allowNull: true },
    // waiting, active, done
    status: { type: DataTypes.STRING(20), allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('approval_steps', ['flowId', 'position']);
  await qi.createTable('approval_decisions', {
    id,
    flowId: ref('approval_flows'),
    stepId: ref('approval_steps'),
    round: { type: DataTypes.INTEGER, allowNull: false },
    assigneeId: ref('users'),
    // Who acted: the assignee, or a delegate acting for them under a delegation.
    actorId: ref('users', true),
    delegationId: ref('delegations', true),
    // null while waiting; approve, initial, return, reject
    decision: { type: DataTypes.STRING(20), allowNull: true },
    comment: { type: DataTypes.TEXT, allowNull: true },
    // The version of the document's main file the decision was taken on.
    version: { type: DataTypes.INTEGER, allowNull: true },
    decidedAt: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('approval_decisions', ['assigneeId', 'decision']);
  await qi.addIndex('approval_decisions', ['stepId', 'round']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('approval_decisions');
  await qi.dropTable('approval_steps');
  await qi.dropTable('approval_flows');
  await qi.dropTable('approval_templates');
}
