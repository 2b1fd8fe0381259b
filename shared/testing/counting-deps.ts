import type { Step } from '../domain/step.ts';
import type { JoinClaim, RunStore, RunTransaction } from '../ports/run-store.ts';
import type { OutboxStore } from '../ports/outbox-store.ts';
import type { StepQueue } from '../ports/step-queue.ts';
import type { BatchStore, BatchTransaction } from '../ports/batch-store.ts';
import type { Deps } from '../engine/deps.ts';
import { pubsubMinimumBilledBytes, type OperationCounts } from './operation-counts.ts';

/**
 * Wraps a pipeline's ports so every Firestore document read and write, every transaction and
 * every Pub/Sub message the step handlers cause is counted in `counts` (for the startLocalStack
 * `decorate` option). Counts follow Firestore's billing: a point read of a missing document and a
 * query with no results each cost one read.
 */
export function countOperations(counts: OperationCounts): (deps: Deps) => Deps {
  return (deps) => ({
    ...deps,
    store: countingStore(deps.store, counts),
    outbox: countingOutbox(deps.outbox, counts),
    queue: countingQueue(deps.queue, counts),
  });
}

export function countMessage(counts: OperationCounts, data: unknown, delivered: boolean): void {
  const bytes = Buffer.byteLength(JSON.stringify(data));
  const billed = Math.max(pubsubMinimumBilledBytes, bytes);
  counts.pubsubMessages += 1;
  counts.pubsubBytes += bytes;
  counts.pubsubBilledBytes += billed;
  if (delivered) {
    counts.pubsubDeliveries += 1;
    counts.pubsubBilledBytes += billed;
  }
}

function countingQueue(queue: StepQueue, counts: OperationCounts): StepQueue {
  return {
    async publish(messages) {
      await queue.publish(messages);
      for (const message of messages) countMessage(counts, message.data, message.topic !== 'results');
    },
  };
}

