import type { BatchItem, BatchItemState, BatchLane, BatchRecord } from '../domain/batches/batch-record.ts';
import type { OutboxEntry } from '../domain/outbox.ts';

/** Reads before writes, as in Firestore; everything written commits together or not at all. */
export interface BatchTransaction {
  getBatch(batchId: string): Promise<BatchRecord | undefined>;
  /** Fails the transaction with AlreadyExistsError when the batch exists. */
  createBatch(batch: BatchRecord): void;
  putBatch(batch: BatchRecord): void;
  /** Every lane of the batch, by lane number. */
  getLanes(batchId: string): Promise<BatchLane[]>;
  getLane(batchId: string, lane: number): Promise<BatchLane | undefined>;
  putLane(batchId: string, lane: BatchLane): void;
  /** The items at these indexes, in the same order; undefined where none was written yet. */
  getItems(batchId: string, indexes: readonly number[]): Promise<(BatchItem | undefined)[]>;
  putItem(batchId: string, item: BatchItem): void;
  putOutbox(entry: OutboxEntry): void;
}

/** Batches, their lanes and items (docs/architecture.md, "Batches"): Firestore, or memory for unit tests. */
export interface BatchStore {
  transact<T>(work: (tx: BatchTransaction) => Promise<T>): Promise<T>;
  getBatch(batchId: string): Promise<BatchRecord | undefined>;
  /** Every lane of the batch, by lane number, read outside any transaction (views and reports: no lock against the lanes' writers). */
  listLanes(batchId: string): Promise<BatchLane[]>;
  /** A user's batches (everyone's for `userId` undefined), newest first, one indexed query per page. */
  listBatchesPage(query: { userId?: string; after?: [number, string]; pageSize: number }): Promise<{ batches: BatchRecord[]; next?: [number, string] }>;
  /** How many items are in each state: one count aggregation per state, however many items. */
  countItems(batchId: string): Promise<Record<BatchItemState, number>>;
  /** Items by index after `afterIndex`, at most `limit` (the report reads them a page at a time). */
  listItems(batchId: string, afterIndex: number, limit: number): Promise<BatchItem[]>;
}
