import { advanceLane, batchItemOf, newLane } from '../domain/batches/batch-runs.ts';
import { newBatchRecord, sourceRefusal } from '../domain/batches/batch-spec.ts';
import { batchMessageSchema, fanOutChunkItems, fanOutMessage, type BatchCreation } from '../domain/batches/batch-messages.ts';
import type { BatchItem, BatchLane, BatchRecord } from '../domain/batches/batch-record.ts';
import { isBatchEnded } from '../domain/batches/batch-record.ts';
import { AgentlineError } from '../domain/errors.ts';
import type { RunError } from '../domain/run.ts';
import type { SourceChunk, SourcePosition } from '../ports/batch-source.ts';
import { outboxEntryOf } from '../domain/outbox.ts';
import type { OutboxMessage } from '../domain/step.ts';
import { publishCommitted } from '../engine/dispatch-outbox.ts';
import { decodeJsonMessage, type Delivery } from '../engine/delivery.ts';
import type { BatchDeps } from './batch-deps.ts';
import { batchEndMessages, finishBatch } from './finish-batch.ts';

/** Creates the batch a message carries, with its lanes, unless it exists: a repeat creates nothing. */
async function createCarriedBatch(deps: BatchDeps, batchId: string, create: BatchCreation): Promise<void> {
  const batch = newBatchRecord(create.spec, { batchId, userId: create.userId, agent: create.agent, now: create.createTime });
  await deps.batches.transact(async (tx) => {
    if (await tx.getBatch(batchId)) return;
    tx.createBatch(batch);
    for (let lane = 0; lane < batch.concurrency; lane += 1) tx.putLane(batchId, newLane(lane));
  });
}

/**
 * `fanOutBatch` (docs/architecture.md, "Batches"): reads the next chunk of the batch's source
 * after where the fan-out committed, and in one transaction writes its items, starts the idle
 * lanes whose next item it brought, moves the fan-out on and puts the next chunk's message in the
 * outbox. A fan-out killed anywhere is redelivered (or re-driven by the sweeper from the outbox)
 * and reads from the committed position again; a repeat of a chunk already committed finds the
 * position moved and does nothing — so no item is written or started twice, and none is skipped.
 */
export function createFanOutBatchHandler(deps: BatchDeps) {
  return async function fanOutBatch(delivery: Delivery): Promise<void> {
    const { batchId, create } = decodeJsonMessage(delivery, batchMessageSchema, `Batch fan-out on ${delivery.source}`);
    if (create && !(await deps.batches.getBatch(batchId))) await createCarriedBatch(deps, batchId, create);
    const batch = await deps.batches.getBatch(batchId);
    if (!batch || batch.fanOut.done || isBatchEnded(batch.state)) return;
    const chunk: Chunk = batch.state === 'RUNNING' ? await readChunk(deps, batch) : nothingMore(batch);
    const now = deps.clock.now();
    const messages = await deps.batches.transact(async (tx) => {
      const current = await tx.getBatch(batchId);
      if (!current || current.fanOut.done || current.fanOut.nextIndex !== batch.fanOut.nextIndex || isBatchEnded(current.state)) return [];
      // Cancelled meanwhile: nothing more is read, and the lanes decide the end.
      const read = current.state === 'RUNNING' ? chunk : nothingMore(current);
      const failure = read.error;
      const items = new Map<number, BatchItem>(read.items.map((source, offset) => [current.fanOut.nextIndex + offset, batchItemOf(current, current.fanOut.nextIndex + offset, source, now)]));
      const advanced: BatchRecord = {
        ...current,
        fanOut: { nextIndex: read.next.index, offset: read.next.offset, done: read.done, ...(read.next.generation ? { generation: read.next.generation } : {}) },
        ...(read.done ? { itemCount: read.next.index } : {}),
        ...(failure ? { state: 'FAILED' as const, error: failure, endTime: now } : {}),
        updateTime: now,
      };
      const lanes = await tx.getLanes(batchId);
      const readItem = async (index: number) => items.get(index) ?? (index < current.fanOut.nextIndex ? (await tx.getItems(batchId, [index]))[0] : undefined);
      const out: OutboxMessage[] = [];
      const movedLanes: BatchLane[] = [];
      for (const lane of lanes) {
        const moved = await advanceLane(failure ? { ...advanced, state: 'CANCELLING' } : advanced, lane, readItem, now);
        movedLanes.push(moved.lane);
        if (moved.started) {
          items.set(moved.started.item.index, moved.started.item);
          out.push(moved.started.message);
        }
      }
      // Items that cannot become runs end here: their lane's totals count them as failed.
      for (const item of read.items.keys()) {
        const index = current.fanOut.nextIndex + item;
        if (items.get(index)?.state !== 'FAILED') continue;
        const lane = movedLanes.find((candidate) => candidate.lane === index % current.concurrency);
        if (lane) lane.totals = { ...lane.totals, failed: lane.totals.failed + 1 };
      }
      const finished = failure ? undefined : finishBatch(advanced, movedLanes, now);
      if (!read.done && advanced.state === 'RUNNING') out.push(fanOutMessage(batchId, read.next.index));
      if (finished) out.push(...finished.messages);
      // A source that cannot be read ends the batch FAILED at once: reported now, with the totals
      // so far (its items already running finish after it, and start nothing more).
      if (failure) out.push(...batchEndMessages(advanced, movedLanes));
      for (const item of items.values()) tx.putItem(batchId, item);
      for (const lane of movedLanes) tx.putLane(batchId, lane);
      tx.putBatch(finished?.batch ?? advanced);
      for (const message of out) tx.putOutbox(outboxEntryOf(message, now));
      return out;
    });
    await publishCommitted(deps, messages).catch((error: unknown) => deps.logger.warn('publishing a batch fan-out failed; the sweeper will publish it', { batchId, error: String(error) }));
  };
}

type Chunk = SourceChunk & { error?: RunError };

/** Nothing more is read: the fan-out ends where it is. */
function nothingMore(batch: BatchRecord): Chunk {
  return { items: [], next: positionOf(batch), done: true };
}

/** The next chunk; a source that cannot be read ends the fan-out with the batch FAILED, naming why. */
async function readChunk(deps: BatchDeps, batch: BatchRecord): Promise<Chunk> {
  // Written before a rule changed (a schedule's batch, say), a source may no longer be readable for its user.
  const refusal = 'items' in batch.source ? undefined : sourceRefusal(batch.source, batch.userId, deps.batchPolicy);
  if (refusal) return { ...nothingMore(batch), error: { code: 'SOURCE_UNREADABLE', message: `The batch's source cannot be read for its user: ${refusal}` } };
  try {
    return await deps.readSource(batch.source, positionOf(batch), fanOutChunkItems);
  } catch (error) {
    if (!(error instanceof AgentlineError) || error.retryable) throw error;
    return { ...nothingMore(batch), error: { code: error.code, message: error.message } };
  }
}

function positionOf(batch: BatchRecord): SourcePosition {
  const { nextIndex: index, offset, generation } = batch.fanOut;
  return { index, offset, ...(generation ? { generation } : {}) };
}
