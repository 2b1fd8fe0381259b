import { isTerminal, type Run } from '../shared/domain/run.ts';
import type { Step } from '../shared/domain/step.ts';
import type { Rejection, RunStore } from '../shared/ports/run-store.ts';

/**
 * Follows a run until it is terminal, writing one progress line per step state change. Resolves
 * with the terminal run; rejects after `timeoutMs`; stops, unsettled, when `signal` aborts.
 */
export function followRun(
  store: RunStore,
  runId: string,
  options: { timeoutMs: number; write: (line: string) => void; signal?: AbortSignal },
): Promise<Run> {
  const started = Date.now();
  const seen = new Map<string, string>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`Run ${runId} did not finish within ${Math.round(options.timeoutMs / 1000)} s (see runs/${runId} in Firestore)`));
    }, options.timeoutMs);
    const report = (steps: Step[]) => {
      for (const step of steps) {
        const key = `${step.state}/${step.attempt}`;
        if (seen.get(step.stepId) === key) continue;
        seen.set(step.stepId, key);
        if (step.state !== 'PENDING' || step.lastError) options.write(describeStep(step, Date.now() - started));
      }
    };
    let waitingReported: string | undefined;
    const stop = store.watchRun(runId, (run, steps) => {
      report(steps);
      // A parked run can wait a long time: say why, once per reason.
      const waiting = run?.state === 'WAITING' && run.waitingReason ? `${run.waitingReason.code}: ${run.waitingReason.message}` : undefined;
      if (waiting && waiting !== waitingReported) options.write(`[+${((Date.now() - started) / 1000).toFixed(2)}s] run WAITING (${waiting})`);
      waitingReported = waiting;
      if (run && isTerminal(run.state)) {
        clearTimeout(timer);
        stop();
        // The run and its steps are watched separately; read the steps once more so the last
        // step's line is not lost to a run update that arrived first.
        store.listSteps(runId).then(report, () => {}).finally(() => resolve(run));
      }
    });
    // Aborting stops following (the caller has its answer elsewhere); the promise stays pending.
    options.signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      stop();
    });
  });
}

/**
 * Follows a submitted run as `followRun` does, and also watches for the submission's rejection
 * (a refused token, an unreadable message), which never becomes a run: whichever comes first.
 */
export async function followRunOrRejection(
  store: RunStore,
  runId: string,
  messageId: string,
  options: { timeoutMs: number; write: (line: string) => void; pollMs?: number },
): Promise<{ run: Run } | { rejection: Rejection }> {
  const stop = new AbortController();
  const rejected = (async (): Promise<{ rejection: Rejection }> => {
    for (;;) {
      const rejection = await store.getRejection(messageId);
      if (rejection) return { rejection };
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
      if (stop.signal.aborted) return new Promise(() => {});
    }
  })();
  try {
    return await Promise.race([followRun(store, runId, { ...options, signal: stop.signal }).then((run) => ({ run })), rejected]);
  } finally {
    stop.abort();
  }
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
