import type { CliCommand } from '../command.js';

export const signingCommands: Record<string, CliCommand> = {};
