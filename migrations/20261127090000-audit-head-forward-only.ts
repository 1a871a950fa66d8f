import type { QueryInterface } from 'sequelize';

// The audit chain head names the last row of the log and its hash, which is how audit:verify
// notices rows removed from the end. Moving it back would hide such a removal, so the database
// lets it only move forward (a later last row, never fewer changes) and never be deleted.
const REWIND = `NEW.id <> OLD.id
  OR (OLD.lastId IS NOT NULL AND (NEW.lastId IS NULL OR NEW.lastId <= OLD.lastId))
  OR NEW.changeCount < OLD.changeCount`;
const MESSAGE = 'audit_chain_head only moves forward';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  if (qi.sequelize.getDialect() === 'sqlite') {
    await qi.sequelize.query(
      `CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head WHEN ${REWIND} BEGIN SELECT RAISE(ABORT, '${MESSAGE}'); END`,
    );
    await qi.sequelize.query(
      `CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head BEGIN SELECT RAISE(ABORT, '${MESSAGE}'); END`,
    );
  } else {
    await qi.sequelize.query(
      `CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head FOR EACH ROW BEGIN IF ${REWIND} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${MESSAGE}'; END IF; END`,
    );
    await qi.sequelize.query(
      `CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${MESSAGE}'`,
    );
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('DROP TRIGGER IF EXISTS audit_chain_head_forward');
  await qi.sequelize.query('DROP TRIGGER IF EXISTS audit_chain_head_no_delete');
}
