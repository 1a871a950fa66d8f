import { existsSync } from 'node:fs';

/*
 * The limits a converter run on an untrusted file works under (LibreOffice on a DOCX, pdftoppm and
 * Tesseract on a scan): util-linux's prlimit caps its address space, CPU time and the size of any
 * file it writes, so a hostile file can't take the machine's memory or disk whatever the tool
 * does with it. The limits pass to everything the child starts (soffice.bin under soffice).
 */
const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));
export const CHILD_MAX_MEMORY = 2 * 1024 * 1024 * 1024;
export const CHILD_MAX_FILE = 256 * 1024 * 1024;

/** The command line that runs `command args` under the limits (as it is where prlimit is missing). */
export function underLimits(
  command: string,
  args: string[],
  timeoutMs: number,
): { command: string; args: string[] } {
  if (!PRLIMIT) return { command, args };
  return {
    command: PRLIMIT,
    args: [
      `--as=${CHILD_MAX_MEMORY}`,
      `--cpu=${Math.ceil(timeoutMs / 1000)}`,
      `--fsize=${CHILD_MAX_FILE}`,
      '--',
      command,
      ...args,
    ],
  };
}

/**
 * Whether `command` can be started: a path that exists, or a name found on PATH. Under prlimit a
 * missing command is prlimit's failure, not spawn's ENOENT, so callers ask first.
 */
export function commandExists(command: string, searchPath = process.env.PATH ?? ''): boolean {
  if (command.includes('/')) return existsSync(command);
  return searchPath.split(':').some((dir) => dir !== '' && existsSync(`${dir}/${command}`));
}
