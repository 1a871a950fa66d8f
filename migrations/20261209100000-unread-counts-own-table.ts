import { type QueryInterface } from 'sequelize';

// The bell's unread count moves from the users row to a table of its own. On the users row, the
// trigger's exclusive lock met the shared locks that every foreign key to a person takes (who
// issued, who acted, who is notified), so two transactions that notified the same clerk while
// referring to them deadlocked. Nothing refers to this table, so only counting locks its rows.
const CHANGES = [
  ['insert', 'AFTER INSERT', 'NEW.isRead = 0', 'NEW.userId', '+ 1'],
  ['read', 'AFTER UPDATE', 'OLD.isRead = 0 AND NEW.isRead <> 0', 'OLD.userId', '- 1'],
  ['unread', 'AFTER UPDATE', 'OLD.isRead <> 0 AND NEW.isRead = 0', 'NEW.userId', '+ 1'],
  ['delete', 'AFTER DELETE', 'OLD.isRead = 0', 'OLD.userId', '- 1'],
] as const;

const trigger = (sqlite: boolean, name: string, event: string, when: string, body: string) =>
  sqlite
    ? `CREATE TRIGGER ${name} ${event} FOR EACH ROW WHEN ${when} BEGIN ${body}; END`
    : `CREATE TRIGGER ${name} ${event} FOR EACH ROW BEGIN IF ${when} THEN ${body}; END IF; END`;

async function dropTriggers(qi: QueryInterface, prefix: string): Promise<void> {
  for (const [name] of CHANGES) await qi.sequelize.query(`DROP TRIGGER IF EXISTS ${prefix}${name}`);
}

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const sqlite = qi.sequelize.getDialect() === 'sqlite';
  await qi.sequelize.query(
    'CREATE TABLE notification_unread (userId INTEGER NOT NULL PRIMARY KEY, unread INTEGER NOT NULL DEFAULT 0)',
  );
  await dropTriggers(qi, 'notifications_unread_');
  await qi.sequelize.query(
    `INSERT INTO notification_unread (userId, unread)
       SELECT u.id, (SELECT COUNT(*) FROM notifications n WHERE n.userId = u.id AND n.isRead = 0)
         FROM users u`,
  );
  // Each person has a row from the start, so the counting triggers only ever update one.
  await qi.sequelize.query(
    trigger(
      sqlite,
      'users_unread_row',
      'AFTER INSERT ON users',
      '1 = 1',
      'INSERT INTO notification_unread (userId, unread) VALUES (NEW.id, 0)',
    ),
  );
  for (const [name, event, when, userId, delta] of CHANGES)
    await qi.sequelize.query(
      trigger(
        sqlite,
        `notification_unread_${name}`,
        `${event} ON notifications`,
        when,
        `UPDATE notification_unread SET unread = unread ${delta} WHERE userId = ${userId}`,
      ),
    );
  await qi.sequelize.query('ALTER TABLE users DROP COLUMN unreadNotifications');
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  const sqlite = qi.sequelize.getDialect() === 'sqlite';
  await dropTriggers(qi, 'notification_unread_');
  await qi.sequelize.query('DROP TRIGGER IF EXISTS users_unread_row');
  await qi.sequelize.query(
    'ALTER TABLE users ADD COLUMN unreadNotifications INTEGER NOT NULL DEFAULT 0',
  );
  await qi.sequelize.query(
    `UPDATE users SET unreadNotifications =
       (SELECT COUNT(*) FROM notifications n WHERE n.userId = users.id AND n.isRead = 0)`,
  );
  for (const [name, event, when, userId, delta] of CHANGES)
    await qi.sequelize.query(
      trigger(
        sqlite,
        `notifications_unread_${name}`,
        `${event} ON notifications`,
        when,
        `UPDATE users SET unreadNotifications = unreadNotifications ${delta} WHERE id = ${userId}`,
      ),
    );
  await qi.sequelize.query('DROP TABLE notification_unread');
}
