import { expect } from 'chai';
import type { Model } from 'sequelize';
import { db } from '../../src/db/index.js';
import { insertRows, rawWrite, updateRow } from '../../src/db/raw-write.js';
import { withTransaction } from '../../src/db/transaction.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';

const plain = (instance: Model) => instance.get({ plain: true }) as Record<string, unknown>;
const withoutIds = ({ id: _id, createdAt: _c, updatedAt: _u, ...rest }: Record<string, unknown>) =>
  rest;

/**
 * The issuance writes its hot rows by hand (insertRows, updateRow, rawWrite) instead of through
 * create, bulkCreate and save. What lands in the tables must be what Sequelize writes, on both
 * databases, and the instances returned must be the rows read back.
 */
describe('rows written by hand', () => {
  before(() => testApp());

  it('insertRows writes what bulkCreate writes and returns the rows as read back', async () => {
    const user = await buildUser(await buildAgency(), ['clerk']);
    const rows = [
      { userId: user.id, kind: 'k.one', message: '', messageKey: 'notify:a', link: '/a' },
      { userId: user.id, kind: 'k.two', messageKey: null, messageParams: '{"x":"Hà Nội"}' },
    ];
    const bySequelize = await Notification.bulkCreate(rows);
    const byHand = await withTransaction(db(), undefined, (transaction) =>
      insertRows(Notification, rows, transaction),
    );
    const read = async (ids: number[]) =>
      (await Notification.findAll({ where: { id: ids }, order: [['id', 'ASC']] })).map(plain);
    const sequelizeRows = await read(bySequelize.map((n) => n.id));
    const handRows = await read(byHand.map((n) => n.id));
    expect(handRows.map(withoutIds)).to.deep.equal(sequelizeRows.map(withoutIds));
    expect(handRows).to.deep.equal(byHand.map(plain));
    expect(handRows[0].isRead).to.equal(false);

    const [event] = await insertRows(DocumentEvent, [
      { documentKind: 'outgoing', documentId: 7, actorId: user.id, action: 'issue', data: '{}' },
    ]);
    const back = await DocumentEvent.findByPk(event.id);
    expect(plain(back!)).to.deep.equal({ ...plain(event), note: null });
  });

  it('updateRow writes what update writes and leaves the instance saved', async () => {
    const user = await buildUser(await buildAgency(), ['clerk']);
    const [a, b] = await Notification.bulkCreate(
      ['a', 'a'].map((kind) => ({ userId: user.id, kind, message: '', link: null })),
    );
    const at = new Date('2026-12-05T17:30:00.123Z');
    await a.update({ isRead: true, link: '/x', createdAt: at });
    await updateRow(b, { isRead: true, link: '/x', createdAt: at });
    expect(b.changed()).to.equal(false);
    const [readA, readB] = await Promise.all([a, b].map((n) => Notification.findByPk(n.id)));
    expect(withoutIds(plain(readB!))).to.deep.equal(withoutIds(plain(readA!)));
    expect(readB!.createdAt.getTime()).to.equal(at.getTime());
    // The instance holds what was written, updatedAt included.
    for (const key of ['isRead', 'link', 'createdAt', 'updatedAt'] as const)
      expect(b.get(key), key).to.deep.equal(readB!.get(key));
  });

  it('rawWrite says how many rows an UPDATE and a DELETE wrote', async () => {
    const user = await buildUser(await buildAgency(), ['clerk']);
    const made = await Notification.bulkCreate(
      ['a', 'b', 'c'].map((kind) => ({ userId: user.id, kind, message: '' })),
    );
    const ids = made.map((n) => n.id);
    const updated = await rawWrite(db(), 'UPDATE notifications SET link = ? WHERE id IN (?, ?)', [
      '/y',
      ids[0],
      ids[1],
    ]);
    expect(updated.affectedRows).to.equal(2);
    const deleted = await rawWrite(db(), 'DELETE FROM notifications WHERE id = ?', [ids[2]]);
    expect(deleted.affectedRows).to.equal(1);
    expect(await Notification.count({ where: { id: ids } })).to.equal(2);
  });

  it('retries a transaction that a statement written by hand lost to a deadlock (MariaDB)', async function () {
    if (db().getDialect() !== 'mysql') this.skip();
    const user = await buildUser(await buildAgency(), ['clerk']);
    const [a, b] = await Notification.bulkCreate(
      ['k.a', 'k.b'].map((kind) => ({ userId: user.id, kind, message: '', link: '/x' })),
    );
    // Two transactions lock the same two rows in opposite orders, each waiting for the other's
    // first lock: InnoDB rolls one back (1213, thrown by the driver, not by Sequelize).
    let attempts = 0;
    let bothLocked!: () => void;
    const firstLocks = new Promise<void>((resolve) => (bothLocked = resolve));
    let locked = 0;
    const lockBoth = (first: number, second: number) =>
      withTransaction(db(), undefined, async (transaction) => {
        attempts += 1;
        const touch = (id: number) =>
          // A column of no index: only the rows' own locks are taken.
          rawWrite(
            db(),
            "UPDATE notifications SET message = 'đã khóa' WHERE id = ?",
            [id],
            transaction,
          );
        await touch(first);
        if (++locked === 2) bothLocked();
        await firstLocks;
        await touch(second);
      });
    await Promise.all([lockBoth(a.id, b.id), lockBoth(b.id, a.id)]);
    expect(attempts).to.equal(3);
    const rows = await Notification.findAll({ where: { id: [a.id, b.id] } });
    expect(rows.map((n) => n.message)).to.deep.equal(['đã khóa', 'đã khóa']);
  });
});
