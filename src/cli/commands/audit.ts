import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../config.js';
import { closeDatabase, openDatabase } from '../../db/index.js';
import { migrate } from '../../db/migrator.js';
import { translator } from '../../i18n/index.js';
import { primaryAgency } from '../../agencies/agencies.service.js';
import {
  createAuditCheckpoint,
  verifyAgainstCheckpoint,
  type SignedCheckpoint,
} from '../../audit/audit-anchor.js';
import { verifyAuditChain } from '../../audit/audit.service.js';
import { importPkcs12 } from '../../pki/index.js';
import { loadTrustAnchors } from '../../pki/trust.js';
import { openedKeyProvider } from '../../signing-keys/opened-key-provider.js';
import type { SignatureProvider } from '../../signing-providers/types.js';
import { configureSigningKeys, sealSignerFor } from '../../signing-keys/index.js';
import { parseOptions, requireOption, UsageError, type CliCommand } from '../command.js';

async function withDatabase(work: (config: ReturnType<typeof loadConfig>) => Promise<number>) {
  const config = loadConfig();
  const sequelize = openDatabase(config.databaseUrl);
  try {
    await migrate(sequelize);
    return await work(config);
  } finally {
    await closeDatabase();
  }
}

function readCheckpoint(file: string): SignedCheckpoint {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as SignedCheckpoint;
    if (!parsed?.checkpoint || typeof parsed.signature !== 'string') throw new Error('shape');
    return parsed;
  } catch {
    throw new UsageError(`${file}: không đọc được tệp mốc nhật ký (not a checkpoint file)`);
  }
}

const auditCheckpoint: CliCommand = {
  summary:
    "Write the audit chain's head to a file signed with the agency's seal, or a key from the agency CA (an anchor)",
  usage: 'audit:checkpoint --out FILE [--p12 SEAL.p12 --pass PASS]',
  async run(argv) {
    const { values } = parseOptions(argv, {
      out: { type: 'string' },
      p12: { type: 'string' },
      pass: { type: 'string' },
    });
    const out = requireOption(values, 'out');
    // A seal certificate issued by `ca:issue --type seal --p12-pass`, instead of the enrolled seal.
    let fileSigner: SignatureProvider | null = null;
    if (values.p12 !== undefined) {
      const pass = values.pass ?? process.env.P12_PASSWORD;
      if (!pass) throw new UsageError('--p12 needs --pass (or P12_PASSWORD in the environment)');
      const { privateKey, certificate, chain } = importPkcs12(readFileSync(values.p12), pass);
      fileSigner = openedKeyProvider(privateKey, certificate, chain);
    }
    return withDatabase(async (config) => {
      configureSigningKeys(config);
      const agency = await primaryAgency();
      const signer = fileSigner ?? (await sealSignerFor(agency.id));
      const signed = await createAuditCheckpoint(signer, agency.id);
      writeFileSync(out, JSON.stringify(signed, null, 2) + '\n', { mode: 0o644 });
      const t = translator('vi');
      console.log(
        t('admin:audit.anchor.written', {
          file: out,
          count: signed.checkpoint.count,
          hash: signed.checkpoint.headHash,
        }),
      );
      return 0;
    });
  },
};

const auditVerify: CliCommand = {
  summary: 'Check the audit log hash chain (and against a signed checkpoint with --anchor)',
  usage: 'audit:verify [--anchor FILE]',
  async run(argv) {
    const { values } = parseOptions(argv, { anchor: { type: 'string' } });
    const anchor = values.anchor as string | undefined;
    const signed = anchor === undefined ? null : readCheckpoint(anchor);
    return withDatabase(async (config) => {
      const t = translator('vi');
      if (!signed) {
        const result = await verifyAuditChain();
        if (result.intact) {
          console.log(t('admin:audit.intact', { count: result.rows }));
          return 0;
        }
        console.error(
          t('admin:audit.broken', {
            id: result.brokenAtId,
            reason: t(`admin:audit.reason.${result.reason}`),
          }),
        );
        return 1;
      }
      const result = await verifyAgainstCheckpoint(signed, loadTrustAnchors(config.certsDir));
      if (result.ok) {
        console.log(
          t('admin:audit.anchor.matches', {
            count: result.rows,
            anchored: result.checkpoint.count,
            at: result.checkpoint.createdAt,
          }),
        );
        return 0;
      }
      console.error(
        t(`admin:audit.anchor.${result.reason}`, {
          id: result.brokenAtId ?? '',
          rows: result.rows,
        }),
      );
      return 1;
    });
  },
};

export const auditCommands: Record<string, CliCommand> = {
  'audit:checkpoint': auditCheckpoint,
  'audit:verify': auditVerify,
};
