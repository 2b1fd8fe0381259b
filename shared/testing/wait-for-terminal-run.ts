import { isTerminal, type Run } from '../domain/run.ts';
import type { RunStore } from '../ports/run-store.ts';

/** Polls until the run is terminal; throws naming its state after `timeoutMs`. */
export async function waitForTerminalRun(store: Pick<RunStore, 'getRun'>, runId: string, timeoutMs = 30_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await store.getRun(runId);
    if (run && isTerminal(run.state)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${run?.state ?? 'missing'} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
