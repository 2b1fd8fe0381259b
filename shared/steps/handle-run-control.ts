import { NotFoundError, TransientError } from '../domain/errors.ts';
import { cancelledError, cancelRun } from '../domain/run-ending.ts';
import { runControlMessageSchema, type RunControlMessage } from '../domain/run-control-message.ts';
import { decodeJsonMessage, type Delivery } from '../engine/delivery.ts';
import type { Deps } from '../engine/deps.ts';
import { commitRunChange } from '../engine/run-change.ts';

type ControlDeps = Pick<Deps, 'store' | 'outbox' | 'queue' | 'clock' | 'logger'>;

/**
 * Cancels a run (docs/architecture.md, "Cancellation"): it ends CANCELLED at once, in one commit
 * that publishes its outcome. Steps in flight stop at their next commit and change nothing (a
 * model request already sent stays counted: it was reserved when it was claimed); a
 * non-repeatable tool call already intended is settled by its next delivery, not abandoned; a
 * parked or waiting run simply ends. Cancelling an ended run changes nothing. Idempotent.
 * Throws NotFoundError when the run does not exist; TransientError instead (redelivered) when the
 * request says the run may not be written yet (`waitForRun`).
 */
export async function cancelRunNow(deps: ControlDeps, request: Pick<RunControlMessage, 'runId' | 'reason' | 'requestedBy' | 'waitForRun'>): Promise<void> {
  const found = await commitRunChange(deps, request.runId, async ({ run, now }) => {
    deps.logger.info('run cancelled', { runId: run.runId, requestedBy: request.requestedBy });
    return { transition: cancelRun(run, cancelledError(request.requestedBy, request.reason), now) };
  });
  if (found) return;
  if (request.waitForRun) throw new TransientError(`Run ${request.runId} is not written yet: its cancellation is retried until it is`);
  throw new NotFoundError(`Run ${request.runId} does not exist`, { metadata: { run: request.runId } });
}

/** Consumes agentline-run-control: today, cancellation requests. */
export function createRunControlHandler(deps: ControlDeps) {
  return async function handleRunControl(delivery: Delivery): Promise<void> {
    const message = decodeJsonMessage(delivery, runControlMessageSchema, `Run control message on ${delivery.source}`);
    await cancelRunNow(deps, message);
  };
}
