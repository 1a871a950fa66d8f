import path from 'node:path';
import { Umzug, SequelizeStorage } from 'umzug';
import type { QueryInterface, Sequelize } from 'sequelize';
import { MIGRATIONS_DIR, ROOT_DIR } from '../paths.js';
import { prepareDatabase } from './index.js';

// Under tsx the sources run as .ts; a build runs the compiled .js in dist/.
const isCompiled = import.meta.url.endsWith('.js');

export function createMigrator(sequelize: Sequelize): Umzug<QueryInterface> {
  const dir = isCompiled ? path.join(ROOT_DIR, 'dist', 'migrations') : MIGRATIONS_DIR;
  return new Umzug({
    migrations: {
      glob: [isCompiled ? '*.js' : '*.ts', { cwd: dir }],
      resolve: ({ name, path: file, context }) => ({
        // Names stay the same in both modes so a database migrated by one is current for the other.
        name: name.replace(/\.(ts|js)$/, ''),
        up: async () => (await import(file as string)).up({ context }),
        down: async () => (await import(file as string)).down({ context }),
      }),
    },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize }),
    logger: undefined,
  });
}

/** Applies every pending migration; returns the names applied. */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
  await prepareDatabase(sequelize);
  const applied = await createMigrator(sequelize).up();
  return applied.map((m) => m.name);
}
