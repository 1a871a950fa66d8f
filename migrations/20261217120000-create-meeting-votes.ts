import { DataTypes, type QueryInterface } from 'sequelize';

// Votes (biểu quyết) of a meeting: the vote with its rules and the presence snapshot taken when
// it opened; "has voted" (one row per member, the unique key that makes a vote atomic); and the
// ballots. A secret ballot names no voter and carries no order: a random key, no timestamps, and
// on SQLite no rowid (WITHOUT ROWID), so nothing ties it to the voter row written with it.
const ref = (model: string, allowNull = false, onDelete = 'CASCADE') => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: 'id' },
  onDelete: allowNull ? 'SET NULL' : onDelete,
});

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('meeting_votes', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: ref('meetings'),
    itemId: ref('meeting_items', true),
    question: { type: DataTypes.STRING(1000), allowNull: false },
    options: { type: DataTypes.TEXT, allowNull: false },
    isSecret: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    mode: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'room' },
    quorumRule: { type: DataTypes.STRING(30), allowNull: false },
    majorityRule: { type: DataTypes.STRING(30), allowNull: false },
    deadline: { type: DataTypes.DATE(3), allowNull: true },
    status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'open' },
    presence: { type: DataTypes.TEXT, allowNull: false },
    result: { type: DataTypes.TEXT, allowNull: true },
    openedById: ref('users', false, 'RESTRICT'),
    closedById: ref('users', true),
    openedAt: { type: DataTypes.DATE(3), allowNull: false },
    closedAt: { type: DataTypes.DATE(3), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('meeting_votes', ['meetingId', 'status'], { name: 'meeting_votes_meeting' });

  await qi.createTable('meeting_vote_voters', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    voteId: ref('meeting_votes'),
    participantId: ref('meeting_participants'),
    castById: ref('users', false, 'RESTRICT'),
    channel: { type: DataTypes.STRING(20), allowNull: false },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('meeting_vote_voters', ['voteId', 'participantId'], {
    unique: true,
    name: 'meeting_vote_voters_once',
  });

  if (qi.sequelize.getDialect() === 'sqlite') {
    await qi.sequelize.query(
      `CREATE TABLE meeting_vote_ballots (
         id VARCHAR(32) NOT NULL PRIMARY KEY,
         voteId INTEGER NOT NULL REFERENCES meeting_votes (id) ON DELETE CASCADE,
         optionIndex INTEGER NOT NULL,
         weight INTEGER NOT NULL,
         participantId INTEGER NULL REFERENCES meeting_participants (id) ON DELETE SET NULL,
         receiptCode VARCHAR(20) NULL
       ) WITHOUT ROWID`,
    );
  } else {
    await qi.createTable('meeting_vote_ballots', {
      id: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false },
      voteId: ref('meeting_votes'),
      optionIndex: { type: DataTypes.INTEGER, allowNull: false },
      weight: { type: DataTypes.INTEGER, allowNull: false },
      participantId: ref('meeting_participants', true),
      receiptCode: { type: DataTypes.STRING(20), allowNull: true },
    });
  }
  await qi.addIndex('meeting_vote_ballots', ['voteId', 'receiptCode'], {
    unique: true,
    name: 'meeting_vote_ballots_receipt',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('meeting_vote_ballots');
  await qi.dropTable('meeting_vote_voters');
  await qi.dropTable('meeting_votes');
}
