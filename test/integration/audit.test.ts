import { expect } from 'chai';
import { testApp } from '../helpers/test-app.js';
import { recordAudit, verifyAuditChain } from '../../src/audit/audit.service.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { db } from '../../src/db/index.js';

/** The database's own message, under Sequelize's wrapper. */
const messageOf = (err: unknown) => String((err as { parent?: Error })?.parent?.message ?? err);

describe('audit log', () => {
  before(async () => {
    await testApp();
  });

  it('keeps a linear hash chain under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        recordAudit({ action: 'test.concurrent', details: { i } }),
      ),
    );
    const result = await verifyAuditChain();
    expect(result.intact).to.equal(true);
    expect(result.rows).to.be.greaterThanOrEqual(30);
  });

  it('is append-only: the database refuses updates and deletes', async () => {
    const row = await recordAudit({ action: 'test.append_only' });
    let updateError: unknown = null;
    try {
      await db().query('UPDATE audit_logs SET action = ? WHERE id = ?', {
        replacements: ['forged', row.id],
      });
    } catch (err) {
      updateError = err;
    }
    expect(messageOf(updateError)).to.contain('append-only');
    let deleteError: unknown = null;
    try {
      await AuditLog.destroy({ where: { id: row.id } });
    } catch (err) {
      deleteError = err;
    }
    expect(messageOf(deleteError)).to.contain('append-only');
  });
});
