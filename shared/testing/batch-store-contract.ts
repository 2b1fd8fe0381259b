import { describe, expect, it } from 'vitest';
import type { BatchItem, BatchRecord } from '../domain/batches/batch-record.ts';
import { newLane } from '../domain/batches/batch-runs.ts';
import type { BatchStore } from '../ports/batch-store.ts';

let counter = 0;
/** Ids unique per test so suites can share one database. */
const uniqueId = () => `b${Date.now().toString(16).padStart(12, '0')}${(counter++).toString(16).padStart(12, '0')}`.slice(0, 25);

function sampleBatch(batchId: string, overrides: Partial<BatchRecord> = {}): BatchRecord {
  return {
    schemaVersion: 1,
    batchId,
    userId: 'ada',
    agent: { configYaml: 'name: a\ninstruction: Hi.\n', fileName: 'a.yaml' },
    runConfig: { max_llm_calls: 3 },
    inputTemplate: 'Item {{ n }}',
    concurrency: 2,
    source: { items: [{ n: [1, [2]] }, 'two'] },
    state: 'RUNNING',
    fanOut: { nextIndex: 0, offset: 0, done: false },
    createTime: 1_000,
    updateTime: 1_000,
    ...overrides,
  };
}

const item = (index: number, state: BatchItem['state']): BatchItem => ({ schemaVersion: 1, index, state, input: `Item ${index}`, createTime: 2_000 });

/** What every BatchStore does: run in memory in unit tests and against Firestore (emulator) in integration tests. */
export function describeBatchStoreContract(name: string, createStore: () => BatchStore): void {
  describe(`BatchStore contract: ${name}`, () => {
    it('creates a batch once with its lanes, and reads it back whole, inside and outside transactions', async () => {
      const store = createStore();
      const batch = sampleBatch(uniqueId());
      await store.transact(async (tx) => {
        tx.createBatch(batch);
        tx.putLane(batch.batchId, newLane(0));
        tx.putLane(batch.batchId, { ...newLane(1), running: 1, next: 3 });
      });
      expect(await store.getBatch(batch.batchId)).toEqual(batch);
      await expect(store.transact(async (tx) => tx.createBatch(batch))).rejects.toThrow();
      expect(await store.transact((tx) => tx.getLanes(batch.batchId))).toEqual([newLane(0), { ...newLane(1), running: 1, next: 3 }]);
      expect(await store.listLanes(batch.batchId)).toEqual([newLane(0), { ...newLane(1), running: 1, next: 3 }]);
      expect(await store.transact((tx) => tx.getLane(batch.batchId, 1))).toEqual({ ...newLane(1), running: 1, next: 3 });
    });

    it('keeps items by index, reads them in a transaction, counts them by state and lists them a page at a time', async () => {
      const store = createStore();
      const batchId = uniqueId();
      await store.transact(async (tx) => {
        tx.createBatch(sampleBatch(batchId));
        for (const [index, state] of [[0, 'SUCCEEDED'], [1, 'RUNNING'], [2, 'WAITING'], [3, 'RUNNING'], [10, 'FAILED']] as const) tx.putItem(batchId, item(index, state));
      });
      expect(await store.transact((tx) => tx.getItems(batchId, [3, 4, 0]))).toEqual([item(3, 'RUNNING'), undefined, item(0, 'SUCCEEDED')]);
      expect(await store.countItems(batchId)).toEqual({ WAITING: 1, RUNNING: 2, SUCCEEDED: 1, FAILED: 1, CANCELLED: 0 });
      expect((await store.listItems(batchId, -1, 3)).map((listed) => listed.index)).toEqual([0, 1, 2]);
      expect((await store.listItems(batchId, 2, 3)).map((listed) => listed.index)).toEqual([3, 10]);
    });

    it("lists a user's batches newest first, a page at a time, and no other user's", async () => {
      const store = createStore();
      const user = `u${uniqueId()}`;
      const ids = [uniqueId(), uniqueId(), uniqueId()];
      await store.transact(async (tx) => {
        ids.forEach((batchId, index) => tx.createBatch(sampleBatch(batchId, { userId: user, createTime: 5_000 + index })));
        tx.createBatch(sampleBatch(uniqueId(), { userId: `${user}-other`, createTime: 9_000 }));
      });
      const first = await store.listBatchesPage({ userId: user, pageSize: 2 });
      expect(first.batches.map((batch) => batch.batchId)).toEqual([ids[2], ids[1]]);
      const rest = await store.listBatchesPage({ userId: user, pageSize: 2, ...(first.next ? { after: first.next } : {}) });
      expect(rest.batches.map((batch) => batch.batchId)).toEqual([ids[0]]);
      expect(rest.next).toBeUndefined();
    });
  });
}
