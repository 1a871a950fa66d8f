import { DataTypes, type QueryInterface } from 'sequelize';

// Approval chains, second part (issue 12 §2): a template may let the drafter add consulted units
// and reviewers to one document's chain; a step either approves (blocking) or is consulted
// (lấy ý kiến góp ý: done once each member has agreed or given an opinion).
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('approval_templates', 'allowExtraReviewers', {
    type: DataTypes.BOOLEAN,
    allowNull: false,
    defaultValue: false,
  });
  // approve or consult
  await qi.addColumn('approval_steps', 'kind', {
    type: DataTypes.STRING(10),
    allowNull: false,
    defaultValue: 'approve',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // Raw: Sequelize's removeColumn rebuilds SQLite tables, which fails on the foreign keys of
  // approval_steps once chains exist.
  await qi.sequelize.query('ALTER TABLE approval_steps DROP COLUMN kind');
  await qi.sequelize.query('ALTER TABLE approval_templates DROP COLUMN allowExtraReviewers');
}
