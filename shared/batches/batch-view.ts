import type { BatchItem, BatchItemState, BatchLane, BatchRecord } from '../domain/batches/batch-record.ts';
import { toRfc3339 } from '../domain/run-view.ts';

/** List prices used for `estimatedCost` (USD per million tokens; Gemini 2.5 Flash's as of this writing). */
export const tokenPrices = { inputPerMillion: 0.3, outputPerMillion: 2.5 };

/** What the batch's ended items add up to: the sum over its lanes. */
export function batchTotals(batch: BatchRecord, lanes: readonly BatchLane[]) {
  const sum = (key: keyof BatchLane['totals']) => lanes.reduce((total, lane) => total + lane.totals[key], 0);
  const end = batch.endTime;
  return {
    succeeded: sum('succeeded'),
    failed: sum('failed'),
    cancelled: sum('cancelled'),
    promptTokenCount: sum('promptTokenCount'),
    candidatesTokenCount: sum('candidatesTokenCount'),
    totalTokenCount: sum('totalTokenCount'),
    modelRequests: sum('modelRequests'),
    ...(end !== undefined ? { durationSeconds: (end - batch.createTime) / 1000 } : {}),
    estimatedCostUsd: Number(((sum('promptTokenCount') * tokenPrices.inputPerMillion + sum('candidatesTokenCount') * tokenPrices.outputPerMillion) / 1e6).toFixed(6)),
  };
}

/** The Batch resource as the API returns it, with its live counts when given and its totals. */
export function toBatchJson(batch: BatchRecord, lanes: readonly BatchLane[], counts?: Record<BatchItemState, number>): Record<string, unknown> {
  return {
    name: `batches/${batch.batchId}`,
    batchId: batch.batchId,
    userId: batch.userId,
    agent: 'name' in batch.agent ? { name: batch.agent.name } : { name: batch.agent.fileName ?? 'inline' },
    state: batch.state,
    concurrency: batch.concurrency,
    ...(batch.itemCount !== undefined ? { itemCount: batch.itemCount } : {}),
    ...(counts ? { counts: toCounts(batch, counts) } : {}),
    totals: batchTotals(batch, lanes),
    error: batch.error,
    createTime: toRfc3339(batch.createTime),
    updateTime: toRfc3339(batch.updateTime),
    endTime: batch.endTime === undefined ? undefined : toRfc3339(batch.endTime),
  };
}

/** Live counts: items never started count as cancelled once the batch was cancelled. */
function toCounts(batch: BatchRecord, counts: Record<BatchItemState, number>) {
  const notStartedCancelled = batch.state === 'CANCELLED' || batch.state === 'CANCELLING';
  return {
    queued: notStartedCancelled ? 0 : counts.WAITING,
    running: counts.RUNNING,
    succeeded: counts.SUCCEEDED,
    failed: counts.FAILED,
    cancelled: counts.CANCELLED + (notStartedCancelled ? counts.WAITING : 0),
  };
}

/** One line of a batch's report: an item's outcome and output. */
export function toReportLine(batch: BatchRecord, item: BatchItem): Record<string, unknown> {
  const cancelledUnstarted = item.state === 'WAITING' && (batch.state === 'CANCELLED' || batch.state === 'CANCELLING');
  return {
    index: item.index,
    state: cancelledUnstarted ? 'CANCELLED' : item.state,
    run: item.runName,
    input: item.input,
    output: item.output,
    error: item.error,
    usage: item.usage,
    startTime: item.startTime === undefined ? undefined : toRfc3339(item.startTime),
    endTime: item.endTime === undefined ? undefined : toRfc3339(item.endTime),
  };
}
