import { describe, expect, it } from 'vitest';
import { checkRunsRequest, describeListedRun, runIdOf, runRunsCommand } from './runs-command.ts';
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
    [[], /runs needs a command: agentline runs list\|get\|cancel\|watch/],
    [['stop', 'r1'], /Unknown runs command "stop"/],
    [['cancel'], /runs cancel takes exactly one run/],
    [['watch'], /runs watch takes exactly one run/],
    [['get', 'r1', 'r2'], /runs get takes exactly one run/],
    [['list', 'r1'], /runs list takes no run/],
    [['cancel', 'r1', '--timeout', '0'], /--timeout must be a whole number of seconds/],
    [['watch', 'r1', '--timeout', '5m'], /--timeout must be a whole number of seconds/],
    [['get', 'r1', '--reason', 'x'], /--reason is not an option of runs get/],
    [['watch', 'r1', '--filter', 'state = "FAILED"'], /--filter is not an option of runs watch/],
    [['list', '--page-size', '0'], /--page-size must be a whole number from 1 to 1000, got "0"/],
    [['list', '--page-size', 'ten'], /--page-size must be a whole number/],
    [['list', '--page-token', ''], /--page-token must not be empty/],
    [['list', '--filter', 'state = "FAILED" OR state = "RUNNING"'], /^--filter: .*OR/],
    [['list', '--filter', 'colour = "red"'], /^--filter: /],
    [['get', 'r1', '--user', 'ada/bob'], /"ada\/bob" is not a user id/],
    [['get', 'runs/'], /is not a run id/],
  ])('refuses %j before connecting to any stack, naming the option', async (args, message) => {
    const error = await runRunsCommand(args).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliUsageError);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    ['list', [], { filter: 'state = "FAILED" AND session_id = "s1"', 'page-size': '10', user: 'ada' }, { userId: 'ada' }],
    ['get', ['r1'], { user: 'ada' }, { userId: 'ada', name: 'runs/r1' }],
    ['cancel', ['runs/r1'], { user: 'ada', reason: 'no' }, { userId: 'ada', name: 'runs/r1', timeoutMs: 60_000 }],
    ['watch', ['r1'], { user: 'ada' }, { userId: 'ada', name: 'runs/r1', timeoutMs: 86_400_000 }],
    ['watch', ['r1'], { user: 'ada', timeout: '5' }, { userId: 'ada', name: 'runs/r1', timeoutMs: 5_000 }],
  ])('reads runs %s %j %j', (verb, positionals, values, request) => {
    expect(checkRunsRequest(verb, positionals, values)).toEqual(request);
  });

  it('lists a run on one line: name, state, creation, agent and any error code', () => {
    const run = { name: 'runs/r1', state: 'FAILED', createTime: '2026-11-21T09:30:00.120Z', agent: { name: 'calc.yaml' }, error: { code: 'LLM_CALLS_LIMIT_EXCEEDED', message: '…' } };
    expect(describeListedRun(run)).toBe('runs/r1  FAILED     2026-11-21T09:30:00.120Z  calc.yaml  LLM_CALLS_LIMIT_EXCEEDED');
  });
});
