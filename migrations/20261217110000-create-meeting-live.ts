import { DataTypes, type QueryInterface } from 'sequelize';

/*
 * The meeting room live (issue 13 §2):
 * - meeting_events: the log of what every open page of a meeting follows; its id is the
 *   server-sent event id, so a client that reconnects catches up from Last-Event-ID. clearance
 *   and redactedData say what a person not cleared for the item sees instead; audience
 *   'organisers' keeps an event to the chair, secretary and organiser.
 * - meeting_speeches: requests to speak on an item, the floor given and for how long.
 * - meeting_items.timerStartedAt / timerElapsedSeconds: the item timer, started and stopped.
 */
const ref = (model: string, allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: 'id' },
  onDelete: allowNull ? 'SET NULL' : 'CASCADE',
});

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('meeting_events', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: ref('meetings'),
    type: { type: DataTypes.STRING(60), allowNull: false },
    data: { type: DataTypes.TEXT, allowNull: false },
    clearance: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    redactedData: { type: DataTypes.TEXT, allowNull: true },
    audience: { type: DataTypes.STRING(20), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('meeting_events', ['meetingId', 'id'], { name: 'meeting_events_meeting' });

  await qi.createTable('meeting_speeches', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: ref('meetings'),
    itemId: ref('meeting_items'),
    participantId: ref('meeting_participants'),
    requestedById: ref('users', true),
    requestedAt: { type: DataTypes.DATE(3), allowNull: false },
    grantedAt: { type: DataTypes.DATE(3), allowNull: true },
    startedAt: { type: DataTypes.DATE(3), allowNull: true },
    endedAt: { type: DataTypes.DATE(3), allowNull: true },
    allottedSeconds: { type: DataTypes.INTEGER, allowNull: true },
    status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'queued' },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('meeting_speeches', ['meetingId', 'status'], {
    name: 'meeting_speeches_meeting',
  });
  await qi.addIndex('meeting_speeches', ['participantId'], { name: 'meeting_speeches_person' });

  await qi.addColumn('meeting_items', 'timerStartedAt', {
    type: DataTypes.DATE(3),
    allowNull: true,
  });
  await qi.addColumn('meeting_items', 'timerElapsedSeconds', {
    type: DataTypes.INTEGER,
    allowNull: false,
    defaultValue: 0,
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // Not removeColumn: on SQLite it rebuilds the table (and its indexes). Both drop in place.
  await qi.sequelize.query('ALTER TABLE meeting_items DROP COLUMN timerElapsedSeconds');
  await qi.sequelize.query('ALTER TABLE meeting_items DROP COLUMN timerStartedAt');
  await qi.dropTable('meeting_speeches');
  await qi.dropTable('meeting_events');
}
