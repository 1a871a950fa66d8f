import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Raised for bad arguments: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {}

export interface CliCommand {
  /** One line shown by `eoffice help`. */
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number | void>;
}

/** parseArgs with strict checking; unknown or malformed options become a UsageError. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function requireOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`Missing --${name}`);
  return value;
}
