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
  await qi.addIndex('registers', ['agencyId', 'kind', 'year'], { unique: true });
  await qi.removeIndex('registers', 'registers_agency_kind_year_series');
  await qi.removeColumn('registers', 'series');
}
