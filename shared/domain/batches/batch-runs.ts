import { outboxIdOf } from '../outbox.ts';
import { isTerminal, type Run } from '../run.ts';
import type { OutboxMessage } from '../step.ts';
import { deriveRunId, type Submission } from '../submission.ts';
import { parseInputTemplate, renderInputTemplate } from '../triggers/input-template.ts';
import type { BatchItem, BatchLane, BatchRecord } from './batch-record.ts';

/** A new lane: it starts item `lane` first. */
export function newLane(lane: number): BatchLane {
  return { schemaVersion: 1, lane, next: lane, done: false, totals: { succeeded: 0, failed: 0, cancelled: 0, promptTokenCount: 0, candidatesTokenCount: 0, totalTokenCount: 0, modelRequests: 0 } };
}

/**
 * An item of the source as it is stored: `WAITING` with the run's input (the template over the
 * item's JSON; without a template a string item is the input, another its JSON), or `FAILED`
 * naming why it cannot become a run (it then starts nothing).
 */
export function batchItemOf(batch: BatchRecord, index: number, source: { value: unknown } | { error: string }, now: number): BatchItem {
  const failed = (message: string): BatchItem => ({ schemaVersion: 1, index, state: 'FAILED', error: { code: 'INVALID_ITEM', message }, createTime: now, endTime: now });
  if ('error' in source) return failed(source.error);
  let input: string;
  if (batch.inputTemplate !== undefined) {
    const rendered = renderInputTemplate(parseInputTemplate(batch.inputTemplate), source.value);
    if (!rendered.ok) return failed(`item ${index}: {{ ${rendered.path} }} ${rendered.problem}`);
    input = rendered.text;
  } else {
    input = typeof source.value === 'string' ? source.value : JSON.stringify(source.value);
  }
  if (input.length === 0 || input.length > 200_000) return failed(`item ${index}: the input must be 1-200000 characters, not ${input.length}`);
  return { schemaVersion: 1, index, state: 'WAITING', input, createTime: now };
}

/** The id of item `index`'s run: derived from (batch, index), as its submission derives it. */
export function batchItemRunId(batch: Pick<BatchRecord, 'batchId' | 'userId'>, index: number): string {
  return deriveRunId({ idempotencyKey: batchItemKey(batch, index), userId: batch.userId, topic: 'trusted' }, '');
}

function batchItemKey(batch: Pick<BatchRecord, 'batchId'>, index: number): string {
  return `batch:${batch.batchId}:${index}`;
}

/**
 * The run of item `index`: a trusted submission for the batch's user whose id derives from
 * (batch, index), so a fan-out or lane re-driven after a crash names the same run and never
 * starts a second one.
 */
export function batchItemRun(batch: BatchRecord, index: number, input: string): { runName: string; message: OutboxMessage } {
  const idempotencyKey = batchItemKey(batch, index);
  const submission: Submission = {
    schemaVersion: 1,
    agent: batch.agent,
    input,
    ...(batch.runConfig ? { runConfig: batch.runConfig } : {}),
    userId: batch.userId,
    idempotencyKey,
    batch: { batchId: batch.batchId, index },
  };
  return { runName: `runs/${batchItemRunId(batch, index)}`, message: { topic: 'trusted-submissions', data: submission, id: outboxIdOf('batch-run', batch.batchId, String(index)) } };
}

/**
 * Moves an idle lane on (docs/architecture.md, "Batches"): from `lane.next`, over items that
 * cannot run (FAILED at fan-out), to the first WAITING item, which it starts; it waits at an item
 * not read from the source yet, and is done past the last item or once the batch is no longer
 * RUNNING. `readItem` reads inside the caller's transaction, before any write.
 */
export async function advanceLane(
  batch: BatchRecord,
  lane: BatchLane,
  readItem: (index: number) => Promise<BatchItem | undefined>,
  now: number,
): Promise<{ lane: BatchLane; started?: { item: BatchItem; message: OutboxMessage } }> {
  if (lane.running !== undefined || lane.done) return { lane };
  for (let index = lane.next; ; index += batch.concurrency) {
    if (batch.state !== 'RUNNING' || (batch.itemCount !== undefined && index >= batch.itemCount)) return { lane: { ...lane, next: index, done: true } };
    const item = await readItem(index);
    if (!item) return { lane: { ...lane, next: index } };
    if (item.state !== 'WAITING') continue;
    const run = batchItemRun(batch, index, item.input ?? '');
    return {
      lane: { ...lane, next: index + batch.concurrency, running: index },
      started: { item: { ...item, state: 'RUNNING', runName: run.runName, startTime: now }, message: run.message },
    };
  }
}

/** The item and its lane once its run has ended: the outcome recorded, the lane's totals added to. */
export function endBatchItem(item: BatchItem, lane: BatchLane, run: Run, now: number): { item: BatchItem; lane: BatchLane } {
  if (!isTerminal(run.state)) throw new Error(`run ${run.runId} has not ended`);
  const state = run.state === 'SUCCEEDED' ? 'SUCCEEDED' : run.state === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
  const usage = {
    promptTokenCount: run.usage.promptTokenCount ?? 0,
    candidatesTokenCount: run.usage.candidatesTokenCount ?? 0,
    totalTokenCount: run.usage.totalTokenCount ?? 0,
    modelRequests: run.llmCallCount,
  };
  const totals = { ...lane.totals };
  totals[state === 'SUCCEEDED' ? 'succeeded' : state === 'CANCELLED' ? 'cancelled' : 'failed'] += 1;
  for (const key of ['promptTokenCount', 'candidatesTokenCount', 'totalTokenCount', 'modelRequests'] as const) totals[key] += usage[key];
  const { running: _running, ...idle } = lane;
  return {
    item: { ...item, state, ...(run.output ? { output: run.output.text } : {}), ...(run.error ? { error: run.error } : {}), usage, endTime: run.endTime ?? now },
    lane: lane.running === item.index ? { ...idle, totals } : { ...lane, totals },
  };
}
