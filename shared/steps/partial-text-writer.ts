import { isTerminal } from '../domain/run.ts';
import { appendStream } from '../domain/run-stream.ts';
import { ownsAttempt } from '../domain/step-attempt.ts';
import type { Step } from '../domain/step.ts';
import type { Deps } from '../engine/deps.ts';
import type { ModelStreamObserver } from '../ports/model-client.ts';

/**
 * How partial text is batched: at most one write every `intervalMs`, one at a time, whatever has
 * arrived meanwhile — so a fast model costs no more run-document writes than a slow one.
 */
export const partialTextBatch = { intervalMs: 500 };

/**
 * Writes a streamed model answer's text to the run's event stream as `model.partial` records while
 * it arrives (docs/architecture.md, "Run events"): in batches, each one small transaction that
 * reads the run and the step and appends one record numbered from the run's `streamCount`, so a
 * token never costs a write. Only the attempt that owns the step writes, and never to an ended
 * run; writes stop for good once either is no longer so. Best effort: a failed write is logged and
 * ends the partials, never the attempt. The answer committed afterwards (`model.text`) stays the
 * durable record; partials of an attempt that then failed or died remain, marked with its attempt.
 */
export function createPartialTextWriter(deps: Pick<Deps, 'store' | 'clock' | 'logger'>, step: Step, batch = partialTextBatch): { observer: ModelStreamObserver; finish(): Promise<void> } {
  let buffer = '';
  let lastWrite = deps.clock.now();
  let index = 0;
  let stopped = false;
  let inFlight = false;
  let writes = Promise.resolve();

  const write = (text: string, chunk: number) =>
    deps.store.transact(async (tx) => {
      const run = await tx.getRun(step.runId);
      const current = await tx.getStep(step.runId, step.stepId);
      if (!run || isTerminal(run.state) || !current || !ownsAttempt(current, step.attempt)) {
        stopped = true;
        return;
      }
      const now = deps.clock.now();
      const appended = appendStream(run, run, [{ type: 'model.partial', stepId: step.stepId, data: { text, attempt: step.attempt, index: chunk } }], now);
      tx.putRun(appended.run);
      tx.putStreamRecords(run.runId, appended.records);
    });

  const flush = () => {
    if (stopped || buffer === '' || inFlight) return;
    const text = buffer;
    const chunk = index++;
    buffer = '';
    lastWrite = deps.clock.now();
    inFlight = true;
    writes = writes
      .then(() => (stopped ? undefined : write(text, chunk)))
      .catch((error: unknown) => {
        stopped = true;
        deps.logger.warn('could not write partial model text; the answer is still committed whole', { runId: step.runId, stepId: step.stepId, error: String(error) });
      })
      .finally(() => {
        inFlight = false;
      });
  };

  return {
    observer: {
      onText(text) {
        if (stopped) return;
        buffer += text;
        // Text waits while a write is in flight or the interval since the last has not passed.
        if (deps.clock.now() - lastWrite >= batch.intervalMs) flush();
      },
    },
    /** Writes what is still buffered and waits for every write, so partials precede the commit. */
    async finish() {
      await writes;
      flush();
      await writes;
    },
  };
}
