import type { QueryInterface } from 'sequelize';

// The reminder check reads every agency's published meetings starting within a day, each minute
// in each process: by start time alone (meetings_agency_starts leads with the agency).
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addIndex('meetings', ['startsAt'], { name: 'meetings_starts' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('meetings', 'meetings_starts');
}
