import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const SIGNING_PROVIDERS = ['server-key', 'csc', 'token'] as const;
export type SigningProviderKind = (typeof SIGNING_PROVIDERS)[number];
/**
 * A person's, the agency seal's, the agency's timestamp authority's ('tsa'), or the certificate
 * of a token a person signs with, registered to them ('token'; several per person, never in force
 * alone: activeOwner stays null).
 */
export type CredentialKind = 'personal' | 'seal' | 'tsa' | 'token';

/** The key of the one credential in force of a person, an agency's seal or its timestamp authority. */
export const activeOwnerOf = (kind: CredentialKind, id: number): string =>
  `${kind === 'personal' ? 'user' : kind}:${id}`;

/**
 * A signing identity: a person's (the provider they sign with and, for the server-held key, the
 * certificate the agency CA issued them with its private key encrypted under their signing PIN)
 * or an agency's seal (its key encrypted under the server's seal secret). The PIN is never stored.
 */
export class SignerCredential extends Model<
  InferAttributes<SignerCredential>,
  InferCreationAttributes<SignerCredential>
> {
  declare id: CreationOptional<number>;
  declare kind: CredentialKind;
  declare agencyId: number;
  declare userId: number | null;
  declare activeOwner: string | null;
  declare provider: SigningProviderKind;
  declare certificate: Buffer | null;
  declare chain: string | null;
  declare certificateSerial: string | null;
  declare encryptedKey: string | null;
  declare cscCredentialId: string | null;
  declare failedPinCount: CreationOptional<number>;
  declare pinLockedUntil: CreationOptional<Date | null>;
  declare createdById: number | null;
  declare revokedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  /** Has a server-held key (issued by the agency CA). */
  hasServerKey(): boolean {
    return !!this.encryptedKey && !!this.certificate;
  }

  static initModel(sequelize: Sequelize): void {
    SignerCredential.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: true },
        activeOwner: { type: DataTypes.STRING(32), allowNull: true },
        provider: { type: DataTypes.STRING(16), allowNull: false },
        certificate: { type: DataTypes.BLOB, allowNull: true },
        chain: { type: DataTypes.TEXT, allowNull: true },
        certificateSerial: { type: DataTypes.STRING(64), allowNull: true },
        encryptedKey: { type: DataTypes.TEXT, allowNull: true },
        cscCredentialId: { type: DataTypes.STRING(255), allowNull: true },
        failedPinCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        pinLockedUntil: { type: DataTypes.DATE(3), allowNull: true },
        createdById: { type: DataTypes.INTEGER, allowNull: true },
        revokedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'signer_credentials' },
    );
  }
}
