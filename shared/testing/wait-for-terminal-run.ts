import { isTerminal, type Run } from '../domain/run.ts';
import type { RunStore } from '../ports/run-store.ts';

/** Polls until `done` holds for the run; throws naming its state after `timeoutMs`. */
export async function waitForRun(store: Pick<RunStore, 'getRun'>, runId: string, done: (run: Run) => boolean, timeoutMs = 30_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await store.getRun(runId);
    if (run && done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${run?.state ?? 'missing'} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls until the run is terminal; throws naming its state after `timeoutMs`. */
export function waitForTerminalRun(store: Pick<RunStore, 'getRun'>, runId: string, timeoutMs = 30_000): Promise<Run> {
  return waitForRun(store, runId, (run) => isTerminal(run.state), timeoutMs);
}
