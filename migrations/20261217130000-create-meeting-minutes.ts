import { DataTypes, type QueryInterface } from 'sequelize';
import { sizedText } from '../src/db/sequelize.js';

// The meeting's minutes (biên bản) and its conclusions (the list the conclusion notice is drafted
// from, each of which the tasks part may turn into a task).
const ref = (model: string, allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: 'id' },
  onDelete: allowNull ? 'SET NULL' : 'CASCADE',
});
const stamps = {
  createdAt: { type: DataTypes.DATE(3), allowNull: false },
  updatedAt: { type: DataTypes.DATE(3), allowNull: false },
};

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('meeting_minutes', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: ref('meetings'),
    body: { type: sizedText(qi.sequelize.getDialect(), 'medium'), allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'draft' },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    fileId: ref('stored_files', true),
    signaturePlaces: { type: DataTypes.TEXT, allowNull: true },
    noticeOutgoingId: ref('outgoing_documents', true),
    updatedById: ref('users', true),
    submittedAt: { type: DataTypes.DATE(3), allowNull: true },
    signedAt: { type: DataTypes.DATE(3), allowNull: true },
    ...stamps,
  });
  await qi.addIndex('meeting_minutes', ['meetingId'], {
    unique: true,
    name: 'meeting_minutes_meeting',
  });

  await qi.createTable('meeting_conclusions', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: ref('meetings'),
    position: { type: DataTypes.INTEGER, allowNull: false },
    text: { type: DataTypes.TEXT, allowNull: false },
    ...stamps,
  });
  await qi.addIndex('meeting_conclusions', ['meetingId', 'position'], {
    name: 'meeting_conclusions_order',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('meeting_conclusions');
  await qi.dropTable('meeting_minutes');
}
