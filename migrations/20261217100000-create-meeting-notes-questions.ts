import { DataTypes, type QueryInterface } from 'sequelize';

// Preparing a meeting: each person's private notes and highlights on a meeting document (never
// shown to anyone else), and the questions people ask on an agenda item before the meeting.
const ref = (model: string) => ({
  type: DataTypes.INTEGER,
  allowNull: false,
  references: { model, key: 'id' },
  onDelete: 'CASCADE',
});
const stamps = {
  createdAt: { type: DataTypes.DATE(3), allowNull: false },
  updatedAt: { type: DataTypes.DATE(3), allowNull: false },
};

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('meeting_notes', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: ref('meetings'),
    itemDocumentId: ref('meeting_item_documents'),
    userId: ref('users'),
    page: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    kind: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'note' },
    // The highlighted area as JSON {x, y, w, h}, fractions of the page (0..1).
    rect: { type: DataTypes.STRING(200), allowNull: true },
    text: { type: DataTypes.TEXT, allowNull: true },
    ...stamps,
  });
  await qi.addIndex('meeting_notes', ['itemDocumentId', 'userId'], {
    name: 'meeting_notes_document_user',
  });

  await qi.createTable('meeting_questions', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: ref('meetings'),
    itemId: ref('meeting_items'),
    userId: ref('users'),
    text: { type: DataTypes.TEXT, allowNull: false },
    ...stamps,
  });
  await qi.addIndex('meeting_questions', ['itemId'], { name: 'meeting_questions_item' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('meeting_questions');
  await qi.dropTable('meeting_notes');
}
