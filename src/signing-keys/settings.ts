import { createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import { AppError } from '../http/app-error.js';
import {
  DEFAULT_SCRYPT,
  hasCa,
  initCa,
  PkiError,
  readState,
  type ScryptParams,
} from '../pki/index.js';

export type SigningKeysConfig = Pick<
  Config,
  | 'env'
  | 'certsDir'
  | 'caPassphrase'
  | 'sessionSecret'
  | 'sealKeySecret'
  | 'signingKeySecret'
  | 'csc'
  | 'signingTokenEnabled'
  | 'baseUrl'
  | 'tsaUrl'
>;

interface Settings {
  config: SigningKeysConfig;
  /**
   * scrypt cost of the keys this process encrypts under scrypt: the agency CA's, the seals' and
   * the timestamp authorities' (tests may ask for a cheaper one). Personal keys are wrapped.
   */
  kdf: ScryptParams;
}

let settings: Settings | null = null;

/**
 * Gives the signing identities their configuration; createApp calls it. `kdf` lowers the scrypt
 * cost of keys encrypted from then on (tests only: keys read back take their cost from the file).
 */
export function configureSigningKeys(config: SigningKeysConfig, kdf?: ScryptParams): void {
  settings = { config, kdf: kdf ?? settings?.kdf ?? DEFAULT_SCRYPT };
}

/** Changes the scrypt cost of the CA and agency keys encrypted from now on (test helpers). */
export function useKdf(kdf: ScryptParams): void {
  if (!settings) throw new Error('configureSigningKeys() was not called');
  settings.kdf = kdf;
}

export function signingSettings(): Settings {
  if (!settings) throw new Error('configureSigningKeys() was not called (createApp does it)');
  return settings;
}

const isProduction = (config: SigningKeysConfig) => config.env === 'production';

/** A secret derived from the session secret for one purpose, for installations outside production. */
const derived = (config: SigningKeysConfig, purpose: string) =>
  createHmac('sha256', config.sessionSecret).update(`eoffice:${purpose}`).digest('hex');

/** The passphrase of the agency CA key: CA_PASSPHRASE, or outside production a derived one. */
function caPassphrase(config: SigningKeysConfig): string {
  if (config.caPassphrase.trim() !== '') return config.caPassphrase;
  if (isProduction(config)) throw new AppError('SIGNING_CA_MISSING', 503);
  return derived(config, 'ca-passphrase');
}

/**
 * The secret the agency seal keys are encrypted under: SEAL_KEY_SECRET, or outside production
 * one derived from the session secret (so a development installation seals out of the box).
 */
export function sealSecret(): string {
  const { config } = signingSettings();
  if (config.sealKeySecret !== '') return config.sealKeySecret;
  if (isProduction(config)) throw new AppError('SIGNING_SEAL_SECRET_MISSING', 503);
  return derived(config, 'seal-key-secret');
}

/**
 * The server secret (KEK) the personal signing keys are wrapped under, with their owner's PIN
 * (key-wrap.ts): SIGNING_KEY_SECRET; else one derived from SEAL_KEY_SECRET for this purpose (a
 * deployment keeps working with the one secret it has); else, outside production, one derived
 * from the session secret. Production with neither: 503. Every machine of a deployment must
 * have the same: a key wrapped under another secret does not open (SIGNING_KEY_SECRET_CHANGED).
 */
export function signingKeySecret(): Buffer {
  const { config } = signingSettings();
  if (config.signingKeySecret !== '') {
    if (config.signingKeySecret.length < 16) throw new AppError('SIGNING_KEY_SECRET_MISSING', 503);
    return Buffer.from(config.signingKeySecret, 'utf8');
  }
  // SEAL_KEY_SECRET whatever the environment: an installation moved to production keeps its keys.
  if (config.sealKeySecret !== '') {
    if (config.sealKeySecret.length < 8) throw new AppError('SIGNING_KEY_SECRET_MISSING', 503);
    return createHmac('sha256', config.sealKeySecret).update('eoffice:signing-key-secret').digest();
  }
  if (isProduction(config)) throw new AppError('SIGNING_KEY_SECRET_MISSING', 503);
  return Buffer.from(derived(config, 'signing-key-secret'), 'utf8');
}

let creating: Promise<void> | null = null;

/**
 * The agency CA's folder and passphrase, ready to issue. In production the CA is created with
 * the CLI (`ca:init`); in development and tests it is created here on first use, as `ca:init`
 * would (an organisation named after the first agency enrolling).
 */
export async function readyCa(organization: string): Promise<{ dir: string; passphrase: string }> {
  const { config } = signingSettings();
  const dir = config.certsDir;
  const passphrase = caPassphrase(config);
  if (hasCa(dir)) return { dir, passphrase };
  if (isProduction(config)) throw new AppError('SIGNING_CA_MISSING', 503);
  creating ??= (async () => {
    try {
      initCa({
        dir,
        passphrase,
        commonName: `CA ${organization}`,
        organization,
        algorithm: 'rsa-3072',
        crlUrl: `${config.baseUrl.replace(/\/$/, '')}/pki/crl/agency.crl`,
        kdf: signingSettings().kdf,
      });
    } catch (e) {
      // Another process made it meanwhile.
      if (!(e instanceof PkiError && e.code === 'CA_EXISTS')) throw e;
    }
  })().finally(() => {
    creating = null;
  });
  await creating;
  readState(dir);
  return { dir, passphrase };
}
