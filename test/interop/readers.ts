import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './tools.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** What three readers print for a file: its text (pdf.js marks a page it cannot read). */
export interface ReadersText {
  pdfjs: string;
  pdftotext: string;
  mutool: string;
}

/** pdf.js (in a process of its own), poppler's pdftotext and MuPDF's `mutool draw -F txt`. */
export function readersText(pdf: Buffer): ReadersText {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eoffice-readers-'));
  const file = path.join(dir, 'in.pdf');
  writeFileSync(file, pdf);
  try {
    const js = run(process.execPath, ['--import', 'tsx', path.join(HERE, 'pdfjs-text.ts'), file]);
    const pages =
      js.status === 0 ? (JSON.parse(js.stdout) as Array<string | { error: string }>) : [];
    return {
      pdfjs:
        js.status === 0
          ? pages.map((p) => (typeof p === 'string' ? p : `[error: ${p.error}]`)).join('\n')
          : `[error: ${js.stderr.trim().split('\n').at(-1)}]`,
      pdftotext: run('pdftotext', ['-q', file, '-']).stdout,
      mutool: run('mutool', ['draw', '-q', '-F', 'txt', file]).stdout,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
