import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  caPaths,
  derToPem,
  exportPkcs12,
  generateCrl,
  initCa,
  issueCertificate,
  KEY_ALGORITHMS,
  readState,
  REVOCATION_REASONS,
  revokeCertificate,
  type KeyAlgorithm,
  type RevocationReason,
} from '../../pki/index.js';
import { parseOptions, requireOption, UsageError, type CliCommand } from '../command.js';

/** CERTS_DIR from the environment, relative to the working directory; default ./certs. */
export function certsDir(): string {
  return path.resolve(process.env.CERTS_DIR || './certs');
}

function caPassphrase(): string {
  const value = process.env.CA_PASSPHRASE ?? '';
  if (value.trim() === '')
    throw new UsageError('CA_PASSPHRASE is not set: export the CA key passphrase first');
  return value;
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  option: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new UsageError(`--${option} must be one of: ${allowed.join(', ')}`);
  return value as T;
}

/** ASCII file stem from a Vietnamese name: "Nguyễn Thị Hằng" -> "nguyen-thi-hang". */
export function fileStem(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'certificate'
  );
}

const caInit: CliCommand = {
  summary: 'Create the agency root CA in CERTS_DIR (key encrypted under CA_PASSPHRASE)',
  usage:
    'ca:init [--algorithm rsa-3072|ecdsa-p256] [--name "CA name"] [--org "Agency"] [--crl-url URL]',
  async run(argv) {
    const { values } = parseOptions(argv, {
      algorithm: { type: 'string' },
      name: { type: 'string' },
      org: { type: 'string' },
      'crl-url': { type: 'string' },
    });
    const algorithm =
      oneOf(values.algorithm, ['rsa-3072', 'ecdsa-p256'] as const, 'algorithm') ?? 'rsa-3072';
    const organization = values.org?.trim() || values.name?.trim() || 'eOffice';
    const commonName = values.name?.trim() || `CA ${organization}`;
    const crlUrl =
      values['crl-url'] ??
      (process.env.BASE_URL
        ? `${process.env.BASE_URL.replace(/\/$/, '')}/pki/crl/agency.crl`
        : undefined);
    if (crlUrl !== undefined && !/^https?:\/\/\S+$/.test(crlUrl))
      throw new UsageError('--crl-url must be an http(s) URL');
    const dir = certsDir();
    const ca = initCa({
      dir,
      passphrase: caPassphrase(),
      commonName,
      organization,
      algorithm,
      crlUrl,
    });
    const p = caPaths(dir);
    console.log(`Created the agency root CA "${commonName}" (${algorithm}), serial ${ca.serial}`);
    console.log(
      `  certificate:  ${p.cert}\n  trust anchor: ${p.trustAnchor}\n  private key:  ${p.key} (encrypted)`,
    );
  },
};

