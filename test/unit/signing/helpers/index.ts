import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignerKey } from '../../../../src/signing/index.js';
import type { TestIdentity } from './pki.js';
import { testPki } from './pki.js';

export * from './fixtures.js';
export * from './pki.js';
export * from './png.js';
export * from './tsa.js';

export function signerOf(id: TestIdentity): SignerKey {
  return { privateKey: id.key, certificate: id.cert, chain: [testPki().root.cert] };
}

export function hasTool(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs an external tool on a temporary copy of `pdf`; returns stdout. */
export function runOnPdf(tool: string, args: (file: string) => string[], pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'eoffice-sign-'));
  const file = join(dir, 'in.pdf');
  writeFileSync(file, pdf);
  try {
    return execFileSync(tool, args(file), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs qpdf to transform a PDF (e.g. linearize, object streams, encrypt); returns the new bytes. */
export function qpdfTransform(pdf: Buffer, args: string[]): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'eoffice-qpdf-'));
  const inFile = join(dir, 'in.pdf');
  const outFile = join(dir, 'out.pdf');
  writeFileSync(inFile, pdf);
  try {
    try {
      execFileSync('qpdf', [...args, inFile, outFile], { stdio: 'ignore' });
    } catch (e) {
      if ((e as { status?: number }).status !== 3) throw e;
    }
    return readFileSync(outFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
