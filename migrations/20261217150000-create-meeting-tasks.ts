import { DataTypes, type QueryInterface } from 'sequelize';

// Tasks made from a meeting's conclusions (issue 13 §4): held by a unit (its heads receive it) or
// a person, with a deadline in working days, progress notes and completion.
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
  await qi.createTable('meeting_tasks', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    agencyId: ref('agencies'),
    meetingId: ref('meetings'),
    // A conclusion edited away leaves its task standing, with the text it was given.
    conclusionId: ref('meeting_conclusions', true),
    content: { type: DataTypes.TEXT, allowNull: false },
    holderUserId: ref('users', true),
    holderDepartmentId: ref('departments', true),
    assignedById: ref('users'),
    startDate: { type: DataTypes.DATEONLY, allowNull: false },
    workingDays: { type: DataTypes.INTEGER, allowNull: true },
    deadline: { type: DataTypes.DATEONLY, allowNull: false },
    status: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'open' },
    progressPercent: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    completedAt: { type: DataTypes.DATE(3), allowNull: true },
    completedById: ref('users', true),
    completionNote: { type: DataTypes.TEXT, allowNull: true },
    completionFileId: ref('stored_files', true),
    completionFileName: { type: DataTypes.STRING(255), allowNull: true },
    // The day the daily reminders last chased it: claimed by a conditional UPDATE, so once a day.
    lastRemindedOn: { type: DataTypes.DATEONLY, allowNull: true },
    ...stamps,
  });
  await qi.addIndex('meeting_tasks', ['meetingId'], { name: 'meeting_tasks_meeting' });
  await qi.addIndex('meeting_tasks', ['holderUserId', 'status'], { name: 'meeting_tasks_user' });
  await qi.addIndex('meeting_tasks', ['holderDepartmentId', 'status'], {
    name: 'meeting_tasks_department',
  });
  await qi.addIndex('meeting_tasks', ['agencyId', 'deadline'], { name: 'meeting_tasks_deadline' });

  await qi.createTable('meeting_task_notes', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    taskId: ref('meeting_tasks'),
    authorId: ref('users'),
    kind: { type: DataTypes.STRING(10), allowNull: false },
    percent: { type: DataTypes.INTEGER, allowNull: true },
    note: { type: DataTypes.TEXT, allowNull: false },
    ...stamps,
  });
  await qi.addIndex('meeting_task_notes', ['taskId'], { name: 'meeting_task_notes_task' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('meeting_task_notes');
  await qi.dropTable('meeting_tasks');
}