const caIssue: CliCommand = {
  summary: 'Issue a signing certificate for a person or the agency seal',
  usage:
    'ca:issue --type person|seal --name "Full name" [--title ..] [--email ..] [--org ..] [--ou ..] ' +
    '[--algorithm rsa-2048|rsa-3072|ecdsa-p256] [--days N] --out-dir DIR --pin PIN [--p12-pass PASS]',
  async run(argv) {
    const { values } = parseOptions(argv, {
      type: { type: 'string' },
      name: { type: 'string' },
      title: { type: 'string' },
      email: { type: 'string' },
      org: { type: 'string' },
      ou: { type: 'string' },
      algorithm: { type: 'string' },
      days: { type: 'string' },
      'out-dir': { type: 'string' },
      pin: { type: 'string' },
      'p12-pass': { type: 'string' },
    });
    const type = oneOf(requireOption(values, 'type'), ['person', 'seal'] as const, 'type')!;
    const name = requireOption(values, 'name');
    const outDir = requireOption(values, 'out-dir');
    const pin = requireOption(values, 'pin');
    if (pin.length < 4) throw new UsageError('--pin must have at least 4 characters');
    const algorithm = oneOf<KeyAlgorithm>(values.algorithm, KEY_ALGORITHMS, 'algorithm');
    const days = values.days === undefined ? undefined : Number(values.days);
    if (days !== undefined && !(Number.isInteger(days) && days > 0))
      throw new UsageError('--days must be a positive integer');
    if (values['p12-pass'] !== undefined && values['p12-pass'] === '')
      throw new UsageError('--p12-pass must not be empty');
    const issued = issueCertificate({
      dir: certsDir(),
      passphrase: caPassphrase(),
      type,
      commonName: name,
      title: values.title,
      email: values.email,
      organization: values.org,
      organizationalUnit: values.ou,
      algorithm,
      validityDays: days,
      pin,
    });
    mkdirSync(outDir, { recursive: true });
    const stem = path.join(outDir, `${fileStem(name)}-${issued.serial.slice(0, 8)}`);
    writeFileSync(
      `${stem}.pem`,
      issued.certificatePem + issued.chain.map((c) => derToPem(c, 'CERTIFICATE')).join(''),
    );
    writeFileSync(`${stem}.key.pem`, issued.encryptedKeyPem, { mode: 0o600 });
    console.log(`Issued a ${type} certificate for "${name}", serial ${issued.serial}`);
    console.log(
      `  certificate (with CA): ${stem}.pem\n  private key (under the PIN): ${stem}.key.pem`,
    );
    if (values['p12-pass']) {
      const p12 = exportPkcs12(
        issued.privateKey,
        issued.certificate,
        issued.chain,
        values['p12-pass'],
        { friendlyName: name },
      );
      writeFileSync(`${stem}.p12`, p12, { mode: 0o600 });
      console.log(`  PKCS#12: ${stem}.p12`);
    }
  },
};

const reasons = Object.keys(REVOCATION_REASONS) as RevocationReason[];

const caRevoke: CliCommand = {
  summary: 'Revoke an issued certificate (and publish a new CRL when CA_PASSPHRASE is set)',
  usage: `ca:revoke --serial HEX [--reason ${reasons.join('|')}]`,
  async run(argv) {
    const { values } = parseOptions(argv, {
      serial: { type: 'string' },
      reason: { type: 'string' },
    });
    const serial = requireOption(values, 'serial');
    if (!/^(0x)?[0-9a-fA-F:]+$/.test(serial)) throw new UsageError('--serial must be hexadecimal');
    const reason = oneOf(values.reason, reasons, 'reason') ?? 'unspecified';
    const dir = certsDir();
    const entry = revokeCertificate(dir, serial, reason);
    console.log(`Revoked certificate ${entry.serial} (${reason}) at ${entry.revokedAt}`);
    if ((process.env.CA_PASSPHRASE ?? '').trim() !== '') {
      generateCrl(dir, caPassphrase());
      console.log(`Published a new CRL: ${caPaths(dir).crl}`);
    } else {
      console.log('Run "npm run eoffice -- ca:crl" with CA_PASSPHRASE set to publish the CRL.');
    }
  },
};

const caCrl: CliCommand = {
  summary: 'Sign and write a fresh CRL (certs/crl/agency.crl)',
  usage: 'ca:crl [--out FILE] [--days N]',
  async run(argv) {
    const { values } = parseOptions(argv, { out: { type: 'string' }, days: { type: 'string' } });
    const days = values.days === undefined ? undefined : Number(values.days);
    if (days !== undefined && !(Number.isInteger(days) && days > 0))
      throw new UsageError('--days must be a positive integer');
    const dir = certsDir();
    const der = generateCrl(dir, caPassphrase(), { validityDays: days });
    const state = readState(dir);
    if (values.out) writeFileSync(values.out, der);
    console.log(
      `CRL number ${state.crlNumber} with ${state.revoked.length} revoked certificate(s): ${values.out ?? caPaths(dir).crl}`,
    );
  },
};

export const pkiCommands: Record<string, CliCommand> = {
  'ca:init': caInit,
  'ca:issue': caIssue,
  'ca:revoke': caRevoke,
  'ca:crl': caCrl,
};
