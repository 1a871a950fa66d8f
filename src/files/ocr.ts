/**
 * Optical character recognition of a scanned PDF (no text layer): its pages rendered to greyscale
 * images by poppler's pdftoppm, each read by Tesseract with the Vietnamese data (Debian's
 * tesseract-ocr and tesseract-ocr-vie). Both run as child processes with a time limit (killed),
 * memory, CPU and file-size limits (prlimit), one thread, a capped page count, a capped image
 * size and a capped output, in a private temporary directory removed afterwards; meant for a
 * background job, never a request.
 *
 *   ocrPdf(pdf: Buffer, options?: OcrOptions) → { pages: string[], truncated }
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { underLimits } from './child-limits.js';

export interface OcrOptions {
  /** Pages read, from the first (default 50). */
  maxPages?: number;
  /** Rendering resolution (default 300 dpi), the longer side capped at `maxPixels`. */
  dpi?: number;
  maxPixels?: number;
  /** Per child process (default 60 s for rendering, 60 s per page for recognition). */
  timeoutMs?: number;
  /** Tesseract languages (default 'vie'). */
  lang?: string;
  /** Characters kept in all (default 1,000,000). */
  maxChars?: number;
}

export interface OcrText {
  pages: string[];
  truncated: boolean;
}

export class OcrError extends Error {
  constructor(
    message: string,
    readonly transient = false,
  ) {
    super(message);
    this.name = 'OcrError';
  }
}

function run(
  command: string,
  args: string[],
  timeoutMs: number,
  maxBuffer = 16 * 1024 * 1024,
): Promise<string> {
  const limited = underLimits(command, args, timeoutMs);
  return new Promise((resolve, reject) => {
    execFile(
      limited.command,
      limited.args,
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer,
        encoding: 'utf8',
        // One thread per recognition: a job must not take every core from the web processes.
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          OMP_THREAD_LIMIT: '1',
          LC_ALL: 'C.UTF-8',
        },
        windowsHide: true,
      },
      (err, stdout) => {
        if (err) {
          const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
          reject(
            new OcrError(
              missing
                ? `${command} is not installed (apt-get install poppler-utils tesseract-ocr tesseract-ocr-vie)`
                : `${command} failed: ${err.message.slice(0, 500)}`,
            ),
          );
        } else resolve(stdout);
      },
    );
  });
}

/** Recognises the text of the PDF's pages (a scan); lines as Tesseract reads them, NFC. */
export async function ocrPdf(pdf: Buffer, options: OcrOptions = {}): Promise<OcrText> {
  const maxPages = options.maxPages ?? 50;
  const dpi = options.dpi ?? 300;
  const maxPixels = options.maxPixels ?? 3600;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxChars = options.maxChars ?? 1_000_000;
  const dir = await mkdtemp(path.join(tmpdir(), 'eoffice-ocr-'));
  try {
    const input = path.join(dir, 'in.pdf');
    await writeFile(input, pdf, { mode: 0o600 });
    const info = await run('pdfinfo', [input], timeoutMs, 1024 * 1024).catch(() => '');
    const total = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
    await run(
      'pdftoppm',
      [
        '-r',
        String(dpi),
        '-scale-to',
        String(maxPixels),
        '-gray',
        '-png',
        '-f',
        '1',
        '-l',
        String(maxPages),
        input,
        path.join(dir, 'page'),
      ],
      timeoutMs,
    );
    const images = (await readdir(dir)).filter((f) => /^page-\d+\.png$/.test(f));
    images.sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
    const pages: string[] = [];
    let chars = 0;
    let truncated = total > maxPages;
    for (const image of images) {
      const text = (
        await run(
          'tesseract',
          [path.join(dir, image), 'stdout', '-l', options.lang ?? 'vie', '--psm', '3'],
          timeoutMs,
        )
      )
        .normalize('NFC')
        .replace(/[ \t]+\n/g, '\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
      if (chars + text.length > maxChars) {
        pages.push(text.slice(0, maxChars - chars));
        truncated = true;
        break;
      }
      pages.push(text);
      chars += text.length;
    }
    return { pages, truncated };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
