import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { documentTypeName } from '../src/documents/document-types.js';
import { incomingSearchText } from '../src/incoming/incoming.search-text.js';
import { sizedText } from '../src/db/sequelize.js';

/*
 * Search of incoming documents (issue 11 §1): a folded search column on incoming_documents
 * (accents, case and đ folded; see incoming.search-text.ts), kept by the model on every write and
 * filled here for the documents already registered; and document_texts, the text inside each
 * document's files (read from the PDF's text layer, or recognised by OCR for a scan).
 *
 * Why LIKE on the folded column rather than FTS5 / FULLTEXT: a clerk types pieces of numbers and
 * symbols ("31", "QĐ-UBND", "1234/QĐ") and single letters; InnoDB FULLTEXT drops words shorter than
 * innodb_ft_min_token_size (3, a server setting that needs a restart and a rebuild) and its
 * stop words, and splits at "/" and "-"; SQLite's FTS5 trigram tokenizer needs three characters.
 * Neither would find "31" or "d", and they would disagree with each other. A `%word%` LIKE cannot
 * seek any B-tree index, so none is added for it: the search condition is applied within the
 * rows the list's indexed conditions (agency, tab, visibility) already chose, over the narrow
 * folded column. document_texts is indexed by its document, which is how the search reaches it.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('incoming_documents', 'searchText', { type: DataTypes.TEXT, allowNull: true });
  await qi.createTable('document_texts', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    documentKind: { type: DataTypes.STRING(20), allowNull: false },
    documentId: { type: DataTypes.INTEGER, allowNull: false },
    // The document's file (document_files.id) the text was read from.
    fileId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'document_files', key: 'id' },
      onDelete: 'CASCADE',
    },
    // 'text': the PDF's text layer; 'ocr': recognised from the rendered pages (a scan).
    source: { type: DataTypes.STRING(10), allowNull: false },
    content: { type: sizedText(qi.sequelize.getDialect(), 'long'), allowNull: false },
    searchText: { type: sizedText(qi.sequelize.getDialect(), 'long'), allowNull: false },
    truncated: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('document_texts', ['documentKind', 'documentId']);
  await qi.addIndex('document_texts', ['fileId'], { unique: true });

  const sequelize = qi.sequelize;
  let lastId = 0;
  for (;;) {
    const rows = await sequelize.query<Record<string, unknown>>(
      `SELECT id, arrivalNumber, codeNumber, codeNotation, fromOrganName, subject, signerName,
              documentType
         FROM incoming_documents WHERE id > ? ORDER BY id LIMIT 500`,
      { replacements: [lastId], type: QueryTypes.SELECT },
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const type = row.documentType == null ? null : String(row.documentType);
      const text = incomingSearchText({
        arrivalNumber: row.arrivalNumber == null ? null : Number(row.arrivalNumber),
        codeNumber: row.codeNumber as string | null,
        codeNotation: row.codeNotation as string | null,
        fromOrganName: row.fromOrganName as string | null,
        subject: row.subject as string | null,
        signerName: row.signerName as string | null,
        documentType: type,
        documentTypeName: type ? documentTypeName(type, 'vi') : null,
      });
      await sequelize.query('UPDATE incoming_documents SET searchText = ? WHERE id = ?', {
        replacements: [text, row.id],
      });
    }
    lastId = Number(rows[rows.length - 1].id);
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('document_texts');
  // Not removeColumn: on SQLite it rebuilds the table and makes each column of a composite unique
  // index (registerId, arrivalNumber) unique on its own. SQLite ≥ 3.35 and MariaDB drop it alike.
  await qi.sequelize.query('ALTER TABLE incoming_documents DROP COLUMN searchText');
}
