import { SigningError } from '../signing/errors.js';
import { UsageError, type CliCommand } from './command.js';
import { pkiCommands } from './commands/pki.js';
import { signingCommands } from './commands/signing.js';
import { adminCommands } from './commands/admin.js';
import { auditCommands } from './commands/audit.js';

const commands: Record<string, CliCommand> = {
  ...adminCommands,
  ...pkiCommands,
  ...signingCommands,
  ...auditCommands,
};

function printHelp(): void {
  console.log('Usage: npm run eoffice -- <command> [options]\n\nCommands:');
  for (const [name, cmd] of Object.entries(commands).sort()) {
    console.log(`  ${name.padEnd(14)} ${cmd.summary}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help') {
    printHelp();
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}". Run "npm run eoffice -- help" for the list.`);
    return 2;
  }
  try {
    return (await command.run(rest)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\nUsage: npm run eoffice -- ${command.usage}`);
      return 2;
    }
    // People read this: the typed sentence and code, never a stack trace.
    if (err instanceof SigningError) console.error(`Lỗi: ${err.describe('vi')}\nError: ${err.en}`);
    else console.error(`Lỗi / Error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`Lỗi / Error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
