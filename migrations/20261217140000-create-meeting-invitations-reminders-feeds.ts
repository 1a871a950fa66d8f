import { DataTypes, type QueryInterface } from 'sequelize';

// Meetings (issue 13 §1): the invitations issued through the outgoing flow, the reminders sent
// (one row per meeting, kind and start time: the unique key makes them exactly once across
// processes, and a moved meeting reminds again for its new time), and the personal iCalendar
// feed tokens (stored hashed, like access tokens).
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('meeting_invitations', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'meetings', key: 'id' },
      onDelete: 'CASCADE',
    },
    outgoingId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'outgoing_documents', key: 'id' },
      onDelete: 'CASCADE',
    },
    createdById: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'RESTRICT',
    },
    startsAt: { type: DataTypes.DATE(3), allowNull: false },
    supersededAt: { type: DataTypes.DATE(3), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('meeting_invitations', ['meetingId'], { name: 'meeting_invitations_meeting' });
  await qi.addIndex('meeting_invitations', ['outgoingId'], {
    name: 'meeting_invitations_outgoing',
  });

  await qi.createTable('meeting_reminders', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'meetings', key: 'id' },
      onDelete: 'CASCADE',
    },
    kind: { type: DataTypes.STRING(20), allowNull: false },
    startsAt: { type: DataTypes.DATE(3), allowNull: false },
    recipients: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    sentAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('meeting_reminders', ['meetingId', 'kind', 'startsAt'], {
    unique: true,
    name: 'meeting_reminders_once',
  });

  await qi.createTable('calendar_feed_tokens', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    userId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
    },
    tokenHash: { type: DataTypes.STRING(64), allowNull: false },
    lastUsedAt: { type: DataTypes.DATE(3), allowNull: true },
    revokedAt: { type: DataTypes.DATE(3), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('calendar_feed_tokens', ['tokenHash'], {
    unique: true,
    name: 'calendar_feed_tokens_hash',
  });
  await qi.addIndex('calendar_feed_tokens', ['userId'], { name: 'calendar_feed_tokens_user' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('calendar_feed_tokens');
  await qi.dropTable('meeting_reminders');
  await qi.dropTable('meeting_invitations');
}
