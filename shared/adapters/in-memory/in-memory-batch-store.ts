import { batchItemSchema, batchItemStateSchema, batchLaneSchema, batchRecordSchema, type BatchItem, type BatchItemState, type BatchLane, type BatchRecord } from '../../domain/batches/batch-record.ts';
import { outboxEntrySchema, type OutboxEntry } from '../../domain/outbox.ts';
import { recordExpireTime } from '../../domain/retention.ts';
import type { BatchStore, BatchTransaction } from '../../ports/batch-store.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { testRetention } from './in-memory-run-store.ts';
import type { InMemoryDocuments, InMemoryTransactionState } from './in-memory-documents.ts';

/** BatchStore over in-memory documents, with Firestore's transaction rules (in-memory-documents.ts). */
export class InMemoryBatchStore implements BatchStore {
  readonly #documents: InMemoryDocuments;

  constructor(documents: InMemoryDocuments) {
    this.#documents = documents;
  }

  async transact<T>(work: (tx: BatchTransaction) => Promise<T>): Promise<T> {
    return (await this.#documents.runTransaction((state) => work(new InMemoryBatchTransaction(state)))).result;
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    const value = this.#documents.get(paths.batch(batchId));
    return value === undefined ? undefined : batchRecordSchema.parse(value);
  }

  async listLanes(batchId: string): Promise<BatchLane[]> {
    return this.#documents
      .listChildren(paths.batchLanes(batchId))
      .map((value) => batchLaneSchema.parse(value))
      .sort((a, b) => a.lane - b.lane);
  }

  async listBatchesPage(query: { userId?: string; after?: [number, string]; pageSize: number }): Promise<{ batches: BatchRecord[]; next?: [number, string] }> {
    const after = query.after;
    const all = this.#documents
      .listChildren(paths.batches)
      .map((value) => batchRecordSchema.parse(value))
      .filter((batch) => query.userId === undefined || batch.userId === query.userId)
      .sort((a, b) => b.createTime - a.createTime || (a.batchId < b.batchId ? 1 : -1))
      .filter((batch) => !after || batch.createTime < after[0] || (batch.createTime === after[0] && batch.batchId < after[1]));
    const batches = all.slice(0, query.pageSize);
    const last = batches.at(-1);
    return { batches, ...(all.length > query.pageSize && last ? { next: [last.createTime, last.batchId] as [number, string] } : {}) };
  }

  async countItems(batchId: string): Promise<Record<BatchItemState, number>> {
    const counts = Object.fromEntries(batchItemStateSchema.options.map((state) => [state, 0])) as Record<BatchItemState, number>;
    for (const item of this.#items(batchId)) counts[item.state] += 1;
    return counts;
  }

  async listItems(batchId: string, afterIndex: number, limit: number): Promise<BatchItem[]> {
    return this.#items(batchId)
      .filter((item) => item.index > afterIndex)
      .slice(0, limit);
  }

  #items(batchId: string): BatchItem[] {
    return this.#documents.listChildren(paths.batchItems(batchId)).map((value) => batchItemSchema.parse(value));
  }
}

export class InMemoryBatchTransaction implements BatchTransaction {
  readonly #state: InMemoryTransactionState;

  constructor(state: InMemoryTransactionState) {
    this.#state = state;
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    const value = this.#state.read(paths.batch(batchId));
    return value === undefined ? undefined : batchRecordSchema.parse(value);
  }

  createBatch(batch: BatchRecord): void {
    this.#state.write(paths.batch(batch.batchId), batchRecordSchema.parse(batch), true);
  }

  putBatch(batch: BatchRecord): void {
    this.#state.write(paths.batch(batch.batchId), batchRecordSchema.parse(batch));
  }

  async getLanes(batchId: string): Promise<BatchLane[]> {
    const batch = await this.getBatch(batchId);
    if (!batch) return [];
    const lanes = await Promise.all(Array.from({ length: batch.concurrency }, (_, lane) => this.getLane(batchId, lane)));
    return lanes.filter((lane) => lane !== undefined);
  }

  async getLane(batchId: string, lane: number): Promise<BatchLane | undefined> {
    const value = this.#state.read(paths.batchLane(batchId, lane));
    return value === undefined ? undefined : batchLaneSchema.parse(value);
  }

  putLane(batchId: string, lane: BatchLane): void {
    this.#state.write(paths.batchLane(batchId, lane.lane), batchLaneSchema.parse(lane));
  }

  async getItems(batchId: string, indexes: readonly number[]): Promise<(BatchItem | undefined)[]> {
    return indexes.map((index) => {
      const value = this.#state.read(paths.batchItem(batchId, index));
      return value === undefined ? undefined : batchItemSchema.parse(value);
    });
  }

  putItem(batchId: string, item: BatchItem): void {
    this.#state.write(paths.batchItem(batchId, item.index), batchItemSchema.parse(item));
  }

  putOutbox(entry: OutboxEntry): void {
    this.#state.write(paths.outbox(entry.id), { ...outboxEntrySchema.parse(entry), expireTime: recordExpireTime(entry.createTime, testRetention) });
  }
}
