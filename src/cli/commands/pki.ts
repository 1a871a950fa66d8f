import type { CliCommand } from '../command.js';

export const pkiCommands: Record<string, CliCommand> = {};
