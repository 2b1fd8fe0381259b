import { parseArgs } from 'node:util';
import { topicForOutbox } from '../infra/topology.ts';
import { PubSubStepQueue } from '../shared/adapters/pubsub/pubsub-step-queue.ts';
import { NotFoundError } from '../shared/domain/errors.ts';
import { runCancelOutboxMessage } from '../shared/domain/run-control-message.ts';
import { isTerminal, type Run } from '../shared/domain/run.ts';
import { toRunView } from '../shared/domain/run-view.ts';
import { connectToStack, type StackConnection } from './connect-to-stack.ts';
import { followRun } from './follow-run.ts';
import { CliUsageError } from './usage.ts';
import { parseTimeoutSeconds } from './cli-options.ts';
import { cliUserId } from './cli-user.ts';

/** `agentline runs cancel <run> [--reason <text>] [--user <id>] [--timeout <seconds>] [--json]`. */
export async function runRunsCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  if (verb !== 'cancel') throw new CliUsageError(verb === undefined ? 'runs needs a command: agentline runs cancel <run>' : `Unknown runs command "${verb}"`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: { reason: { type: 'string' }, user: { type: 'string' }, timeout: { type: 'string', default: '60' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new CliUsageError('runs cancel takes exactly one run: agentline runs cancel <run id | runs/<run id>>');
  const timeoutMs = parseTimeoutSeconds(values.timeout) * 1000;
  const requestedBy = cliUserId(values.user);
  const runId = runIdOf(positionals[0]!);
  const write = (line: string) => process.stderr.write(`${line}\n`);
  const stack = await connectToStack({ fallbackReplay: undefined, write });
  try {
    const run = await cancelRun(stack, runId, { reason: values.reason, requestedBy, timeoutMs, write });
    if (values.json) process.stdout.write(`${JSON.stringify(toRunView(run, await stack.deps.callbacks.getCallback(runId)), null, 2)}\n`);
    return run.state === 'CANCELLED' ? 0 : 1;
  } finally {
    await stack.close();
  }
}

/** `runs/r123` or `r123` → `r123`. */
export function runIdOf(argument: string): string {
  const runId = argument.replace(/^runs\//, '');
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(runId)) throw new CliUsageError(`"${argument}" is not a run id (r… or runs/r…)`);
  return runId;
}

/**
 * Asks the stack to cancel a run — a message on agentline-run-control, as any client of the
 * deployed system would send it — and waits until the run has ended. Resolves with the ended run
 * (CANCELLED, or the state it had already ended in); throws NotFoundError for an unknown run.
 */
export async function cancelRun(
  stack: Pick<StackConnection, 'deps'>,
  runId: string,
  options: { reason?: string | undefined; requestedBy?: string | undefined; timeoutMs: number; write: (line: string) => void },
): Promise<Run> {
  const run = await stack.deps.store.getRun(runId);
  if (!run) throw new NotFoundError(`Run ${runId} does not exist`);
  if (isTerminal(run.state)) {
    options.write(`run ${runId} had already ended ${run.state}; nothing to cancel`);
    return run;
  }
  const request = { runId, ...(options.reason ? { reason: options.reason } : {}), ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}) };
  await new PubSubStepQueue(stack.deps.pubsub, topicForOutbox).publish([runCancelOutboxMessage(request, `cli-${Date.now()}`)]);
  options.write(`cancellation of run ${runId} requested`);
  const ended = await followRun(stack.deps.store, runId, { timeoutMs: options.timeoutMs, write: options.write });
  options.write(`run ${runId} ${ended.state}${ended.error ? ` (${ended.error.code}: ${ended.error.message})` : ''}`);
  return ended;
}
