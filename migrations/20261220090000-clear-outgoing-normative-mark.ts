import type { QueryInterface } from 'sequelize';

// Only a Nghị quyết or a Quyết định can be a legal normative document (document-types.ts); drafts
// were let mark any type, and numbering now refuses the mark on the others. A draft not yet
// issued loses a mark its type cannot have; issued documents keep the series they were numbered in.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(
    `UPDATE outgoing_documents SET normative = ?
      WHERE normative = ? AND documentType NOT IN (?) AND status NOT IN (?)`,
    { replacements: [false, true, ['NQ', 'QĐ'], ['issued', 'recalled']] },
  );
}

export async function down(): Promise<void> {
  // The marks cleared were wrong; nothing to put back.
}
