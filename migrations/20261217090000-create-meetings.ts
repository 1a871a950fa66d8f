import { DataTypes, type QueryInterface } from 'sequelize';

// Paperless meetings (phòng họp không giấy), the core every part of the module builds on: rooms,
// meetings, their participants (people, people invited through their department, guests by name),
// and agenda items. Votes, the live room's event log, minutes and tasks add their own tables.
const ref = (model: string, allowNull = false, onDelete = 'CASCADE') => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: 'id' },
  onDelete: allowNull ? 'SET NULL' : onDelete,
});
const stamps = {
  createdAt: { type: DataTypes.DATE(3), allowNull: false },
  updatedAt: { type: DataTypes.DATE(3), allowNull: false },
};

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('meeting_rooms', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    agencyId: ref('agencies'),
    name: { type: DataTypes.STRING(150), allowNull: false },
    location: { type: DataTypes.STRING(255), allowNull: true },
    capacity: { type: DataTypes.INTEGER, allowNull: true },
    isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    ...stamps,
  });
  await qi.addIndex('meeting_rooms', ['agencyId', 'name'], {
    unique: true,
    name: 'meeting_rooms_agency_name',
  });

  await qi.createTable('meetings', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    agencyId: ref('agencies'),
    title: { type: DataTypes.STRING(500), allowNull: false },
    kind: { type: DataTypes.STRING(30), allowNull: false },
    description: { type: DataTypes.TEXT, allowNull: true },
    chairId: ref('users', false, 'RESTRICT'),
    secretaryId: ref('users', false, 'RESTRICT'),
    organiserId: ref('users', false, 'RESTRICT'),
    startsAt: { type: DataTypes.DATE(3), allowNull: false },
    endsAt: { type: DataTypes.DATE(3), allowNull: false },
    roomId: ref('meeting_rooms', true),
    onlineUrl: { type: DataTypes.STRING(500), allowNull: true },
    status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'draft' },
    publishedAt: { type: DataTypes.DATE(3), allowNull: true },
    openedAt: { type: DataTypes.DATE(3), allowNull: true },
    closedAt: { type: DataTypes.DATE(3), allowNull: true },
    cancelledAt: { type: DataTypes.DATE(3), allowNull: true },
    cancelReason: { type: DataTypes.STRING(500), allowNull: true },
    currentItemId: { type: DataTypes.INTEGER, allowNull: true },
    checkInToken: { type: DataTypes.STRING(64), allowNull: false },
    ...stamps,
  });
  await qi.addIndex('meetings', ['agencyId', 'startsAt'], { name: 'meetings_agency_starts' });
  await qi.addIndex('meetings', ['roomId', 'startsAt'], { name: 'meetings_room_starts' });
  await qi.addIndex('meetings', ['checkInToken'], { unique: true, name: 'meetings_check_in' });

  await qi.createTable('meeting_participants', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: ref('meetings'),
    userId: ref('users', true),
    guestName: { type: DataTypes.STRING(255), allowNull: true },
    guestOrganisation: { type: DataTypes.STRING(255), allowNull: true },
    role: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'participant' },
    invitedDepartmentId: ref('departments', true),
    isVoting: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    voteWeight: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    rsvp: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'pending' },
    rsvpReason: { type: DataTypes.STRING(500), allowNull: true },
    deputyUserId: ref('users', true),
    respondedAt: { type: DataTypes.DATE(3), allowNull: true },
    attendance: { type: DataTypes.STRING(20), allowNull: true },
    attendanceReason: { type: DataTypes.STRING(500), allowNull: true },
    checkedInAt: { type: DataTypes.DATE(3), allowNull: true },
    checkedInById: ref('users', true),
    ...stamps,
  });
  await qi.addIndex('meeting_participants', ['meetingId', 'userId'], {
    unique: true,
    name: 'meeting_participants_person',
  });
  await qi.addIndex('meeting_participants', ['userId'], { name: 'meeting_participants_user' });
  await qi.addIndex('meeting_participants', ['deputyUserId'], {
    name: 'meeting_participants_deputy',
  });

  await qi.createTable('meeting_items', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: ref('meetings'),
    position: { type: DataTypes.INTEGER, allowNull: false },
    title: { type: DataTypes.STRING(500), allowNull: false },
    presenterId: ref('users', true),
    presenterName: { type: DataTypes.STRING(255), allowNull: true },
    plannedMinutes: { type: DataTypes.INTEGER, allowNull: true },
    confidentiality: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'planned' },
    withdrawnAt: { type: DataTypes.DATE(3), allowNull: true },
    startedAt: { type: DataTypes.DATE(3), allowNull: true },
    endedAt: { type: DataTypes.DATE(3), allowNull: true },
    ...stamps,
  });
  await qi.addIndex('meeting_items', ['meetingId', 'position'], { name: 'meeting_items_order' });

  // A document of an item: an upload (fileId) or a link to an incoming/outgoing document the
  // organiser may see (linkedKind + linkedId), never a copy.
  await qi.createTable('meeting_item_documents', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    meetingId: ref('meetings'),
    itemId: ref('meeting_items'),
    title: { type: DataTypes.STRING(500), allowNull: false },
    fileId: ref('stored_files', true),
    originalName: { type: DataTypes.STRING(255), allowNull: true },
    linkedKind: { type: DataTypes.STRING(20), allowNull: true },
    linkedId: { type: DataTypes.INTEGER, allowNull: true },
    addedById: ref('users', false, 'RESTRICT'),
    ...stamps,
  });
  await qi.addIndex('meeting_item_documents', ['itemId'], { name: 'meeting_item_documents_item' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('meeting_item_documents');
  await qi.dropTable('meeting_items');
  await qi.dropTable('meeting_participants');
  await qi.dropTable('meetings');
  await qi.dropTable('meeting_rooms');
}
