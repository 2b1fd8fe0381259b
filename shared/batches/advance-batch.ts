import { z } from 'zod';
import { isBatchEnded } from '../domain/batches/batch-record.ts';
import { advanceLane, endBatchItem } from '../domain/batches/batch-runs.ts';
import { outboxEntryOf } from '../domain/outbox.ts';
import { isTerminal } from '../domain/run.ts';
import type { OutboxMessage } from '../domain/step.ts';
import { publishCommitted } from '../engine/dispatch-outbox.ts';
import { decodeJsonMessage, type Delivery } from '../engine/delivery.ts';
import type { BatchDeps } from './batch-deps.ts';
import { finishBatch } from './finish-batch.ts';

const batchItemMessageSchema = z.strictObject({ runId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

/**
 * `advanceBatch` (docs/architecture.md, "Batches"), on a batch item's run ending: in one
 * transaction records the item's outcome, adds it to its lane's totals and moves the lane on to
 * its next item (starting it through the outbox), and ends the batch when that was the last lane
 * running. Only the lane's document and the item's are written, never a document every item
 * touches. A run whose batch or item does not name it back (a submission that claimed a batch not
 * its own) changes nothing; a repeat finds the item ended.
 */
export function createAdvanceBatchHandler(deps: BatchDeps) {
  return async function advanceBatch(delivery: Delivery): Promise<void> {
    const { runId } = decodeJsonMessage(delivery, batchItemMessageSchema, `Batch item on ${delivery.source}`);
    const run = await deps.runs.getRun(runId);
    if (!run?.batch || !isTerminal(run.state)) return;
    const { batchId, index } = run.batch;
    const now = deps.clock.now();
    const messages = await deps.batches.transact(async (tx) => {
      const batch = await tx.getBatch(batchId);
      if (!batch || batch.userId !== run.userId) return [];
      const [item] = await tx.getItems(batchId, [index]);
      if (!item || item.runName !== `runs/${runId}` || item.state !== 'RUNNING') return [];
      const lane = await tx.getLane(batchId, index % batch.concurrency);
      if (!lane) return [];
      const ended = endBatchItem(item, lane, run, now);
      const view = isBatchEnded(batch.state) ? { ...batch, state: 'CANCELLING' as const } : batch;
      const moved = await advanceLane(view, ended.lane, async (next) => (await tx.getItems(batchId, [next]))[0], now);
      const out: OutboxMessage[] = moved.started ? [moved.started.message] : [];
      let finished: ReturnType<typeof finishBatch>;
      if (moved.lane.done && !isBatchEnded(batch.state)) {
        const lanes = (await tx.getLanes(batchId)).map((other) => (other.lane === moved.lane.lane ? moved.lane : other));
        finished = finishBatch(batch, lanes, now);
        if (finished) out.push(...finished.messages);
      }
      tx.putItem(batchId, ended.item);
      if (moved.started) tx.putItem(batchId, moved.started.item);
      tx.putLane(batchId, moved.lane);
      if (finished) tx.putBatch(finished.batch);
      for (const message of out) tx.putOutbox(outboxEntryOf(message, now));
      return out;
    });
    await publishCommitted(deps, messages).catch((error: unknown) => deps.logger.warn('publishing a batch step failed; the sweeper will publish it', { batchId, error: String(error) }));
  };
}
