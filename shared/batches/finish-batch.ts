import type { BatchLane, BatchRecord } from '../domain/batches/batch-record.ts';
import type { OutboxMessage } from '../domain/step.ts';
import { toBatchJson } from './batch-view.ts';

/**
 * The batch once every lane is done and nothing more will be read: `SUCCEEDED`, or `CANCELLED`
 * after a cancel, with its outcome published on the run-results topic (docs/architecture.md,
 * "Batches"). Undefined while a lane still runs or waits, or the source is still being read.
 */
export function finishBatch(batch: BatchRecord, lanes: readonly BatchLane[], now: number): { batch: BatchRecord; message: OutboxMessage } | undefined {
  if (batch.state !== 'RUNNING' && batch.state !== 'CANCELLING') return undefined;
  if (batch.state === 'RUNNING' && !batch.fanOut.done) return undefined;
  if (lanes.length < batch.concurrency || lanes.some((lane) => !lane.done)) return undefined;
  const ended: BatchRecord = { ...batch, state: batch.state === 'CANCELLING' ? 'CANCELLED' : 'SUCCEEDED', updateTime: now, endTime: now };
  return { batch: ended, message: { topic: 'results', data: { batch: toBatchJson(ended, lanes) }, id: `results-batch-${batch.batchId}` } };
}
