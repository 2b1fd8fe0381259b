import { parseArgs } from 'node:util';
import { runAgentsCommand } from './agents-command.ts';
import { runCallbacksCommand } from './callbacks-command.ts';
import { runDevCommand } from './dev-command.ts';
import { runRunCommand } from './run-command.ts';
import { runRunsCommand } from './runs-command.ts';
import { runSchedulesCommand } from './schedules-command.ts';
import { runBatchesCommand } from './batches-command.ts';
import { runMigrateCommand } from './migrate-command.ts';
import { runToolsCommand } from './tools-command.ts';
import { CliUsageError, usage } from './usage.ts';

/** `agentline <command> ...`: exits with the command's status; usage errors exit 2. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'dev':
      return runDevCommand(parseArgs({ args: rest, options: { port: { type: 'string' } }, strict: true }).values);
    case 'run': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: {
          input: { type: 'string', short: 'i' },
          'input-file': { type: 'string' },
          'run-config': { type: 'string' },
          session: { type: 'string' },
          callback: { type: 'string' },
          user: { type: 'string' },
          json: { type: 'boolean', default: false },
          timeout: { type: 'string', default: '300' },
          'fallback-replay': { type: 'string' },
          file: { type: 'string', short: 'f', multiple: true },
          'save-files': { type: 'string' },
        },
      });
      return runRunCommand(positionals, values);
    }
    case 'agents':
      return runAgentsCommand(rest);
    case 'runs':
      return runRunsCommand(rest);
    case 'batches':
      return runBatchesCommand(rest);
    case 'schedules':
      return runSchedulesCommand(rest);
    case 'migrate':
      parseArgs({ args: rest, options: {}, strict: true });
      return runMigrateCommand();
    case 'callbacks':
      return runCallbacksCommand(rest);
    case 'tools':
      return runToolsCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      throw new CliUsageError(`Unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const isUsage = error instanceof CliUsageError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`agentline: ${(error as Error).message ?? String(error)}\n`);
    if (isUsage) process.stderr.write(usage);
    process.exitCode = isUsage ? 2 : 1;
  },
);
