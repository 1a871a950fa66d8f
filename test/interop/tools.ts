import { execFileSync, spawnSync } from 'node:child_process';

export const REQUIRED_TOOLS = [
  'pdfsig',
  'qpdf',
  'certutil',
  'pk12util',
  'openssl',
  'pdftotext',
] as const;

export function missingTools(): string[] {
  return REQUIRED_TOOLS.filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
  );
}

/**
 * Interop needs the Debian verifiers. Without them the suite is skipped locally, but under
 * CI=true it fails: a verifier that silently did not run proves nothing.
 */
export function requireTools(ctx: Mocha.Context): void {
  const missing = missingTools();
  if (missing.length === 0) return;
  const hint = `missing ${missing.join(', ')} (apt-get install -y poppler-utils qpdf libnss3-tools openssl)`;
  if (process.env.CI === 'true') throw new Error(`Interop verifiers not installed: ${hint}`);
  console.warn(`Skipping interop tests: ${hint}`);
  ctx.skip();
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], options: { input?: string } = {}): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: options.input, timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a tool and throws with its output unless it exits 0. */
export function runOk(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
  }
}
