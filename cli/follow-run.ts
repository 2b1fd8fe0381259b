import type { Step } from '../shared/domain/step.ts';
import type { RunStore } from '../shared/ports/run-store.ts';
import { ApiError, type ApiClient } from './api-client.ts';

/** A run as the runs API answers it (its view: README.md, "The CLI"). */
export type RunView = Record<string, unknown> & { name: string; state: string; error?: { code: string; message: string } };

const endedStates = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** The command that shows a run in full: every run-related failure the CLI prints names it. */
export function seeRun(name: string): string {
  return `agentline runs get ${name}`;
}

/** A failure while following or acting on a run, its message naming the command that shows more. */
export class RunCommandError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'RunCommandError';
  }
}

/** `error` (kept as the cause) with a message that names the command showing the run `name`. */
export function namingRun(error: unknown, name: string): unknown {
  if (!(error instanceof Error) || error.message.includes(seeRun(name))) return error;
  // A run the caller may not see, or that does not exist: `runs get` would only say so again.
  const hidden = error instanceof ApiError && (error.httpStatus === 403 || error.httpStatus === 404);
  return new RunCommandError(`${error.message}; ${hidden ? 'agentline runs list shows your runs' : `${seeRun(name)} shows more`}`, { cause: error });
}

/**
 * Waits through the runs API until the run has ended, with `:wait` long-polls (at most 30 s
 * each, so a lost connection is noticed) until `deadline` (epoch ms). Resolves with the ended
 * run; throws when the deadline passes first, naming the run. A run just created is its
 * creator's at once (the API's owner claim), so nothing here waits for it to be written.
 */
export async function waitForRunEnd(api: ApiClient, name: string, options: { deadline: number }): Promise<RunView> {
  for (;;) {
    const remainingMs = options.deadline - Date.now();
    if (remainingMs <= 0) throw new Error(`${name} did not end within the --timeout; ${seeRun(name)} shows it now`);
    const run = (await api.call('GET', `${name}:wait`, { query: { timeout: `${Math.min(30, Math.ceil(remainingMs / 1000))}s` } })) as RunView;
    if (endedStates.has(run.state)) return run;
  }
}

/**
 * Writes one progress line per step state change of a run, and why it waits, read from the
 * local stack's store (the runs API has no step listing). `stop` writes the last step's line,
 * which may arrive after the run ended, and stops watching.
 */
export function reportProgress(store: RunStore, runId: string, write: (line: string) => void): { stop(): Promise<void> } {
  const started = Date.now();
  const seen = new Map<string, string>();
  const report = (steps: Step[]) => {
    for (const step of steps) {
      const key = `${step.state}/${step.attempt}`;
      if (seen.get(step.stepId) === key) continue;
      seen.set(step.stepId, key);
      if (step.state !== 'PENDING' || step.lastError) write(describeStep(step, Date.now() - started));
    }
  };
  let waitingReported: string | undefined;
  const unsubscribe = store.watchRun(runId, (run, steps) => {
    report(steps);
    // A parked run can wait a long time: say why, once per reason.
    const waiting = run?.state === 'WAITING' && run.waitingReason ? `${run.waitingReason.code}: ${run.waitingReason.message}` : undefined;
    if (waiting && waiting !== waitingReported) write(`[+${((Date.now() - started) / 1000).toFixed(2)}s] run WAITING (${waiting})`);
    waitingReported = waiting;
  });
  return {
    async stop() {
      unsubscribe();
      // The run and its steps are watched separately; read the steps once more so the last
      // step's line is not lost to a run update that arrived first.
      await store.listSteps(runId).then(report, () => {});
    },
  };
}

/** `[+1.23s] 0-model-0  model  SUCCEEDED  812 ms  2 function calls` */
export function describeStep(step: Step, elapsedMs: number): string {
  const parts = [`[+${(elapsedMs / 1000).toFixed(2)}s]`, step.stepId.padEnd(10), step.kind.padEnd(6)];
  if (step.kind === 'tool' && step.input) parts.push(step.input.functionCall.name);
  parts.push(step.state);
  if (step.attempt > 1) parts.push(`attempt ${step.attempt}`);
  const durationMs = step.result?.['durationMs'];
  if (typeof durationMs === 'number') parts.push(`${durationMs} ms`);
  const calls = step.result?.['functionCallCount'];
  if (typeof calls === 'number' && calls > 0) parts.push(`${calls} function call${calls === 1 ? '' : 's'}`);
  if (step.lastError) parts.push(`(${step.lastError.code}: ${step.lastError.message})`);
  return parts.join('  ');
}

/**
 * The run's outcome as `run` and `runs watch` print it: a summary line and any error on stderr
 * (the error naming the command that shows more), the answer on stdout — or, with `json`, only
 * the run's view on stdout. Returns the exit status: 0 only when the run SUCCEEDED.
 */
export function printOutcome(run: RunView, json: boolean | undefined): number {
  if (json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  else {
    const usage = run['usage'] as { totalTokenCount?: number } | undefined;
    process.stderr.write(`run ${run.name.replace(/^runs\//, '')} ${run.state}: ${Number(run['llmCallCount'] ?? 0)} model requests, ${usage?.totalTokenCount ?? 0} tokens\n`);
    if (run.error) process.stderr.write(`error ${run.error.code}: ${run.error.message} (${seeRun(run.name)} shows more)\n`);
    const output = run['output'] as { text?: string } | undefined;
    if (output?.text !== undefined) process.stdout.write(`${output.text}\n`);
  }
  if (run.state !== 'SUCCEEDED' && json) process.stderr.write(`${run.name} ${run.state} (${seeRun(run.name)} shows more)\n`);
  return run.state === 'SUCCEEDED' ? 0 : 1;
}
