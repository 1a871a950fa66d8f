import type { CliCommand } from '../command.js';

export const adminCommands: Record<string, CliCommand> = {};
