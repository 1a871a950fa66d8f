import type { QueryInterface } from 'sequelize';

// The incoming lists page by arrival date inside one agency; the "in progress" and "done" tabs
// look up the assignments a person made.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addIndex('incoming_documents', ['agencyId', 'arrivalDate', 'id'], {
    name: 'incoming_documents_agency_arrival',
  });
  await qi.addIndex('incoming_assignments', ['assignedById', 'documentId'], {
    name: 'incoming_assignments_assigned_by',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('incoming_assignments', 'incoming_assignments_assigned_by');
  await qi.removeIndex('incoming_documents', 'incoming_documents_agency_arrival');
}
