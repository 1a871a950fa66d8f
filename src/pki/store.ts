import path from 'node:path';
import type { RevocationReason, DistinguishedName } from './x509.js';

/** Files of the agency PKI home (CERTS_DIR). Private keys stay here and are never committed. */
export function caPaths(dir: string) {
  return {
    key: path.join(dir, 'ca', 'agency-ca.key.pem'),
    cert: path.join(dir, 'ca', 'agency-ca.pem'),
    trustDir: path.join(dir, 'trust'),
    trustAnchor: path.join(dir, 'trust', 'agency-ca.pem'),
    crlDir: path.join(dir, 'crl'),
    crl: path.join(dir, 'crl', 'agency.crl'),
    issued: path.join(dir, 'issued'),
    state: path.join(dir, 'ca-state.json'),
  };
}

export interface CaState {
  version: 1;
  algorithm: string;
  subject: DistinguishedName;
  crlUrl: string;
  crlNumber: number;
  issued: {
    serial: string;
    type: 'person' | 'seal';
    commonName: string;
    email?: string;
    issuedAt: string;
    notAfter: string;
  }[];
  revoked: { serial: string; revokedAt: string; reason: RevocationReason }[];
}
