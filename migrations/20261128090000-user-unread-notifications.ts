import { DataTypes, type QueryInterface } from 'sequelize';

// Every page shows the bell's count of unread notifications, read with the session. Counting
// them there cost the database more than the rest of the session read, so each user's row keeps
// the count, and triggers keep it exact whoever writes the notifications (the app, a seed, a
// script): a notification added unread, read or unread again, or removed moves it.
const CHANGES = [
  ['insert', 'AFTER INSERT', 'NEW.isRead = 0', 'NEW.userId', '+ 1'],
  ['read', 'AFTER UPDATE', 'OLD.isRead = 0 AND NEW.isRead <> 0', 'OLD.userId', '- 1'],
  ['unread', 'AFTER UPDATE', 'OLD.isRead <> 0 AND NEW.isRead = 0', 'NEW.userId', '+ 1'],
  ['delete', 'AFTER DELETE', 'OLD.isRead = 0', 'OLD.userId', '- 1'],
] as const;

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('users', 'unreadNotifications', {
    type: DataTypes.INTEGER,
    allowNull: false,
    defaultValue: 0,
  });
  await qi.sequelize.query(
    `UPDATE users SET unreadNotifications =
       (SELECT COUNT(*) FROM notifications n WHERE n.userId = users.id AND n.isRead = 0)`,
  );
  const sqlite = qi.sequelize.getDialect() === 'sqlite';
  for (const [name, event, when, userId, delta] of CHANGES) {
    const update = `UPDATE users SET unreadNotifications = unreadNotifications ${delta} WHERE id = ${userId}`;
    await qi.sequelize.query(
      sqlite
        ? `CREATE TRIGGER notifications_unread_${name} ${event} ON notifications WHEN ${when} BEGIN ${update}; END`
        : `CREATE TRIGGER notifications_unread_${name} ${event} ON notifications FOR EACH ROW BEGIN IF ${when} THEN ${update}; END IF; END`,
    );
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const [name] of CHANGES)
    await qi.sequelize.query(`DROP TRIGGER IF EXISTS notifications_unread_${name}`);
  // Not removeColumn: on SQLite it rebuilds the table, and dropping the old users table would
  // delete every row that cascades from it (notifications, sessions…).
  await qi.sequelize.query('ALTER TABLE users DROP COLUMN unreadNotifications');
}
