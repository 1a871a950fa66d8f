import { DataTypes, type QueryInterface } from 'sequelize';

// Signing identities: a person's (their chosen provider, and the key the agency CA issued them,
// encrypted under their signing PIN) or an agency's seal (its key encrypted under the server's
// SEAL_KEY_SECRET). The PIN itself is never stored.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const ref = (table: string, allowNull = false) => ({
    type: DataTypes.INTEGER,
    allowNull,
    references: { model: table, key: 'id' },
  });
  await qi.createTable('signer_credentials', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    // 'personal' (userId set) or 'seal' (the agency's organisation signature, userId null).
    kind: { type: DataTypes.STRING(16), allowNull: false },
    agencyId: ref('agencies'),
    userId: ref('users', true),
    // 'user:<id>' or 'seal:<agencyId>' while in force, NULL once revoked: one credential in force
    // per owner, kept by a unique index on both databases (which allow many NULLs).
    activeOwner: { type: DataTypes.STRING(32), allowNull: true, unique: true },
    // 'server-key', 'csc' or 'token': how this person signs.
    provider: { type: DataTypes.STRING(16), allowNull: false },
    certificate: { type: DataTypes.BLOB, allowNull: true },
    // PEM bundle of the issuing chain, issuer first.
    chain: { type: DataTypes.TEXT, allowNull: true },
    certificateSerial: { type: DataTypes.STRING(64), allowNull: true },
    // PKCS#8 EncryptedPrivateKeyInfo (PBES2: scrypt + AES-256-CBC), PEM.
    encryptedKey: { type: DataTypes.TEXT, allowNull: true },
    cscCredentialId: { type: DataTypes.STRING(255), allowNull: true },
    failedPinCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    pinLockedUntil: { type: DataTypes.DATE(3), allowNull: true },
    createdById: ref('users', true),
    revokedAt: { type: DataTypes.DATE(3), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('signer_credentials', ['userId']);
  await qi.addIndex('signer_credentials', ['agencyId', 'kind']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('signer_credentials');
}
