/**
 * `npm run demo`: the app on a FRESH demo database (recreated on every run), filled with a
 * district People's Committee, an account for every role, ~30 incoming documents in every state,
 * outgoing documents from draft to issued, and meetings past, running and coming. Your own
 * database (DATABASE_URL) is never touched: the demo uses DEMO_DATABASE_URL (default
 * sqlite:./data/demo.sqlite), DEMO_STORAGE_DIR (default ./data/demo-files) and its own agency CA
 * in DEMO_CERTS_DIR (default ./data/demo-certs), all recreated on every run.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createLogger } from '../http/logger.js';
import { loadConfig } from '../config.js';
import { closeDatabase, openDatabase } from '../db/index.js';
import { migrate } from '../db/migrator.js';
import { recreateDatabase } from '../db/recreate.js';
import { serve } from '../serve.js';
import { configureFileStorage } from '../files/file-storage.service.js';
import { initCa } from '../pki/index.js';
import { configureSigningKeys } from '../signing-keys/index.js';
import { DEMO_PIN, DEMO_SIGNERS } from './outgoing-scenario.js';
import {
  DEMO_ADMIN,
  DEMO_AGENCY,
  DEMO_COMMUNE,
  DEMO_COMMUNE_USERS,
  DEMO_PASSWORD,
  DEMO_USERS,
  seedDemo,
} from './scenario.js';

async function main(): Promise<void> {
  const env = process.env;
  const config = loadConfig({
    ...env,
    DATABASE_URL: env.DEMO_DATABASE_URL || 'sqlite:./data/demo.sqlite',
    STORAGE_DIR: env.DEMO_STORAGE_DIR || './data/demo-files',
    CERTS_DIR: env.DEMO_CERTS_DIR || './data/demo-certs',
    // The demo's CA and seal keys live as long as its data: secrets of this run only.
    CA_PASSPHRASE: randomBytes(24).toString('hex'),
    SEAL_KEY_SECRET: randomBytes(24).toString('hex'),
    SIGNING_KEY_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: env.LOG_LEVEL || 'info',
  });
  // The same redacting logger as the server: no session cookie or token in the access log.
  const logger = createLogger(config.logLevel);
  console.log(
    `eOffice demo: tạo lại cơ sở dữ liệu ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`,
  );
  await recreateDatabase(config.databaseUrl);
  rmSync(config.storageDir, { recursive: true, force: true });
  rmSync(config.certsDir, { recursive: true, force: true });
  await migrate(openDatabase(config.databaseUrl));
  configureFileStorage(config.storageDir);
  configureSigningKeys(config);
  const started = Date.now();
  // The agency CA, as `npm run eoffice -- ca:init` makes it before anyone enrols a key.
  initCa({
    dir: config.certsDir,
    passphrase: config.caPassphrase,
    commonName: `CA ${DEMO_AGENCY.name}`,
    organization: DEMO_AGENCY.name,
    algorithm: 'rsa-3072',
    crlUrl: `${config.baseUrl.replace(/\/$/, '')}/pki/crl/agency.crl`,
  });
  await seedDemo((line) => console.log(`  ${line}`));
  console.log(`  (dữ liệu mẫu tạo trong ${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // As the server runs: the background jobs read the documents' files (search, OCR), convert
  // DOCX drafts and send the reminders.
  const server = serve(config, logger, () => {
    console.log(`\neOffice demo đang chạy tại http://localhost:${config.port}`);
    console.log(`Mật khẩu chung của mọi tài khoản: ${DEMO_PASSWORD}`);
    console.log(`Mã PIN ký số (${DEMO_SIGNERS.join(', ')}): ${DEMO_PIN}`);
    console.log(`  ${DEMO_ADMIN.username.padEnd(18)} quản trị`);
    const line = (u: (typeof DEMO_USERS)[number]) =>
      console.log(
        `  ${u.username.padEnd(18)} ${u.roles.join(',').padEnd(11)} ${u.fullName} — ${u.positionTitle}`,
      );
    DEMO_USERS.forEach(line);
    console.log(`${DEMO_COMMUNE.name}:`);
    DEMO_COMMUNE_USERS.forEach(line);
  });
  const shutdown = () => server.close(() => closeDatabase().then(() => process.exit(0)));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
