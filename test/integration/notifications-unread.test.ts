import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testApp } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { db } from '../../src/db/index.js';
import { createMigrator } from '../../src/db/migrator.js';
import { withTransaction } from '../../src/db/transaction.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { markRead, notify, unreadCount } from '../../src/notifications/notification.service.js';
import type { User } from '../../src/users/user.model.js';

// The migration that counts the unread notifications into their own table (going further back
// would undo the registers' series, which documents of other tests' secret series now use).
const MIGRATION = '20261209100000-unread-counts-own-table';

/** The count kept for the user (notification_unread), beside the count of the rows themselves. */
async function counts(user: User): Promise<{ kept: number; actual: number }> {
  const [row] = await db().query<{ kept: unknown; actual: unknown }>(
    `SELECT (SELECT unread FROM notification_unread WHERE userId = users.id) AS kept,
       (SELECT COUNT(*) FROM notifications n WHERE n.userId = users.id AND n.isRead = 0) AS actual
     FROM users WHERE id = ?`,
    { replacements: [user.id], type: QueryTypes.SELECT },
  );
  return { kept: Number(row.kept), actual: Number(row.actual) };
}

async function expectUnread(user: User, expected: number): Promise<void> {
  expect(await counts(user)).to.deep.equal({ kept: expected, actual: expected });
  expect(await unreadCount(user.id)).to.equal(expected);
}

const note = (userId: number) => ({ userId, kind: 'test', key: 'notifications.title' });

describe("the bell's unread count kept per person", () => {
  let alice: User;
  let bob: User;
  before(async () => {
    await testApp();
    const agency = await buildAgency();
    alice = await buildUser(agency, ['specialist']);
    bob = await buildUser(agency, ['specialist']);
  });

  it('follows every way notifications are written: notify, read, unread again, removed, bulk', async () => {
    await notify([note(alice.id), note(alice.id), note(bob.id)]);
    await expectUnread(alice, 2);
    await expectUnread(bob, 1);

    const [first] = await Notification.findAll({
      where: { userId: alice.id },
      order: [['id', 'ASC']],
    });
    await markRead(alice.id, first.id);
    await expectUnread(alice, 1);
    await markRead(alice.id, first.id); // already read: nothing moves
    await expectUnread(alice, 1);
    await markRead(bob.id, first.id); // someone else's notification: nothing moves
    await expectUnread(alice, 1);
    await expectUnread(bob, 1);

    await Notification.update({ isRead: false }, { where: { id: first.id } });
    await expectUnread(alice, 2);
    await markRead(alice.id);
    await expectUnread(alice, 0);
    await expectUnread(bob, 1);

    // Written without the app's services: a seed's bulk insert, a removal.
    await db()
      .getQueryInterface()
      .bulkInsert(
        'notifications',
        [false, true, false].map((isRead) => ({
          userId: alice.id,
          kind: 'test',
          message: 'Có văn bản mới',
          isRead,
          createdAt: new Date(),
          updatedAt: new Date(),
        })),
      );
    await expectUnread(alice, 2);
    const oneUnread = await Notification.findOne({ where: { userId: alice.id, isRead: false } });
    await Notification.destroy({ where: { id: oneUnread!.id } });
    await expectUnread(alice, 1);
    await Notification.destroy({ where: { userId: alice.id, isRead: true } });
    await expectUnread(alice, 1);
  });

  it('moves with the transaction that notifies: nothing is counted when it rolls back', async () => {
    const before = (await counts(bob)).kept;
    const failed = await withTransaction(db(), undefined, async (transaction) => {
      await notify([note(bob.id)], { transaction });
      throw new Error('the hand-over fails after notifying');
    }).catch((err: Error) => err);
    expect(failed).to.be.an('error');
    await expectUnread(bob, before);
  });

  it('is counted from the existing notifications when the migration runs on a database in use', async () => {
    await notify([note(alice.id), note(bob.id), note(bob.id)]);
    const expected = { alice: (await counts(alice)).actual, bob: (await counts(bob)).actual };
    const migrator = createMigrator(db());
    await migrator.down({ to: MIGRATION });
    // Only the columns the table had then (later migrations add some).
    const unread = await Notification.findOne({
      attributes: ['id'],
      where: { userId: bob.id, isRead: false },
    });
    await Notification.update({ isRead: true }, { where: { id: unread!.id } });
    await migrator.up();
    await expectUnread(alice, expected.alice);
    await expectUnread(bob, expected.bob - 1);
    // The triggers are back too.
    await notify([note(bob.id)]);
    await expectUnread(bob, expected.bob);
  });

  it('keeps a count for a person added after the migration, from zero', async () => {
    const carol = await buildUser(await buildAgency(), ['clerk']);
    await expectUnread(carol, 0);
    await notify([note(carol.id)]);
    await expectUnread(carol, 1);
  });
});
