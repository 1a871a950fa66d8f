import { DataTypes, type QueryInterface } from 'sequelize';

// Four-eyes on document access of administrator accounts (issue 11 §4): a document role or a
// secret clearance asked for an administrator's account waits here until an administrator other
// than the one who asked and the account's holder approves or rejects it.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('admin_grant_requests', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    agencyId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'agencies', key: 'id' },
    },
    userId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'users', key: 'id' },
    },
    // Null when the server's operator asked from the command line.
    requestedById: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'users', key: 'id' },
    },
    roles: { type: DataTypes.STRING(100), allowNull: false },
    secretClearance: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(12), allowNull: false, defaultValue: 'pending' },
    decidedById: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'users', key: 'id' },
    },
    decidedAt: { type: DataTypes.DATE(3), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('admin_grant_requests', ['agencyId', 'status'], {
    name: 'admin_grant_requests_agency_status',
  });
  await qi.addIndex('admin_grant_requests', ['userId', 'status'], {
    name: 'admin_grant_requests_user_status',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('admin_grant_requests');
}
