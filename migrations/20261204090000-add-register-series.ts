import { DataTypes, type QueryInterface } from 'sequelize';

// Decree 30 keeps separate number series in one register kind and year: secret documents,
// each type of legal normative document, copies, advisory bodies using the agency's seal.
// '' is the agency's ordinary series, which every existing register becomes.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('registers', 'series', {
    type: DataTypes.STRING(40),
    allowNull: false,
    defaultValue: '',
  });
  // The new unique index comes first: on MariaDB the agency foreign key needs an index that
  // starts with agencyId at every moment.
  await qi.addIndex('registers', ['agencyId', 'kind', 'year', 'series'], {
    unique: true,
    name: 'registers_agency_kind_year_series',
  });
  await qi.removeIndex('registers', ['agencyId', 'kind', 'year']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // Going back to one series per kind and year keeps the ordinary series only (a register of
  // another series that numbered documents makes this fail on their foreign key, as it should).
  await qi.sequelize.query("DELETE FROM registers WHERE series <> ''");
  await qi.addIndex('registers', ['agencyId', 'kind', 'year'], { unique: true });
  await qi.removeIndex('registers', 'registers_agency_kind_year_series');
  // Not removeColumn: on SQLite it rebuilds the table and turns each column of the composite
  // unique index into a unique column of its own. Both databases drop a column in place.
  await qi.sequelize.query('ALTER TABLE registers DROP COLUMN series');
}
