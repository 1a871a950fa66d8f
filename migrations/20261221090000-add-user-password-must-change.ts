import { DataTypes, type QueryInterface } from 'sequelize';

// A password an administrator set (a new account, a reset) is the administrator's as much as the
// person's: it lets them in once, to choose their own, and no further.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('users', 'passwordMustChange', {
    type: DataTypes.BOOLEAN,
    allowNull: false,
    defaultValue: false,
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('ALTER TABLE users DROP COLUMN passwordMustChange');
}
