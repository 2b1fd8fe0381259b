import { callbackOutboxMessage } from '../domain/callback.ts';
import type { BatchLane, BatchRecord } from '../domain/batches/batch-record.ts';
import type { OutboxMessage } from '../domain/step.ts';
import { toBatchJson } from './batch-view.ts';

/**
 * The batch once every lane is done and nothing more will be read: `SUCCEEDED`, or `CANCELLED`
 * after a cancel, with the messages that report its end (`batchEndMessages`). Undefined while a
 * lane still runs or waits, or the source is still being read.
 */
export function finishBatch(batch: BatchRecord, lanes: readonly BatchLane[], now: number): { batch: BatchRecord; messages: OutboxMessage[] } | undefined {
  if (batch.state !== 'RUNNING' && batch.state !== 'CANCELLING') return undefined;
  if (batch.state === 'RUNNING' && !batch.fanOut.done) return undefined;
  if (lanes.length < batch.concurrency || lanes.some((lane) => !lane.done)) return undefined;
  const ended: BatchRecord = { ...batch, state: batch.state === 'CANCELLING' ? 'CANCELLED' : 'SUCCEEDED', updateTime: now, endTime: now };
  return { batch: ended, messages: batchEndMessages(ended, lanes) };
}

/**
 * What reports a batch's end, in the commit that ends it (docs/architecture.md, "Batches"): its
 * outcome on the run-results topic and, when it names one, its signed callback.
 */
export function batchEndMessages(ended: BatchRecord, lanes: readonly BatchLane[]): OutboxMessage[] {
  const results: OutboxMessage = { topic: 'results', data: { batch: toBatchJson(ended, lanes) }, id: `results-batch-${ended.batchId}` };
  return ended.callback ? [results, callbackOutboxMessage({ kind: 'batch', id: ended.batchId })] : [results];
}
