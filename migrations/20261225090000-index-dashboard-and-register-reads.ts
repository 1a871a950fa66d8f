import type { QueryInterface } from 'sequelize';

/*
 * What the dashboard (every time anyone opens it) and a register's page read, by index instead
 * of walking the agency:
 * - the on-time rate (the report's too) reads the handling work whose deadline falls in the
 *   period: MariaDB walked every document of the agency and each one's assignments to find the
 *   month's (38,857 documents and 86,000 assignments for 1,479 rows on bench:http's seed,
 *   180–260 ms, growing with the years kept); with (deadline) the period is one range (4 ms);
 * - "Vào sổ hôm nay" counts the documents registered today: (agencyId, createdAt);
 * - a register's page counts the documents of its period: (agencyId, registerId, arrivalDate),
 *   read from the index alone (this year's 18,798 rows: 30–50 ms reading each row, now 5–9).
 */
const INDEXES = [
  { table: 'incoming_assignments', fields: ['deadline'], name: 'incoming_assignments_deadline' },
  {
    table: 'incoming_documents',
    fields: ['agencyId', 'createdAt'],
    name: 'incoming_documents_agency_created',
  },
  {
    table: 'incoming_documents',
    fields: ['agencyId', 'registerId', 'arrivalDate'],
    name: 'incoming_documents_register_arrival',
  },
];

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const { table, fields, name } of INDEXES) await qi.addIndex(table, fields, { name });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const { table, name } of INDEXES) await qi.removeIndex(table, name);
}
