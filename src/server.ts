import pino from 'pino';
import { loadConfig } from './config.js';
import { closeDatabase, openDatabase } from './db/index.js';
import { migrate } from './db/migrator.js';
import { createApp } from './app.js';
import { configureMail } from './notifications/notification.service.js';

/** Reads the configuration, migrates, listens, and shuts down gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const sequelize = openDatabase(config.databaseUrl);
  const applied = await migrate(sequelize);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  configureMail(config.smtp, config.baseUrl, logger);
  const app = createApp({ config, logger });
  const server = app.listen(config.port, () => {
    logger.info(`eOffice đang chạy tại http://localhost:${config.port}`);
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(async () => {
      await closeDatabase();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
