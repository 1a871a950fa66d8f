/**
 * Mocha root hook: a failed test's Sequelize error keeps what the database said. Sequelize's own
 * message is sometimes only "Validation error" or empty; the driver's message, the statement and
 * each field's complaint are added to it, so an intermittent failure in CI can be understood from
 * its log alone.
 */
interface DatabaseErrorLike extends Error {
  parent?: { message?: string; code?: string };
  original?: { message?: string };
  sql?: string;
  errors?: { message?: string; path?: string; value?: unknown }[];
}

export const mochaHooks = {
  afterEach(this: Mocha.Context) {
    const err = this.currentTest?.err as DatabaseErrorLike | undefined;
    if (!err || typeof err !== 'object' || !err.name?.startsWith('Sequelize')) return;
    const extra: string[] = [];
    const driver = err.parent ?? err.original;
    if (driver?.message) extra.push(`database: ${driver.message}`);
    for (const e of err.errors ?? [])
      extra.push(`field ${e.path}: ${e.message} (${String(e.value)})`);
    if (err.sql) extra.push(`statement: ${err.sql.slice(0, 2000)}`);
    if (!extra.length) return;
    err.message = `${err.message}\n${extra.join('\n')}`;
    // Mocha prints the stack's header, which Sequelize takes from the driver (often a bare "Error").
    const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at\s/.test(line));
    err.stack = [`${err.name}: ${err.message}`, ...frames].join('\n');
  },
};
