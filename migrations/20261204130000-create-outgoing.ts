import { DataTypes, type QueryInterface } from 'sequelize';

// Outgoing documents (văn bản đi, Decree 30 Art. 10–18): the draft, its recipients with their
// edXML delivery statuses, and background jobs (DOCX → PDF) that any document kind can use.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const ref = (table: string, allowNull = false) => ({
    type: DataTypes.INTEGER,
    allowNull,
    references: { model: table, key: 'id' },
  });
  const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
  const at = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  await qi.createTable('outgoing_documents', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    agencyId: ref('agencies'),
    departmentId: ref('departments', true),
    documentType: str(10, false),
    subject: { type: DataTypes.TEXT, allowNull: false },
    summary: { type: DataTypes.TEXT, allowNull: true },
    urgency: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // Hỏa tốc hẹn giờ: the time the document must reach its recipients.
    urgentDeliverBy: at(),
    confidentiality: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    normative: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    signerId: ref('users', true),
    // '', TM, KT, Q, TL, TUQ (Decree 30 Art. 13).
    signingForm: { type: DataTypes.STRING(8), allowNull: false, defaultValue: '' },
    signerTitle: str(255),
    recipientsNote: { type: DataTypes.TEXT, allowNull: true },
    placeName: str(100),
    status: str(20, false),
    adviceDismissed: { type: DataTypes.TEXT, allowNull: true },
    signedAt: at(),
    registerId: ref('registers', true),
    series: str(40),
    codeNumber: { type: DataTypes.INTEGER, allowNull: true },
    codeNotation: str(100),
    promulgationDate: { type: DataTypes.DATEONLY, allowNull: true },
    issuedAt: at(),
    issuedById: ref('users', true),
    relatedId: ref('outgoing_documents', true),
    // 'replacement' (văn bản thay thế) or 'correction' (đính chính) of relatedId.
    relation: str(20),
    recalledAt: at(),
    recallReason: { type: DataTypes.TEXT, allowNull: true },
    createdById: ref('users'),
    createdAt: at(false),
    updatedAt: at(false),
  });
  await qi.addIndex('outgoing_documents', ['agencyId', 'status', 'id']);
  await qi.addIndex('outgoing_documents', ['createdById', 'status']);
  await qi.addIndex('outgoing_documents', ['registerId', 'series', 'codeNumber'], {
    unique: true,
    name: 'outgoing_number_unique',
  });

  await qi.createTable('outgoing_recipients', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    outgoingId: ref('outgoing_documents'),
    position: { type: DataTypes.INTEGER, allowNull: false },
    // An agency of this deployment, a department of the sender's own agency, or an external one.
    recipientAgencyId: ref('agencies', true),
    departmentId: ref('departments', true),
    name: str(255, false),
    code: str(40),
    // edXML status: 01 arrived, 02 refused, 03 registered, 04 assigned, 05 in progress, 06 done.
    status: str(2),
    statusAt: at(),
    statusNote: { type: DataTypes.TEXT, allowNull: true },
    incomingId: ref('incoming_documents', true),
    // Recall: 13 asked, 15 accepted, 16 refused.
    recallStatus: str(2),
    recallAt: at(),
    recallNote: { type: DataTypes.TEXT, allowNull: true },
    createdAt: at(false),
    updatedAt: at(false),
  });
  await qi.addIndex('outgoing_recipients', ['outgoingId', 'position']);
  await qi.addIndex('outgoing_recipients', ['recipientAgencyId', 'status']);
  await qi.addIndex('outgoing_recipients', ['incomingId']);

  await qi.createTable('outgoing_status_events', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    recipientId: ref('outgoing_recipients'),
    status: str(2, false),
    note: { type: DataTypes.TEXT, allowNull: true },
    actorId: ref('users', true),
    createdAt: at(false),
    updatedAt: at(false),
  });
  await qi.addIndex('outgoing_status_events', ['recipientId', 'id']);

  await qi.createTable('document_jobs', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    kind: str(40, false),
    documentKind: str(20, false),
    documentId: { type: DataTypes.INTEGER, allowNull: false },
    // JSON input of the job (e.g. the stored source file and who uploaded it).
    payload: { type: DataTypes.TEXT, allowNull: false },
    status: str(20, false),
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    lockedUntil: at(),
    error: { type: DataTypes.TEXT, allowNull: true },
    createdById: ref('users', true),
    createdAt: at(false),
    updatedAt: at(false),
  });
  await qi.addIndex('document_jobs', ['status', 'lockedUntil']);
  await qi.addIndex('document_jobs', ['documentKind', 'documentId']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('document_jobs');
  await qi.dropTable('outgoing_status_events');
  await qi.dropTable('outgoing_recipients');
  await qi.dropTable('outgoing_documents');
}
