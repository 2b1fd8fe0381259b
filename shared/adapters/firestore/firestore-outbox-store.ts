import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { outboxEntrySchema, type OutboxEntry } from '../../domain/outbox.ts';
import type { OutboxStore } from '../../ports/outbox-store.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { codecs, fromFirestore } from './firestore-codec.ts';
import { readDocument } from './firestore-run-transaction.ts';

/** OutboxStore on Firestore: `outbox/{id}`, written by run and registry transactions. */
export class FirestoreOutboxStore implements OutboxStore {
  readonly #db: Firestore;

  constructor(db: Firestore) {
    this.#db = db;
  }

  async listDue(before: number, limit: number): Promise<OutboxEntry[]> {
    const snapshot = await this.#db.collection(paths.outboxEntries).where('dueTime', '<=', Timestamp.fromMillis(before)).orderBy('dueTime').limit(limit).get();
    return snapshot.docs.map((doc) => outboxEntrySchema.parse(fromFirestore(doc.data(), codecs.outbox)));
  }

  async get(ids: readonly string[]): Promise<(OutboxEntry | undefined)[]> {
    if (ids.length === 0) return [];
    const snapshots = await this.#db.getAll(...ids.map((id) => this.#db.doc(paths.outbox(id))));
    return snapshots.map((snapshot) => readDocument(snapshot, outboxEntrySchema, codecs.outbox));
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const batch = this.#db.batch();
    for (const id of ids) batch.delete(this.#db.doc(paths.outbox(id)));
    await batch.commit();
  }
}