function countingStore(store: RunStore, counts: OperationCounts): RunStore {
  const reads = (n: number) => void (counts.documentReads += Math.max(1, n));
  const writes = (n: number) => void (counts.documentWrites += n);
  const counted: Partial<RunStore> = {
    async transact(work) {
      counts.transactions += 1;
      let attempts = 0;
      let kinds = new Set<WriteKind>();
      try {
        return await store.transact((tx) => {
          if (attempts++ > 0) counts.transactionRetries += 1;
          kinds = new Set();
          return work(countingTransaction(tx, reads, (n, kind) => (writes(n), kinds.add(kind))));
        });
      } catch (error) {
        kinds = new Set(); // a failed transaction wrote nothing
        throw error;
      } finally {
        // A model claim also writes the run (the budget reservation): the RUNNING step decides.
        if (kinds.has('claim')) counts.claimTransactions += 1;
        else if (kinds.has('commit')) counts.commitTransactions += 1;
        else counts.otherTransactions += 1;
      }
    },
    async getRun(runId) {
      reads(1);
      return store.getRun(runId);
    },
    async getSteps(runId, stepIds) {
      if (stepIds.length > 0) reads(stepIds.length);
      return store.getSteps(runId, stepIds);
    },
    async listSteps(runId) {
      const steps = await store.listSteps(runId);
      reads(steps.length);
      return steps;
    },
    async listEvents(runId) {
      const events = await store.listEvents(runId);
      reads(events.length);
      return events;
    },
    async getConversation(runId) {
      reads(1);
      return store.getConversation(runId);
    },
    async claimJoin(runId, turn, claimedBy, now) {
      writes(1);
      const claim: JoinClaim = await store.claimJoin(runId, turn, claimedBy, now);
      // A losing claimant's create failed and it read the winner's record.
      if (claim.claimedBy !== claimedBy) reads(1);
      return claim;
    },
    async listSessionHistory(userId, sessionId, window) {
      // One query; the window bounds it to `maxRuns` documents (a run's count is not visible here).
      reads(1);
      return store.listSessionHistory(userId, sessionId, window);
    },
    async listDueSteps(before, limit) {
      const steps = await store.listDueSteps(before, limit);
      reads(steps.length);
      return steps;
    },
    async listRunsPastDeadline(now, limit) {
      const runs = await store.listRunsPastDeadline(now, limit);
      reads(runs.length);
      return runs;
    },
  };
  // Methods are bound to the real store: adapters keep state in private fields.
  return new Proxy(store, {
    get(target, property) {
      const override = counted[property as keyof RunStore];
      if (override) return override;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** What a write inside a transaction does to the run: moves it on, claims an attempt, or hands one back. */
type WriteKind = 'commit' | 'claim' | 'release';

function stepWriteKind(step: Step): WriteKind {
  if (step.state === 'RUNNING') return 'claim';
  return step.state === 'PENDING' ? 'release' : 'commit';
}

function countingTransaction(
  tx: RunTransaction,
  reads: (n: number) => void,
  written: (n: number, kind: WriteKind) => void,
): RunTransaction {
  const writes = (n: number) => written(n, 'commit');
  return {
    getRun: (runId) => (reads(1), tx.getRun(runId)),
    getStep: (runId, stepId) => (reads(1), tx.getStep(runId, stepId)),
    getJoin: (runId, turn) => (reads(1), tx.getJoin(runId, turn)),
    getConversation: (runId) => (reads(1), tx.getConversation(runId)),
    getAgentLifecycle: (agentName) => (reads(1), tx.getAgentLifecycle(agentName)),
    createRun: (run) => (writes(1), tx.createRun(run)),
    putRun: (run) => (writes(1), tx.putRun(run)),
    createStep: (step) => (writes(1), tx.createStep(step)),
    putStep: (step) => (written(1, stepWriteKind(step)), tx.putStep(step)),
    putJoin: (join) => (writes(1), tx.putJoin(join)),
    putEvents: (runId, events) => (writes(events.length), tx.putEvents(runId, events)),
    putStreamRecords: (runId, records) => (writes(records.length), tx.putStreamRecords(runId, records)),
    putConversation: (checkpoint) => (writes(1), tx.putConversation(checkpoint)),
    putOutbox: (entry) => (writes(1), tx.putOutbox(entry)),
    putSessionEntry: (entry) => (writes(1), tx.putSessionEntry(entry)),
    putMemory: (memory) => (writes(1), tx.putMemory(memory)),
  };
}

function countingOutbox(outbox: OutboxStore, counts: OperationCounts): OutboxStore {
  return {
    async listDue(before, limit) {
      const entries = await outbox.listDue(before, limit);
      counts.documentReads += Math.max(1, entries.length);
      return entries;
    },
    async get(ids) {
      counts.documentReads += ids.length;
      return outbox.get(ids);
    },
    async delete(ids) {
      counts.documentWrites += ids.length;
      return outbox.delete(ids);
    },
  };
}

/**
 * Wraps the batch store so the documents its transactions read and write (batches, lanes, items,
 * their outbox entries) are counted in `counts`: the batch workers' and the create's bookkeeping.
 * Reads outside transactions (views, reports) are not: they are what a caller polls, not what an
 * item costs.
 */
export function countBatchTransactions(store: BatchStore, counts: OperationCounts): BatchStore {
  return {
    getBatch: (batchId) => store.getBatch(batchId),
    listLanes: (batchId) => store.listLanes(batchId),
    listBatchesPage: (query) => store.listBatchesPage(query),
    countItems: (batchId) => store.countItems(batchId),
    listItems: (batchId, afterIndex, limit) => store.listItems(batchId, afterIndex, limit),
    async transact(work) {
      counts.transactions += 1;
      let attempts = 0;
      return store.transact((tx) => {
        if (attempts++ > 0) counts.transactionRetries += 1;
        return work(countingBatchTransaction(tx, counts));
      });
    },
  };
}

function countingBatchTransaction(tx: BatchTransaction, counts: OperationCounts): BatchTransaction {
  const reads = (n: number) => void (counts.documentReads += Math.max(1, n));
  const writes = () => void (counts.documentWrites += 1);
  return {
    getBatch: (batchId) => (reads(1), tx.getBatch(batchId)),
    createBatch: (batch) => (writes(), tx.createBatch(batch)),
    putBatch: (batch) => (writes(), tx.putBatch(batch)),
    getLanes: async (batchId) => {
      const lanes = await tx.getLanes(batchId);
      reads(lanes.length);
      return lanes;
    },
    getLane: (batchId, lane) => (reads(1), tx.getLane(batchId, lane)),
    putLane: (batchId, lane) => (writes(), tx.putLane(batchId, lane)),
    getItems: (batchId, indexes) => (indexes.length > 0 && reads(indexes.length), tx.getItems(batchId, indexes)),
    putItem: (batchId, item) => (writes(), tx.putItem(batchId, item)),
    putOutbox: (entry) => (writes(), tx.putOutbox(entry)),
  };
}
