import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const timestamps = {
  createdAt: { type: DataTypes.DATE(3), allowNull: false },
  updatedAt: { type: DataTypes.DATE(3), allowNull: false },
};
const ref = (table: string, allowNull = false, onDelete = 'RESTRICT') => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model: table, key: 'id' },
  onDelete,
});

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const dialect = qi.sequelize.getDialect();

  await qi.createTable('agencies', {
    id,
    parentId: ref('agencies', true),
    name: { type: DataTypes.STRING(255), allowNull: false },
    abbreviation: { type: DataTypes.STRING(30), allowNull: false },
    // The 13-character identifier used in edXML From/To, e.g. 000.00.00.H41
    code: { type: DataTypes.STRING(13), allowNull: false, unique: true },
    address: { type: DataTypes.STRING(255), allowNull: true },
    ...timestamps,
  });

  await qi.createTable('departments', {
    id,
    agencyId: ref('agencies'),
    parentId: ref('departments', true),
    name: { type: DataTypes.STRING(255), allowNull: false },
    abbreviation: { type: DataTypes.STRING(30), allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('departments', ['agencyId', 'abbreviation'], { unique: true });

  await qi.createTable('users', {
    id,
    agencyId: ref('agencies'),
    departmentId: ref('departments', true, 'SET NULL'),
    username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    fullName: { type: DataTypes.STRING(255), allowNull: false },
    positionTitle: { type: DataTypes.STRING(255), allowNull: true },
    email: { type: DataTypes.STRING(255), allowNull: true },
    passwordHash: { type: DataTypes.STRING(255), allowNull: false },
    // Comma-separated role codes: clerk, specialist, dept_head, leader, admin
    roles: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
    // Highest confidentiality level (0 Thường … 3 Tuyệt mật) this user is granted
    secretClearance: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    failedLoginCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    lockedUntil: { type: DataTypes.DATE(3), allowNull: true },
    locale: { type: DataTypes.STRING(5), allowNull: false, defaultValue: 'vi' },
    ...timestamps,
  });

  await qi.createTable('sessions', {
    sid: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    expires: { type: DataTypes.DATE, allowNull: true },
    data: { type: DataTypes.TEXT, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('sessions', ['expires']);

  await qi.createTable('access_tokens', {
    id,
    userId: ref('users', false, 'CASCADE'),
    name: { type: DataTypes.STRING(100), allowNull: false },
    tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    lastUsedAt: { type: DataTypes.DATE(3), allowNull: true },
    expiresAt: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps,
  });

  await qi.createTable('holidays', {
    id,
    date: { type: DataTypes.DATEONLY, allowNull: false, unique: true },
    name: { type: DataTypes.STRING(255), allowNull: false },
    ...timestamps,
  });

  await qi.createTable('settings', {
    key: { type: DataTypes.STRING(100), primaryKey: true, allowNull: false },
    value: { type: DataTypes.TEXT, allowNull: false },
    ...timestamps,
  });

  await qi.createTable('notifications', {
    id,
    userId: ref('users', false, 'CASCADE'),
    kind: { type: DataTypes.STRING(50), allowNull: false },
    message: { type: DataTypes.STRING(500), allowNull: false },
    link: { type: DataTypes.STRING(255), allowNull: true },
    isRead: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    ...timestamps,
  });
  await qi.addIndex('notifications', ['userId', 'isRead']);

  await qi.createTable('stored_files', {
    id,
    sha256: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    size: { type: DataTypes.BIGINT, allowNull: false },
    mimeType: { type: DataTypes.STRING(100), allowNull: false },
    pageCount: { type: DataTypes.INTEGER, allowNull: true },
    ...timestamps,
  });

  // One register (sổ) per agency, kind and year; lastNumber is the number last issued.
  await qi.createTable('registers', {
    id,
    agencyId: ref('agencies'),
    kind: { type: DataTypes.STRING(20), allowNull: false },
    year: { type: DataTypes.INTEGER, allowNull: false },
    name: { type: DataTypes.STRING(255), allowNull: false },
    lastNumber: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    closedAt: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('registers', ['agencyId', 'kind', 'year'], { unique: true });

  await qi.createTable('incoming_documents', {
    id,
    agencyId: ref('agencies'),
    registerId: ref('registers'),
    arrivalNumber: { type: DataTypes.INTEGER, allowNull: false },
    arrivalDate: { type: DataTypes.DATE(3), allowNull: false },
    fromOrganName: { type: DataTypes.STRING(255), allowNull: false },
    fromOrganId: { type: DataTypes.STRING(13), allowNull: true },
    codeNumber: { type: DataTypes.STRING(20), allowNull: true },
    codeNotation: { type: DataTypes.STRING(100), allowNull: true },
    promulgationDate: { type: DataTypes.DATEONLY, allowNull: true },
    documentType: { type: DataTypes.STRING(10), allowNull: false },
    subject: { type: DataTypes.TEXT, allowNull: false },
    signerName: { type: DataTypes.STRING(255), allowNull: true },
    // 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc
    urgency: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // 0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật
    confidentiality: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    pageAmount: { type: DataTypes.INTEGER, allowNull: true },
    dueDate: { type: DataTypes.DATEONLY, allowNull: true },
    // registered → presented → directed → in_progress → completed → filed; returned on the side
    status: { type: DataTypes.STRING(20), allowNull: false },
    presentedToId: ref('users', true),
    directionNote: { type: DataTypes.TEXT, allowNull: true },
    resultNote: { type: DataTypes.TEXT, allowNull: true },
    returnReason: { type: DataTypes.TEXT, allowNull: true },
    completedAt: { type: DataTypes.DATE(3), allowNull: true },
    filedAt: { type: DataTypes.DATE(3), allowNull: true },
    createdById: ref('users'),
    ...timestamps,
  });
  await qi.addIndex('incoming_documents', ['registerId', 'arrivalNumber'], { unique: true });
  await qi.addIndex('incoming_documents', ['agencyId', 'status', 'arrivalDate']);
  await qi.addIndex('incoming_documents', ['agencyId', 'codeNumber', 'codeNotation']);
  await qi.addIndex('incoming_documents', ['presentedToId', 'status']);

  // Who handles an incoming document: the lead (chủ trì), supporting (phối hợp) and info-only
  // (để biết) units or people, and the hand-overs below them (parentId).
  await qi.createTable('incoming_assignments', {
    id,
    documentId: ref('incoming_documents', false, 'CASCADE'),
    parentId: ref('incoming_assignments', true, 'CASCADE'),
    role: { type: DataTypes.STRING(10), allowNull: false },
    assigneeUserId: ref('users', true),
    assigneeDepartmentId: ref('departments', true),
    assignedById: ref('users'),
    deadline: { type: DataTypes.DATEONLY, allowNull: true },
    status: { type: DataTypes.STRING(20), allowNull: false },
    progressPercent: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    note: { type: DataTypes.TEXT, allowNull: true },
    resultNote: { type: DataTypes.TEXT, allowNull: true },
    completedAt: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('incoming_assignments', ['documentId']);
  await qi.addIndex('incoming_assignments', ['assigneeUserId', 'status']);
  await qi.addIndex('incoming_assignments', ['assigneeDepartmentId', 'status']);

  // Files and trail are shared by every document kind (incoming now, outgoing later).
  await qi.createTable('document_files', {
    id,
    documentKind: { type: DataTypes.STRING(20), allowNull: false },
    documentId: { type: DataTypes.INTEGER, allowNull: false },
    fileId: ref('stored_files'),
    originalName: { type: DataTypes.STRING(255), allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('document_files', ['documentKind', 'documentId']);

  await qi.createTable('document_events', {
    id,
    documentKind: { type: DataTypes.STRING(20), allowNull: false },
    documentId: { type: DataTypes.INTEGER, allowNull: false },
    actorId: ref('users', true),
    action: { type: DataTypes.STRING(50), allowNull: false },
    note: { type: DataTypes.TEXT, allowNull: true },
    data: { type: DataTypes.TEXT, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('document_events', ['documentKind', 'documentId']);

  await qi.createTable('document_comments', {
    id,
    documentKind: { type: DataTypes.STRING(20), allowNull: false },
    documentId: { type: DataTypes.INTEGER, allowNull: false },
    authorId: ref('users'),
    body: { type: DataTypes.TEXT, allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('document_comments', ['documentKind', 'documentId']);

  // Per-document access to secret documents beyond the handling chain.
  await qi.createTable('document_grants', {
    id,
    documentKind: { type: DataTypes.STRING(20), allowNull: false },
    documentId: { type: DataTypes.INTEGER, allowNull: false },
    userId: ref('users', false, 'CASCADE'),
    grantedById: ref('users'),
    ...timestamps,
  });
  await qi.addIndex('document_grants', ['documentKind', 'documentId', 'userId'], { unique: true });

  await qi.createTable('audit_logs', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    occurredAt: { type: DataTypes.DATE(3), allowNull: false },
    userId: { type: DataTypes.INTEGER, allowNull: true },
    ip: { type: DataTypes.STRING(64), allowNull: true },
    action: { type: DataTypes.STRING(64), allowNull: false },
    entityType: { type: DataTypes.STRING(40), allowNull: true },
    entityId: { type: DataTypes.STRING(64), allowNull: true },
    details: { type: DataTypes.TEXT, allowNull: true },
    prevHash: { type: DataTypes.STRING(64), allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
  });
  await qi.addIndex('audit_logs', ['entityType', 'entityId']);

  // The chain head: one row, locked by each append so the chain stays linear under concurrency.
  await qi.createTable('audit_chain_head', {
    id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    lastId: { type: DataTypes.BIGINT, allowNull: true },
    lastHash: { type: DataTypes.STRING(64), allowNull: false },
  });
  await qi.bulkInsert('audit_chain_head', [{ id: 1, lastId: null, lastHash: '0'.repeat(64) }]);

  // Append-only: the database itself refuses to change or remove audit rows.
  if (dialect === 'sqlite') {
    await qi.sequelize.query(
      `CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END`,
    );
    await qi.sequelize.query(
      `CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END`,
    );
  } else {
    await qi.sequelize.query(
      `CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_logs is append-only'`,
    );
    await qi.sequelize.query(
      `CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_logs is append-only'`,
    );
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of [
    'audit_chain_head',
    'audit_logs',
    'document_grants',
    'document_comments',
    'document_events',
    'document_files',
    'incoming_assignments',
    'incoming_documents',
    'registers',
    'stored_files',
    'notifications',
    'settings',
    'holidays',
    'access_tokens',
    'sessions',
    'users',
    'departments',
    'agencies',
  ]) {
    await qi.dropTable(table);
  }
}
