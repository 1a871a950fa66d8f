import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { commandExists, underLimits } from '../files/child-limits.js';
import { zipInflationProblem } from '../files/zip-inflation.js';

/*
 * DOCX drafts become PDF (the PDF is what gets signed) with LibreOffice:
 * `soffice --headless --convert-to pdf`, Debian's libreoffice-writer-nogui. Each conversion runs
 * in its own process group with a fresh profile and work folder under the system's temporary
 * folder, both removed afterwards, under memory, CPU and file-size limits (files/child-limits.ts);
 * it is killed, with everything it started, past its time limit. A zip whose directory says it
 * inflates past the bounds of files/zip-inflation.ts is refused before soffice sees it.
 * soffice is heavy (a few hundred MB, seconds to start), so conversions wait their turn: one at a
 * time per process unless configured otherwise, with a bounded queue. spawn is asynchronous: the
 * event loop keeps serving while a conversion runs, so the caller may await it in a background
 * job or off the request.
 */

export type ConversionErrorCode =
  | 'CONVERSION_INPUT_TOO_LARGE'
  | 'CONVERSION_NOT_DOCX'
  | 'CONVERSION_INFLATES'
  | 'CONVERSION_BUSY'
  | 'CONVERSION_UNAVAILABLE'
  | 'CONVERSION_TIMEOUT'
  | 'CONVERSION_FAILED';

const MESSAGES: Record<ConversionErrorCode, { vi: string; en: string }> = {
  CONVERSION_INPUT_TOO_LARGE: {
    vi: 'Tệp dự thảo quá lớn để chuyển sang PDF.',
    en: 'The draft is too large to convert to PDF.',
  },
  CONVERSION_NOT_DOCX: {
    vi: 'Tệp dự thảo không phải văn bản Word (.docx).',
    en: 'The draft is not a Word document (.docx).',
  },
  CONVERSION_INFLATES: {
    vi: 'Tệp dự thảo giải nén ra quá lớn so với kích thước của nó (có thể là tệp nén độc hại).',
    en: 'The draft would inflate far beyond its size (possibly a hostile zip).',
  },
  CONVERSION_BUSY: {
    vi: 'Hệ thống đang chuyển đổi nhiều tệp, vui lòng thử lại sau ít phút.',
    en: 'Too many conversions are waiting; try again in a few minutes.',
  },
  CONVERSION_UNAVAILABLE: {
    vi: 'Máy chủ chưa cài LibreOffice (soffice) để chuyển dự thảo sang PDF.',
    en: 'LibreOffice (soffice) is not installed on the server to convert drafts to PDF.',
  },
  CONVERSION_TIMEOUT: {
    vi: 'Chuyển dự thảo sang PDF quá thời gian cho phép.',
    en: 'Converting the draft to PDF took too long.',
  },
  CONVERSION_FAILED: {
    vi: 'Không chuyển được dự thảo sang PDF (tệp hỏng hoặc không đọc được).',
    en: 'The draft could not be converted to PDF (damaged or unreadable).',
  },
};

/** Why a conversion gave no PDF; `message` is Vietnamese, `en` English, `detail` for the log. */
export class ConversionError extends Error {
  readonly en: string;
  constructor(
    readonly code: ConversionErrorCode,
    readonly detail = '',
  ) {
    super(MESSAGES[code].vi);
    this.name = 'ConversionError';
    this.en = MESSAGES[code].en;
  }
}

export interface ConvertOptions {
  /** Time soffice may run, from its start (not while waiting its turn). */
  timeoutMs?: number;
  maxInputBytes?: number;
  maxOutputBytes?: number;
  /** The soffice command (tests, or a LibreOffice outside PATH). */
  soffice?: string;
  /** Where each conversion's temporary folder goes (default: the system's temporary folder). */
  tmpDir?: string;
}

const DEFAULTS = {
  timeoutMs: 60_000,
  maxInputBytes: 20 * 1024 * 1024,
  maxOutputBytes: 100 * 1024 * 1024,
  soffice: 'soffice',
  tmpDir: '',
};

let concurrency = 1;
let maxWaiting = 16;
let running = 0;
const waiting: Array<() => void> = [];

/** How many conversions run at once per process (default 1) and how many may wait (16). */
export function configureConversions(options: { concurrency?: number; maxWaiting?: number }) {
  concurrency = Math.max(1, options.concurrency ?? concurrency);
  maxWaiting = Math.max(0, options.maxWaiting ?? maxWaiting);
}

