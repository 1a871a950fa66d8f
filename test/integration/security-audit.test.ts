import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildUser, loginAs } from '../factories/index.js';
import { QueryTypes } from 'sequelize';
import { recordAudit, hashAuditRow, verifyAuditChain } from '../../src/audit/audit.service.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { createAuditCheckpoint, verifyAgainstCheckpoint } from '../../src/audit/audit-anchor.js';
import { db } from '../../src/db/index.js';
import { loadTrustAnchors } from '../../src/pki/trust.js';
import { sealSignerFor } from '../../src/signing-keys/index.js';
import { enrolSealForTest } from '../helpers/signing-keys.js';
import * as headForwardOnly from '../../migrations/20261127090000-audit-head-forward-only.js';
import { buildOffice, registerThroughForm, signIn } from './incoming-helpers.js';

describe('security: the audit log', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('shows the subject and notes of a secret document only to an administrator cleared for it', async () => {
    const office = await buildOffice();
    await office.clerk.update({ secretClearance: 3 });
    const clerk = await signIn(ctx.app, office.clerk);
    const secretId = await registerThroughForm(clerk, { confidentiality: '2' });
    const plainId = await registerThroughForm(clerk);
    for (const id of [secretId, plainId])
      await recordAudit({
        action: 'incoming.update',
        userId: office.clerk.id,
        ip: null,
        entityType: 'incoming',
        entityId: id,
        details: { changes: { subject: `Kế hoạch tuyệt mật số ${id}`, notes: 'Ghi chú riêng' } },
      });
    const uncleared = await buildUser(office.agency, ['admin']);
    const cleared = await buildUser(office.agency, ['admin'], { secretClearance: 3 });
    const page = async (admin: typeof uncleared, id: number) =>
      (await loginAs(ctx.app, admin)).agent.get(
        `/admin/audit?entityType=incoming&entityId=${id}&action=incoming.update`,
      );

    const hidden = await page(uncleared, secretId);
    expect(hidden.status).to.equal(200);
    expect(hidden.text).not.to.contain(`Kế hoạch tuyệt mật số ${secretId}`);
    expect(hidden.text).not.to.contain('Ghi chú riêng');
    expect(hidden.text).to.contain('Nội dung ẩn');
    expect((await page(uncleared, plainId)).text).to.contain(`Kế hoạch tuyệt mật số ${plainId}`);
    expect((await page(cleared, secretId)).text).to.contain(`Kế hoạch tuyệt mật số ${secretId}`);
  });

  it('anchors the chain head in a signed checkpoint and detects a rewrite of the whole chain', async () => {
    const office = await buildOffice();
    await enrolSealForTest(office.agency.id);
    await recordAudit({ action: 'test.anchor', ip: null, details: { n: 1 } });
    const signed = await createAuditCheckpoint(
      await sealSignerFor(office.agency.id),
      office.agency.id,
    );
    const anchors = loadTrustAnchors(ctx.config.certsDir);
    expect(anchors.length).to.be.greaterThan(0);
    expect(signed.checkpoint.headId).to.be.greaterThan(0);
    expect((await verifyAgainstCheckpoint(signed, anchors)).ok).to.equal(true);
    // Rows written after the checkpoint extend the chain: still matching.
    await recordAudit({ action: 'test.anchor', ip: null, details: { n: 2 } });
    expect((await verifyAgainstCheckpoint(signed, anchors)).ok).to.equal(true);

    // A forged checkpoint (another head) fails its signature.
    const forged = { ...signed, checkpoint: { ...signed.checkpoint, count: 1 } };
    expect(await verifyAgainstCheckpoint(forged, anchors)).to.include({ reason: 'signature' });

    // Someone with database access rewrites the checkpointed row and every hash after it, and
    // the chain head: the chain is intact by itself, but no longer the one the seal vouched for.
    await dropAppendOnlyGuards();
    try {
      await rewriteFrom(signed.checkpoint.headId);
    } finally {
      await restoreAppendOnlyGuards();
    }
    expect((await verifyAuditChain()).intact).to.equal(true);
    const result = await verifyAgainstCheckpoint(signed, anchors);
    expect(result).to.include({ ok: false, reason: 'rewritten' });
  });
});

const sqlite = () => db().getDialect() === 'sqlite';

async function dropAppendOnlyGuards(): Promise<void> {
  await db().query('DROP TRIGGER IF EXISTS audit_logs_no_update');
  await headForwardOnly.down({ context: db().getQueryInterface() });
}

async function restoreAppendOnlyGuards(): Promise<void> {
  await db().query(
    sqlite()
      ? `CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END`
      : `CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_logs is append-only'`,
  );
  await headForwardOnly.up({ context: db().getQueryInterface() });
}

/** What someone with database access could do: change a row and re-hash every row after it. */
async function rewriteFrom(firstId: number): Promise<void> {
  const rows = await AuditLog.findAll({
    where: db().where(db().col('id'), '>=', firstId),
    order: [['id', 'ASC']],
    raw: true,
  });
  let prevHash = rows[0].prevHash;
  for (const [i, row] of rows.entries()) {
    const details = i === 0 ? JSON.stringify({ rewritten: true }) : row.details;
    const hash = hashAuditRow(prevHash, {
      occurredAt: new Date(row.occurredAt),
      userId: row.userId,
      ip: row.ip,
      action: row.action,
      entityType: row.entityType,
      entityId: row.entityId,
      details,
    });
    await db().query('UPDATE audit_logs SET details = ?, prevHash = ?, hash = ? WHERE id = ?', {
      replacements: [details, prevHash, hash, row.id],
      type: QueryTypes.UPDATE,
    });
    prevHash = hash;
  }
  await db().query('UPDATE audit_chain_head SET lastHash = ? WHERE id = 1', {
    replacements: [prevHash],
    type: QueryTypes.UPDATE,
  });
}
