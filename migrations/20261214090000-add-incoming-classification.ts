import { DataTypes, type QueryInterface } from 'sequelize';

/*
 * Classification of incoming documents (issue 11 §6), kept as columns named after edXML:
 * - copyForm: the form it arrived in (Decree 30 Art. 25: 'original' bản chính, 'SY' bản sao y,
 *   'TrS' bản trích sao, 'SL' bản sao lục); null on documents registered before it was recorded.
 * - urgentDeliverBy: the time of "Hỏa tốc hẹn giờ" (edXML Priority 4), as outgoing drafts keep it.
 * - edxmlDocumentId, signerCompetence, signerPosition, promulgationPlace: edXML DocumentId,
 *   SignerInfo/Competence and Position, PromulgationInfo/Place of a received package.
 * - responseFor: the documents it answers (edXML ResponseFor), a JSON array.
 * The secret series of the incoming register needs no column: registers.series says it.
 */
const COLUMNS = {
  copyForm: { type: DataTypes.STRING(10), allowNull: true },
  urgentDeliverBy: { type: DataTypes.DATE(3), allowNull: true },
  edxmlDocumentId: { type: DataTypes.STRING(255), allowNull: true },
  signerCompetence: { type: DataTypes.STRING(255), allowNull: true },
  signerPosition: { type: DataTypes.STRING(255), allowNull: true },
  promulgationPlace: { type: DataTypes.STRING(255), allowNull: true },
  responseFor: { type: DataTypes.TEXT, allowNull: true },
};

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const [name, spec] of Object.entries(COLUMNS))
    await qi.addColumn('incoming_documents', name, spec);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // Not removeColumn: on SQLite it rebuilds the table (and its indexes). Both drop in place.
  for (const name of Object.keys(COLUMNS).reverse())
    await qi.sequelize.query(`ALTER TABLE incoming_documents DROP COLUMN ${name}`);
}
