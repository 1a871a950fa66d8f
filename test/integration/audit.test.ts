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

  it('writes an IPv4 client of a dual-stack server in one form, and keeps the chain valid', async () => {
    const mapped = await recordAudit({ action: 'test.address', ip: '::ffff:203.0.113.5' });
    const plain = await recordAudit({ action: 'test.address', ip: '203.0.113.5' });
    const v6 = await recordAudit({ action: 'test.address', ip: '2001:db8::1' });
    const stored = await AuditLog.findAll({
      where: { id: [mapped.id, plain.id, v6.id] },
      order: [['id', 'ASC']],
    });
    expect(stored.map((r) => r.ip)).to.deep.equal(['203.0.113.5', '203.0.113.5', '2001:db8::1']);
    expect((await verifyAuditChain()).intact).to.equal(true);
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

  it('writes rows recorded together in one commit, in the order they were recorded', async () => {
    const options = (db() as unknown as { options: { logging: false | ((sql: string) => void) } })
      .options;
    const saved = options.logging;
    let locks = 0;
    options.logging = (sql) => {
      if (/SELECT lastHash FROM audit_chain_head/.test(sql)) locks += 1;
    };
    let rows: AuditLog[];
    try {
      rows = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          recordAudit({ action: 'test.batched', entityType: 'test', entityId: i, details: { i } }),
        ),
      );
    } finally {
      options.logging = saved;
    }
    // The first row goes alone; the others wait for it and share the next commit(s).
    expect(locks).to.be.within(2, 5);
    const ids = rows.map((r) => Number(r.id));
    expect(ids).to.deep.equal(ids.map((_, i) => ids[0] + i));
    const stored = await AuditLog.findAll({
      where: { action: 'test.batched' },
      order: [['id', 'ASC']],
    });
    expect(stored.map((r) => Number(r.id))).to.deep.equal(ids);
    expect(stored.map((r) => r.entityId)).to.deep.equal(ids.map((_, i) => String(i)));
    expect(stored.map((r) => r.hash)).to.deep.equal(rows.map((r) => r.hash));
    expect((await verifyAuditChain()).intact).to.equal(true);
  });

  it('fails only the row the database refuses, not the rows written with it', async () => {
    const results = await Promise.allSettled(
      ['test.kept', null, 'test.kept', 'test.kept'].map((action) =>
        recordAudit({ action: action as string }),
      ),
    );
    expect(results.map((r) => r.status)).to.deep.equal([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(await AuditLog.count({ where: { action: 'test.kept' } })).to.equal(3);
    expect((await verifyAuditChain()).intact).to.equal(true);
  });

  it('keeps the chain head moving forward only: no rewind, no fewer changes, no delete', async () => {
    await recordAudit({ action: 'test.head' });
    const attempts = [
      'UPDATE audit_chain_head SET lastId = lastId - 1 WHERE id = 1',
      'UPDATE audit_chain_head SET lastId = NULL WHERE id = 1',
      "UPDATE audit_chain_head SET lastHash = 'forged' WHERE id = 1",
      'UPDATE audit_chain_head SET changeCount = changeCount - 1 WHERE id = 1',
      'DELETE FROM audit_chain_head WHERE id = 1',
    ];
    for (const sql of attempts) {
      let error: unknown = null;
      try {
        await db().query(sql);
      } catch (err) {
        error = err;
      }
      expect(messageOf(error), sql).to.contain('only moves forward');
    }
    // The app's own appends still move it.
    await recordAudit({ action: 'test.head' });
    expect((await verifyAuditChain()).intact).to.equal(true);
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
