import { AggregateField, FieldPath, Timestamp, type DocumentSnapshot, type Firestore } from '@google-cloud/firestore';
import { batchItemSchema, batchItemStateSchema, batchLaneSchema, batchRecordSchema, type BatchItem, type BatchItemState, type BatchLane, type BatchRecord } from '../../domain/batches/batch-record.ts';
import { outboxEntrySchema, type OutboxEntry } from '../../domain/outbox.ts';
import { recordExpireTime, type RetentionPolicy } from '../../domain/retention.ts';
import type { BatchStore, BatchTransaction } from '../../ports/batch-store.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { codecs, fromFirestore, toFirestore } from './firestore-codec.ts';
import { FirestoreTransactionScope, runFirestoreTransaction } from './run-firestore-transaction.ts';

// The source's inline items and the agent are arbitrary JSON (arrays in arrays): kept as JSON text.
const batchCodec = { jsonFields: ['source', 'agent', 'runConfig'] };

const readBatch = (snapshot: DocumentSnapshot) => (snapshot.exists ? batchRecordSchema.parse(fromFirestore(snapshot.data()!, batchCodec)) : undefined);
const readLane = (snapshot: DocumentSnapshot) => (snapshot.exists ? batchLaneSchema.parse(snapshot.data()) : undefined);
const readItem = (snapshot: DocumentSnapshot) => (snapshot.exists ? batchItemSchema.parse(fromFirestore(snapshot.data()!, codecs.plain)) : undefined);

/** BatchStore on Firestore (or its emulator). */
export class FirestoreBatchStore implements BatchStore {
  readonly #db: Firestore;
  readonly #retention: RetentionPolicy;

  /** `retention` stamps the outbox entries its transactions write, as the run store does. */
  constructor(db: Firestore, retention: RetentionPolicy) {
    this.#db = db;
    this.#retention = retention;
  }

  transact<T>(work: (tx: BatchTransaction) => Promise<T>): Promise<T> {
    return runFirestoreTransaction(this.#db, (transaction) => new FirestoreBatchTransaction(this.#db, transaction, this.#retention), work);
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    return readBatch(await this.#db.doc(paths.batch(batchId)).get());
  }

  async listLanes(batchId: string): Promise<BatchLane[]> {
    const snapshot = await this.#db.collection(paths.batchLanes(batchId)).get();
    return snapshot.docs.map((doc) => readLane(doc)!).sort((a, b) => a.lane - b.lane);
  }

  /** `userId` equality, `createTime desc, __name__ desc`: the composite index in infra/firestore.indexes.json. */
  async listBatchesPage(query: { userId?: string; after?: [number, string]; pageSize: number }): Promise<{ batches: BatchRecord[]; next?: [number, string] }> {
    let select = this.#db.collection(paths.batches).orderBy('createTime', 'desc').orderBy(FieldPath.documentId(), 'desc');
    if (query.userId !== undefined) select = select.where('userId', '==', query.userId);
    if (query.after) select = select.startAfter(Timestamp.fromMillis(query.after[0]), this.#db.doc(paths.batch(query.after[1])));
    const snapshot = await select.limit(query.pageSize + 1).get();
    const batches = snapshot.docs.slice(0, query.pageSize).map((doc) => readBatch(doc)!);
    const last = batches.at(-1);
    return { batches, ...(snapshot.size > query.pageSize && last ? { next: [last.createTime, last.batchId] as [number, string] } : {}) };
  }

  async countItems(batchId: string): Promise<Record<BatchItemState, number>> {
    const items = this.#db.collection(paths.batchItems(batchId));
    const counts = await Promise.all(
      batchItemStateSchema.options.map(async (state) => [state, (await items.where('state', '==', state).aggregate({ count: AggregateField.count() }).get()).data().count] as const),
    );
    return Object.fromEntries(counts) as Record<BatchItemState, number>;
  }

  async listItems(batchId: string, afterIndex: number, limit: number): Promise<BatchItem[]> {
    const snapshot = await this.#db.collection(paths.batchItems(batchId)).orderBy('index').startAfter(afterIndex).limit(limit).get();
    return snapshot.docs.map((doc) => readItem(doc)!);
  }
}

export class FirestoreBatchTransaction extends FirestoreTransactionScope implements BatchTransaction {
  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    return readBatch(await this.transaction.get(this.db.doc(paths.batch(batchId))));
  }

  createBatch(batch: BatchRecord): void {
    this.transaction.create(this.db.doc(paths.batch(batch.batchId)), toFirestore(batchRecordSchema.parse(batch), batchCodec));
  }

  putBatch(batch: BatchRecord): void {
    this.transaction.set(this.db.doc(paths.batch(batch.batchId)), toFirestore(batchRecordSchema.parse(batch), batchCodec));
  }

  async getLanes(batchId: string): Promise<BatchLane[]> {
    const snapshot = await this.transaction.get(this.db.collection(paths.batchLanes(batchId)));
    return snapshot.docs.map((doc) => readLane(doc)!).sort((a, b) => a.lane - b.lane);
  }

  async getLane(batchId: string, lane: number): Promise<BatchLane | undefined> {
    return readLane(await this.transaction.get(this.db.doc(paths.batchLane(batchId, lane))));
  }

  putLane(batchId: string, lane: BatchLane): void {
    this.transaction.set(this.db.doc(paths.batchLane(batchId, lane.lane)), batchLaneSchema.parse(lane));
  }

  async getItems(batchId: string, indexes: readonly number[]): Promise<(BatchItem | undefined)[]> {
    if (indexes.length === 0) return [];
    const snapshots = await this.transaction.getAll(...indexes.map((index) => this.db.doc(paths.batchItem(batchId, index))));
    return snapshots.map(readItem);
  }

  putItem(batchId: string, item: BatchItem): void {
    this.transaction.set(this.db.doc(paths.batchItem(batchId, item.index)), toFirestore(batchItemSchema.parse(item), codecs.plain));
  }

  putOutbox(entry: OutboxEntry): void {
    const data = { ...outboxEntrySchema.parse(entry), expireTime: recordExpireTime(entry.createTime, this.retention) };
    this.transaction.set(this.db.doc(paths.outbox(entry.id)), toFirestore(data, codecs.outbox));
  }
}