/** Conversions running and waiting in this process now. */
export function conversionLoad(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}

async function takeTurn(): Promise<() => void> {
  if (running >= concurrency) {
    if (waiting.length >= maxWaiting) throw new ConversionError('CONVERSION_BUSY');
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else running += 1;
  // The slot passes straight to the next waiter, so `running` never dips between two turns.
  return () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
}

/**
 * Converts a DOCX draft to PDF with LibreOffice. Rejects with a ConversionError: too large, not a
 * DOCX, queue full (BUSY), soffice missing (UNAVAILABLE), past `timeoutMs` (TIMEOUT; soffice and
 * its children are killed), or no PDF produced (FAILED).
 */
export async function convertToPdf(
  docx: Uint8Array,
  options: ConvertOptions = {},
): Promise<Buffer> {
  const { timeoutMs, maxInputBytes, maxOutputBytes, soffice, tmpDir } = { ...DEFAULTS, ...options };
  if (docx.length > maxInputBytes) throw new ConversionError('CONVERSION_INPUT_TOO_LARGE');
  const inflation = isDocx(docx) ? zipInflationProblem(docx) : 'unreadable';
  if (inflation === 'unreadable') throw new ConversionError('CONVERSION_NOT_DOCX');
  if (inflation) throw new ConversionError('CONVERSION_INFLATES', inflation);
  const release = await takeTurn();
  const root = await mkdtemp(join(tmpDir || tmpdir(), 'eoffice-soffice-'));
  try {
    const profile = join(root, 'profile');
    const work = join(root, 'work');
    await mkdir(join(profile, 'user'), { recursive: true });
    await mkdir(work);
    await writeFile(join(profile, 'user', 'registrymodifications.xcu'), HARDENED_PROFILE);
    await writeFile(join(work, 'draft.docx'), docx);
    await runSoffice(soffice, profile, work, timeoutMs);
    const output = join(work, 'draft.pdf');
    const size = await stat(output).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0) throw new ConversionError('CONVERSION_FAILED', 'soffice wrote no PDF');
    if (size > maxOutputBytes)
      throw new ConversionError('CONVERSION_FAILED', `PDF of ${size} bytes`);
    const pdf = await readFile(output);
    if (!pdf.subarray(0, 8).toString('latin1').startsWith('%PDF-'))
      throw new ConversionError('CONVERSION_FAILED', 'output is not a PDF');
    return pdf;
  } finally {
    release();
    await rm(root, { recursive: true, force: true });
  }
}

/** A DOCX is a zip (local file header first) holding word/document.xml. */
function isDocx(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return (
    b.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) && b.includes('word/document.xml')
  );
}

function runSoffice(soffice: string, profile: string, work: string, timeoutMs: number) {
  return new Promise<void>((resolve, reject) => {
    if (!commandExists(soffice, process.env.PATH ?? '/usr/bin:/bin'))
      return reject(new ConversionError('CONVERSION_UNAVAILABLE', `${soffice} not found`));
    const command = underLimits(
      soffice,
      [
        `-env:UserInstallation=${pathToFileURL(profile).href}`,
        '--headless',
        '--invisible',
        '--nologo',
        '--nodefault',
        '--norestore',
        '--nolockcheck',
        '--convert-to',
        'pdf:writer_pdf_Export',
        '--outdir',
        work,
        join(work, 'draft.docx'),
      ],
      timeoutMs,
    );
    const child = spawn(command.command, command.args, {
      cwd: work,
      // Its own process group, so a timeout kills soffice.bin and whatever it started too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Nothing of the app's environment (database address, secrets) reaches LibreOffice.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: work,
        TMPDIR: work,
        LANG: 'C.UTF-8',
      },
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      if (output.length < 4096) output += chunk.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new ConversionError(
          err.code === 'ENOENT' ? 'CONVERSION_UNAVAILABLE' : 'CONVERSION_FAILED',
          err.message,
        ),
      );
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      // A helper soffice left behind would hold the profile we are about to remove.
      killGroup();
      if (timedOut) reject(new ConversionError('CONVERSION_TIMEOUT', `after ${timeoutMs} ms`));
      else if (code !== 0)
        reject(
          new ConversionError('CONVERSION_FAILED', `exit ${code ?? signal}: ${output.trim()}`),
        );
      else resolve();
    });
  });
}

// A fresh profile that runs no macros, follows no links and fetches nothing a document points to.
const HARDENED_PROFILE = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
`;
