import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { derToPem } from './der.js';
import { PkiError } from './errors.js';
import { caPaths } from './store.js';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Certificates (DER) from a PEM or DER buffer; a PEM file may hold several. */
export function parseCertificates(data: Buffer): Buffer[] {
  const text = data.toString('latin1');
  const blocks = text.match(PEM_CERT);
  if (blocks) return blocks.map((pem) => Buffer.from(new X509Certificate(pem).raw));
  return [Buffer.from(new X509Certificate(data).raw)];
}

/** Every certificate in a folder's .pem/.crt/.cer/.der files (sorted by name, duplicates dropped). */
export function readCertificatesFromDir(dir: string): Buffer[] {
  if (!existsSync(dir)) return [];
  const seen = new Set<string>();
  const out: Buffer[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/\.(pem|crt|cer|der)$/i.test(name)) continue;
    for (const der of parseCertificates(readFileSync(path.join(dir, name)))) {
      const key = der.toString('base64');
      if (!seen.has(key)) {
        seen.add(key);
        out.push(der);
      }
    }
  }
  return out;
}

/** Trust anchors of a PKI home: certs/trust/*.pem (the agency CA plus any added public roots). */
export function loadTrustAnchors(dir: string): Buffer[] {
  return readCertificatesFromDir(caPaths(dir).trustDir);
}

/** CRLs (DER) of a PKI home: certs/crl/*.crl. */
export function loadCrls(dir: string): Buffer[] {
  const crlDir = caPaths(dir).crlDir;
  if (!existsSync(crlDir)) return [];
  return readdirSync(crlDir)
    .filter((n) => n.endsWith('.crl'))
    .sort()
    .map((n) => readFileSync(path.join(crlDir, n)));
}

/** Adds a root certificate (PEM or DER) to certs/trust under a file name derived from `name`. */
export function addTrustAnchor(dir: string, certificate: Buffer, name: string): string {
  const [der] = parseCertificates(certificate);
  if (!der) throw new PkiError('INVALID_INPUT', 'Không đọc được chứng thư số gốc');
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  const file = path.join(caPaths(dir).trustDir, `${safe}.pem`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, derToPem(der, 'CERTIFICATE'));
  return file;
}
