import { DataTypes, type QueryInterface } from 'sequelize';

// A session row names its signed-in user: a page reads session and user in one query, and a
// password change can end the user's other sessions.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('sessions', 'userId', { type: DataTypes.INTEGER, allowNull: true });
  await qi.addIndex('sessions', ['userId'], { name: 'sessions_user_id' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('sessions', 'sessions_user_id');
  await qi.removeColumn('sessions', 'userId');
}
