import { DataTypes, type QueryInterface } from 'sequelize';

// One row per daily job and day: whichever process inserts it first does the job, so a cluster or
// several app instances send the morning reminders once.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('scheduled_runs', {
    name: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
    runDate: { type: DataTypes.DATEONLY, allowNull: false, primaryKey: true },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('scheduled_runs');
}
