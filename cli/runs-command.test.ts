import { describe, expect, it } from 'vitest';
import { runIdOf, runRunsCommand } from './runs-command.ts';
import { CliUsageError } from './usage.ts';

describe('agentline runs', () => {
  it.each([
    ['r3c5a1', 'r3c5a1'],
    ['runs/r3c5a1', 'r3c5a1'],
  ])('reads the run %j as %j', (argument, runId) => {
    expect(runIdOf(argument)).toBe(runId);
  });

  it.each(['runs/', 'projects/p/runs/r1', 'r 1', ''])('refuses %j as a run, naming the forms it takes', (argument) => {
    expect(() => runIdOf(argument)).toThrow(/is not a run id \(r… or runs\/r…\)/);
  });

  it.each([
    [[], /runs needs a command/],
    [['stop', 'r1'], /Unknown runs command "stop"/],
    [['cancel'], /exactly one run/],
    [['cancel', 'r1', '--timeout', '0'], /--timeout must be a whole number of seconds/],
  ])('refuses %j before connecting to any stack', async (args, message) => {
    const error = await runRunsCommand(args).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliUsageError);
    expect((error as Error).message).toMatch(message);
  });
});
