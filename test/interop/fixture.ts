import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  exportPkcs12,
  initCa,
  issueCertificate,
  type IssuedCertificate,
} from '../../src/pki/index.js';
import { runOk } from './tools.js';

export const AGENCY = 'Ủy ban nhân dân tỉnh Hà Giang';
const FAST_KDF = { N: 1 << 10, r: 8, p: 1 };

export interface InteropPki {
  dir: string;
  caPem: string;
  caDer: Buffer;
  /** Leader (RSA 2048) and agency seal (ECDSA P-256) from our CA. */
  leader: IssuedCertificate;
  seal: IssuedCertificate;
  /** NSS database (sql:) trusting our CA, with a key pdfsig can sign with. */
  nssDir: string;
  popplerNick: string;
  cleanup(): void;
}

/** Our agency CA, two signers, and an NSS database that trusts the CA (for pdfsig). */
export function createInteropPki(caAlgorithm: 'rsa-3072' | 'ecdsa-p256' = 'rsa-3072'): InteropPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eoffice-interop-'));
  const certsDir = path.join(dir, 'certs');
  const ca = initCa({
    dir: certsDir,
    passphrase: 'interop',
    commonName: `CA ${AGENCY}`,
    organization: AGENCY,
    algorithm: caAlgorithm,
    kdf: FAST_KDF,
  });
  const issue = (
    type: 'person' | 'seal',
    commonName: string,
    algorithm: 'rsa-2048' | 'ecdsa-p256',
    extra = {},
  ) =>
    issueCertificate({
      dir: certsDir,
      passphrase: 'interop',
      type,
      commonName,
      algorithm,
      pin: '123456',
      kdf: FAST_KDF,
      ...extra,
    });
  const leader = issue('person', 'Nguyễn Thị Hằng', 'rsa-2048', {
    title: 'Phó Chủ tịch',
    email: 'hang.nt@hagiang.gov.vn',
  });
  const seal = issue('seal', AGENCY, 'ecdsa-p256');
  const poppler = issue('person', 'Tran Van Poppler', 'rsa-2048');

  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, ca.certificatePem);
  const nssDir = path.join(dir, 'nss');
  mkdirSync(nssDir, { recursive: true });
  runOk('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password']);
  runOk('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'testca', '-t', 'CT,C,C', '-i', caFile]);
  const p12File = path.join(dir, 'poppler.p12');
  writeFileSync(
    p12File,
    exportPkcs12(poppler.privateKey, poppler.certificate, [], 'pass', {
      friendlyName: 'poppler-signer',
    }),
  );
  runOk('pk12util', ['-i', p12File, '-d', `sql:${nssDir}`, '-W', 'pass']);
  const nicks = runOk('pdfsig', ['-nssdir', `sql:${nssDir}`, '-list-nicks', '/dev/null']);
  const popplerNick =
    nicks
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.includes('Poppler')) ?? 'poppler-signer';
  return {
    dir,
    caPem: ca.certificatePem,
    caDer: ca.certificate,
    leader,
    seal,
    nssDir,
    popplerNick,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
